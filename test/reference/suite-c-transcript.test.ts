// Suite C (issue 6): the same console-tool session, four ways.
//
//   (a) Kafka's tools (4.x) on Apache Kafka 4.x        (b) Kafka's tools on mq's broker
//   (c) mq's tools on Apache Kafka 4.x                 (d) mq's tools on mq's broker
//
// Every step's exit code and stdout are recorded (stderr where it means something), normalised for
// what must differ (ids, ports; see suite-c/transcript.ts), then the four transcripts must be equal
// except for the deliberate differences listed below. A failure prints unified diffs against (a).
// Skipped unless MQ_REFERENCE=1.

import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestBroker, type TestBroker } from '../helpers/broker.js';
import { REFERENCE_DIR, REPO_ROOT, startKafka, type KafkaCluster } from './kafka.js';
import { cleanBroker, runScenario, type Step, type Transcript } from './suite-c/scenario.js';
import { kafkaTools, mqTools, type ToolSet } from './suite-c/tools.js';
import { deleteOffsetsTo39, membersVerboseTo39, resetTo39, stateTo39 } from './suite-c/legacy-tables.js';
import { normaliseTranscript, renderRaw, renderTranscript, sortTableRows, unifiedDiff } from './suite-c/transcript.js';

type Side = 'kafka' | 'mq';
interface Run {
  key: 'a' | 'b' | 'c' | 'd';
  tools: Side;
  broker: Side;
}

/**
 * Deliberate differences: the only places where the four transcripts may differ. Each entry
 * rewrites a (normalised) step of the runs it concerns into one canonical form, says why, and
 * quotes README.md's "Differences from Kafka's tools" line for it (the test warns when it is missing).
 */
interface Deliberate {
  id: string;
  reason: string;
  /** text README.md's "Differences from Kafka's tools" must contain (one line of it, verbatim) */
  readme: string;
  apply(step: Step, run: Run): Step;
}

const onTools = (side: Side, fn: (s: Step) => Step) => (s: Step, run: Run): Step => (run.tools === side ? fn(s) : s);
const onBroker = (side: Side, fn: (s: Step) => Step) => (s: Step, run: Run): Step => (run.broker === side ? fn(s) : s);
const onSteps = (ids: string[], fn: (s: Step, run: Run) => Step) => (s: Step, run: Run): Step => (ids.includes(s.id) ? fn(s, run) : s);
const dropLines = (text: string, re: RegExp): string => text.split('\n').filter((l) => !re.test(l)).join('\n');

