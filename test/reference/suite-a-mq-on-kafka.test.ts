// Suite A (issue 6): mq's built commands against Apache Kafka in remote mode (--bootstrap-server,
// --command-config). Kafka is the broker; mq is the client under test. Kafka's own tools are used
// only for a few cross-checks. Skipped unless MQ_REFERENCE=1; run alone with
//   npm run build && MQ_REFERENCE=1 npx vitest run -c vitest.reference.config.ts test/reference/suite-a-mq-on-kafka.test.ts

import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runKafkaTool, startKafka, type KafkaCluster } from './kafka.js';
import {
  jaas,
  mq,
  mqOk,
  normaliseIds,
  parsePartitions,
  propsFile,
  readBatchHeaders,
  removeScratch,
  spawnMq,
  timings,
  until,
  type MqProcess,
  type PartitionRow,
} from './suite-a/mq.js';

const WARN_DOT =
  "WARNING: Due to limitations in metric names, topics with a period ('.') or underscore ('_') could collide. To avoid issues it is best to use either, but not both.\n";
const PROCESSED = (n: number): RegExp => new RegExp(`^Processed a total of ${n} messages$`, 'm');
const CONSUMER_ID = /console-consumer-[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}/;
/** one non-empty line, no stack trace */
const ONE_LINE = /^[^\n]+\n?$/;

function firstSegment(kafka: KafkaCluster, topic: string, partition: number, node = 0): string {
  return join(kafka.nodes[node]!.dir, 'data', `${topic}-${partition}`, '00000000000000000000.log');
}

