/**
 * Issue 10 for the built mq-consumer-groups: per-group `Error:` lines on stderr, a reset of a
 * group that does not exist refused, --delete-offsets on an unknown topic, --delete --output json,
 * --list sorted, and the reset journal (--undo-reset, --reset-history), with HOME and
 * XDG_STATE_HOME in a temporary directory.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { startTestBroker, type TestBroker } from '../helpers/broker.js';
import { createTopics, kafkaClient } from '../helpers/kafkajs.js';
import { randomGroup, randomTopic } from '../helpers/names.js';
import { run } from '../helpers/proc.js';
import { waitFor } from '../helpers/wait.js';
import { Cluster } from '../../src/engine/client/cluster.js';
import { commitOffsets } from '../../src/engine/client/group-offsets.js';

const root = fileURLToPath(new URL('../../', import.meta.url));
const bin = (name: string) => join(root, 'bin', `${name}.js`);
const node = process.execPath;

let b: TestBroker;
let topic: string;
let home: string;
let env: Record<string, string>;

const cg = (args: string[], extraEnv: Record<string, string> = {}) => run(node, [bin('mq-consumer-groups'), '--bootstrap-server', b.bootstrap, ...args], { env: { ...env, ...extraEnv } });

async function commit(bootstrap: string, group: string, offsets: Array<[number, number]>, t = topic) {
  const cluster = await Cluster.connect([bootstrap], { clientId: 'seed' });
  try {
    const errors = await commitOffsets(cluster, group, offsets.map(([partition, offset]) => ({ topic: t, partition, offset })));
    expect([...errors.values()].every((c) => c === 0)).toBe(true);
  } finally {
    await cluster.close();
  }
}

/** The group's committed offsets by partition, as --describe --output json shows them. */
async function committed(g: string): Promise<Record<number, number>> {
  const r = await cg(['--describe', '--group', g, '--output', 'json']);
  const doc = JSON.parse(r.stdout) as { groups: Array<{ offsets?: Array<{ partition: number; currentOffset: number }> }> };
  return Object.fromEntries((doc.groups[0]!.offsets ?? []).map((o) => [o.partition, o.currentOffset]));
}

const table = (g: string, rows: Array<[number, number | string]>) =>
  `\n${'GROUP'.padEnd(30)} ${'TOPIC'.padEnd(30)} ${'PARTITION'.padEnd(10)} ${'NEW-OFFSET'.padEnd(15)}` +
  rows.map(([p, o]) => `\n${g.padEnd(30)} ${topic.padEnd(30)} ${String(p).padEnd(10)} ${String(o).padEnd(15)}`).join('') +
  '\n';

beforeAll(async () => {
  home = mkdtempSync(join(tmpdir(), 'mq-journal-home-'));
  env = { HOME: home, XDG_STATE_HOME: join(home, 'state'), NO_COLOR: '1', MQ_BOOTSTRAP_SERVER: '', MQ_DATA_DIR: '' };
  b = await startTestBroker();
  topic = randomTopic('jr');
  await createTopics(b.bootstrap, [{ topic, numPartitions: 3 }]);
  const producer = kafkaClient(b.bootstrap, 'seed').producer();
  await producer.connect();
  // 4 records on partition 0, 3 on 1, 2 on 2.
  await producer.send({ topic, messages: [0, 0, 0, 0, 1, 1, 1, 2, 2].map((partition, i) => ({ partition, value: `v${i}` })) });
  await producer.disconnect();
});
afterAll(async () => {
  await b?.stop();
  if (home) rmSync(home, { recursive: true, force: true });
});

