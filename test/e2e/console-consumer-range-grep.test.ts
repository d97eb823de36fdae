/**
 * mq-console-consumer as a user runs it (the built bin): --timeout-ms as a normal end, no summary
 * in front of an early error, auto.offset.reset checked, a warning for each ignored property, and
 * mq's own --from-time / --to-time and --grep / --grep-key / --grep-header.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startTestBroker, type TestBroker } from '../helpers/broker.js';
import { createTopics, kafkaClient } from '../helpers/kafkajs.js';
import { randomGroup, randomTopic } from '../helpers/names.js';
import { run } from '../helpers/proc.js';

const BIN = join(import.meta.dirname, '../../bin/mq-console-consumer.js');
let b: TestBroker;
beforeAll(async () => {
  b = await startTestBroker();
});
afterAll(async () => b?.stop());

interface Msg {
  value: string;
  key?: string;
  partition?: number;
  timestamp?: number;
  headers?: Record<string, string>;
}

async function seed(topic: string, messages: Msg[], partitions = 1): Promise<void> {
  await createTopics(b.bootstrap, [{ topic, numPartitions: partitions }]);
  const producer = kafkaClient(b.bootstrap, 'range-producer').producer();
  await producer.connect();
  try {
    for (const m of messages) {
      const timestamp = m.timestamp !== undefined ? String(m.timestamp) : undefined;
      await producer.send({ topic, messages: [{ value: m.value, key: m.key ?? null, partition: m.partition ?? 0, timestamp, headers: m.headers }] });
    }
  } finally {
    await producer.disconnect();
  }
}

const consume = (args: string[]) => run(process.execPath, [BIN, '--bootstrap-server', b.bootstrap, ...args], { timeoutMs: 20_000 });
const lines = (s: string) => s.split('\n').filter(Boolean);

describe('mq-console-consumer: ends and errors', () => {
  it('--timeout-ms is a normal end: no ERROR line, exit 0; --strict-timeout prints Kafka\'s line', async () => {
    const topic = randomTopic();
    await seed(topic, [{ value: 'a' }, { value: 'b' }]);
    const r = await consume(['--topic', topic, '--from-beginning', '--timeout-ms', '500']);
    expect(r.code).toBe(0);
    expect(r.stdout).toBe('a\nb\n');
    expect(r.stderr).toBe('Processed a total of 2 messages\n');
    const strict = await consume(['--topic', topic, '--partition', '0', '--offset', 'earliest', '--timeout-ms', '300', '--strict-timeout']);
    expect(strict.code).toBe(0);
    expect(strict.stderr).toBe('ERROR Error processing message, terminating consumer process:  (org.apache.kafka.common.errors.TimeoutException)\nProcessed a total of 2 messages\n');
  });

  it('an error before any record is printed alone, without "Processed a total of 0 messages"', async () => {
    const topic = randomTopic();
    await seed(topic, [{ value: 'a' }]);
    const r = await consume(['--topic', topic, '--partition', '3', '--offset', 'earliest']);
    expect(r.code).toBe(1);
    expect(r.stderr).toContain(`Partition 3 does not exist in topic '${topic}'`);
    expect(r.stderr).not.toContain('Processed a total');
  });

  it('auto.offset.reset=nada is refused with Kafka\'s message; none fails on a partition without a committed offset', async () => {
    const topic = randomTopic();
    await seed(topic, [{ value: 'a' }]);
    const bad = await consume(['--topic', topic, '--consumer-property', 'auto.offset.reset=nada']);
    expect(bad.code).not.toBe(0);
    expect(bad.stderr).toContain('Invalid value nada for configuration auto.offset.reset: String must be one of: latest, earliest, none');
    expect(bad.stdout).toBe('');
    const none = await consume(['--topic', topic, '--group', randomGroup(), '--consumer-property', 'auto.offset.reset=none', '--timeout-ms', '5000']);
    expect(none.code).toBe(1);
    expect(none.stderr).toContain(`Undefined offset with no reset policy for partitions: [${topic}-0]`);
    expect(none.stderr).not.toContain('Processed a total');
  });

  it('a property that is accepted but not honoured prints one warning naming it', async () => {
    const topic = randomTopic();
    await seed(topic, [{ value: 'a' }]);
    const r = await consume(['--topic', topic, '--from-beginning', '--max-messages', '1',
      '--consumer-property', 'group.instance.id=static-1', '--consumer-property', 'fetch.min.bytes=1', '--consumer-property', 'client.id=me']);
    expect(r.code).toBe(0);
    expect(r.stdout).toBe('a\n');
    const warns = lines(r.stderr).filter((l) => l.startsWith('WARN'));
    expect(warns).toEqual([
      "WARN The consumer property 'group.instance.id' is accepted but not used by mq-console-consumer; it has no effect.",
      "WARN The consumer property 'fetch.min.bytes' is accepted but not used by mq-console-consumer; it has no effect.",
    ]);
    // mq-consumer-perf-test too: --group replaces group.id there, as in Kafka's ConsumerPerformance.
    const config = join(mkdtempSync(join(tmpdir(), 'mq-perf-')), 'consumer.properties');
    writeFileSync(config, 'group.instance.id=static-1\ngroup.id=ignored\nfetch.max.wait.ms=100\n');
    const perf = await run(process.execPath, [join(import.meta.dirname, '../../bin/mq-consumer-perf-test.js'), '--bootstrap-server', b.bootstrap,
      '--topic', topic, '--messages', '1', '--consumer.config', config, '--hide-header'], { timeoutMs: 20_000 });
    expect(perf.code).toBe(0);
    expect(perf.stderr).toBe([
      "WARN The consumer property 'group.instance.id' is accepted but not used by mq-consumer-perf-test; it has no effect.",
      "WARN The consumer property 'group.id' is accepted but not used by mq-consumer-perf-test; it has no effect.",
      '',
    ].join('\n'));
  });
});

describe('mq-console-consumer --from-time / --to-time', () => {
  const T0 = Date.UTC(2024, 4, 1, 12, 0, 0);
  // Two partitions; record i has timestamp T0 + i s and lands on partition i % 2.
  const msgs: Msg[] = Array.from({ length: 10 }, (_, i) => ({ value: `v${i}`, partition: i % 2, timestamp: T0 + i * 1000 }));
  let topic: string;
  beforeAll(async () => {
    topic = randomTopic('range');
    await seed(topic, msgs, 2);
  });

  it('epoch ms: every partition from the first record at from-time to the last at or before to-time, then exits', async () => {
    const r = await consume(['--topic', topic, '--from-time', String(T0 + 3000), '--to-time', String(T0 + 6000), '--property', 'print.partition=true']);
    expect(r.code).toBe(0);
    expect(lines(r.stdout).sort()).toEqual(['Partition:0\tv4', 'Partition:0\tv6', 'Partition:1\tv3', 'Partition:1\tv5']);
    expect(r.stderr).toBe('Processed a total of 4 messages\n');
    // --from-time alone follows the log; --timeout-ms ends it as usual.
    const follow = await consume(['--topic', topic, '--from-time', String(T0 + 8000), '--timeout-ms', '500']);
    expect(follow.code).toBe(0);
    expect(lines(follow.stdout).sort()).toEqual(['v8', 'v9']);
    expect(follow.stderr).toBe('Processed a total of 2 messages\n');
  });

  it('ISO-8601, --partition, and --to-time alone (from the earliest record)', async () => {
    const iso = await consume(['--topic', topic, '--partition', '1', '--from-time', '2024-05-01T12:00:04Z', '--to-time', '2024-05-01T12:00:09.000Z']);
    expect(iso.code).toBe(0);
    expect(iso.stdout).toBe('v5\nv7\nv9\n');
    const upTo = await consume(['--topic', topic, '--to-time', new Date(T0 + 2500).toISOString(), '--output', 'json']);
    expect(upTo.code).toBe(0);
    const recs = lines(upTo.stdout).map((l) => JSON.parse(l) as { value: string; timestamp: number });
    expect(recs.map((x) => x.value).sort()).toEqual(['v0', 'v1', 'v2']);
    expect(recs.every((x) => x.timestamp <= T0 + 2500)).toBe(true);
  });

  it('a range with no records ends at once with 0; a relative time is back from now', async () => {
    const empty = await consume(['--topic', topic, '--from-time', String(T0 + 20_000), '--to-time', String(T0 + 30_000)]);
    expect(empty.code).toBe(0);
    expect(empty.stdout).toBe('');
    expect(empty.stderr).toBe('Processed a total of 0 messages\n');
    const recent = randomTopic('recent');
    await seed(recent, [{ value: 'old', timestamp: Date.now() - 3 * 3_600_000 }, { value: 'new1' }, { value: 'new2' }]);
    const r = await consume(['--topic', recent, '--from-time', '-1h', '--to-time', 'now']);
    expect(r.code).toBe(0);
    expect(r.stdout).toBe('new1\nnew2\n');
  });

  it('records out of timestamp order: the window is offsets, and a record inside it outside the time range is skipped', async () => {
    const t = randomTopic('order');
    const ts = [1000, 3000, 1500, 2000, 9000, 2500];
    await seed(t, ts.map((d, i) => ({ value: `r${i}@${d}`, timestamp: T0 + d })));
    // Window: offset 1 (first at or after +1800) to offset 4 (first after +5000); r2@1500 inside it is too old.
    const r = await consume(['--topic', t, '--from-time', String(T0 + 1800), '--to-time', String(T0 + 5000)]);
    expect(r.code).toBe(0);
    expect(r.stdout).toBe('r1@3000\nr3@2000\n');
    expect(r.stderr).toBe('Processed a total of 2 messages\n');
  });

  it('bad values and combinations are refused', async () => {
    const bad = await consume(['--topic', topic, '--from-time', 'yesterday']);
    expect(bad.code).toBe(1);
    expect(bad.stderr).toContain("Invalid value 'yesterday' for option --from-time");
    const withGroup = await consume(['--topic', topic, '--from-time', '-1h', '--group', 'g']);
    expect(withGroup.code).toBe(1);
    expect(withGroup.stderr).toContain('remove --group');
    const reversed = await consume(['--topic', topic, '--from-time', 'now', '--to-time', '-1h']);
    expect(reversed.code).toBe(1);
    expect(reversed.stderr).toContain('is before --from-time');
  });
});

describe('mq-console-consumer --grep', () => {
  let topic: string;
  beforeAll(async () => {
    topic = randomTopic('grep');
    const msgs: Msg[] = Array.from({ length: 200 }, (_, i) => ({
      value: i % 50 === 7 ? `order ${i} FAILED` : `order ${i} ok`,
      key: `user-${i % 3}`,
      partition: i % 2,
      headers: { region: i % 4 === 0 ? 'eu-west' : 'us-east' },
    }));
    // One batch per partition: send them in two calls.
    await createTopics(b.bootstrap, [{ topic, numPartitions: 2 }]);
    const producer = kafkaClient(b.bootstrap, 'grep-producer').producer();
    await producer.connect();
    await producer.send({ topic, messages: msgs.map((m) => ({ value: m.value, key: m.key ?? null, partition: m.partition ?? 0, headers: m.headers })) });
    await producer.disconnect();
  });

  it('a literal searches every partition from the beginning to the log end, prints matches, and counts them', async () => {
    const r = await consume(['--topic', topic, '--grep', 'FAILED']);
    expect(r.code).toBe(0);
    expect(lines(r.stdout).sort()).toEqual(['order 107 FAILED', 'order 157 FAILED', 'order 57 FAILED', 'order 7 FAILED']);
    expect(r.stderr).toBe('Matched 4 of 200 messages\n');
    const ic = await consume(['--topic', topic, '--grep', 'failed', '--grep-ignore-case']);
    expect(lines(ic.stdout)).toHaveLength(4);
    expect(ic.stderr).toBe('Matched 4 of 200 messages\n');
    const inc = await consume(['--include', `${topic}|no-such-topic`, '--grep', 'FAILED']);
    expect(lines(inc.stdout)).toHaveLength(4);
    expect(inc.stderr).toBe('Matched 4 of 200 messages\n');
  });

  it('a regular expression, --grep-key and --grep-header together (all must match), as JSON', async () => {
    const r = await consume(['--topic', topic, '--grep', '^order 1\\d ', '--grep-key', 'user-[01]$', '--grep-header', 'region=^eu', '--output', 'json']);
    expect(r.code).toBe(0);
    const recs = lines(r.stdout).map((l) => JSON.parse(l) as { key: string; value: string; headers: Array<{ key: string; value: string }> });
    // i in 10..19, i % 4 == 0 (eu-west), i % 3 in {0, 1}: 12 (0), 16 (1).
    expect(recs.map((x) => x.value).sort()).toEqual(['order 12 ok', 'order 16 ok']);
    expect(recs.every((x) => x.headers.some((h) => h.key === 'region' && h.value === 'eu-west'))).toBe(true);
    expect(r.stderr).toBe('Matched 2 of 200 messages\n');
  });

  it('--max-messages counts matches; an --offset range is searched; no match prints nothing but the count', async () => {
    const max = await consume(['--topic', topic, '--partition', '1', '--grep', 'FAILED', '--max-messages', '1']);
    expect(max.code).toBe(0);
    expect(max.stdout).toBe('order 7 FAILED\n');
    expect(max.stderr).toMatch(/^Matched 1 of \d+ messages\n$/);
    const from = await consume(['--topic', topic, '--partition', '1', '--offset', '10', '--grep', 'FAILED']);
    expect(from.stdout).toBe('order 57 FAILED\norder 107 FAILED\norder 157 FAILED\n');
    expect(from.stderr).toBe('Matched 3 of 90 messages\n');
    const none = await consume(['--topic', topic, '--grep', 'nothing-like-this']);
    expect(none.code).toBe(0);
    expect(none.stdout).toBe('');
    expect(none.stderr).toBe('Matched 0 of 200 messages\n');
    const badRe = await consume(['--topic', topic, '--grep', '(']);
    expect(badRe.code).toBe(1);
    expect(badRe.stderr).toContain("Invalid value '(' for option --grep");
  });
});
