// Suite C scenario: one scripted session with the console tools, recorded step by step (argv,
// exit code, stdout, stderr). Waits between steps go through kafkajs (an independent peer), so
// they are the same whichever tools and broker are under test and never show in the transcript.

import kafkajs from 'kafkajs';
import { pollUntil, type LongRunning, type ToolName, type ToolRun, type ToolSet } from './tools.js';

export const TOPIC = 'sc-orders';
export const AUDIT = 'sc-audit';
export const GROUP = 'sc-group';

/** Keys chosen so that murmur2 spreads them over all three partitions (alice,bob,grace → 0; dave,frank,heidi → 1; carol,erin → 2). */
export const ORDERS_INPUT = [
  'alice\torder-1',
  'bob\torder-2',
  'carol\torder-3',
  'dave\torder-4',
  'erin\torder-5',
  'frank\torder-6',
  'grace\torder-7',
  'heidi\torder-8',
  'alice\torder-9',
  'dave\torder-10',
].join('\n') + '\n';
export const ORDERS_PER_PARTITION = [4, 4, 2];
export const AUDIT_INPUT = 'audit-1\naudit-2\n';

export interface Step {
  /** stable id, used by the deliberate-difference list */
  id: string;
  tool: ToolName;
  args: string[];
  code: number | null;
  stdout: string;
  stderr: string;
  /** compare stderr too (after dropping log lines); otherwise it is only shown on failure */
  compareStderr: boolean;
  /** the order of stdout lines carries no meaning (several consumers): sort before comparing */
  sortStdout?: boolean;
  /** the order of a table's rows carries no meaning (Kafka prints a HashMap): sort the lines after each header */
  sortRows?: boolean;
  durationMs: number;
}

export interface Transcript {
  label: string;
  steps: Step[];
}

export interface ScenarioTarget {
  label: string;
  tools: ToolSet;
  bootstrap: string;
}

const admin = (bootstrap: string) =>
  new kafkajs.Kafka({
    clientId: 'suite-c-observer',
    brokers: [bootstrap],
    logLevel: kafkajs.logLevel.NOTHING,
    retry: { retries: 5, initialRetryTime: 100 },
  }).admin();

/** Removes what a failed earlier run on the same broker may have left behind. */
export async function cleanBroker(bootstrap: string): Promise<void> {
  const a = admin(bootstrap);
  await a.connect();
  try {
    const groups = (await a.listGroups()).groups.map((g) => g.groupId).filter((g) => g === GROUP);
    if (groups.length) await a.deleteGroups(groups).catch(() => undefined);
    const topics = (await a.listTopics()).filter((t) => t === TOPIC || t === AUDIT);
    if (topics.length) await a.deleteTopics({ topics, timeout: 30_000 });
    await pollUntil(async () => !(await a.listTopics()).some((t) => t === TOPIC || t === AUDIT), 'leftover topics gone', 30_000);
  } finally {
    await a.disconnect();
  }
}

