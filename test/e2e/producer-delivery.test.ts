/**
 * The built mq-console-producer and mq-producer-perf-test with Kafka's delivery semantics
 * (ProducerConfig, Sender, TransactionManager): acks=0 sends with acks 0 and awaits no answer;
 * the producer is idempotent by default (batches carry a producer id and sequences), and not
 * when the user turns it off or sets acks 1/0; settings idempotence cannot live with are refused
 * with Kafka's text when the user asked for idempotence; a broker restart mid-produce loses and
 * duplicates nothing; a broker that stays away fails the records at delivery.timeout.ms with
 * Kafka's TimeoutException text.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { spawn } from 'node:child_process';
import { readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { run, type RunResult } from '../helpers/proc.js';
import { startTestBroker, type TestBroker } from '../helpers/broker.js';
import { createTopics } from '../helpers/kafkajs.js';
import { randomTopic } from '../helpers/names.js';
import { waitFor } from '../helpers/wait.js';
import { storedRecords } from '../integration/commands/producer-helpers.js';

const root = fileURLToPath(new URL('../../', import.meta.url));
const bin = (name: string) => join(root, 'bin', `${name}.js`);
const node = process.execPath;
const env = { MQ_BOOTSTRAP_SERVER: '', NO_COLOR: '1' };

let b: TestBroker;
beforeAll(async () => {
  b = await startTestBroker();
});
afterAll(async () => b?.stop());

async function freshTopic(broker: TestBroker, prefix: string): Promise<string> {
  const topic = randomTopic(prefix);
  await createTopics(broker.bootstrap, [{ topic, numPartitions: 1 }]);
  return topic;
}

const produce = (topic: string, args: string[], stdin = 'one\ntwo\nthree\n') =>
  run(node, [bin('mq-console-producer'), '--bootstrap-server', b.bootstrap, '--topic', topic, ...args], { env, stdin });

const values = async (broker: TestBroker, topic: string) => (await storedRecords(broker.dataDir, topic, 0)).map((r) => r.value?.toString() ?? 'null');

/** Each batch's producer id, epoch and base sequence, read from the partition's log (RecordBatch v2 header). */
interface BatchProducer {
  producerId: number;
  epoch: number;
  baseSequence: number;
  count: number;
}

function batchProducers(broker: TestBroker, topic: string): BatchProducer[] {
  const dir = join(broker.dataDir, 'logs', `${topic}-0`);
  const out: BatchProducer[] = [];
  for (const f of readdirSync(dir).filter((n) => n.endsWith('.log')).sort()) {
    const data = readFileSync(join(dir, f));
    for (let at = 0; at + 61 <= data.length; at += 12 + data.readInt32BE(at + 8)) {
      out.push({
        producerId: Number(data.readBigInt64BE(at + 43)),
        epoch: data.readInt16BE(at + 51),
        baseSequence: data.readInt32BE(at + 53),
        count: data.readInt32BE(at + 57),
      });
    }
  }
  return out;
}

/** The console producer with stdin left open, to be written to while it runs. */
function streaming(broker: TestBroker, topic: string, args: string[]) {
  const child = spawn(node, [bin('mq-console-producer'), '--bootstrap-server', broker.bootstrap, '--topic', topic, ...args], {
    env: { ...process.env, ...env },
    stdio: ['pipe', 'pipe', 'pipe'],
  });
  let stderr = '';
  child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
  child.stdin.on('error', () => {});
  const done = new Promise<{ code: number | null; stderr: string }>((resolve) => child.on('close', (code) => resolve({ code, stderr })));
  const timer = setTimeout(() => child.kill('SIGKILL'), 90_000);
  void done.then(() => clearTimeout(timer));
  return {
    write: (text: string) => new Promise<void>((r) => (child.stdin.write(text) ? r() : child.stdin.once('drain', () => r()))),
    end: () => child.stdin.end(),
    done,
    get stderr() {
      return stderr;
    },
  };
}

const lines = (from: number, to: number) => Array.from({ length: to - from }, (_, i) => `m${from + i}`);