describe('errors on stderr, sorted lists, JSON deletes', () => {
  it('a missing group: the Error line on stderr, nothing on stdout, exit 1', async () => {
    const g = randomGroup('missing');
    const r = await cg(['--describe', '--group', g]);
    expect(r).toMatchObject({ code: 1, stdout: '', stderr: `\nError: Consumer group '${g}' does not exist.\n` });
  });

  it('a reset of a group that does not exist says so, exits 1 and creates nothing', async () => {
    const g = randomGroup('typo');
    const r = await cg(['--reset-offsets', '--group', g, '--topic', topic, '--to-earliest', '--execute']);
    expect(r.code).toBe(1);
    expect(r.stderr).toBe(`\nError: Consumer group '${g}' does not exist.\n`);
    expect(r.stdout).toBe('\n');
    const d = JSON.parse((await cg(['--describe', '--group', g, '--output', 'json'])).stdout) as { groups: Array<{ exists: boolean }> };
    expect(d.groups[0]!.exists).toBe(false);
    expect((await cg(['--list'])).stdout.split('\n')).not.toContain(g);
  });

  it('--delete-offsets on an unknown topic names it, exit 1', async () => {
    const g = randomGroup('delunknown');
    await commit(b.bootstrap, g, [[0, 1]]);
    const r = await cg(['--delete-offsets', '--group', g, '--topic', 'no-such-topic']);
    expect(r.code).toBe(1);
    expect(r.stderr).toBe("\nError: Encounter some partition level error, see the follow-up details:\nError: Topic 'no-such-topic' does not exist.\n");
    expect(r.stdout).toBe(`\n${'TOPIC'.padEnd(30)} ${'PARTITION'.padEnd(15)} ${'STATUS'.padEnd(15)}\n${'no-such-topic'.padEnd(30)} ${'Not Provided'.padEnd(15)} ${"Error: :Topic 'no-such-topic' does not exist.".padEnd(15)}\n`);
    expect(await committed(g)).toEqual({ 0: 1 });
  });

  it('--delete --output json: the deleted and the failed groups; a failed deletion on stderr in text', async () => {
    const g = randomGroup('deljson');
    const missing = randomGroup('delmissing');
    await commit(b.bootstrap, g, [[0, 1]]);
    const r = await cg(['--delete', '--group', g, '--group', missing, '--output', 'json']);
    expect(r.code).toBe(1);
    expect(JSON.parse(r.stdout)).toEqual({ deleted: [g], failed: [{ group: missing, error: 'GROUP_ID_NOT_FOUND' }] });
    const again = await cg(['--delete', '--group', g]);
    expect(again.code).toBe(1);
    expect(again.stdout).toBe('');
    expect(again.stderr).toBe(`\nError: Deletion of some consumer groups failed:\n* Group '${g}' could not be deleted due to: The group id does not exist.\n`);
    // MQ_KAFKA_ERRORS=1 gives Kafka's exact text, Java exception names included.
    const kafka = await cg(['--delete', '--group', g], { MQ_KAFKA_ERRORS: '1' });
    expect(kafka.stderr).toBe(
      `\nError: Deletion of some consumer groups failed:\n* Group '${g}' could not be deleted due to: java.util.concurrent.ExecutionException: org.apache.kafka.common.errors.GroupIdNotFoundException: The group id does not exist.\n`,
    );
  });

  it("--reset-offsets' Warn lines go to stderr, so --export stdout is only the CSV", async () => {
    const g = randomGroup('warn');
    await commit(b.bootstrap, g, [[0, 1]]);
    // Nothing was written after now: every partition falls back to its latest offset, with a Warn.
    const r = await cg(['--reset-offsets', '--group', g, '--topic', topic, '--by-duration', 'PT0S', '--export', '--dry-run']);
    expect(r.code).toBe(0);
    expect(r.stdout).toBe(`${topic},0,4\n${topic},1,3\n${topic},2,2\n\n`);
    for (const p of [0, 1, 2]) expect(r.stderr).toContain(`\nWarn: Partition ${p} from topic ${topic} is empty. Falling back to latest known offset.\n`);
  });

  it('--list prints the groups sorted (text and JSON)', async () => {
    const names = ['zz', 'mm', 'aa'].map((p) => randomGroup(`${p}-sort`));
    for (const g of names) await commit(b.bootstrap, g, [[0, 1]]);
    const listed = (await cg(['--list'])).stdout.split('\n').filter(Boolean);
    for (const g of names) expect(listed).toContain(g);
    expect(listed).toEqual([...listed].sort());
    const json = JSON.parse((await cg(['--list', '--state', '--output', 'json'])).stdout) as { groups: Array<{ group: string }> };
    const ids = json.groups.map((x) => x.group);
    expect(ids).toEqual([...ids].sort());
    const withState = (await cg(['--list', '--state'])).stdout.split('\n').slice(1).filter(Boolean).map((l) => l.split(' ')[0]!);
    expect(withState).toEqual([...withState].sort());
  });
});

