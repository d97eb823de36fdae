import { afterAll, beforeAll, describe, expect, it, onTestFinished } from 'vitest';
import { writeFileSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startTestBroker, type TestBroker } from '../../helpers/broker.js';
import { createTopics, kafkaClient } from '../../helpers/kafkajs.js';
import { randomGroup, randomTopic } from '../../helpers/names.js';
import { waitFor } from '../../helpers/wait.js';
import { main as produce } from '../../../src/commands/console-producer/index.js';
import { main as groups } from '../../../src/commands/consumer-groups/index.js';
import { testIo } from './producer-helpers.js';
import { Cluster } from '../../../src/engine/client/cluster.js';
import { commitOffsets } from '../../../src/engine/client/group-offsets.js';

let b: TestBroker;
let topic: string;
const UUID = /[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}/g;
const norm = (s: string) => s.replace(UUID, 'xxxxxxxx-xxxx-xxxx-xxxx-xxxxxxxxxxxx');

/** A row of `mq-consumer-groups --describe --output json`'s offsets. */
interface OffsetRow {
  partition: number;
  currentOffset: number | null;
  logEndOffset: number;
  lag: number | null;
  consumerId: string;
  host: string;
  clientId: string;
}

/** The reset journal of remote clusters goes to $XDG_STATE_HOME/mq: a temporary one here, never the user's. */
const stateHome = mkdtempSync(join(tmpdir(), 'mq-groups-state-'));

async function cg(args: string[]) {
  const io = testIo();
  io.env.XDG_STATE_HOME = stateHome;
  const code = await groups(['--bootstrap-server', b.bootstrap, ...args], io);
  return { code, out: io.out(), err: io.err() };
}

/** A group that consumed `n` records per partition and left: Empty with committed offsets. */
async function committedGroup(group: string, offsets: Array<[number, number]>, t = topic) {
  // Plain OffsetCommit outside any generation (what an Empty group keeps after its members left).
  const cluster = await Cluster.connect([b.bootstrap], { clientId: 'seed' });
  try {
    const errors = await commitOffsets(cluster, group, offsets.map(([partition, offset]) => ({ topic: t, partition, offset })));
    expect([...errors.values()].every((c) => c === 0)).toBe(true);
  } finally {
    await cluster.close();
  }
}

async function activeMember(group: string, t = topic) {
  const consumer = kafkaClient(b.bootstrap, 'active-client').consumer({ groupId: group, heartbeatInterval: 500 });
  await consumer.connect();
  await consumer.subscribe({ topics: [t], fromBeginning: true });
  let joined = false;
  consumer.on(consumer.events.GROUP_JOIN, () => (joined = true));
  await consumer.run({ eachMessage: async () => {} });
  await waitFor(() => joined, { timeoutMs: 20000 });
  return consumer;
}

beforeAll(async () => {
  b = await startTestBroker();
  topic = randomTopic('cg');
  await createTopics(b.bootstrap, [{ topic, numPartitions: 3 }]);
  // 4 records on partition 0, 3 on 1, 2 on 2 (explicit partitions through the JSON input).
  const lines = [...Array(4).fill(0), ...Array(3).fill(1), ...Array(2).fill(2)].map((p, i) => JSON.stringify({ partition: p, value: `v${i}` }));
  const io = testIo(lines.join('\n'));
  expect(await produce(['--bootstrap-server', b.bootstrap, '--topic', topic, '--input-format', 'json'], io)).toBe(0);
});
afterAll(async () => {
  await b?.stop();
  rmSync(stateHome, { recursive: true, force: true });
});