describe('acks=0 is fire-and-forget', () => {
  it('sends the Produce request with acks 0, awaits no answer, and the records arrive', async () => {
    const topic = await freshTopic(b, 'acks0');
    const r: RunResult = await produce(topic, ['--request-required-acks', '0', '--verbose']);
    expect(r.code).toBe(0);
    // --verbose logs each request the client writes ("-> ...") and each answer it reads ("<- ...").
    const produceLines = r.stderr.split('\n').filter((l) => / Produce v\d+ /.test(l));
    expect(produceLines.length).toBeGreaterThan(0);
    expect(produceLines.every((l) => l.includes('-> Produce v') && l.includes('no answer awaited'))).toBe(true);
    expect(r.stderr).not.toContain('<- Produce');
    expect(r.stderr).not.toContain('InitProducerId');
    await waitFor(async () => (await values(b, topic)).length === 3);
    expect(await values(b, topic)).toEqual(['one', 'two', 'three']);
    // acks=0 without enable.idempotence: idempotence quietly off, as Kafka's client does.
    expect(batchProducers(b, topic).every((p) => p.producerId === -1)).toBe(true);
  });
});

describe('idempotence on by default with acks=all', () => {
  it('batches carry a producer id, epoch 0 and sequences from 0; each run gets its own producer id', async () => {
    const topic = await freshTopic(b, 'idem');
    expect(await produce(topic, [])).toMatchObject({ code: 0, stderr: '' });
    expect(await produce(topic, ['--batch-size', '40', '--timeout', '0'], lines(0, 20).join('\n') + '\n')).toMatchObject({ code: 0, stderr: '' });
    const batches = batchProducers(b, topic);
    const first = batches[0]!;
    expect(first).toMatchObject({ epoch: 0, baseSequence: 0, count: 3 });
    expect(first.producerId).toBeGreaterThanOrEqual(0);
    const second = batches.slice(1);
    expect(second.length).toBeGreaterThan(1);
    expect(new Set(second.map((p) => p.producerId)).size).toBe(1);
    expect(second[0]!.producerId).not.toBe(first.producerId);
    // Sequences run on from batch to batch: each starts where the previous one ended.
    let next = 0;
    for (const p of second) {
      expect(p.baseSequence).toBe(next);
      next += p.count;
    }
    expect(next).toBe(20);
    expect(await values(b, topic)).toEqual(['one', 'two', 'three', ...lines(0, 20)]);
  });

  it('enable.idempotence=false, or acks=1 without it, sends without a producer id', async () => {
    const topic = await freshTopic(b, 'noidem');
    expect(await produce(topic, ['--producer-property', 'enable.idempotence=false'])).toMatchObject({ code: 0, stderr: '' });
    expect(await produce(topic, ['--request-required-acks', '1'])).toMatchObject({ code: 0, stderr: '' });
    const batches = batchProducers(b, topic);
    expect(batches).toHaveLength(2);
    expect(batches.every((p) => p.producerId === -1 && p.baseSequence === -1)).toBe(true);
  });
});

describe('conflicting settings are refused with Kafka\'s text', () => {
  const refused: Array<[string, string[], string]> = [
    ['enable.idempotence=true with acks=0', ['--producer-property', 'enable.idempotence=true', '--request-required-acks', '0'], 'Must set acks to all in order to use the idempotent producer. Otherwise we cannot guarantee idempotence.'],
    ['enable.idempotence=true with retries=0', ['--producer-property', 'enable.idempotence=true', '--message-send-max-retries', '0'], 'Must set retries to non-zero when using the idempotent producer.'],
    [
      'enable.idempotence=true with 6 in flight',
      ['--producer-property', 'enable.idempotence=true', '--producer-property', 'max.in.flight.requests.per.connection=6'],
      'Must set max.in.flight.requests.per.connection to at most 5 to use the idempotent producer.',
    ],
    ['delivery.timeout.ms below linger.ms + request.timeout.ms', ['--producer-property', 'delivery.timeout.ms=2000', '--timeout', '1000', '--request-timeout-ms', '1500'], 'delivery.timeout.ms should be equal to or larger than linger.ms + request.timeout.ms'],
  ];
  it.each(refused)('%s', async (_name, args, message) => {
    const topic = await freshTopic(b, 'refuse');
    const r = await produce(topic, args);
    expect(r.code).toBe(1);
    expect(r.stderr.trimEnd()).toBe(message);
    expect(await values(b, topic)).toEqual([]);
  });

  it('mq-producer-perf-test refuses the same, and turns idempotence off quietly for acks=1', async () => {
    const topic = await freshTopic(b, 'perfrefuse');
    const perf = (props: string[]) =>
      run(node, [bin('mq-producer-perf-test'), '--bootstrap-server', b.bootstrap, '--topic', topic, '--num-records', '10', '--record-size', '10', '--throughput', '-1', '--producer-props', ...props], { env });
    const r = await perf(['enable.idempotence=true', 'acks=1']);
    expect(r.code).toBe(1);
    expect(r.stderr.trimEnd()).toBe('Must set acks to all in order to use the idempotent producer. Otherwise we cannot guarantee idempotence.');
    const ok = await perf(['acks=1']);
    expect(ok.code).toBe(0);
    const idem = await perf(['linger.ms=5']);
    expect(idem.code).toBe(0);
    const batches = batchProducers(b, topic);
    expect(batches.length).toBeGreaterThanOrEqual(2);
    expect(batches[0]!.producerId).toBe(-1);
    expect(batches[batches.length - 1]!.producerId).toBeGreaterThanOrEqual(0);
  });
});