describe('the reset journal', () => {
  it('--reset-offsets --execute is journaled; --undo-reset [--dry-run] restores it once; --reset-history lists it', async () => {
    const g = randomGroup('undo');
    await commit(b.bootstrap, g, [[0, 1], [1, 3], [2, 1]]);
    // A dry run changes nothing and is not journaled.
    expect((await cg(['--reset-offsets', '--group', g, '--topic', topic, '--to-earliest', '--dry-run'])).code).toBe(0);
    const ex = await cg(['--reset-offsets', '--group', g, '--topic', topic, '--to-earliest', '--execute']);
    expect(ex.code).toBe(0);
    expect(await committed(g)).toEqual({ 0: 0, 1: 0, 2: 0 });

    // One JSON Lines file per cluster, named by the cluster id, in $XDG_STATE_HOME/mq/journal.
    const dir = join(home, 'state', 'mq', 'journal');
    const cluster = await Cluster.connect([b.bootstrap], { clientId: 'probe' });
    const id = (await cluster.metadata([])).clusterId;
    await cluster.close();
    expect(readdirSync(dir)).toEqual([`${id}.jsonl`]);
    const lines = readFileSync(join(dir, `${id}.jsonl`), 'utf8').split('\n').filter(Boolean).map((l) => JSON.parse(l) as { group: string });
    expect(lines.filter((e) => e.group === g)).toEqual([
      {
        time: expect.stringMatching(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$/),
        group: g,
        action: 'reset',
        offsets: [
          { topic, partition: 0, before: 1, after: 0 },
          { topic, partition: 1, before: 3, after: 0 },
          { topic, partition: 2, before: 1, after: 0 },
        ],
      },
    ]);

    const dry = await cg(['--undo-reset', '--group', g, '--dry-run']);
    expect(dry.code).toBe(0);
    expect(dry.stdout).toBe(table(g, [[0, 1], [1, 3], [2, 1]]));
    expect(dry.stderr).toMatch(new RegExp(`^Would restore the offsets of group '${g}' from before its reset at \\d{4}-`));
    expect(await committed(g)).toEqual({ 0: 0, 1: 0, 2: 0 });

    const undo = await cg(['--undo-reset', '--group', g]);
    expect(undo.code).toBe(0);
    expect(undo.stdout).toBe(table(g, [[0, 1], [1, 3], [2, 1]]));
    expect(await committed(g)).toEqual({ 0: 1, 1: 3, 2: 1 });

    // Undone entries are not undone twice.
    const twice = await cg(['--undo-reset', '--group', g]);
    expect(twice.code).toBe(1);
    expect(twice.stderr).toContain(`Error: The reset journal holds no reset or offset deletion of group '${g}' that is not undone yet`);
    expect(await committed(g)).toEqual({ 0: 1, 1: 3, 2: 1 });

    const h = await cg(['--reset-history', '--group', g]);
    expect(h.code).toBe(0);
    const rows = h.stdout.split('\n');
    expect(rows[0]).toBe('');
    expect(rows[1]).toMatch(/^TIME +GROUP +ACTION +TOPIC +PARTITION  BEFORE          AFTER           UNDONE$/);
    const cells = rows.slice(2).filter(Boolean).map((l) => l.split(/ +/));
    expect(cells.map((c) => c.slice(1, 7))).toEqual([
      [g, 'reset', topic, '0', '1', '0'],
      [g, 'reset', topic, '1', '3', '0'],
      [g, 'reset', topic, '2', '1', '0'],
    ]);
    for (const c of cells) expect(c[7]).toMatch(/^\d{4}-\d\d-\d\dT/);
    const hj = JSON.parse((await cg(['--reset-history', '--group', g, '--output', 'json'])).stdout) as { entries: Array<{ group: string; action: string; undone: string | null }> };
    expect(hj.entries).toHaveLength(1);
    expect(hj.entries[0]).toMatchObject({ group: g, action: 'reset', undone: expect.stringMatching(/^\d{4}-/) });
  });

  it('undo of a reset that created offsets deletes them again; --delete-offsets is journaled and undone', async () => {
    const g = randomGroup('undo-new');
    await commit(b.bootstrap, g, [[0, 1]]);
    expect((await cg(['--reset-offsets', '--group', g, '--topic', topic, '--to-latest', '--execute'])).code).toBe(0);
    expect(await committed(g)).toEqual({ 0: 4, 1: 3, 2: 2 });
    const undo = await cg(['--undo-reset', '--group', g]);
    expect(undo.code).toBe(0);
    expect(undo.stdout).toBe(table(g, [[0, 1], [1, '-'], [2, '-']]));
    expect(await committed(g)).toEqual({ 0: 1 });

    await commit(b.bootstrap, g, [[1, 2]]);
    expect((await cg(['--delete-offsets', '--group', g, '--topic', topic])).code).toBe(0);
    expect(await committed(g)).toEqual({});
    const json = await cg(['--undo-reset', '--group', g, '--output', 'json']);
    expect(json.code).toBe(0);
    expect(JSON.parse(json.stdout)).toMatchObject({
      executed: true,
      group: g,
      undoes: { action: 'delete-offsets' },
      offsets: [
        { group: g, topic, partition: 0, newOffset: 1 },
        { group: g, topic, partition: 1, newOffset: 2 },
      ],
    });
    expect(await committed(g)).toEqual({ 0: 1, 1: 2 });
    const h = JSON.parse((await cg(['--reset-history', '--output', 'json'])).stdout) as { entries: Array<{ group: string; action: string }> };
    expect(h.entries.filter((e) => e.group === g).map((e) => e.action)).toEqual(['reset', 'delete-offsets']);
  });

  it('--undo-reset of an active group is refused and changes nothing', async () => {
    const g = randomGroup('undo-active');
    await commit(b.bootstrap, g, [[0, 1], [1, 1], [2, 1]]);
    expect((await cg(['--reset-offsets', '--group', g, '--topic', topic, '--to-offset', '2', '--execute'])).code).toBe(0);
    const consumer = kafkaClient(b.bootstrap, 'active-client').consumer({ groupId: g, heartbeatInterval: 500 });
    await consumer.connect();
    try {
      await consumer.subscribe({ topics: [topic] });
      let joined = false;
      consumer.on(consumer.events.GROUP_JOIN, () => (joined = true));
      await consumer.run({ autoCommit: false, eachMessage: async () => {} });
      await waitFor(() => joined, { timeoutMs: 20000 });
      const r = await cg(['--undo-reset', '--group', g]);
      expect(r.code).toBe(1);
      expect(r.stderr).toBe(`\nError: Assignments can only be reset if the group '${g}' is inactive, but the current state is Stable.\n`);
      expect(r.stdout).toBe('');
    } finally {
      await consumer.disconnect();
    }
    expect(await committed(g)).toEqual({ 0: 2, 1: 2, 2: 2 });
    // Still there to undo once the group is inactive again.
    expect((await cg(['--undo-reset', '--group', g])).code).toBe(0);
    expect(await committed(g)).toEqual({ 0: 1, 1: 1, 2: 1 });
  });

  it('usage: --undo-reset takes exactly one --group; --reset-history takes no --dry-run', async () => {
    const one = await cg(['--undo-reset', '--all-groups']);
    expect(one.code).toBe(1);
    expect(one.stderr).toContain('Option [undo-reset] takes exactly one [group]');
    const dry = await cg(['--reset-history', '--dry-run']);
    expect(dry.code).toBe(1);
    expect(dry.stderr).toContain(`Option "[dry-run]" can't be used with option "[reset-history]"`);
  });
});