describe.skipIf(!process.env.MQ_REFERENCE)('Suite A: mq against Apache Kafka (remote mode)', () => {
  afterAll(() => {
    removeScratch();
    console.log(`suite A timings:\n  ${timings.join('\n  ')}`);
  });

  // -------------------------------------------------------------------------------------------
  describe('Kafka 4.x, single node with PLAINTEXT, SASL_PLAINTEXT, SSL (client certs required) and SASL_SSL', () => {
    let kafka: KafkaCluster;
    let bs: string[];
    const children: MqProcess[] = [];

    beforeAll(async () => {
      const t0 = Date.now();
      kafka = await startKafka({
        version: '4',
        nodes: 1,
        listeners: { saslPlaintext: true, ssl: { clientAuth: 'required' }, saslSsl: true },
      });
      bs = ['--bootstrap-server', kafka.bootstrap];
      timings.push(`Kafka ${kafka.release} single node ready: ${Date.now() - t0} ms`);
    });

    afterAll(async () => {
      await Promise.all(children.map((c) => c.stop()));
      await kafka?.stop();
    });

    describe('mq-topics', () => {
      it('create: success line, dot/underscore warning, already exists, --if-not-exists', async () => {
        let r = await mqOk('topics', [...bs, '--create', '--topic', 'orders', '--partitions', '3']);
        expect(r.stdout).toBe('Created topic orders.\n');
        r = await mqOk('topics', [...bs, '--create', '--topic', 'a.b_c', '--replication-factor', '1']);
        expect(r.stdout).toBe(`${WARN_DOT}Created topic a.b_c.\n`);
        r = await mq('topics', [...bs, '--create', '--topic', 'orders']);
        expect(r.code).toBe(1);
        expect(r.stderr).toBe("Error while executing topic command : Topic 'orders' already exists.\n");
        r = await mqOk('topics', [...bs, '--create', '--topic', 'orders', '--if-not-exists']);
        expect(r.stdout).toBe('');
        r = await mqOk('topics', [...bs, '--create', '--topic', 'compacted', '--config', 'cleanup.policy=compact', '--config', 'retention.ms=3600000']);
        expect(r.stdout).toBe('Created topic compacted.\n');
        r = await mq('topics', [...bs, '--create', '--topic', 'toomany', '--replication-factor', '3']);
        expect(r.code).toBe(1);
        expect(r.stderr).toMatch(/^Error while executing topic command : Unable to replicate the partition 3 time\(s\): The target replication factor of 3 cannot be reached because only 1 broker\(s\) are registered/);
      });

      it('list, list --exclude-internal and --output json', async () => {
        let r = await mqOk('topics', [...bs, '--list', '--exclude-internal']);
        expect(r.stdout).toBe('a.b_c\ncompacted\norders\n');
        r = await mqOk('topics', [...bs, '--list', '--topic', 'o.*']);
        expect(r.stdout).toBe('orders\n');
        r = await mqOk('topics', [...bs, '--list', '--exclude-internal', '--output', 'json']);
        expect(JSON.parse(r.stdout)).toEqual({ topics: ['a.b_c', 'compacted', 'orders'] });
      });

      it('describe: same text as kafka-topics (ids normalised, ELR columns aside) and --output json', async () => {
        const r = await mqOk('topics', [...bs, '--describe', '--topic', 'orders']);
        expect(normaliseIds(r.stdout)).toBe(
          'Topic: orders\tTopicId: <id>\tPartitionCount: 3\tReplicationFactor: 1\tConfigs: min.insync.replicas=1,segment.bytes=1073741824\n' +
            [0, 1, 2].map((p) => `\tTopic: orders\tPartition: ${p}\tLeader: 1\tReplicas: 1\tIsr: 1\tElr: \tLastKnownElr: \n`).join(''),
        );
        const k = await runKafkaTool('4', 'kafka-topics', [...bs, '--describe', '--topic', 'orders|compacted']);
        const mine = await mqOk('topics', [...bs, '--describe', '--topic', 'orders|compacted']);
        const noElr = (s: string): string => s.replace(/\tElr: [^\t]*\tLastKnownElr: [^\n]*/g, '\t<elr>');
        // Kafka prints topics in admin-result (hash) order; mq sorts them.
        const byTopic = (s: string): string[] => noElr(s).split(/(?=^Topic: )/m).sort();
        expect(byTopic(mine.stdout)).toEqual(byTopic(k.stdout));

        const j = await mqOk('topics', [...bs, '--describe', '--topic', 'compacted', '--output', 'json']);
        type TopicDoc = { name: string; topicId: string; partitionCount: number; configs: Record<string, string>; partitions: PartitionRow[] };
        const doc = JSON.parse(j.stdout) as { topics: TopicDoc[] };
        expect(doc.topics).toHaveLength(1);
        expect(doc.topics[0]).toMatchObject({
          name: 'compacted',
          partitionCount: 1,
          replicationFactor: 1,
          configs: { 'cleanup.policy': 'compact', 'retention.ms': '3600000' },
          partitions: [{ partition: 0, leader: 1, replicas: [1], isr: [1] }],
        });
        expect(doc.topics[0]!.topicId).toMatch(/^[A-Za-z0-9_-]{22}$/);
        expect(mine.stdout).toContain(`Topic: compacted\tTopicId: ${doc.topics[0]!.topicId}\t`);
      });

      it('describe filters: --topics-with-overrides, --under-replicated-partitions, --unavailable-partitions', async () => {
        let r = await mqOk('topics', [...bs, '--describe', '--topics-with-overrides', '--exclude-internal']);
        expect(normaliseIds(r.stdout).split('\n').filter(Boolean).map((l) => l.split('\t')[0])).toEqual([
          'Topic: a.b_c', 'Topic: compacted', 'Topic: orders',
        ]);
        expect(r.stdout).not.toContain('\tPartition: ');
        r = await mqOk('topics', [...bs, '--describe', '--under-replicated-partitions']);
        expect(r.stdout).toBe('');
        r = await mqOk('topics', [...bs, '--describe', '--unavailable-partitions']);
        expect(r.stdout).toBe('');
      });

      it('alter: more partitions; fewer is refused; a missing topic does not exist as expected', async () => {
        let r = await mqOk('topics', [...bs, '--alter', '--topic', 'a.b_c', '--partitions', '2']);
        expect(r.stdout).toBe('');
        r = await mqOk('topics', [...bs, '--describe', '--topic', 'a.b_c']);
        expect(parsePartitions(r.stdout).map((p) => p.partition)).toEqual([0, 1]);
        r = await mq('topics', [...bs, '--alter', '--topic', 'a.b_c', '--partitions', '1']);
        expect(r.code).toBe(1);
        expect(r.stderr).toBe('Error while executing topic command : The topic a.b_c currently has 2 partition(s); 1 would not be an increase.\n');
        r = await mq('topics', [...bs, '--alter', '--topic', 'nope', '--partitions', '5']);
        expect(r.code).toBe(1);
        expect(r.stderr).toBe("Error while executing topic command : Topic 'nope' does not exist as expected\n");
        r = await mqOk('topics', [...bs, '--alter', '--topic', 'nope', '--partitions', '5', '--if-exists']);
        expect(r.stdout).toBe('');
        r = await mq('topics', [...bs, '--describe', '--topic', 'nope']);
        expect(r.code).toBe(1);
        expect(r.stderr).toBe("Error while executing topic command : Topic 'nope' does not exist as expected\n");
      });

      it('delete: the topic is gone from the list; --if-exists on a missing one is quiet', async () => {
        let r = await mqOk('topics', [...bs, '--delete', '--topic', 'a.b_c']);
        expect(r.stdout).toBe('');
        await until('a.b_c gone', async () => (await mqOk('topics', [...bs, '--list', '--exclude-internal'])).stdout, (s) => s === 'compacted\norders\n');
        r = await mqOk('topics', [...bs, '--delete', '--topic', 'a.b_c', '--if-exists']);
        expect(r.stdout).toBe('');
        r = await mq('topics', [...bs, '--delete', '--topic', 'a.b_c']);
        expect(r.code).toBe(1);
        expect(r.stderr).toBe("Error while executing topic command : Topic 'a.b_c' does not exist as expected\n");
      });
    });

    describe('mq-console-producer and mq-console-consumer', () => {
      it('keys and headers (parse.key, parse.headers) arrive as sent; Kafka\'s consumer prints the same', async () => {
        await mqOk('topics', [...bs, '--create', '--topic', 'rt', '--partitions', '1']);
        const r = await mqOk('console-producer', [
          ...bs, '--topic', 'rt', '--property', 'parse.key=true', '--property', 'parse.headers=true',
        ], { stdin: 'h1:v1,h2:v2\tk1\tone\nh3:x\tk2\ttwo\nh4:\tk3\tthree\twith tab\n' });
        expect(r.stdout).toBe('');
        expect(r.stderr).toBe('');
        const props = ['print.key', 'print.headers', 'print.offset', 'print.partition'].flatMap((p) => ['--property', `${p}=true`]);
        const c = await mqOk('console-consumer', [...bs, '--topic', 'rt', '--from-beginning', '--max-messages', '3', ...props]);
        const expected =
          'Partition:0\tOffset:0\th1:v1,h2:v2\tk1\tone\n' +
          'Partition:0\tOffset:1\th3:x\tk2\ttwo\n' +
          'Partition:0\tOffset:2\th4:\tk3\tthree\twith tab\n';
        expect(c.stdout).toBe(expected);
        expect(c.stderr).toMatch(PROCESSED(3));
        const k = await runKafkaTool('4', 'kafka-console-consumer', [
          ...bs, '--topic', 'rt', '--from-beginning', '--max-messages', '3', ...props.map((p) => (p === '--property' ? '--formatter-property' : p)),
        ]);
        expect(k.stdout).toBe(expected);
      });

      it.each(['gzip', 'snappy', 'lz4', 'zstd'])('--compression-codec %s: the broker stores a %s batch and mq reads it back', async (codec) => {
        const topic = `codec-${codec}`;
        await mqOk('topics', [...bs, '--create', '--topic', topic, '--partitions', '1']);
        const lines = Array.from({ length: 50 }, (_, i) => `${codec}-record-${i}-${'x'.repeat(i)}`);
        await mqOk('console-producer', [...bs, '--topic', topic, '--compression-codec', codec], { stdin: lines.join('\n') + '\n' });
        const batches = readBatchHeaders(firstSegment(kafka, topic, 0));
        expect(batches.reduce((n, b) => n + b.records, 0)).toBe(50);
        const codecId = { gzip: 1, snappy: 2, lz4: 3, zstd: 4 }[codec];
        for (const b of batches) expect(b.codec).toBe(codecId);
        const c = await mqOk('console-consumer', [...bs, '--topic', topic, '--from-beginning', '--max-messages', '50']);
        expect(c.stdout).toBe(lines.join('\n') + '\n');
        // our own fetch path (--partition) decodes the same batches
        const p = await mqOk('console-consumer', [...bs, '--topic', topic, '--partition', '0', '--offset', '48', '--max-messages', '2']);
        expect(p.stdout).toBe(`${lines[48]}\n${lines[49]}\n`);
      });

      it('--partition/--offset, formatter properties, timestamps, null.literal, --output json', async () => {
        let c = await mqOk('console-consumer', [...bs, '--topic', 'rt', '--partition', '0', '--offset', '1', '--max-messages', '2', '--property', 'print.offset=true']);
        expect(c.stdout).toBe('Offset:1\ttwo\nOffset:2\tthree\twith tab\n');
        c = await mqOk('console-consumer', [...bs, '--topic', 'rt', '--partition', '0', '--offset', 'earliest', '--max-messages', '1']);
        expect(c.stdout).toBe('one\n');
        c = await mqOk('console-consumer', [
          ...bs, '--topic', 'rt', '--from-beginning', '--max-messages', '3', '--property', 'print.key=true', '--property', 'key.separator= => ',
          '--property', 'line.separator=|\n', '--property', 'print.timestamp=true', '--property', 'print.value=false',
        ]);
        expect(c.stdout).toMatch(/^CreateTime:\d{13} => k1\|\nCreateTime:\d{13} => k2\|\nCreateTime:\d{13} => k3\|\n$/);
        // a record without key, null.literal
        await mqOk('console-producer', [...bs, '--topic', 'rt'], { stdin: 'keyless\n' });
        c = await mqOk('console-consumer', [...bs, '--topic', 'rt', '--partition', '0', '--offset', '3', '--max-messages', '1', '--property', 'print.key=true', '--property', 'null.literal=<null>']);
        expect(c.stdout).toBe('<null>\tkeyless\n');
        c = await mqOk('console-consumer', [...bs, '--topic', 'rt', '--from-beginning', '--max-messages', '2', '--output', 'json']);
        const docs = c.stdout.trim().split('\n').map((l) => JSON.parse(l) as Record<string, unknown>);
        expect(docs).toHaveLength(2);
        expect(docs[0]).toMatchObject({ topic: 'rt', partition: 0, offset: 0, key: 'k1', value: 'one', headers: [{ key: 'h1', value: 'v1' }, { key: 'h2', value: 'v2' }] });
        expect(docs[1]).toMatchObject({ offset: 1, key: 'k2', value: 'two', headers: [{ key: 'h3', value: 'x' }] });
        expect(typeof docs[0]!.timestamp).toBe('number');
        // --timeout-ms with nothing left to read ends with the summary line and exit 0
        c = await mqOk('console-consumer', [...bs, '--topic', 'rt', '--partition', '0', '--offset', 'latest', '--timeout-ms', '1500']);
        expect(c.stdout).toBe('');
        expect(c.stderr).toMatch(PROCESSED(0));
      });

      it('--group commits what it printed; --max-messages never skips', async () => {
        let c = await mqOk('console-consumer', [...bs, '--topic', 'rt', '--group', 'g1', '--from-beginning', '--max-messages', '2']);
        expect(c.stdout).toBe('one\ntwo\n');
        c = await mqOk('console-consumer', [...bs, '--topic', 'rt', '--group', 'g1', '--from-beginning', '--max-messages', '2']);
        expect(c.stdout).toBe('three\twith tab\nkeyless\n');
        const d = await mqOk('consumer-groups', [...bs, '--describe', '--group', 'g1']);
        expect(d.stdout).toBe(
          '\nGROUP           TOPIC           PARTITION  CURRENT-OFFSET  LOG-END-OFFSET  LAG             CONSUMER-ID     HOST            CLIENT-ID\n' +
            'g1              rt              0          4               4               0               -               -               -\n',
        );
        expect(d.stderr).toBe("\nConsumer group 'g1' has no active members.\n");
      });
    });

    describe('mq-consumer-groups', () => {
      let member: MqProcess;

      it('--list, --list --state --type', async () => {
        const r = await mqOk('consumer-groups', [...bs, '--list']);
        expect(r.stdout.split('\n')).toContain('g1');
        const s = await mqOk('consumer-groups', [...bs, '--list', '--state', '--type']);
        expect(s.stdout.split('\n')[0]).toMatch(/^GROUP\s+TYPE\s+STATE\s*$/);
        expect(s.stdout).toMatch(/^g1\s+Classic\s+Empty\s+$/m);
        const j = await mqOk('consumer-groups', [...bs, '--list', '--output', 'json']);
        expect(JSON.stringify(JSON.parse(j.stdout))).toContain('"g1"');
      });

      it('every --describe view of a live group (a spawned mq-console-consumer)', async () => {
        await mqOk('console-producer', [...bs, '--topic', 'orders', '--property', 'parse.key=true'], {
          stdin: Array.from({ length: 30 }, (_, i) => `key-${i}\torder-${i}`).join('\n') + '\n',
        });
        member = spawnMq('console-consumer', [...bs, '--topic', 'orders', '--group', 'live', '--from-beginning']);
        children.push(member);
        await member.waitFor((out) => out.split('\n').filter(Boolean).length === 30, 60_000);
        const state = await until(
          'group live Stable',
          async () => (await mqOk('consumer-groups', [...bs, '--describe', '--group', 'live', '--state'])).stdout,
          (s) => /\sStable\s/.test(s),
        );
        expect(state).toMatch(/^\nGROUP\s+COORDINATOR \(ID\)\s+ASSIGNMENT-STRATEGY\s+STATE\s+#MEMBERS\n/);
        expect(state).toMatch(new RegExp(`^live\\s+127\\.0\\.0\\.1:${kafka.nodes[0]!.port}  \\(1\\)\\s+range\\s+Stable\\s+1\\n$`, 'm'));

        const offsets = await until(
          'all 30 committed',
          async () => (await mqOk('consumer-groups', [...bs, '--describe', '--group', 'live'])).stdout,
          (s) => (s.match(/\s0\s+console-consumer-/g) ?? []).length === 3,
          30_000,
        );
        const rows = offsets.trim().split('\n').slice(1).map((l) => l.split(/\s+/));
        expect(rows.map((r) => r.slice(0, 6))).toEqual(
          [0, 1, 2].map((p) => {
            const n = rows.find((r) => r[2] === String(p))![4]!;
            return ['live', 'orders', String(p), n, n, '0'];
          }),
        );
        expect(rows.reduce((s, r) => s + Number(r[4]), 0)).toBe(30);
        for (const r of rows) {
          expect(r[6]).toMatch(CONSUMER_ID);
          expect(r[7]).toBe('/127.0.0.1');
          expect(r[8]).toBe('console-consumer');
        }

        const members = await mqOk('consumer-groups', [...bs, '--describe', '--group', 'live', '--members']);
        expect(members.stdout).toMatch(/^\nGROUP\s+CONSUMER-ID\s+HOST\s+CLIENT-ID\s+#PARTITIONS\s*\n/);
        expect(members.stdout).toMatch(new RegExp(`^live\\s+${CONSUMER_ID.source}\\s+/127\\.0\\.0\\.1\\s+console-consumer\\s+3\\s*$`, 'm'));
        const verbose = await mqOk('consumer-groups', [...bs, '--describe', '--group', 'live', '--members', '--verbose']);
        expect(verbose.stdout).toMatch(/\s3\s+orders\(0,1,2\)\s*$|\s3\s+\(0,1,2\)\s*$|orders:0,1,2/m);

        const json = await mqOk('consumer-groups', [...bs, '--describe', '--group', 'live', '--output', 'json']);
        type GroupDoc = { group: string; state: string; members: { clientId: string; host: string }[]; offsets: { lag: number }[] };
        const doc = JSON.parse(json.stdout) as { groups: GroupDoc[] };
        expect(doc.groups[0]).toMatchObject({ group: 'live', state: 'Stable' });
        expect(doc.groups[0]!.members).toHaveLength(1);
        expect(doc.groups[0]!.members[0]).toMatchObject({ clientId: 'console-consumer' });
        expect(doc.groups[0]!.offsets.map((o) => o.lag)).toEqual([0, 0, 0]);

        // a reset of a live group is refused
        const reset = await mq('consumer-groups', [...bs, '--group', 'live', '--reset-offsets', '--to-earliest', '--topic', 'orders', '--execute']);
        // mq prints the per-group Error lines on stderr (issue 10); Kafka's tool on stdout.
        expect(reset.stderr).toContain("Error: Assignments can only be reset if the group 'live' is inactive, but the current state is Stable.");

        const stopped = await member.stop();
        expect(stopped.stderr).toMatch(PROCESSED(30));
      });

      it('--reset-offsets: dry run, execute, shift-by, to-datetime, export; describe shows the result', async () => {
        const header = '\nGROUP                          TOPIC                          PARTITION  NEW-OFFSET     \n';
        const row = (g: string, t: string, p: number, o: number): string => `${g.padEnd(30)} ${t.padEnd(30)} ${String(p).padEnd(10)} ${String(o).padEnd(15)}\n`;
        await until('live Empty', async () => (await mq('consumer-groups', [...bs, '--describe', '--group', 'live', '--state'])).stdout, (s) => /\sEmpty\s/.test(s));
        let r = await mqOk('consumer-groups', [...bs, '--group', 'g1', '--reset-offsets', '--to-earliest', '--topic', 'rt', '--dry-run']);
        expect(r.stdout).toBe(header + row('g1', 'rt', 0, 0));
        r = await mqOk('consumer-groups', [...bs, '--group', 'g1', '--reset-offsets', '--to-offset', '1', '--topic', 'rt', '--execute']);
        expect(r.stdout).toBe(header + row('g1', 'rt', 0, 1));
        r = await mqOk('consumer-groups', [...bs, '--group', 'g1', '--reset-offsets', '--shift-by', '2', '--all-topics', '--execute']);
        expect(r.stdout).toBe(header + row('g1', 'rt', 0, 3));
        r = await mqOk('consumer-groups', [...bs, '--group', 'g1', '--reset-offsets', '--to-offset', '99', '--topic', 'rt', '--execute']);
        expect(r.stdout).toBe(header + row('g1', 'rt', 0, 4)); // clamped to the log end
        r = await mqOk('consumer-groups', [...bs, '--group', 'g1', '--reset-offsets', '--to-datetime', '2000-01-01T00:00:00.000', '--topic', 'rt', '--dry-run']);
        expect(r.stdout).toBe(header + row('g1', 'rt', 0, 0));
        r = await mqOk('consumer-groups', [...bs, '--group', 'live', '--reset-offsets', '--to-earliest', '--topic', 'orders:0,2', '--export', '--dry-run']);
        expect(r.stdout).toBe('orders,0,0\norders,2,0\n\n');
        r = await mqOk('consumer-groups', [...bs, '--group', 'live', '--reset-offsets', '--shift-by', '-1', '--topic', 'orders', '--execute', '--output', 'json']);
        const plan = JSON.parse(r.stdout) as { offsets: { topic: string; partition: number; newOffset: number }[] };
        expect(plan.offsets.map((o) => o.partition).sort()).toEqual([0, 1, 2]);
        const d = await mqOk('consumer-groups', [...bs, '--describe', '--group', 'live', '--offsets']);
        const lags = d.stdout.trim().split('\n').slice(1).map((l) => l.split(/\s+/)[5]);
        expect(lags).toEqual(['1', '1', '1']);
        const g1 = await mqOk('consumer-groups', [...bs, '--describe', '--group', 'g1']);
        expect(g1.stdout).toMatch(/^g1\s+rt\s+0\s+4\s+4\s+0\s+-\s+-\s+-$/m);
      });

      it('--delete-offsets, --delete, and deleting a missing group', async () => {
        let r = await mqOk('consumer-groups', [...bs, '--group', 'live', '--delete-offsets', '--topic', 'orders:1']);
        // mq prints the 3.9/4.0 text; Kafka 4.3 says 'Request succeeded for deleting offsets from group live.' with narrower columns
        expect(r.stdout).toMatch(/^Request succeed for deleting offsets with topic orders:1 group live\n\nTOPIC\s+PARTITION\s+STATUS\s*\norders\s+1\s+Successful\s*\n$/);
        const d = await mqOk('consumer-groups', [...bs, '--describe', '--group', 'live']);
        expect(d.stdout.trim().split('\n').slice(1).map((l) => l.split(/\s+/)[2])).toEqual(['0', '2']);
        r = await mqOk('consumer-groups', [...bs, '--delete', '--group', 'live']);
        expect(r.stdout).toBe("Deletion of requested consumer groups ('live') was successful.\n");
        r = await mq('consumer-groups', [...bs, '--delete', '--group', 'live']);
        expect(r.stdout).toBe('');
        expect(r.stderr).toBe(
          "\nError: Deletion of some consumer groups failed:\n* Group 'live' could not be deleted due to: java.util.concurrent.ExecutionException: org.apache.kafka.common.errors.GroupIdNotFoundException: The group id does not exist.\n",
        );
        const list = await mqOk('consumer-groups', [...bs, '--list']);
        expect(list.stdout.split('\n')).not.toContain('live');
      });
    });

    describe('mq-get-offsets and mq-configs', () => {
      it('get-offsets: latest, earliest, max-timestamp, --topic-partitions, --output json', async () => {
        let r = await mqOk('get-offsets', [...bs, '--topic', 'orders|rt']);
        const latest = r.stdout;
        expect(latest).toMatch(/^orders:0:\d+\norders:1:\d+\norders:2:\d+\nrt:0:4\n$/);
        expect(latest.split('\n').filter((l) => l.startsWith('orders')).reduce((s, l) => s + Number(l.split(':')[2]), 0)).toBe(30);
        r = await mqOk('get-offsets', [...bs, '--topic', 'rt', '--time', 'earliest']);
        expect(r.stdout).toBe('rt:0:0\n');
        r = await mqOk('get-offsets', [...bs, '--topic', 'rt', '--time', '-3']);
        expect(r.stdout).toMatch(/^rt:0:[0-3]\n$/);
        r = await mqOk('get-offsets', [...bs, '--topic-partitions', 'orders:1-3,rt']);
        expect(r.stdout).toBe(latest.split('\n').filter((l) => /^(orders:[12]|rt:0):/.test(l)).join('\n') + '\n');
        const k = await runKafkaTool('4', 'kafka-get-offsets', [...bs, '--topic-partitions', 'orders:1-3,rt']);
        expect(r.stdout).toBe(k.stdout);
        r = await mqOk('get-offsets', [...bs, '--topic', 'rt', '--output', 'json']);
        expect(JSON.stringify(JSON.parse(r.stdout))).toMatch(/"rt".*0.*4|4.*"rt"/);
        r = await mq('get-offsets', [...bs, '--topic', 'nothing-like-this']);
        expect(r.code).toBe(1);
        expect(r.stderr).toBe('Error occurred: Could not match any topic-partitions with the specified filters\n');
      });

      it('configs: topic describe/alter/delete-config, --all, broker alter and revert, --output json', async () => {
        const t = ['--entity-type', 'topics', '--entity-name', 'rt'];
        let r = await mqOk('configs', [...bs, '--describe', ...t]);
        expect(r.stdout).toBe('Dynamic configs for topic rt are:\n');
        r = await mqOk('configs', [...bs, '--alter', ...t, '--add-config', 'retention.ms=86400000,max.message.bytes=2000000']);
        expect(r.stdout).toBe('Completed updating config for topic rt.\n');
        r = await mqOk('configs', [...bs, '--describe', '--topic', 'rt']);
        const expected =
          'Dynamic configs for topic rt are:\n' +
          '  max.message.bytes=2000000 sensitive=false synonyms={DYNAMIC_TOPIC_CONFIG:max.message.bytes=2000000, DEFAULT_CONFIG:message.max.bytes=1048588}\n' +
          '  retention.ms=86400000 sensitive=false synonyms={DYNAMIC_TOPIC_CONFIG:retention.ms=86400000}\n';
        expect(r.stdout).toBe(expected);
        const k = await runKafkaTool('4', 'kafka-configs', [...bs, '--describe', '--topic', 'rt']);
        expect(k.stdout).toBe(expected);
        r = await mqOk('configs', [...bs, '--alter', ...t, '--delete-config', 'max.message.bytes']);
        expect(r.stdout).toBe('Completed updating config for topic rt.\n');
        r = await mqOk('configs', [...bs, '--describe', ...t, '--output', 'json']);
        const doc = JSON.parse(r.stdout) as { entities: { entityName: string; configs: { name: string; value: string; source: string }[] }[] };
        expect(doc.entities[0]!.configs.map((c) => [c.name, c.value, c.source])).toEqual([['retention.ms', '86400000', 'DYNAMIC_TOPIC_CONFIG']]);
        r = await mqOk('configs', [...bs, '--describe', '--all', '--topic', 'rt']);
        expect(r.stdout.split('\n')[0]).toBe('All configs for topic rt are:');
        expect(r.stdout).toContain('  cleanup.policy=delete sensitive=false synonyms={DEFAULT_CONFIG:log.cleanup.policy=delete}\n');
        expect(r.stdout).toContain('  retention.ms=86400000 sensitive=false synonyms={DYNAMIC_TOPIC_CONFIG:retention.ms=86400000}\n');
        r = await mq('configs', [...bs, '--alter', ...t, '--delete-config', 'max.message.bytes']);
        expect(r.code).toBe(1);
        expect(r.stderr).toContain('Invalid config(s): max.message.bytes');

        r = await mqOk('configs', [...bs, '--alter', '--entity-type', 'brokers', '--entity-name', '1', '--add-config', 'log.cleaner.threads=2']);
        expect(r.stdout).toBe('Completed updating config for broker 1.\n');
        r = await mqOk('configs', [...bs, '--describe', '--broker', '1']);
        expect(r.stdout).toBe(
          'Dynamic configs for broker 1 are:\n' +
            '  log.cleaner.threads=2 sensitive=false synonyms={DYNAMIC_BROKER_CONFIG:log.cleaner.threads=2, DEFAULT_CONFIG:log.cleaner.threads=1}\n',
        );
        await mqOk('configs', [...bs, '--alter', '--broker', '1', '--delete-config', 'log.cleaner.threads']);
        r = await mqOk('configs', [...bs, '--describe', '--broker', '1']);
        expect(r.stdout).toBe('Dynamic configs for broker 1 are:\n');
        r = await mqOk('configs', [...bs, '--describe', '--entity-type', 'brokers', '--entity-default']);
        expect(r.stdout.split('\n')[0]).toBe('Default configs for brokers in the cluster are:');
      });
    });

    describe('perf tests', () => {
      it('mq-producer-perf-test then mq-consumer-perf-test: exact counts', async () => {
        await mqOk('topics', [...bs, '--create', '--topic', 'perf', '--partitions', '2']);
        const p = await mqOk('producer-perf-test', [
          '--topic', 'perf', '--num-records', '20000', '--record-size', '100', '--throughput', '-1',
          '--producer-props', `bootstrap.servers=${kafka.bootstrap}`, 'acks=all', 'compression.type=lz4', 'linger.ms=5',
        ], { timeoutMs: 120_000 });
        expect(p.stdout).toMatch(
          /^20000 records sent, [\d.]+ records\/sec \([\d.]+ MB\/sec\), [\d.]+ ms avg latency, [\d.]+ ms max latency, \d+ ms 50th, \d+ ms 95th, \d+ ms 99th, \d+ ms 99\.9th\.$/m,
        );
        const offs = await mqOk('get-offsets', [...bs, '--topic', 'perf']);
        expect(offs.stdout.trim().split('\n').reduce((s, l) => s + Number(l.split(':')[2]), 0)).toBe(20000);
        const c = await mqOk('consumer-perf-test', [...bs, '--topic', 'perf', '--messages', '20000', '--timeout', '30000', '--group', 'perf-g'], { timeoutMs: 120_000 });
        const lines = c.stdout.trim().split('\n');
        expect(lines[0]).toBe('start.time, end.time, data.consumed.in.MB, MB.sec, data.consumed.in.nMsg, nMsg.sec, rebalance.time.ms, fetch.time.ms, fetch.MB.sec, fetch.nMsg.sec');
        expect(lines[1]).toMatch(/^\d{4}-\d\d-\d\d \d\d:\d\d:\d\d:\d{3}, \d{4}-\d\d-\d\d \d\d:\d\d:\d\d:\d{3}, 1\.9073, [\d.]+, 20000, [\d.]+, \d+, \d+, [\d.]+, [\d.]+$/);
        const d = await mqOk('consumer-groups', [...bs, '--describe', '--group', 'perf-g']);
        expect(d.stdout.trim().split('\n').slice(1).map((l) => l.split(/\s+/)[5])).toEqual(['0', '0']);
      });
    });

    describe('security through --command-config (Kafka property syntax)', () => {
      interface Case {
        name: string;
        protocol: 'SASL_PLAINTEXT' | 'SSL' | 'SASL_SSL';
        config: () => string;
      }
      const cases: Case[] = [
        {
          name: 'SASL_PLAINTEXT PLAIN',
          protocol: 'SASL_PLAINTEXT',
          config: () => propsFile('plain', { 'security.protocol': 'SASL_PLAINTEXT', 'sasl.mechanism': 'PLAIN', 'sasl.jaas.config': jaas('PLAIN', 'alice', 'alice-secret') }),
        },
        {
          name: 'SASL_PLAINTEXT SCRAM-SHA-512',
          protocol: 'SASL_PLAINTEXT',
          config: () => propsFile('scram', { 'security.protocol': 'SASL_PLAINTEXT', 'sasl.mechanism': 'SCRAM-SHA-512', 'sasl.jaas.config': jaas('SCRAM-SHA-512', 'admin', 'admin-secret') }),
        },
        {
          // the harness's Java client file: PKCS12 trust store (keytool) and PKCS12 key store
          name: 'SSL mTLS PKCS12 stores',
          protocol: 'SSL',
          config: () => kafka.clientConfig('SSL'),
        },
        {
          name: 'SSL mTLS PEM trust store and PEM key store',
          protocol: 'SSL',
          config: () => {
            const ssl = kafka.ssl!;
            const keystore = propsFile('keystore-pem', {}).replace(/\.properties$/, '.pem');
            writeFileSync(keystore, readFileSync(ssl.clientCertPem, 'utf8') + readFileSync(ssl.clientKeyPem, 'utf8'));
            return propsFile('ssl-pem', {
              'security.protocol': 'SSL', 'ssl.truststore.location': ssl.caPem, 'ssl.truststore.type': 'PEM',
              'ssl.keystore.location': keystore, 'ssl.keystore.type': 'PEM',
            });
          },
        },
        {
          name: 'SASL_SSL SCRAM-SHA-512 with a PEM trust store',
          protocol: 'SASL_SSL',
          config: () => propsFile('sasl-ssl', {
            'security.protocol': 'SASL_SSL', 'ssl.truststore.location': kafka.ssl!.caPem, 'ssl.truststore.type': 'PEM',
            'sasl.mechanism': 'SCRAM-SHA-512', 'sasl.jaas.config': jaas('SCRAM-SHA-512', 'alice', 'alice-secret'),
          }),
        },
        {
          name: 'SASL_SSL PLAIN with the PKCS12 trust store',
          protocol: 'SASL_SSL',
          config: () => kafka.clientConfig('SASL_SSL', { mechanism: 'PLAIN', user: 'alice' }),
        },
      ];

      it.each(cases.map((c, i) => [c.name, i] as const))('%s: topics --create/--list, producer -> group consumer, consumer-groups --describe', async (_name, i) => {
        const c = cases[i]!;
        const cfg = c.config();
        const sbs = ['--bootstrap-server', kafka.bootstraps[c.protocol]!];
        const topic = `sec-${i}`;
        let r = await mqOk('topics', [...sbs, '--command-config', cfg, '--create', '--topic', topic, '--partitions', '2']);
        expect(r.stdout).toBe(`Created topic ${topic}.\n`);
        r = await mqOk('topics', [...sbs, '--command-config', cfg, '--list', '--exclude-internal']);
        expect(r.stdout.split('\n')).toContain(topic);
        r = await mqOk('console-producer', [...sbs, '--producer.config', cfg, '--topic', topic, '--property', 'parse.key=true', '--compression-codec', 'zstd'], {
          stdin: 'a\t1\nb\t2\nc\t3\nd\t4\n',
        });
        expect(r.stderr).toBe('');
        r = await mqOk('console-consumer', [
          ...sbs, '--consumer.config', cfg, '--topic', topic, '--group', `sec-g-${i}`, '--from-beginning', '--max-messages', '4', '--property', 'print.key=true',
        ]);
        expect(r.stdout.split('\n').filter(Boolean).sort()).toEqual(['a\t1', 'b\t2', 'c\t3', 'd\t4']);
        r = await mqOk('consumer-groups', [...sbs, '--command-config', cfg, '--describe', '--group', `sec-g-${i}`]);
        const rows = r.stdout.trim().split('\n').slice(1).map((l) => l.split(/\s+/));
        expect(rows.map((x) => [x[0], x[1], x[2], x[5]])).toEqual([[`sec-g-${i}`, topic, '0', '0'], [`sec-g-${i}`, topic, '1', '0']]);
        r = await mqOk('get-offsets', [...sbs, '--command-config', cfg, '--topic', topic]);
        expect(r.stdout.trim().split('\n').reduce((s, l) => s + Number(l.split(':')[2]), 0)).toBe(4);
      });

      it.each([
        ['PLAIN', 'Authentication failed: Invalid username or password'],
        ['SCRAM-SHA-512', 'Authentication failed during authentication due to invalid credentials with SASL mechanism SCRAM-SHA-512'],
      ] as const)('a wrong %s password: one line, exit 1, no hang (topics, producer, consumer, groups)', async (mechanism, brokerText) => {
        const cfg = propsFile('wrong', { 'security.protocol': 'SASL_PLAINTEXT', 'sasl.mechanism': mechanism, 'sasl.jaas.config': jaas(mechanism, 'alice', 'wrong') });
        const sbs = ['--bootstrap-server', kafka.bootstraps.SASL_PLAINTEXT!];
        const runs = await Promise.all([
          mq('topics', [...sbs, '--command-config', cfg, '--list'], { timeoutMs: 20_000 }),
          mq('console-producer', [...sbs, '--producer.config', cfg, '--topic', 'sec-0'], { stdin: 'x\n', timeoutMs: 20_000 }),
          mq('console-consumer', [...sbs, '--consumer.config', cfg, '--topic', 'sec-0', '--group', 'nobody'], { timeoutMs: 20_000 }),
          mq('consumer-groups', [...sbs, '--command-config', cfg, '--describe', '--group', 'sec-g-0'], { timeoutMs: 20_000 }),
        ]);
        for (const r of runs) {
          expect(r.timedOut).toBe(false);
          expect(r.code).toBe(1);
          expect(r.stdout).toBe('');
          const errLines = r.stderr.replace(/^Processed a total of 0 messages\n/m, '');
          expect(errLines).toMatch(ONE_LINE);
          expect(errLines).toContain(brokerText);
        }
      });

      it('TLS failures are one line: no client certificate for a listener that requires one, unknown CA, wrong trust store password', async () => {
        const ssl = kafka.ssl!;
        const sbs = ['--bootstrap-server', kafka.bootstraps.SSL!];
        const noCert = propsFile('nocert', { 'security.protocol': 'SSL', 'ssl.truststore.location': ssl.caPem, 'ssl.truststore.type': 'PEM' });
        const noCa = propsFile('noca', { 'security.protocol': 'SSL' });
        const badPw = kafka.clientConfig('SSL', { extra: { 'ssl.truststore.password': 'wrong' } });
        const [a, b, c] = await Promise.all([
          mq('topics', [...sbs, '--command-config', noCert, '--list'], { timeoutMs: 30_000 }),
          mq('topics', [...sbs, '--command-config', noCa, '--list'], { timeoutMs: 30_000 }),
          mq('topics', [...sbs, '--command-config', badPw, '--list'], { timeoutMs: 30_000 }),
        ]);
        for (const r of [a, b, c]) {
          expect(r.timedOut).toBe(false);
          expect(r.code).toBe(1);
          expect(r.stdout).toBe('');
          expect(r.stderr).toMatch(ONE_LINE);
        }
        expect(b.stderr).toContain('TLS handshake failed: self-signed certificate in certificate chain');
        expect(c.stderr).toContain('wrong password');
      });
    });
  });

  // -------------------------------------------------------------------------------------------
  describe('Kafka 3.9 single node: smoke', () => {
    let kafka: KafkaCluster;
    let bs: string[];

    beforeAll(async () => {
      const t0 = Date.now();
      kafka = await startKafka({ version: '3.9', nodes: 1, listeners: { saslPlaintext: true } });
      bs = ['--bootstrap-server', kafka.bootstrap];
      timings.push(`Kafka ${kafka.release} single node ready: ${Date.now() - t0} ms`);
    });

    afterAll(async () => {
      await kafka?.stop();
    });

    it('topics, producer (gzip, zstd, keys) -> consumer, groups, get-offsets, configs, perf tests, SCRAM', async () => {
      let r = await mqOk('topics', [...bs, '--create', '--topic', 'smoke', '--partitions', '2']);
      expect(r.stdout).toBe('Created topic smoke.\n');
      r = await mqOk('topics', [...bs, '--describe', '--topic', 'smoke']);
      expect(normaliseIds(r.stdout).split('\n')[0]).toBe('Topic: smoke\tTopicId: <id>\tPartitionCount: 2\tReplicationFactor: 1\tConfigs: segment.bytes=1073741824');
      expect(parsePartitions(r.stdout)).toEqual([0, 1].map((p) => ({ topic: 'smoke', partition: p, leader: 1, replicas: [1], isr: [1] })));
      for (const codec of ['gzip', 'zstd']) {
        await mqOk('console-producer', [...bs, '--topic', 'smoke', '--compression-codec', codec, '--property', 'parse.key=true'], {
          stdin: `k\t${codec}-1\nk\t${codec}-2\n`,
        });
      }
      r = await mqOk('console-consumer', [...bs, '--topic', 'smoke', '--group', 'sg', '--from-beginning', '--max-messages', '4']);
      expect(r.stdout).toBe('gzip-1\ngzip-2\nzstd-1\nzstd-2\n'); // one key: one partition, in order
      r = await mqOk('consumer-groups', [...bs, '--describe', '--group', 'sg']);
      expect(r.stdout).toMatch(/^sg\s+smoke\s+\d\s+4\s+4\s+0\s+-\s+-\s+-$/m);
      r = await mqOk('consumer-groups', [...bs, '--group', 'sg', '--reset-offsets', '--to-earliest', '--all-topics', '--execute']);
      expect(r.stdout).toMatch(/^sg\s+smoke\s+\d\s+0\s+$/m);
      r = await mqOk('get-offsets', [...bs, '--topic', 'smoke']);
      expect(r.stdout).toMatch(/^smoke:0:(0|4)\nsmoke:1:(0|4)\n$/);
      r = await mqOk('configs', [...bs, '--alter', '--topic', 'smoke', '--add-config', 'retention.ms=1000000']);
      expect(r.stdout).toBe('Completed updating config for topic smoke.\n');
      r = await mqOk('configs', [...bs, '--describe', '--topic', 'smoke']);
      expect(r.stdout).toBe('Dynamic configs for topic smoke are:\n  retention.ms=1000000 sensitive=false synonyms={DYNAMIC_TOPIC_CONFIG:retention.ms=1000000}\n');
      r = await mqOk('producer-perf-test', ['--topic', 'smoke', '--num-records', '2000', '--record-size', '50', '--throughput', '-1', '--producer-props', `bootstrap.servers=${kafka.bootstrap}`]);
      expect(r.stdout).toMatch(/^2000 records sent, /m);
      r = await mqOk('consumer-perf-test', [...bs, '--topic', 'smoke', '--messages', '2004', '--timeout', '30000']);
      expect(r.stdout).toMatch(/, 2004, /);
      const scram = propsFile('scram39', { 'security.protocol': 'SASL_PLAINTEXT', 'sasl.mechanism': 'SCRAM-SHA-512', 'sasl.jaas.config': jaas('SCRAM-SHA-512', 'alice', 'alice-secret') });
      r = await mqOk('topics', ['--bootstrap-server', kafka.bootstraps.SASL_PLAINTEXT!, '--command-config', scram, '--list']);
      expect(r.stdout).toContain('smoke\n');
      r = await mqOk('topics', [...bs, '--delete', '--topic', 'smoke']);
      expect(r.stdout).toBe('');
    });
  });

  // -------------------------------------------------------------------------------------------
  describe('Kafka 4.x, three nodes, replication factor 3', () => {
    let kafka: KafkaCluster;
    let bs: string[];
    const children: MqProcess[] = [];

    beforeAll(async () => {
      const t0 = Date.now();
      kafka = await startKafka({ version: '4', nodes: 3 });
      bs = ['--bootstrap-server', kafka.bootstrap];
      timings.push(`Kafka ${kafka.release} three nodes ready: ${Date.now() - t0} ms`);
    });

    afterAll(async () => {
      await Promise.all(children.map((c) => c.stop()));
      await kafka?.stop();
    });

    it('leader stop: describe shows the shrunk Isr and the moved leader; a group consumer and an acks=all producer carry on; Isr recovers', async () => {
      let r = await mqOk('topics', [...bs, '--create', '--topic', 'r3', '--partitions', '2', '--replication-factor', '3', '--config', 'min.insync.replicas=2']);
      expect(r.stdout).toBe('Created topic r3.\n');
      const describe = async (): Promise<PartitionRow[]> => parsePartitions((await mqOk('topics', [...bs, '--describe', '--topic', 'r3'])).stdout);
      const before = await until('full Isr', describe, (ps) => ps.length === 2 && ps.every((p) => p.isr.length === 3));
      for (const p of before) {
        expect(p.replicas.slice().sort()).toEqual([1, 2, 3]);
        expect(p.isr.slice().sort()).toEqual([1, 2, 3]);
        expect(p.replicas).toContain(p.leader);
      }
      r = await mqOk('topics', [...bs, '--describe', '--topic', 'r3']);
      expect(normaliseIds(r.stdout).split('\n')[0]).toBe(
        'Topic: r3\tTopicId: <id>\tPartitionCount: 2\tReplicationFactor: 3\tConfigs: min.insync.replicas=2,segment.bytes=1073741824',
      );

      const consumer = spawnMq('console-consumer', [...bs, '--topic', 'r3', '--group', 'ha', '--property', 'print.partition=true']);
      children.push(consumer);
      await until('consumer group Stable', async () => (await mq('consumer-groups', [...bs, '--describe', '--group', 'ha', '--state'])).stdout, (s) => /\sStable\s+1\n/.test(s));
      const producer = spawnMq('console-producer', [...bs, '--topic', 'r3', '--request-required-acks', 'all', '--property', 'parse.key=true']);
      children.push(producer);
      const values = (out: string): string[] => out.split('\n').filter(Boolean).map((l) => l.split('\t')[1]!);
      const send = (from: number, to: number): void => {
        let text = '';
        for (let i = from; i < to; i++) text += `k${i}\tm${i}\n`;
        producer.write(text);
      };

      send(0, 50);
      await consumer.waitFor((out) => values(out).length >= 50, 60_000);

      const leader = before[0]!.leader;
      const victim = kafka.nodes.find((n) => n.id === leader)!;
      const t0 = Date.now();
      await victim.stop();
      timings.push(`stop leader ${leader}: ${Date.now() - t0} ms`);

      // the bootstrap list still names the stopped node: mq must find the others
      const shrunk = await until('Isr shrink and leader move', describe, (ps) => ps[0] !== undefined && ps[0].leader !== leader && ps[0].leader > 0 && !ps[0].isr.includes(leader));
      expect(shrunk[0]!.isr).toHaveLength(2);
      expect(shrunk[0]!.replicas.slice().sort()).toEqual([1, 2, 3]);
      for (const p of shrunk) expect(p.isr).not.toContain(leader);
      r = await mqOk('topics', [...bs, '--describe', '--under-replicated-partitions']);
      expect(parsePartitions(r.stdout).filter((p) => p.topic === 'r3').map((p) => p.partition)).toEqual([0, 1]);

      send(50, 150); // while the node is down
      await consumer.waitFor((out) => values(out).length >= 150, 90_000);

      const t1 = Date.now();
      await victim.start();
      await kafka.waitForBrokers(3);
      const recovered = await until('Isr recovery', describe, (ps) => ps.length === 2 && ps.every((p) => p.isr.length === 3), 120_000);
      timings.push(`restart node until Isr recovered: ${Date.now() - t1} ms`);
      for (const p of recovered) expect(p.isr.slice().sort()).toEqual([1, 2, 3]);

      send(150, 200);
      producer.end();
      const pr = await producer.exited();
      expect(pr.code).toBe(0);
      expect(pr.stderr).toBe('');
      await consumer.waitFor((out) => values(out).length >= 200, 60_000);
      const got = values(consumer.stdout);
      expect(new Set(got).size).toBe(200);
      expect(got.length).toBe(200); // no duplicates (idempotent producer)
      const cr = await consumer.stop();
      expect(cr.stderr).toMatch(PROCESSED(200));
      const offs = await mqOk('get-offsets', [...bs, '--topic', 'r3']);
      expect(offs.stdout.trim().split('\n').reduce((s, l) => s + Number(l.split(':')[2]), 0)).toBe(200);
    });
  });
});