describe('retries across a broker restart, idempotent', () => {
  it('nothing lost, nothing duplicated, in order', async () => {
    const broker = await startTestBroker();
    try {
      const topic = await freshTopic(broker, 'restart');
      const p = streaming(broker, topic, ['--timeout', '0', '--batch-size', '200', '--message-send-max-retries', '1000', '--verbose']);
      await p.write(lines(0, 500).join('\n') + '\n');
      await waitFor(async () => (await values(broker, topic)).length > 0, { timeoutMs: 20_000 });
      // Records keep coming while the broker goes down and comes back on the same port.
      let restarted = false;
      const restarting = broker.restart().then(() => (restarted = true));
      let n = 500;
      while (!restarted) {
        await p.write(lines(n, n + 50).join('\n') + '\n');
        n += 50;
        await new Promise((r) => setTimeout(r, 1));
      }
      await restarting;
      await p.write(lines(n, n + 500).join('\n') + '\n');
      n += 500;
      p.end();
      const r = await p.done;
      const log = r.stderr.split('\n').filter(Boolean);
      expect(log.filter((l) => !l.startsWith('[mq client] '))).toEqual([]);
      expect(r.code).toBe(0);
      // The restart did interrupt the stream: batches were retried (--verbose names each retry).
      expect(log.some((l) => /^\[mq client\] retrying \d+ record\(s\) for .+-0, sequence \d+ after NETWORK_EXCEPTION/.test(l))).toBe(true);
      expect(await values(broker, topic)).toEqual(lines(0, n));
      const ids = new Set(batchProducers(broker, topic).map((x) => x.producerId));
      expect(ids.size).toBe(1);
      expect([...ids][0]).toBeGreaterThanOrEqual(0);
    } finally {
      await broker.stop();
    }
  }, 120_000);
});

describe('delivery.timeout.ms', () => {
  it('a broker that stays away fails the waiting records with Kafka\'s expiry text, exit 1', async () => {
    const broker = await startTestBroker();
    let stopped = false;
    try {
      const topic = await freshTopic(broker, 'expire');
      const args = ['--timeout', '0', '--request-timeout-ms', '1000', '--producer-property', 'delivery.timeout.ms=3000', '--message-send-max-retries', '1000'];
      const p = streaming(broker, topic, args);
      await p.write('first\n');
      await waitFor(async () => (await values(broker, topic)).length === 1, { timeoutMs: 20_000 });
      await broker.stop();
      stopped = true;
      const started = Date.now();
      await p.write('second\n');
      p.end();
      const r = await p.done;
      expect(r.code).toBe(1);
      expect(r.stderr).toMatch(
        new RegExp(`^ERROR Error when sending message to topic ${topic} with key: null, value: 6 bytes with error: Expiring 1 record\\(s\\) for ${topic}-0:\\d+ ms has passed since batch creation$`, 'm'),
      );
      expect(r.stderr).toContain(`1 record(s) could not be sent to topic ${topic}`);
      // Given up at the delivery timeout, not at the first failure nor after max.block.ms.
      const took = Date.now() - started;
      expect(took).toBeGreaterThanOrEqual(2500);
      expect(took).toBeLessThan(20_000);
    } finally {
      if (!stopped) await broker.stop();
    }
  }, 60_000);
});