export const DELIBERATE_DIFFERENCES: Deliberate[] = [
  {
    id: 'kafka-4-notices',
    reason:
      "Kafka 4.x's tools warn about the pre-KIP-1147 option names (--property, --consumer-property) on stdout, and the " +
      'console consumer advertises KIP-848 on stderr. mq takes the old and the new names (both in Kafka 3.9 and 4.x ' +
      'scripts) without a warning, so stdout holds only the data.',
    readme:
      '- The pre-KIP-1147 option names (`--property`, `--consumer-property`, `--producer-property`, …) are taken without the ' +
      'deprecation warning Kafka 4.x prints on stdout (nor its KIP-848 notice on stderr); the new names work too.',
    apply: onTools('kafka', (s) => ({
      ...s,
      stdout: dropLines(s.stdout, /^(Warning: )?(Option )?--[\w.-]+ is deprecated and will be removed in a future version\. Use --[\w.-]+ instead\.$/),
      stderr: dropLines(s.stderr, /^The consumer rebalance protocol \(KIP-848\) is production-ready!/),
    })),
  },
  {
    id: 'topics-errors-on-stderr',
    reason:
      'mq-topics prints `Error while executing topic command : <message>` on stderr (exit 1, same text); Kafka prints it on ' +
      'stdout and the stack trace on stderr. Errors on stderr keep stdout parseable. Canonical form: the line on stdout.',
    readme: '- Errors are one line on **stderr** (Kafka prints some on stdout, e.g. `Error while executing topic',
    apply: onTools('mq', (s) =>
      s.tool !== 'topics' || s.code === 0
        ? s
        : { ...s, stdout: s.stdout + s.stderr.split('\n').filter((l) => l.startsWith('Error while executing topic command : ')).map((l) => l + '\n').join('') },
    ),
  },
  {
    id: 'no-cluster-min-isr',
    reason:
      'A Kafka 4.1+ broker with eligible leader replicas keeps a cluster-wide min.insync.replicas=1 that shows in every ' +
      "topic's `Configs:`; mq's single-node broker has no ELR and does not.",
    readme: "- Topics do not show Kafka 4.1+'s cluster-wide `min.insync.replicas=1` in `Configs:`.",
    apply: (s, run) => {
      if (s.tool !== 'topics' || run.broker !== 'kafka') return s;
      return { ...s, stdout: s.stdout.replace(/(\tConfigs: )min\.insync\.replicas=1(,|$)/gm, '$1') };
    },
  },
  {
    id: 'no-offsets-topic',
    reason:
      "mq's broker keeps committed offsets in groups/offsets.log, not in an internal __consumer_offsets topic, so topic lists " +
      'never show it (Kafka creates it with the first group).',
    readme: '- Committed offsets live in `groups/offsets.log`, not in a `__consumer_offsets` topic, so topic lists never show it.',
    apply: onBroker('kafka', (s) => {
      if (s.tool !== 'topics' || !s.args.includes('--list')) return s;
      // Kafka's list holding only __consumer_offsets becomes the list of no topics: one empty line, as Kafka prints it.
      const stdout = dropLines(s.stdout, /^__consumer_offsets$/);
      return { ...s, stdout: stdout === '' ? '\n' : stdout };
    }),
  },
  {
    id: 'failures-exit-non-zero',
    reason:
      "Kafka's consumer-groups exits 0 after printing `Error: …` (a reset refused for an active group, a group that does not " +
      'exist); mq exits 1 on every failure, so scripts can test $?.',
    readme: "- Exits 1 after printing Kafka's text for a missing group, an active group on reset, a failed",
    apply: onSteps(['groups.reset.dry-run.active', 'groups.describe.deleted'], (s) => ({ ...s, code: s.code === 0 || s.code === 1 ? 1 : s.code })),
  },
  {
    id: 'group-not-found-3.9-text',
    reason:
      "Describing a group that does not exist: Kafka 4.x's tool on a 4.x broker gets GROUP_ID_NOT_FOUND (KIP-1043) and prints " +
      '`Error: Executing consumer group command failed due to org.apache.kafka.common.errors.GroupIdNotFoundException: ' +
      "Group g not found.` plus a stack trace; mq prints Kafka 3.9's `Error: Consumer group 'g' does not exist.` (and so do " +
      "Kafka's tools on mq's broker, which answers DescribeGroups up to v5 with state Dead).",
    readme:
      "- A group that does not exist is `Error: Consumer group 'g' does not exist.` (Kafka 3.9's text; Kafka 4.x on a 4.x " +
      'broker prints `Executing consumer group command failed due to ...GroupIdNotFoundException: Group g not found.`).',
    apply: onSteps(['groups.describe.deleted'], (s) => ({
      ...s,
      stdout: s.stdout.replace(
        /^Error: Executing consumer group command failed due to org\.apache\.kafka\.common\.errors\.GroupIdNotFoundException: Group (.*) not found\.$/m,
        "Error: Consumer group '$1' does not exist.",
      ),
    })),
  },
  {
    id: 'consumer-groups-3.9-layout',
    reason:
      "mq's consumer-groups prints Kafka 3.9 / 4.0's layouts, which Kafka 4.1+ changed: --describe --state (GROUP width, " +
      "STATE width 15, '' not '-' for an Empty group's strategy), --members --verbose (ASSIGNMENT `t(0,1)` instead of " +
      'KIP-1099\'s CURRENT-EPOCH/CURRENT-ASSIGNMENT `t:0,1`/TARGET-* columns), the --reset-offsets table (30/30/10/15 ' +
      'columns) and --delete-offsets (`Request succeed for deleting offsets with topic t group g`, 30/15/15 columns). ' +
      "The same fields in the same order; Kafka's 4.1+ output is rewritten into that layout (suite-c/legacy-tables.ts).",
    readme: "- Tables follow Kafka 3.9 / 4.0 and always end with a newline; rows are sorted where Kafka's order is",
    apply: onTools('kafka', (s) => {
      if (s.tool !== 'consumer-groups') return s;
      if (s.args.includes('--state')) return { ...s, stdout: stateTo39(s.stdout) };
      if (s.args.includes('--members') && s.args.includes('--verbose')) return { ...s, stdout: membersVerboseTo39(s.stdout) };
      if (s.args.includes('--reset-offsets')) return { ...s, stdout: resetTo39(s.stdout) };
      if (s.args.includes('--delete-offsets')) {
        const topics = s.args.filter((_a, i) => s.args[i - 1] === '--topic');
        return { ...s, stdout: deleteOffsetsTo39(s.stdout, topics) };
      }
      return s;
    }),
  },
  {
    id: 'groups-errors-on-stderr',
    reason:
      "mq-consumer-groups prints Kafka's per-group `Error: …` blocks (a missing group, an active group on reset, failed " +
      "deletions) on stderr, so stdout holds only the tables; Kafka's ConsumerGroupCommand prints them on stdout. Canonical " +
      "form: Kafka's, the block on stdout before the table.",
    readme: "- Kafka's per-group `Error: …` lines (a missing group on `--describe`, an active group or a missing",
    apply: onTools('mq', (s) =>
      !['groups.reset.dry-run.active', 'groups.describe.deleted'].includes(s.id) ? s : { ...s, stdout: s.stderr + s.stdout, stderr: '' },
    ),
  },
];

