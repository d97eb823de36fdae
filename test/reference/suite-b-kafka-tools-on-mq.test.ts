// Suite B (issue 6): Apache Kafka's own console tools, 3.9 and 4.x, against the mq broker.
// One in-process mq broker per tool version; every tool must succeed with the output Kafka's tools
// print against a real Kafka broker (checked side by side with Kafka 4.3 while writing this file;
// where mq's answer differs on purpose, the comment says so).
// Skipped unless MQ_REFERENCE=1: MQ_REFERENCE=1 npx vitest run -c vitest.reference.config.ts <this file>

import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestBroker, type TestBroker } from '../helpers/broker.js';
import { kafkaClient } from '../helpers/kafkajs.js';
import { waitFor } from '../helpers/wait.js';
import { runKafkaTool, spawnKafkaTool, type KafkaTool, type KafkaVersion, type RunningTool, type ToolResult } from './kafka.js';
import { normaliseTopicIds, pad, sortedRows, tableRows, TOPIC_ID } from './suite-b/tables.js';

const VERSIONS: KafkaVersion[] = ['3.9', '4'];
const timings: string[] = [];

const OFFSETS_HEADER = ['GROUP', 'TOPIC', 'PARTITION', 'CURRENT-OFFSET', 'LOG-END-OFFSET', 'LAG', 'CONSUMER-ID', 'HOST', 'CLIENT-ID'];
const RESET_HEADER = ['GROUP', 'TOPIC', 'PARTITION', 'NEW-OFFSET'];
const MEMBERS_HEADER = ['GROUP', 'CONSUMER-ID', 'HOST', 'CLIENT-ID', '#PARTITIONS'];
/** Classic protocol member id: `<client.id>-<java UUID>`. */
const MEMBER_ID = /^console-consumer-[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;
const T0 = 1_700_000_000_000;

describe.skipIf(!process.env.MQ_REFERENCE)('suite B: Kafka tools against the mq broker', () => {
  afterAll(() => {
    console.log(`suite B timings:\n  ${timings.join('\n  ')}`);
  });

  describe.each(VERSIONS)('Kafka %s tools', (version) => {
    let b: TestBroker;
    let bs: string[];
    const v4 = version === '4';
    // KIP-1147 (4.2+) renamed --property; the old name still works there but prints a deprecation line.
    const readerProp = v4 ? '--reader-property' : '--property';
    const formatterProp = v4 ? '--formatter-property' : '--property';

    const tool = async (name: KafkaTool, args: string[], opts: { stdin?: string; timeoutMs?: number } = {}): Promise<ToolResult> => {
      const r = await runKafkaTool(version, name, args, { timeoutMs: opts.timeoutMs ?? 60_000, stdin: opts.stdin });
      timings.push(`${version} ${name} ${args.filter((a) => a.startsWith('--') && a !== '--bootstrap-server').slice(0, 3).join(' ')}: ${r.durationMs} ms`);
      if (r.timedOut) throw new Error(`${name} ${args.join(' ')} timed out:\n${r.stdout}\n${r.stderr}`);
      return r;
    };
    const topics = (args: string[]) => tool('kafka-topics', [...bs, ...args]);
    const groups = (args: string[]) => tool('kafka-consumer-groups', [...bs, ...args]);
    const configs = (args: string[]) => tool('kafka-configs', [...bs, ...args]);
    const getOffsets = (args: string[]) => tool('kafka-get-offsets', [...bs, ...args]);
    const consume = (args: string[]) => tool('kafka-console-consumer', [...bs, ...args]);

    beforeAll(async () => {
      const t0 = Date.now();
      b = await startTestBroker();
      bs = ['--bootstrap-server', b.bootstrap];
      timings.push(`${version} mq broker start: ${Date.now() - t0} ms`);
    });

    afterAll(async () => {
      await b?.stop();
    });

    // -------------------------------------------------------------------------------------------
    describe('kafka-topics', () => {
      it('creates with --partitions and --config, refuses a duplicate, lists', async () => {
        const created = await topics(['--create', '--topic', 'orders', '--partitions', '3', '--config', 'retention.ms=86400000', '--config', 'cleanup.policy=compact']);
        expect(created).toMatchObject({ code: 0, stdout: 'Created topic orders.\n', stderr: '' });
        expect((await topics(['--create', '--topic', 'doomed'])).stdout).toBe('Created topic doomed.\n');

        const again = await topics(['--create', '--topic', 'orders', '--partitions', '1']);
        expect(again.code).toBe(1);
        expect(again.stdout).toBe("Error while executing topic command : Topic 'orders' already exists.\n");
        expect(again.stderr).toContain("org.apache.kafka.common.errors.TopicExistsException: Topic 'orders' already exists.");
        // --if-not-exists: silent success
        expect(await topics(['--create', '--topic', 'orders', '--if-not-exists'])).toMatchObject({ code: 0, stdout: '' });

        const list = await topics(['--list']);
        expect(list).toMatchObject({ code: 0, stdout: 'doomed\norders\n', stderr: '' });
      });

      it('describes with exact lines (by name and by topic id)', async () => {
        const d = await topics(['--describe', '--topic', 'orders']);
        expect(d.code).toBe(0);
        expect(d.stderr).toBe('');
        // Empty Elr/LastKnownElr lists come from DescribeTopicPartitions (API 75), as from a Kafka
        // broker; the Metadata fallback (before mq had API 75, and still for --topic-id) prints N/A.
        const partitionLine = (p: number) => `\tTopic: orders\tPartition: ${p}\tLeader: 1\tReplicas: 1\tIsr: 1\tElr: \tLastKnownElr: \n`;
        expect(normaliseTopicIds(d.stdout)).toBe(
          'Topic: orders\tTopicId: <ID>\tPartitionCount: 3\tReplicationFactor: 1\tConfigs: cleanup.policy=compact,retention.ms=86400000\n' +
            [0, 1, 2].map(partitionLine).join(''),
        );
        const id = new RegExp(`TopicId: (${TOPIC_ID.source})`).exec(d.stdout)?.[1] ?? '';
        const byId = await topics(['--describe', '--topic-id', id]);
        expect(byId.code).toBe(0);
        expect(byId.stdout).toBe(d.stdout.replaceAll('\tElr: \tLastKnownElr: ', '\tElr: N/A\tLastKnownElr: N/A'));
        // Paging through DescribeTopicPartitions' cursor one partition at a time gives the same lines.
        const paged = await topics(['--describe', '--topic', 'orders', '--partition-size-limit-per-response', '1']);
        expect(paged.stdout).toBe(d.stdout);
      });

      it('alters the partition count, and refuses to shrink it', async () => {
        expect(await topics(['--alter', '--topic', 'orders', '--partitions', '5'])).toMatchObject({ code: 0, stdout: '', stderr: '' });
        const d = await topics(['--describe', '--topic', 'orders']);
        expect(d.stdout).toMatch(/^Topic: orders\tTopicId: \S+\tPartitionCount: 5\tReplicationFactor: 1\t/);
        expect(d.stdout.split('\n').filter((l) => l.startsWith('\tTopic: orders\tPartition: ')).map((l) => l.split('\t')[2])).toEqual(
          ['Partition: 0', 'Partition: 1', 'Partition: 2', 'Partition: 3', 'Partition: 4'],
        );
        const shrink = await topics(['--alter', '--topic', 'orders', '--partitions', '2']);
        expect(shrink.code).toBe(1);
        expect(shrink.stdout).toBe('Error while executing topic command : The topic orders currently has 5 partition(s); 2 would not be an increase.\n');
        const same = await topics(['--alter', '--topic', 'orders', '--partitions', '5']);
        expect(same.stdout).toBe('Error while executing topic command : Topic already has 5 partition(s).\n');
      });

      it('deletes; the topic is gone for list and describe', async () => {
        expect(await topics(['--delete', '--topic', 'doomed'])).toMatchObject({ code: 0, stdout: '', stderr: '' });
        expect((await topics(['--list'])).stdout).toBe('orders\n');
        const gone = await topics(['--describe', '--topic', 'doomed']);
        expect(gone.code).toBe(1);
        // 3.9's Java port formats an Optional into the message (see kafka-console-tools.md §2.4).
        expect(gone.stdout).toBe(`Error while executing topic command : Topic '${v4 ? 'doomed' : 'Optional[doomed]'}' does not exist as expected\n`);
      });
    });

    // -------------------------------------------------------------------------------------------
    describe('kafka-console-producer and kafka-console-consumer', () => {
      // [headers, key, value]: tabs inside the value, an empty header value, non-ASCII, an empty value.
      const records: [string, string, string][] = [
        ['h1:v1,h2:v2', 'k1', 'plain value'],
        ['h1:', 'k2', 'value\twith\ttabs'],
        ['trace:abc', 'k3', 'ünïcødé ✓ 日本語 🚀'],
        ['h:x', 'k4', ''],
        ['h:y,h:z', 'k5', '{"json": [1, 2.5, "x"]}'],
      ];
      const stdin = records.map((r) => r.join('\t')).join('\n') + '\n';
      const allFields = [formatterProp, 'print.key=true', formatterProp, 'print.headers=true', formatterProp, 'print.partition=true', formatterProp, 'print.offset=true'];
      const line = (i: number) => `Partition:0\tOffset:${i}\t${records[i]!.join('\t')}\n`;

      beforeAll(async () => {
        expect((await topics(['--create', '--topic', 'rt', '--partitions', '1'])).code).toBe(0);
      });

      it('produces keys and headers (parse.key, parse.headers) from stdin', async () => {
        const r = await tool('kafka-console-producer', [...bs, '--topic', 'rt', readerProp, 'parse.key=true', readerProp, 'parse.headers=true'], { stdin });
        expect(r).toMatchObject({ code: 0, stdout: '', stderr: '' });
        // The broker holds exactly these records (independent check through kafkajs).
        const admin = kafkaClient(b.bootstrap).admin();
        await admin.connect();
        try {
          expect(await admin.fetchTopicOffsets('rt')).toMatchObject([{ partition: 0, offset: '5', low: '0' }]);
        } finally {
          await admin.disconnect();
        }
      });

      it('--from-beginning --max-messages prints every field exactly (print.key/headers/partition/offset)', async () => {
        const r = await consume(['--topic', 'rt', '--from-beginning', '--max-messages', '5', ...allFields]);
        expect(r.code).toBe(0);
        expect(r.stdout).toBe([0, 1, 2, 3, 4].map(line).join(''));
        expect(r.stderr).toContain('Processed a total of 5 messages');

        // Values alone round-trip byte for byte; the timestamp is the producer's CreateTime.
        const plain = await consume(['--topic', 'rt', '--from-beginning', '--max-messages', '5', formatterProp, 'print.timestamp=true']);
        const lines = plain.stdout.split('\n').slice(0, 5);
        lines.forEach((l, i) => expect(l).toMatch(new RegExp(`^CreateTime:\\d{13}\\t${escape(records[i]![2])}$`)));
      });

      it('null.marker makes null keys, values and header values', async () => {
        expect((await topics(['--create', '--topic', 'nulls'])).code).toBe(0);
        const r = await tool('kafka-console-producer', [...bs, '--topic', 'nulls', readerProp, 'parse.key=true', readerProp, 'parse.headers=true', readerProp, 'null.marker=NULL'], {
          stdin: 'h1:NULL,h2:v\tNULL\tval1\nNULL\tk2\tNULL\n',
        });
        expect(r).toMatchObject({ code: 0, stderr: '' });
        const c = await consume(['--topic', 'nulls', '--from-beginning', '--max-messages', '2', formatterProp, 'print.key=true', formatterProp, 'print.headers=true', formatterProp, 'null.literal=<nil>']);
        expect(c.stdout).toBe('h1:<nil>,h2:v\t<nil>\tval1\nNO_HEADERS\tk2\t<nil>\n');
      });

      it('--compression-codec gzip/snappy/lz4/zstd, --sync, acks=0: compressed batches read back', async () => {
        expect((await topics(['--create', '--topic', 'codecs'])).code).toBe(0);
        const codecs = ['gzip', 'snappy', 'lz4', 'zstd'];
        for (const codec of codecs) {
          const r = await tool('kafka-console-producer', [...bs, '--topic', 'codecs', '--compression-codec', codec, '--sync'], { stdin: `${codec}-1\n${codec}-2 ✓\n` });
          expect(r).toMatchObject({ code: 0, stderr: '' });
        }
        const acks0 = await tool('kafka-console-producer', [...bs, '--topic', 'codecs', '--request-required-acks', '0'], { stdin: 'acks0\n' });
        expect(acks0).toMatchObject({ code: 0, stderr: '' });
        const c = await consume(['--topic', 'codecs', '--from-beginning', '--max-messages', '9', formatterProp, 'print.offset=true']);
        expect(c.stdout).toBe([...codecs.flatMap((k) => [`${k}-1`, `${k}-2 ✓`]), 'acks0'].map((v, i) => `Offset:${i}\t${v}\n`).join(''));
      });

      it('--group commits what it printed: a second run resumes after it', async () => {
        const first = await consume(['--topic', 'rt', '--group', 'rt-group', '--from-beginning', '--max-messages', '3', formatterProp, 'print.offset=true']);
        expect(first.code).toBe(0);
        expect(first.stdout).toBe(records.slice(0, 3).map((r, i) => `Offset:${i}\t${r[2]}\n`).join(''));
        const second = await consume(['--topic', 'rt', '--group', 'rt-group', '--from-beginning', '--max-messages', '2', formatterProp, 'print.offset=true']);
        expect(second.stdout).toBe(records.slice(3).map((r, i) => `Offset:${i + 3}\t${r[2]}\n`).join(''));
        const d = await groups(['--describe', '--group', 'rt-group']);
        expect(tableRows(d.stdout, OFFSETS_HEADER)).toEqual([['rt-group', 'rt', '0', '5', '5', '0', '-', '-', '-']]);
      });

      it('--partition with --offset n / earliest', async () => {
        const r = await consume(['--topic', 'rt', '--partition', '0', '--offset', '2', '--max-messages', '2', ...allFields]);
        expect(r.code).toBe(0);
        expect(r.stdout).toBe(line(2) + line(3));
        const e = await consume(['--topic', 'rt', '--partition', '0', '--offset', 'earliest', '--max-messages', '1', ...allFields]);
        expect(e.stdout).toBe(line(0));
      });
    });

    // -------------------------------------------------------------------------------------------
    describe('kafka-consumer-groups, kafka-get-offsets', () => {
      // Topic grp: partition 0 gets 6 records, partition 1 gets 4, with CreateTime T0 + i s.
      beforeAll(async () => {
        expect((await topics(['--create', '--topic', 'grp', '--partitions', '2'])).code).toBe(0);
        await produceTo('grp', 0, 0, 6);
        await produceTo('grp', 1, 0, 4);
      });

      async function produceTo(topic: string, partition: number, from: number, count: number): Promise<void> {
        const p = kafkaClient(b.bootstrap).producer();
        await p.connect();
        try {
          const messages = Array.from({ length: count }, (_, i) => ({ partition, value: `p${partition}-${from + i}`, timestamp: String(T0 + (from + i) * 1000) }));
          await p.send({ topic, messages });
        } finally {
          await p.disconnect();
        }
      }

      it('kafka-get-offsets: --time -1, -2, -3 and a timestamp', async () => {
        expect(await getOffsets(['--topic', 'grp', '--time', '-1'])).toMatchObject({ code: 0, stdout: 'grp:0:6\ngrp:1:4\n', stderr: '' });
        expect((await getOffsets(['--topic', 'grp', '--time', '-2'])).stdout).toBe('grp:0:0\ngrp:1:0\n');
        expect((await getOffsets(['--topic', 'grp', '--time', '-3'])).stdout).toBe('grp:0:5\ngrp:1:3\n');
        // First offset with a timestamp >= T0+3s: 3 in both partitions.
        expect((await getOffsets(['--topic', 'grp', '--time', String(T0 + 3000)])).stdout).toBe('grp:0:3\ngrp:1:3\n');
        // Newer than every record in partition 1 (left out, offset -1), not in partition 0.
        expect((await getOffsets(['--topic', 'grp', '--time', String(T0 + 5000)])).stdout).toBe('grp:0:5\n');
        expect((await getOffsets(['--topic', 'grp', '--time', String(Date.now() + 3_600_000)])).stdout).toBe('');
        // -4 earliest-local (ListOffsets v8) is the log start offset; -5 latest-tiered (v9) is -1
        // without tiered storage, so no line: the same as Kafka 4.3 prints.
        expect(await getOffsets(['--topic', 'grp', '--time', '-4'])).toMatchObject({ code: 0, stdout: 'grp:0:0\ngrp:1:0\n', stderr: '' });
        expect(await getOffsets(['--topic', 'grp', '--time', '-5'])).toMatchObject({ code: 0, stdout: '', stderr: '' });
        // --topic-partitions with a regex and a partition rule
        expect((await getOffsets(['--topic-partitions', 'gr.*:1'])).stdout).toBe('grp:1:4\n');
      });

      it('an empty group: describe in every view, list with --state/--type', async () => {
        const c = await consume(['--topic', 'grp', '--group', 'g-empty', '--from-beginning', '--max-messages', '10']);
        expect(c.code).toBe(0);
        expect(c.stdout.split('\n').filter(Boolean).sort()).toEqual([...Array.from({ length: 6 }, (_, i) => `p0-${i}`), ...Array.from({ length: 4 }, (_, i) => `p1-${i}`)].sort());
        await produceTo('grp', 0, 6, 3); // lag 3 on partition 0

        const d = await groups(['--describe', '--group', 'g-empty']);
        expect(d.code).toBe(0);
        expect(d.stderr).toBe("\nConsumer group 'g-empty' has no active members.\n");
        const row = (p: number, cur: number, end: number) =>
          `${pad('g-empty', 15)} ${pad('grp', 15)} ${pad(p, 10)} ${pad(cur, 15)} ${pad(end, 15)} ${pad(end - cur, 15)} ${pad('-', 15)} ${pad('-', 15)} -`;
        const header = `${pad('GROUP', 15)} ${pad('TOPIC', 15)} ${pad('PARTITION', 10)} ${pad('CURRENT-OFFSET', 15)} ${pad('LOG-END-OFFSET', 15)} ${pad('LAG', 15)} ${pad('CONSUMER-ID', 15)} ${pad('HOST', 15)} CLIENT-ID`;
        if (v4) {
          expect(d.stdout).toBe(`\n${header}\n${row(0, 6, 9)}\n${row(1, 4, 4)}\n`);
        } else {
          // 3.9: rows in HashMap order and no final newline (kafka-console-tools.md §5.3).
          expect([`\n${header}\n${row(0, 6, 9)}\n${row(1, 4, 4)}`, `\n${header}\n${row(1, 4, 4)}\n${row(0, 6, 9)}`]).toContain(d.stdout);
        }

        const members = await groups(['--describe', '--group', 'g-empty', '--members']);
        expect(members.stderr).toBe("\nConsumer group 'g-empty' has no active members.\n");
        expect(members.stdout).toBe(`\n${pad('GROUP', 15)} ${pad('CONSUMER-ID', 15)} ${pad('HOST', 15)} ${pad('CLIENT-ID', 15)} ${pad('#PARTITIONS', 15)} \n`);
        const verbose = await groups(['--describe', '--group', 'g-empty', '--members', '--verbose']);
        expect(verbose.stdout.split('\n')[1]?.trim().split(/\s+/)).toEqual(
          v4 ? [...MEMBERS_HEADER, 'CURRENT-EPOCH', 'CURRENT-ASSIGNMENT', 'TARGET-EPOCH', 'TARGET-ASSIGNMENT'] : [...MEMBERS_HEADER, 'ASSIGNMENT'],
        );

        const state = await groups(['--describe', '--group', 'g-empty', '--state']);
        const coordinator = `${b.bootstrap}  (1)`;
        expect(state.stdout).toBe(
          v4
            ? `\n${pad('GROUP', 15)} ${pad('COORDINATOR (ID)', 25)} ${pad('ASSIGNMENT-STRATEGY', 20)} ${pad('STATE', 20)} #MEMBERS\n` +
                `${pad('g-empty', 15)} ${pad(coordinator, 25)} ${pad('-', 20)} ${pad('Empty', 20)} 0\n`
            : `\n${pad('GROUP', 25)} ${pad('COORDINATOR (ID)', 25)} ${pad('ASSIGNMENT-STRATEGY', 20)} ${pad('STATE', 15)} #MEMBERS\n` +
                `${pad('g-empty', 25)} ${pad(coordinator, 25)} ${pad('', 20)} ${pad('Empty', 15)} 0\n`,
        );

        if (v4) {
          // KIP-1099: LEADER-EPOCH (the epoch the consumer committed with) and the group epochs ('-' for classic groups).
          const ov = await groups(['--describe', '--group', 'g-empty', '--offsets', '--verbose']);
          expect(sortedRows(tableRows(ov.stdout, ['GROUP', 'TOPIC', 'PARTITION', 'LEADER-EPOCH', 'CURRENT-OFFSET', 'LOG-END-OFFSET', 'LAG', 'CONSUMER-ID', 'HOST', 'CLIENT-ID']))).toEqual([
            ['g-empty', 'grp', '0', '0', '6', '9', '3', '-', '-', '-'],
            ['g-empty', 'grp', '1', '0', '4', '4', '0', '-', '-', '-'],
          ]);
          const sv = await groups(['--describe', '--group', 'g-empty', '--state', '--verbose']);
          expect(sv.stdout).toBe(
            `\n${pad('GROUP', 15)} ${pad('COORDINATOR (ID)', 25)} ${pad('ASSIGNMENT-STRATEGY', 20)} ${pad('STATE', 20)} ${pad('GROUP-EPOCH', 15)} ${pad('TARGET-ASSIGNMENT-EPOCH', 25)} #MEMBERS\n` +
              `${pad('g-empty', 15)} ${pad(coordinator, 25)} ${pad('-', 20)} ${pad('Empty', 20)} ${pad('-', 15)} ${pad('-', 25)} 0\n`,
          );
        }

        const list = await groups(['--list']);
        expect(list.stdout.split('\n').filter(Boolean).sort()).toEqual(expect.arrayContaining(['g-empty', 'rt-group']));
        const byState = await groups(['--list', '--state', 'Empty']);
        expect(tableRows(byState.stdout, ['GROUP', 'STATE'])).toEqual(expect.arrayContaining([['g-empty', 'Empty'], ['rt-group', 'Empty']]));
        const byType = await groups(['--list', '--type', 'classic', '--state']);
        expect(tableRows(byType.stdout, ['GROUP', 'TYPE', 'STATE'])).toEqual(expect.arrayContaining([['g-empty', 'Classic', 'Empty']]));
        const stable = await groups(['--list', '--state', 'Stable']);
        expect(stable.stdout).toBe(`${pad('GROUP', 25)} ${pad('STATE', 20)}\n`); // header only
      });

      it('a live member (console consumer in the group): describe views, and what it forbids', async () => {
        let consumer: RunningTool | undefined;
        try {
          consumer = spawnKafkaTool(version, 'kafka-console-consumer', [
            ...bs, '--topic', 'grp', '--group', 'g-live', '--from-beginning', '--consumer-property', 'auto.commit.interval.ms=200',
          ]);
          await consumer.waitFor(/p0-8\n[\s\S]*p1-3\n|p1-3\n[\s\S]*p0-8\n/, 60_000);

          // Offsets view: wait for the auto-commit to reach the log end.
          const d = await waitFor(async () => {
            const r = await groups(['--describe', '--group', 'g-live']);
            const rows = tableRows(r.stdout, OFFSETS_HEADER);
            return rows.length === 2 && rows.every((row) => row[3] === row[4]) ? { r, rows } : undefined;
          }, { timeoutMs: 30_000, intervalMs: 200, message: 'g-live committed to the log end' });
          expect(d.r.stderr).toBe('');
          const rows = sortedRows(d.rows);
          const memberId = rows[0]![6]!;
          expect(memberId).toMatch(MEMBER_ID);
          expect(rows).toEqual([
            ['g-live', 'grp', '0', '9', '9', '0', memberId, '/127.0.0.1', 'console-consumer'],
            ['g-live', 'grp', '1', '4', '4', '0', memberId, '/127.0.0.1', 'console-consumer'],
          ]);

          const members = await groups(['--describe', '--group', 'g-live', '--members']);
          expect(members.stdout).toBe(
            `\n${pad('GROUP', 15)} ${pad('CONSUMER-ID', memberId.length)} ${pad('HOST', 15)} ${pad('CLIENT-ID', 16)} ${pad('#PARTITIONS', 15)} \n` +
              `${pad('g-live', 15)} ${memberId} ${pad('/127.0.0.1', 15)} ${pad('console-consumer', 16)} ${pad(2, 15)} \n`,
          );
          const verbose = await groups(['--describe', '--group', 'g-live', '--members', '--verbose']);
          const vRows = tableRows(verbose.stdout, v4 ? [...MEMBERS_HEADER, 'CURRENT-EPOCH', 'CURRENT-ASSIGNMENT', 'TARGET-EPOCH', 'TARGET-ASSIGNMENT'] : [...MEMBERS_HEADER, 'ASSIGNMENT']);
          // 3.9 drops the topic name from the assignment (kafka-console-tools.md §5.5); 4.x: epochs are '-' for classic members.
          expect(vRows).toEqual([v4 ? ['g-live', memberId, '/127.0.0.1', 'console-consumer', '2', '-', 'grp:0,1', '-', '-'] : ['g-live', memberId, '/127.0.0.1', 'console-consumer', '2', '(0,1)']]);

          const state = await groups(['--describe', '--group', 'g-live', '--state']);
          expect(state.stdout).toMatch(new RegExp(`\\ng-live +${escape(b.bootstrap)}  \\(1\\) +range +Stable +1\\n$`));

          const stableList = await groups(['--list', '--state', 'Stable']);
          expect(tableRows(stableList.stdout, ['GROUP', 'STATE'])).toEqual([['g-live', 'Stable']]);

          // Forbidden while the member is there.
          const reset = await groups(['--reset-offsets', '--group', 'g-live', '--topic', 'grp', '--to-earliest', '--execute']);
          expect(reset.stdout).toContain("Error: Assignments can only be reset if the group 'g-live' is inactive, but the current state is Stable.");
          const del = await groups(['--delete', '--group', 'g-live']);
          expect(del.stdout).toContain("\nError: Deletion of some consumer groups failed:\n* Group 'g-live' could not be deleted due to: ");
          expect(del.stdout).toContain('org.apache.kafka.common.errors.GroupNotEmptyException: The group is not empty.');
          const delOffsets = await groups(['--delete-offsets', '--group', 'g-live', '--topic', 'grp']);
          expect(delOffsets.stdout).toContain('GroupSubscribedToTopicException: Deleting offsets of a topic is forbidden while the consumer group is actively subscribed to it.');
        } finally {
          const r = await consumer?.stop();
          if (r) expect(r.stderr).toContain('Processed a total of 13 messages');
        }
        // The member left on close: the group is Empty at once (LeaveGroup), its commits kept.
        const after = await groups(['--describe', '--group', 'g-live', '--state']);
        expect(after.stdout).toMatch(/\ng-live +\S+  \(1\) +\S* +Empty +0\n$/);
      });

      it('--reset-offsets: --to-earliest, --to-offset, --shift-by (clamped), --to-latest --dry-run', async () => {
        const reset = async (args: string[]) => {
          const r = await groups(['--reset-offsets', '--group', 'g-empty', ...args]);
          expect(r.code).toBe(0);
          return sortedRows(tableRows(r.stdout, RESET_HEADER));
        };
        const committed = async () => sortedRows(tableRows((await groups(['--describe', '--group', 'g-empty'])).stdout, OFFSETS_HEADER)).map((r) => `${r[2]}:${r[3]}`);

        expect(await reset(['--topic', 'grp', '--to-earliest', '--execute'])).toEqual([['g-empty', 'grp', '0', '0'], ['g-empty', 'grp', '1', '0']]);
        expect(await committed()).toEqual(['0:0', '1:0']);
        expect(await reset(['--topic', 'grp:0', '--to-offset', '7', '--execute'])).toEqual([['g-empty', 'grp', '0', '7']]);
        expect(await reset(['--topic', 'grp', '--shift-by', '-2', '--execute'])).toEqual([['g-empty', 'grp', '0', '5'], ['g-empty', 'grp', '1', '0']]);
        expect(await committed()).toEqual(['0:5', '1:0']);
        expect(await reset(['--topic', 'grp', '--shift-by', '10', '--execute'])).toEqual([['g-empty', 'grp', '0', '9'], ['g-empty', 'grp', '1', '4']]);
        expect(await reset(['--topic', 'grp', '--to-offset', '1', '--execute'])).toEqual([['g-empty', 'grp', '0', '1'], ['g-empty', 'grp', '1', '1']]);
        // Dry run: printed, not committed.
        expect(await reset(['--topic', 'grp', '--to-latest', '--dry-run'])).toEqual([['g-empty', 'grp', '0', '9'], ['g-empty', 'grp', '1', '4']]);
        expect(await committed()).toEqual(['0:1', '1:1']);
        // A consumer of the group resumes from the reset offsets.
        const c = await consume(['--topic', 'grp', '--group', 'g-empty', '--max-messages', '11']);
        expect(c.stdout.split('\n').filter(Boolean).sort()).toEqual(
          [...Array.from({ length: 8 }, (_, i) => `p0-${i + 1}`), ...Array.from({ length: 3 }, (_, i) => `p1-${i + 1}`)].sort(),
        );
        // Offsets of a second topic, for --delete-offsets below.
        expect(await reset(['--topic', 'grp', '--to-earliest', '--execute'])).toEqual([['g-empty', 'grp', '0', '0'], ['g-empty', 'grp', '1', '0']]);
        expect(await reset(['--topic', 'rt', '--to-offset', '2', '--execute'])).toEqual([['g-empty', 'rt', '0', '2']]);
        // A group that does not exist yet gets offsets too (it counts as Dead).
        const fresh = await groups(['--reset-offsets', '--group', 'g-fresh', '--topic', 'grp', '--to-offset', '3', '--execute']);
        expect(sortedRows(tableRows(fresh.stdout, RESET_HEADER))).toEqual([['g-fresh', 'grp', '0', '3'], ['g-fresh', 'grp', '1', '3']]);
      });

      it('--delete-offsets and --delete', async () => {
        const del = await groups(['--delete-offsets', '--group', 'g-empty', '--topic', 'grp:1']);
        expect(del.code).toBe(0);
        expect(del.stdout).toContain(v4 ? 'Request succeeded for deleting offsets from group g-empty.' : 'Request succeed for deleting offsets with topic grp:1 group g-empty');
        expect(tableRows(del.stdout, ['TOPIC', 'PARTITION', 'STATUS'])).toEqual([['grp', '1', 'Successful']]);
        const rows = sortedRows(tableRows((await groups(['--describe', '--group', 'g-empty'])).stdout, OFFSETS_HEADER));
        expect(rows.map((r) => `${r[1]}:${r[2]}:${r[3]}`)).toEqual(['grp:0:0', 'rt:0:2']);

        const deleted = await groups(['--delete', '--group', 'g-empty']);
        expect(deleted).toMatchObject({ code: 0, stdout: "Deletion of requested consumer groups ('g-empty') was successful.\n" });
        expect((await groups(['--list'])).stdout.split('\n')).not.toContain('g-empty');
        // DescribeGroups v5 reports an unknown group as Dead. (Kafka 4.x brokers answer the 4.x
        // client's v6 with GROUP_ID_NOT_FOUND, which the 4.x tool prints as a GroupIdNotFoundException;
        // mq advertises v5 on purpose, see kafka-protocol.md §2.1.)
        expect((await groups(['--describe', '--group', 'g-empty'])).stdout).toBe("\nError: Consumer group 'g-empty' does not exist.\n");

        const missing = await groups(['--delete', '--group', 'g-nope']);
        expect(missing.stdout).toContain("* Group 'g-nope' could not be deleted due to: ");
        expect(missing.stdout).toContain('org.apache.kafka.common.errors.GroupIdNotFoundException: The group id does not exist.');
      });
    });

    // -------------------------------------------------------------------------------------------
    describe('kafka-configs', () => {
      beforeAll(async () => {
        expect((await topics(['--create', '--topic', 'cfg', '--config', 'max.message.bytes=200000'])).code).toBe(0);
      });

      it('describes, adds and deletes topic configs', async () => {
        expect(await configs(['--describe', '--entity-type', 'topics', '--entity-name', 'cfg'])).toMatchObject({
          code: 0,
          stderr: '',
          stdout: 'Dynamic configs for topic cfg are:\n  max.message.bytes=200000 sensitive=false synonyms={DYNAMIC_TOPIC_CONFIG:max.message.bytes=200000, DEFAULT_CONFIG:message.max.bytes=1048588}\n',
        });
        expect(await configs(['--alter', '--topic', 'cfg', '--add-config', 'retention.ms=5000,cleanup.policy=[compact,delete]'])).toMatchObject({
          code: 0,
          stdout: 'Completed updating config for topic cfg.\n',
        });
        expect((await configs(['--describe', '--topic', 'cfg'])).stdout).toBe(
          'Dynamic configs for topic cfg are:\n' +
            '  cleanup.policy=compact,delete sensitive=false synonyms={DYNAMIC_TOPIC_CONFIG:cleanup.policy=compact,delete, DEFAULT_CONFIG:log.cleanup.policy=delete}\n' +
            '  max.message.bytes=200000 sensitive=false synonyms={DYNAMIC_TOPIC_CONFIG:max.message.bytes=200000, DEFAULT_CONFIG:message.max.bytes=1048588}\n' +
            '  retention.ms=5000 sensitive=false synonyms={DYNAMIC_TOPIC_CONFIG:retention.ms=5000}\n',
        );
        expect((await configs(['--alter', '--topic', 'cfg', '--delete-config', 'cleanup.policy,max.message.bytes'])).code).toBe(0);
        expect((await configs(['--describe', '--topic', 'cfg'])).stdout).toBe(
          'Dynamic configs for topic cfg are:\n  retention.ms=5000 sensitive=false synonyms={DYNAMIC_TOPIC_CONFIG:retention.ms=5000}\n',
        );
        // The topic override shows in kafka-topics --describe too.
        expect((await topics(['--describe', '--topic', 'cfg'])).stdout).toMatch(/\tConfigs: retention\.ms=5000\n/);
        // Deleting a key that is not set: 3.9 checks it itself (legacy path), 4.x's incremental
        // DELETE succeeds, as against Kafka 4.3.
        const unset = await configs(['--alter', '--topic', 'cfg', '--delete-config', 'cleanup.policy']);
        expect(unset).toMatchObject(v4 ? { code: 0, stdout: 'Completed updating config for topic cfg.\n' } : { code: 1, stderr: 'Invalid config(s): cleanup.policy\n' });
      });

      it('per-broker and cluster-default dynamic broker configs', async () => {
        expect(await configs(['--describe', '--entity-type', 'brokers', '--entity-name', '1'])).toMatchObject({ code: 0, stdout: 'Dynamic configs for broker 1 are:\n' });
        expect(await configs(['--alter', '--broker', '1', '--add-config', 'log.retention.ms=700000'])).toMatchObject({ code: 0, stdout: 'Completed updating config for broker 1.\n' });
        expect(await configs(['--alter', '--broker-defaults', '--add-config', 'log.retention.bytes=123456789'])).toMatchObject({
          code: 0,
          stdout: 'Completed updating default config for brokers in the cluster.\n',
        });
        // Same lines as Kafka 4.3 gives for this sequence (apart from its static log.retention.hours).
        expect((await configs(['--describe', '--entity-type', 'brokers'])).stdout).toBe(
          'Dynamic configs for broker 1 are:\n' +
            '  log.retention.ms=700000 sensitive=false synonyms={DYNAMIC_BROKER_CONFIG:log.retention.ms=700000, DEFAULT_CONFIG:log.retention.hours=168}\n' +
            'Default configs for brokers in the cluster are:\n' +
            '  log.retention.bytes=123456789 sensitive=false synonyms={DYNAMIC_DEFAULT_BROKER_CONFIG:log.retention.bytes=123456789}\n',
        );
        // Topics inherit both, with the right sources.
        const all = (await configs(['--describe', '--topic', 'cfg', '--all'])).stdout.split('\n');
        expect(all[0]).toBe('All configs for topic cfg are:');
        expect(all).toContain('  retention.bytes=123456789 sensitive=false synonyms={DYNAMIC_DEFAULT_BROKER_CONFIG:log.retention.bytes=123456789, DEFAULT_CONFIG:log.retention.bytes=-1}');
        expect(all).toContain('  retention.ms=5000 sensitive=false synonyms={DYNAMIC_TOPIC_CONFIG:retention.ms=5000, DYNAMIC_BROKER_CONFIG:log.retention.ms=700000, DEFAULT_CONFIG:log.retention.hours=168}');

        // 3.9 deletes through the legacy AlterConfigs (full set of that entity), 4.x incrementally.
        expect(await configs(['--alter', '--broker-defaults', '--delete-config', 'log.retention.bytes'])).toMatchObject({ code: 0 });
        expect(await configs(['--alter', '--broker', '1', '--delete-config', 'log.retention.ms'])).toMatchObject({ code: 0 });
        expect((await configs(['--describe', '--entity-type', 'brokers'])).stdout).toBe('Dynamic configs for broker 1 are:\nDefault configs for brokers in the cluster are:\n');
      });
    });

    // Registered for 4.x only: Kafka 3.9's kafka-configs has no group entity.
    if (v4) it('kafka-configs --entity-type groups (4.x only; 3.9 has no group entity)', async () => {
      expect(await configs(['--describe', '--entity-type', 'groups', '--entity-name', 'rt-group'])).toMatchObject({ code: 0, stdout: 'Dynamic configs for group rt-group are:\n' });
      expect(await configs(['--alter', '--group', 'rt-group', '--add-config', 'consumer.session.timeout.ms=50000'])).toMatchObject({
        code: 0,
        stdout: 'Completed updating config for group rt-group.\n',
      });
      expect((await configs(['--describe', '--group', 'rt-group'])).stdout).toBe(
        'Dynamic configs for group rt-group are:\n  consumer.session.timeout.ms=50000 sensitive=false synonyms={DYNAMIC_GROUP_CONFIG:consumer.session.timeout.ms=50000}\n',
      );
      expect((await configs(['--alter', '--group', 'rt-group', '--delete-config', 'consumer.session.timeout.ms'])).code).toBe(0);
      expect((await configs(['--describe', '--group', 'rt-group'])).stdout).toBe('Dynamic configs for group rt-group are:\n');
    });

    // -------------------------------------------------------------------------------------------
    describe('perf tests', () => {
      it('kafka-producer-perf-test then kafka-consumer-perf-test, record counts checked', async () => {
        const pp = await tool('kafka-producer-perf-test', [
          '--topic', 'perf', '--num-records', '5000', '--record-size', '100', '--throughput', '-1', '--producer-props', `bootstrap.servers=${b.bootstrap}`, 'acks=all',
        ]);
        expect(pp.code).toBe(0);
        expect(pp.stdout).toMatch(/^5000 records sent, [\d.]+ records\/sec \([\d.]+ MB\/sec\), [\d.]+ ms avg latency, [\d.]+ ms max latency, \d+ ms 50th, \d+ ms 95th, \d+ ms 99th, \d+ ms 99\.9th\.$/m);
        expect(pp.stderr).toBe('');
        // 4.x (KIP-1147) deprecates --producer-props, on stdout.
        if (v4) expect(pp.stdout).toContain('Option --producer-props has been deprecated');
        // The topic was auto-created with num.partitions=1 and holds exactly 5000 records.
        expect((await getOffsets(['--topic', 'perf'])).stdout).toBe('perf:0:5000\n');

        const cp = await tool('kafka-consumer-perf-test', [...bs, '--topic', 'perf', '--messages', '5000', '--timeout', '30000']);
        expect(cp.code).toBe(0);
        expect(cp.stdout).toMatch(/^start\.time, end\.time, data\.consumed\.in\.MB, MB\.sec, data\.consumed\.in\.nMsg, nMsg\.sec, rebalance\.time\.ms, fetch\.time\.ms, fetch\.MB\.sec, fetch\.nMsg\.sec$/m);
        // 5000 x 100 B = 0.4768 MB, 5000 records.
        expect(cp.stdout).toMatch(/^\d{4}-\d\d-\d\d \d\d:\d\d:\d\d:\d{3}, \d{4}-\d\d-\d\d \d\d:\d\d:\d\d:\d{3}, 0\.4768, [\d.]+, 5000, [\d.]+, \d+, \d+, [\d.]+, [\d.]+$/m);
        expect(cp.stderr).not.toMatch(/WARN|ERROR/);
      });
    });
  });
});

/** Escapes a literal for use inside a RegExp. */
function escape(s: string): string {
  return s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}