describe('mq-consumer-groups --describe', () => {
  it('Empty group: notice on stderr, table of committed offsets with "-" for members', async () => {
    const g = randomGroup('empty');
    await committedGroup(g, [[0, 1], [2, 2]]);
    const r = await cg(['--describe', '--group', g]);
    expect(r.code).toBe(0);
    expect(r.err).toBe(`\nConsumer group '${g}' has no active members.\n`);
    const G = Math.max(15, g.length);
    const T = Math.max(15, topic.length);
    const line = (...c: string[]) =>
      `${c[0]!.padEnd(G)} ${c[1]!.padEnd(T)} ${c[2]!.padEnd(10)} ${c[3]!.padEnd(15)} ${c[4]!.padEnd(15)} ${c[5]!.padEnd(15)} ${c[6]!.padEnd(15)} ${c[7]!.padEnd(15)} ${c[8]}\n`;
    expect(r.out).toBe(
      '\n' +
        line('GROUP', 'TOPIC', 'PARTITION', 'CURRENT-OFFSET', 'LOG-END-OFFSET', 'LAG', 'CONSUMER-ID', 'HOST', 'CLIENT-ID') +
        line(g, topic, '0', '1', '4', '3', '-', '-', '-') +
        line(g, topic, '2', '2', '2', '0', '-', '-', '-'),
    );
    const json = await cg(['--describe', '--group', g, '--output', 'json']);
    const doc = JSON.parse(json.out);
    expect(doc.groups[0]).toMatchObject({ group: g, exists: true, state: 'Empty', members: [] });
    expect(doc.groups[0].offsets).toEqual([
      { topic, partition: 0, currentOffset: 1, logEndOffset: 4, lag: 3, consumerId: null, host: null, clientId: null },
      { topic, partition: 2, currentOffset: 2, logEndOffset: 2, lag: 0, consumerId: null, host: null, clientId: null },
    ]);
    const st = await cg(['--describe', '--group', g, '--state']);
    expect(st.out).toMatch(new RegExp(`^\\nGROUP {21}COORDINATOR \\(ID\\) {10}ASSIGNMENT-STRATEGY  STATE {11}#MEMBERS\\n${g} +127\\.0\\.0\\.1:${b.port}  \\(1\\) +Empty +0\\n$`));
  });

  it('missing group: Kafka\'s error text, non-zero exit', async () => {
    const g = randomGroup('missing');
    const r = await cg(['--describe', '--group', g]);
    // Issue 10: on stderr (Kafka prints it on stdout).
    expect(r.out).toBe('');
    expect(r.err).toBe(`\nError: Consumer group '${g}' does not exist.\n`);
    expect(r.code).toBe(1);
  });

  it('Stable group: offsets, members (--verbose) and state views; list with state and type', async () => {
    const g = randomGroup('stable');
    await committedGroup(g, [[0, 2]]);
    const consumer = await activeMember(g);
    try {
      await waitFor(async () => (await cg(['--describe', '--group', g, '--state'])).out.includes('Stable'), { timeoutMs: 20000 });
      // The member has consumed and committed everything, so the offsets stop moving between the views compared below.
      await waitFor(async () => {
        const offsets = (JSON.parse((await cg(['--describe', '--group', g, '--output', 'json'])).out) as { groups: { offsets: OffsetRow[] }[] }).groups[0]!.offsets;
        return offsets.length === 3 && offsets.every((o) => o.lag === 0);
      }, { timeoutMs: 20000, message: 'the member to commit every record' });
      const r = await cg(['--describe', '--group', g, '--offsets']);
      expect(r.err).toBe('');
      const rows = norm(r.out).split('\n');
      expect(rows[0]).toBe('');
      expect(rows[1]).toMatch(/^GROUP +TOPIC +PARTITION  CURRENT-OFFSET  LOG-END-OFFSET  LAG             CONSUMER-ID +HOST +CLIENT-ID$/);
      const cells = rows.slice(2, 5).map((l) => l.split(/ +/));
      expect(cells.map((c) => c.slice(1, 6))).toEqual([
        [topic, '0', expect.stringMatching(/^\d+$/), '4', expect.stringMatching(/^\d+$/)],
        [topic, '1', expect.any(String), '3', expect.any(String)],
        [topic, '2', expect.any(String), '2', expect.any(String)],
      ]);
      for (const c of cells) {
        expect(c[6]).toBe('active-client-xxxxxxxx-xxxx-xxxx-xxxx-xxxxxxxxxxxx');
        expect(c[7]).toMatch(/^\/?127\.0\.0\.1$/);
        expect(c[8]).toBe('active-client');
      }
      // Column widths come from the data.
      const idWidth = 'active-client-xxxxxxxx-xxxx-xxxx-xxxx-xxxxxxxxxxxx'.length;
      expect(rows[2]!.indexOf(cells[0]![7]!)).toBe(rows[1]!.indexOf('HOST'));
      expect(rows[1]!.indexOf('HOST') - rows[1]!.indexOf('CONSUMER-ID')).toBe(idWidth + 1);

      // Byte for byte: the text table rebuilt from the JSON document of the same group.
      const doc = JSON.parse((await cg(['--describe', '--group', g, '--output', 'json'])).out).groups[0];
      const G0 = Math.max(15, g.length);
      const T0 = Math.max(15, topic.length);
      const C0 = Math.max(15, ...doc.offsets.map((o: { consumerId: string }) => o.consumerId.length));
      const H0 = Math.max(15, ...doc.offsets.map((o: { host: string }) => o.host.length));
      const fmt = (c: string[]) => `${c[0]!.padEnd(G0)} ${c[1]!.padEnd(T0)} ${c[2]!.padEnd(10)} ${c[3]!.padEnd(15)} ${c[4]!.padEnd(15)} ${c[5]!.padEnd(15)} ${c[6]!.padEnd(C0)} ${c[7]!.padEnd(H0)} ${c[8]}\n`;
      const again = await cg(['--describe', '--group', g]);
      expect(again.out).toBe(
        '\n' +
          fmt(['GROUP', 'TOPIC', 'PARTITION', 'CURRENT-OFFSET', 'LOG-END-OFFSET', 'LAG', 'CONSUMER-ID', 'HOST', 'CLIENT-ID']) +
          doc.offsets
            .map((o: OffsetRow) =>
              fmt([g, topic, String(o.partition), String(o.currentOffset ?? '-'), String(o.logEndOffset), String(o.lag ?? '-'), o.consumerId, o.host, o.clientId]),
            )
            .join(''),
      );
      expect(doc.members).toEqual([{ consumerId: doc.offsets[0].consumerId, groupInstanceId: null, host: doc.offsets[0].host, clientId: 'active-client', assignment: [{ topic, partitions: [0, 1, 2] }] }]);

      const m = await cg(['--describe', '--group', g, '--members', '--verbose']);
      const host = cells[0]![7]!;
      const G = Math.max(15, g.length);
      expect(norm(m.out)).toBe(
        '\n' +
          `${'GROUP'.padEnd(G)} ${'CONSUMER-ID'.padEnd(idWidth)} ${'HOST'.padEnd(15)} ${'CLIENT-ID'.padEnd(15)} ${'#PARTITIONS'.padEnd(15)} ASSIGNMENT\n` +
          `${g.padEnd(G)} ${'active-client-xxxxxxxx-xxxx-xxxx-xxxx-xxxxxxxxxxxx'} ${host.padEnd(15)} ${'active-client'.padEnd(15)} ${'3'.padEnd(15)} ${topic}(0,1,2)\n`,
      );
      const plain = await cg(['--describe', '--group', g, '--members']);
      expect(plain.out.split('\n')[1]!.endsWith('#PARTITIONS      '.slice(0, -1))).toBe(true);

      const list = await cg(['--list']);
      expect(list.out.split('\n')).toContain(g);
      const ls = await cg(['--list', '--state', 'stable', '--type']);
      const line = ls.out.split('\n').find((l) => l.startsWith(g + ' '))!;
      const W = Math.max(15, ...ls.out.split('\n').slice(1).filter(Boolean).map((l) => l.split(' ')[0]!.length)) + 10;
      expect(line).toBe(`${g.padEnd(W)} ${'Classic'.padEnd(20)} ${'Stable'.padEnd(20)}`);
      expect(ls.out.split('\n')[0]).toBe(`${'GROUP'.padEnd(W)} ${'TYPE'.padEnd(20)} ${'STATE'.padEnd(20)}`);
      const lj = JSON.parse((await cg(['--list', '--output', 'json'])).out);
      expect(lj.groups).toContainEqual({ group: g, state: 'Stable', type: 'Classic', protocolType: 'consumer' });

      // An active group can't be reset, nor deleted; nothing changes.
      const before = (await cg(['--describe', '--group', g, '--output', 'json'])).out;
      const rs = await cg(['--reset-offsets', '--group', g, '--topic', topic, '--to-earliest', '--execute']);
      expect(rs.code).toBe(1);
      expect(rs.err).toBe(`\nError: Assignments can only be reset if the group '${g}' is inactive, but the current state is Stable.\n`);
      expect(rs.out).toBe(`\n${'GROUP'.padEnd(30)} ${'TOPIC'.padEnd(30)} ${'PARTITION'.padEnd(10)} ${'NEW-OFFSET'.padEnd(15)}\n`);
      const del = await cg(['--delete', '--group', g]);
      expect(del.code).toBe(1);
      expect(del.out).toBe('');
      expect(del.err).toBe(`\nError: Deletion of some consumer groups failed:\n* Group '${g}' could not be deleted due to: The group is not empty.\n`);
      // Kafka's exact text, Java exception names included, when asked for.
      const delKafka = await cg(['--delete', '--group', g, '--kafka-errors']);
      expect(delKafka.err).toBe(
        `\nError: Deletion of some consumer groups failed:\n* Group '${g}' could not be deleted due to: java.util.concurrent.ExecutionException: org.apache.kafka.common.errors.GroupNotEmptyException: The group is not empty.\n`,
      );
      const delOff = await cg(['--delete-offsets', '--group', g, '--topic', topic]);
      expect(delOff.code).toBe(1);
      expect(delOff.err).toBe('\nError: Encounter some partition level error, see the follow-up details:\n');
      expect(delOff.out).toContain('Error: :Deleting offsets of a topic is forbidden while the consumer group is actively subscribed to it.');
      const after = JSON.parse((await cg(['--describe', '--group', g, '--output', 'json'])).out).groups[0].offsets;
      const offsetsBefore = (JSON.parse(before) as { groups: { offsets: { currentOffset: number }[] }[] }).groups[0]!.offsets;
      expect(after.map((o: { currentOffset: number }) => o.currentOffset)).toEqual(offsetsBefore.map((o) => o.currentOffset));
    } finally {
      await consumer.disconnect();
    }
  });
});