describe('the local broker keeps its journal in its data directory', () => {
  it('<data-dir>/journal/<cluster-id>.jsonl', async () => {
    const dataDir = mkdtempSync(join(tmpdir(), 'mq-journal-local-'));
    const local = (tool: string, args: string[], stdin?: string) => run(node, [bin(tool), '--data-dir', dataDir, ...args], { env, stdin });
    try {
      const t = randomTopic('jl');
      expect((await local('mq-topics', ['--create', '--topic', t, '--partitions', '1'])).code).toBe(0);
      expect((await local('mq-console-producer', ['--topic', t], 'a\nb\nc\n')).code).toBe(0);
      const info = JSON.parse(readFileSync(join(dataDir, 'broker.json'), 'utf8')) as { host: string; port: number };
      const g = randomGroup('local');
      await commit(`${info.host}:${info.port}`, g, [[0, 3]], t);
      const r = await local('mq-consumer-groups', ['--reset-offsets', '--group', g, '--topic', t, '--to-earliest', '--execute']);
      expect(r.code).toBe(0);
      const files = readdirSync(join(dataDir, 'journal'));
      expect(files).toHaveLength(1);
      expect(files[0]).toMatch(/\.jsonl$/);
      expect(existsSync(join(home, 'state', 'mq', 'journal', files[0]!))).toBe(false);
      const undo = await local('mq-consumer-groups', ['--undo-reset', '--group', g]);
      expect(undo.code).toBe(0);
      expect(undo.stdout).toContain(`${g.padEnd(30)} ${t.padEnd(30)} ${'0'.padEnd(10)} ${'3'.padEnd(15)}`);
    } finally {
      await run(node, [bin('mq-broker'), 'stop', '--data-dir', dataDir]);
      rmSync(dataDir, { recursive: true, force: true });
    }
  });
});