export async function runScenario(target: ScenarioTarget): Promise<Transcript> {
  const { tools } = target;
  const bs = ['--bootstrap-server', target.bootstrap];
  const steps: Step[] = [];
  const observer = admin(target.bootstrap);
  await observer.connect();

  const step = async (
    id: string,
    tool: ToolName,
    args: string[],
    opts: { stdin?: string; compareStderr?: boolean; sortStdout?: boolean; sortRows?: boolean } = {},
  ): Promise<Step> => {
    const r: ToolRun = await tools.run(tool, [...bs, ...args], { stdin: opts.stdin });
    const s: Step = {
      id,
      tool,
      args: ['--bootstrap-server', '<bootstrap>', ...args],
      code: r.code,
      stdout: r.stdout,
      stderr: r.stderr,
      compareStderr: opts.compareStderr ?? false,
      sortStdout: opts.sortStdout,
      sortRows: opts.sortRows,
      durationMs: r.durationMs,
    };
    steps.push(s);
    return s;
  };

  const consumers: LongRunning[] = [];
  try {
    // --- topics
    await step('topics.create.orders', 'topics', ['--create', '--topic', TOPIC, '--partitions', '3']);
    await step('topics.create.audit', 'topics', ['--create', '--topic', AUDIT, '--partitions', '1', '--config', 'retention.ms=86400000']);
    await step('topics.create.exists', 'topics', ['--create', '--topic', TOPIC, '--partitions', '3']);
    await step('topics.list', 'topics', ['--list']);
    await step('topics.describe.orders', 'topics', ['--describe', '--topic', TOPIC]);
    await step('topics.describe.audit', 'topics', ['--describe', '--topic', AUDIT]);

    // --- a group of two long-running console consumers, formed before anything is produced, so the
    // range assignment (members sorted by id: client.id first) decides who reads what.
    const consumerArgs = (clientId: string): string[] => [
      ...bs, '--topic', TOPIC, '--group', GROUP, '--from-beginning',
      '--property', 'print.key=true', '--property', 'print.partition=true',
      '--consumer-property', `client.id=${clientId}`,
      '--consumer-property', 'auto.commit.interval.ms=500',
    ];
    const members = async (): Promise<{ state: string; n: number }> => {
      const d = await observer.describeGroups([GROUP]);
      const g = d.groups[0];
      return { state: g?.state ?? 'Dead', n: g?.members.length ?? 0 };
    };
    consumers.push(tools.spawn('console-consumer', consumerArgs('sc-consumer-a')));
    await pollUntil(async () => {
      const m = await members();
      return m.state === 'Stable' && m.n === 1;
    }, 'consumer a is the only member of a Stable group', 60_000);
    consumers.push(tools.spawn('console-consumer', consumerArgs('sc-consumer-b')));
    await pollUntil(async () => {
      const m = await members();
      return m.state === 'Stable' && m.n === 2;
    }, 'both consumers are members of a Stable group', 90_000);

    // --- produce (keys hashed by the default partitioner: the same key always lands on the same partition)
    await step('producer.orders', 'console-producer', ['--topic', TOPIC, '--property', 'parse.key=true'], {
      stdin: ORDERS_INPUT,
      compareStderr: true,
    });
    await step('producer.audit', 'console-producer', ['--topic', AUDIT], { stdin: AUDIT_INPUT, compareStderr: true });

    const total = ORDERS_PER_PARTITION.reduce((a, b) => a + b, 0);
    const lines = (s: string): number => s.split('\n').filter((l) => l.startsWith('Partition:')).length;
    await pollUntil(() => consumers.reduce((n, c) => n + lines(c.stdout), 0) >= total, 'the consumers printed every record', 60_000, () =>
      consumers.map((c) => c.stdout + c.stderr).join('\n---\n'),
    );
    await pollUntil(async () => {
      const o = await observer.fetchOffsets({ groupId: GROUP, topics: [TOPIC] });
      const parts = o[0]?.partitions ?? [];
      return ORDERS_PER_PARTITION.every((n, p) => parts.find((x) => x.partition === p)?.offset === String(n));
    }, 'committed offsets at the log end', 60_000);

    // --- consumer groups, every view, while both members are live
    await step('groups.list', 'consumer-groups', ['--list']);
    await step('groups.describe', 'consumer-groups', ['--describe', '--group', GROUP]);
    await step('groups.describe.offsets', 'consumer-groups', ['--describe', '--group', GROUP, '--offsets']);
    // Members come in the coordinator's HashMap order (Kafka sorts neither them nor reset plans).
    await step('groups.describe.members', 'consumer-groups', ['--describe', '--group', GROUP, '--members'], { sortRows: true });
    await step('groups.describe.members.verbose', 'consumer-groups', ['--describe', '--group', GROUP, '--members', '--verbose'], { sortRows: true });
    await step('groups.describe.state', 'consumer-groups', ['--describe', '--group', GROUP, '--state']);

    // --- offsets and configs
    await step('get-offsets.orders', 'get-offsets', ['--topic', TOPIC]);
    await step('get-offsets.audit.earliest', 'get-offsets', ['--topic', AUDIT, '--time', '-2']);
    await step('configs.describe.audit', 'configs', ['--describe', '--entity-type', 'topics', '--entity-name', AUDIT]);
    await step('configs.describe.orders', 'configs', ['--describe', '--entity-type', 'topics', '--entity-name', TOPIC]);

    // --- reset while the group is active (refused), then stop the consumers
    const reset = ['--reset-offsets', '--group', GROUP, '--topic', TOPIC, '--to-earliest'];
    await step('groups.reset.dry-run.active', 'consumer-groups', [...reset, '--dry-run'], { compareStderr: true });

    for (const [i, c] of consumers.splice(0).entries()) {
      const r = await c.stop();
      const name = i === 0 ? 'a' : 'b';
      steps.push({
        id: `consumer.${name}`,
        tool: 'console-consumer',
        args: consumerArgs(`sc-consumer-${name}`).map((a) => (a === target.bootstrap ? '<bootstrap>' : a)),
        code: null, // killed by SIGTERM: the exit status is the signal's business, not compared
        stdout: r.stdout,
        stderr: r.stderr,
        compareStderr: true,
        sortStdout: true,
        durationMs: r.durationMs,
      });
    }
    await pollUntil(async () => (await members()).state === 'Empty', 'the group is Empty', 60_000);

    await step('groups.describe.state.empty', 'consumer-groups', ['--describe', '--group', GROUP, '--state'], { compareStderr: true });
    await step('groups.reset.dry-run', 'consumer-groups', [...reset, '--dry-run'], { sortRows: true });
    await step('groups.reset.execute', 'consumer-groups', [...reset, '--execute'], { sortRows: true });
    await step('groups.describe.after-reset', 'consumer-groups', ['--describe', '--group', GROUP], { compareStderr: true });
    await step('groups.describe.members.empty', 'consumer-groups', ['--describe', '--group', GROUP, '--members'], { compareStderr: true });

    // --- delete offsets, the group, the topics
    await step('groups.delete-offsets', 'consumer-groups', ['--delete-offsets', '--group', GROUP, '--topic', TOPIC]);
    await step('groups.describe.after-delete-offsets', 'consumer-groups', ['--describe', '--group', GROUP], { compareStderr: true });
    await step('groups.delete', 'consumer-groups', ['--delete', '--group', GROUP]);
    await step('groups.describe.deleted', 'consumer-groups', ['--describe', '--group', GROUP]);
    await step('groups.list.end', 'consumer-groups', ['--list']);
    await step('topics.delete.orders', 'topics', ['--delete', '--topic', TOPIC]);
    await step('topics.delete.audit', 'topics', ['--delete', '--topic', AUDIT]);
    await pollUntil(async () => !(await observer.listTopics()).some((t) => t === TOPIC || t === AUDIT), 'deleted topics gone from metadata', 30_000);
    await step('topics.list.end', 'topics', ['--list']);
    await step('topics.describe.deleted', 'topics', ['--describe', '--topic', TOPIC]);
  } finally {
    await Promise.all(consumers.map((c) => c.stop()));
    await observer.disconnect();
  }
  return { label: target.label, steps };
}