describe('mq-consumer-groups --reset-offsets', () => {
  const table = (g: string, rows: Array<[number, number]>) =>
    `\n${'GROUP'.padEnd(30)} ${'TOPIC'.padEnd(30)} ${'PARTITION'.padEnd(10)} ${'NEW-OFFSET'.padEnd(15)}` +
    rows.map(([p, o]) => `\n${g.padEnd(30)} ${topic.padEnd(30)} ${String(p).padEnd(10)} ${String(o).padEnd(15)}`).join('') +
    '\n';
  const committed = async (g: string) => {
    const doc = JSON.parse((await cg(['--describe', '--group', g, '--output', 'json'])).out);
    return Object.fromEntries((doc.groups[0].offsets ?? []).map((o: { partition: number; currentOffset: number }) => [o.partition, o.currentOffset]));
  };

  it.each([
    ['--to-earliest', [], { 0: 0, 1: 0, 2: 0 }],
    ['--to-latest', [], { 0: 4, 1: 3, 2: 2 }],
    ['--to-current', [], { 0: 1, 1: 3, 2: 1 }],
    ['--to-offset', ['2'], { 0: 2, 1: 2, 2: 2 }],
    ['--shift-by', ['1'], { 0: 2, 1: 3, 2: 2 }],
    ['--to-datetime', ['2000-01-01T00:00:00.000'], { 0: 0, 1: 0, 2: 0 }],
    ['--by-duration', ['PT0S'], { 0: 4, 1: 3, 2: 2 }],
  ] as Array<[string, string[], Record<number, number>]>)('%s: dry run changes nothing, --execute commits', async (flag, extra, expected) => {
    const g = randomGroup('reset');
    await committedGroup(g, [[0, 1], [1, 3], [2, 1]]);
    const initial = await committed(g);
    const rows = Object.entries(expected).map(([p, o]) => [Number(p), o] as [number, number]);
    const dry = await cg(['--reset-offsets', '--group', g, '--topic', topic, flag, ...extra, '--dry-run']);
    expect(dry.code).toBe(0);
    expect(dry.out.replace(/^\nWarn: .*\n/gm, '')).toBe(table(g, rows));
    expect(await committed(g)).toEqual(initial);
    const ex = await cg(['--reset-offsets', '--group', g, '--topic', topic, flag, ...extra, '--execute']);
    expect(ex.code).toBe(0);
    expect(ex.out.replace(/^\nWarn: .*\n/gm, '')).toBe(table(g, rows));
    expect(await committed(g)).toEqual(expected);
  });

  it('without --dry-run/--execute: Kafka\'s warning and a dry run', async () => {
    const g = randomGroup('reset');
    await committedGroup(g, [[0, 1]]);
    const r = await cg(['--reset-offsets', '--group', g, '--topic', `${topic}:0`, '--to-latest']);
    expect(r.err).toMatch(/^WARN: No action will be performed as the --execute option is missing\.In a future major release/);
    expect(r.out).toBe(table(g, [[0, 4]]));
    expect(await committed(g)).toEqual({ 0: 1 });
  });

  it('--to-offset clamps with a WARN; --shift-by needs a committed offset', async () => {
    const g = randomGroup('reset');
    await committedGroup(g, [[0, 1]]);
    const r = await cg(['--reset-offsets', '--group', g, '--topic', `${topic}:0`, '--to-offset', '100', '--dry-run']);
    expect(r.err).toBe(`WARN New offset (100) is higher than latest offset for topic partition ${topic}-0. Value will be set to 4\n`);
    expect(r.out).toBe(table(g, [[0, 4]]));
    const s = await cg(['--reset-offsets', '--group', g, '--topic', `${topic}:1`, '--shift-by', '-1', '--execute']);
    expect(s.code).toBe(1);
    expect(s.err).toBe(`Error: Cannot shift offset for partition ${topic}-1 since there is no current committed offset\n`);
    expect(await committed(g)).toEqual({ 0: 1 });
  });

  it('--all-topics, --export and --from-file round trip; a group that does not exist is refused', async () => {
    const g = randomGroup('reset');
    await committedGroup(g, [[0, 1], [2, 2]]);
    const exp = await cg(['--reset-offsets', '--group', g, '--all-topics', '--to-earliest', '--export', '--dry-run']);
    expect(exp.out).toBe(`${topic},0,0\n${topic},2,0\n\n`);
    const dir = mkdtempSync(join(tmpdir(), 'mq-reset-'));
    onTestFinished(() => rmSync(dir, { recursive: true, force: true }));
    const file = join(dir, 'plan.csv');
    writeFileSync(file, `${topic},0,3\n${topic},1,2\n`);
    // Issue 10: a group that does not exist is not seeded (Kafka would create it): it says so and exits 1.
    const missing = randomGroup('missing');
    const refused = await cg(['--reset-offsets', '--group', missing, '--from-file', file, '--execute']);
    expect(refused).toMatchObject({ code: 1, out: '\n', err: `\nError: Consumer group '${missing}' does not exist.\n` });
    expect(await committed(missing)).toEqual({});
    const fresh = randomGroup('fresh');
    await committedGroup(fresh, [[2, 0]]);
    const r = await cg(['--reset-offsets', '--group', fresh, '--from-file', file, '--execute']);
    expect(r.code).toBe(0);
    expect(r.out).toBe(`\n${'GROUP'.padEnd(30)} ${'TOPIC'.padEnd(30)} ${'PARTITION'.padEnd(10)} ${'NEW-OFFSET'.padEnd(15)}\n${fresh.padEnd(30)} ${topic.padEnd(30)} ${'0'.padEnd(10)} ${'3'.padEnd(15)}\n${fresh.padEnd(30)} ${topic.padEnd(30)} ${'1'.padEnd(10)} ${'2'.padEnd(15)}\n`);
    expect(await committed(fresh)).toEqual({ 0: 3, 1: 2, 2: 0 });
    // 4-column layout with several groups
    writeFileSync(file, `${g},${topic},2,1\n${fresh},${topic},0,0\n`);
    const multi = await cg(['--reset-offsets', '--group', g, '--group', fresh, '--from-file', file, '--execute', '--export']);
    expect(multi.code).toBe(0);
    expect(multi.out).toBe(`${g},${topic},2,1\n${fresh},${topic},0,0\n\n`);
    expect(await committed(g)).toEqual({ 0: 1, 2: 1 });
  });
});