// ---------------------------------------------------------------------------------------------

/** The same server.properties values the reference harness gives Kafka, where mq's broker has them. */
const MQ_BROKER_SETTINGS: Record<string, string> = {
  'num.partitions': '1',
  'log.retention.hours': '168',
  'log.segment.bytes': '1073741824',
  'log.retention.check.interval.ms': '300000',
  'group.initial.rebalance.delay.ms': '0',
};

const OUT_DIR = join(REFERENCE_DIR, '..', 'suite-c');

describe.skipIf(!process.env.MQ_REFERENCE)('suite C: one transcript, four ways', () => {
  let kafka: KafkaCluster;
  const transcripts = new Map<Run['key'], { run: Run; t: Transcript }>();

  beforeAll(async () => {
    mkdirSync(OUT_DIR, { recursive: true });
    kafka = await startKafka({ version: '4', nodes: 1 });
  });

  afterAll(async () => {
    await kafka?.stop();
  });

  const toolSet = (s: Side): ToolSet => (s === 'kafka' ? kafkaTools : mqTools);

  async function record(run: Run, bootstrap: string): Promise<void> {
    await cleanBroker(bootstrap);
    const label = `(${run.key}) ${run.tools} tools on ${run.broker} broker`;
    const t = await runScenario({ label, tools: toolSet(run.tools), bootstrap });
    transcripts.set(run.key, { run, t });
    writeFileSync(join(OUT_DIR, `${run.key}-raw.txt`), renderRaw(t));
    writeFileSync(join(OUT_DIR, `${run.key}.txt`), renderTranscript(normaliseTranscript(t)));
  }

  async function onMqBroker(fn: (b: TestBroker) => Promise<void>): Promise<void> {
    const b = await startTestBroker({ settings: MQ_BROKER_SETTINGS });
    try {
      await fn(b);
    } finally {
      await b.stop();
    }
  }

  it('(a) Kafka tools on Apache Kafka', async () => {
    await record({ key: 'a', tools: 'kafka', broker: 'kafka' }, kafka.bootstrap);
  }, 240_000);

  it('(c) mq tools on Apache Kafka', async () => {
    await record({ key: 'c', tools: 'mq', broker: 'kafka' }, kafka.bootstrap);
  }, 180_000);

  it('(b) Kafka tools on mq broker', async () => {
    await onMqBroker((b) => record({ key: 'b', tools: 'kafka', broker: 'mq' }, b.bootstrap));
  }, 240_000);

  it('(d) mq tools on mq broker', async () => {
    await onMqBroker((b) => record({ key: 'd', tools: 'mq', broker: 'mq' }, b.bootstrap));
  }, 180_000);

  it('the four transcripts are equal, except for the documented deliberate differences', async () => {
    const canonical = new Map<string, string>();
    const used = new Set<string>();
    for (const [key, { run, t }] of [...transcripts].sort(([x], [y]) => x.localeCompare(y))) {
      const n = normaliseTranscript(t);
      const steps = n.steps
        .map((s) =>
          DELIBERATE_DIFFERENCES.reduce((acc, d) => {
            const next = d.apply(acc, run);
            if (JSON.stringify(next) !== JSON.stringify(acc)) used.add(d.id);
            return next;
          }, s),
        )
        .map((s) => (s.sortRows ? { ...s, stdout: sortTableRows(s.stdout) } : s));
      const text = renderTranscript({ ...n, steps });
      writeFileSync(join(OUT_DIR, `${key}-canonical.txt`), text);
      canonical.set(`${key}: ${t.label}`, text);
    }
    expect([...canonical.keys()].map((k) => k[0])).toEqual(['a', 'b', 'c', 'd']);
    const [refLabel, ref] = [...canonical][0] ?? ['', ''];
    const diffs: string[] = [];
    for (const [label, text] of [...canonical].slice(1)) {
      const d = await unifiedDiff(refLabel, ref, label, text);
      if (d) diffs.push(d);
    }
    if (diffs.length) {
      throw new Error(`transcripts differ (raw runs in ${OUT_DIR}):\n\n${diffs.join('\n')}`);
    }
    // An entry that no longer changes anything is stale: the difference is gone, so is the excuse.
    expect(DELIBERATE_DIFFERENCES.map((d) => d.id).filter((id) => !used.has(id))).toEqual([]);
    // Every deliberate difference is documented for users too.
    const readme = readFileSync(join(REPO_ROOT, 'README.md'), 'utf8');
    const undocumented = DELIBERATE_DIFFERENCES.filter((d) => !readme.includes(d.readme));
    if (undocumented.length) {
      console.warn(`README.md "Differences from Kafka's tools" lacks:\n${undocumented.map((d) => d.readme).join('\n')}`);
    }
  });
});