describe('mq-consumer-groups --delete and --delete-offsets', () => {
  it('deletes offsets of an Empty group, then the group; a missing group fails', async () => {
    const g = randomGroup('del');
    await committedGroup(g, [[0, 1], [1, 1]]);
    const d = await cg(['--delete-offsets', '--group', g, '--topic', `${topic}:0`]);
    expect(d.code).toBe(0);
    expect(d.out).toBe(`Request succeed for deleting offsets with topic ${topic}:0 group ${g}\n\n${'TOPIC'.padEnd(30)} ${'PARTITION'.padEnd(15)} ${'STATUS'.padEnd(15)}\n${topic.padEnd(30)} ${'0'.padEnd(15)} ${'Successful'.padEnd(15)}\n`);
    const left = JSON.parse((await cg(['--describe', '--group', g, '--output', 'json'])).out).groups[0].offsets;
    expect(left.map((o: { partition: number }) => o.partition)).toEqual([1]);
    const del = await cg(['--delete', '--group', g]);
    expect(del).toMatchObject({ code: 0, out: `Deletion of requested consumer groups ('${g}') was successful.\n` });
    const again = await cg(['--delete', '--group', g]);
    expect(again.code).toBe(1);
    expect(again.out).toBe('');
    expect(again.err).toBe(`\nError: Deletion of some consumer groups failed:\n* Group '${g}' could not be deleted due to: The group id does not exist.\n`);
  });
});
