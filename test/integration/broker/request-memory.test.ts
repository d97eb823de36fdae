/**
 * Issue 12 item 7: the bytes the broker holds for requests in flight are bounded across all
 * connections (queued.max.request.bytes), given back when a connection closes, and a connection
 * that sits in the middle of a frame is closed after connections.max.idle.ms. Measured with the
 * broker's own accounting (Broker.requestMemory()); the RSS loop is in the soak (npm run soak).
 * Before the pool, 10 connections each sending 30 MiB of an unfinished frame held all 300 MiB.
 */
import net from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { startTestBroker, type TestBroker } from '../../helpers/broker.js';
import { kafkaClient } from '../../helpers/kafkajs.js';
import { randomTopic } from '../../helpers/names.js';
import { waitFor } from '../../helpers/wait.js';

const MiB = 1024 * 1024;
let tb: TestBroker | undefined;
const sockets: net.Socket[] = [];

afterEach(async () => {
  for (const s of sockets.splice(0)) s.destroy();
  await tb?.stop();
  tb = undefined;
});

/** Opens a socket that declares a frame of `declared` bytes and sends `sent` bytes of its body, never the rest. */
async function partialFrame(b: TestBroker, declared: number, sent: number): Promise<{ socket: net.Socket; closed: Promise<void> }> {
  const socket = net.connect({ host: b.host, port: b.port });
  sockets.push(socket);
  socket.on('error', () => {});
  const closed = new Promise<void>((res) => socket.on('close', () => res()));
  await new Promise<void>((res) => socket.once('connect', () => res()));
  const head = Buffer.alloc(4);
  head.writeInt32BE(declared, 0);
  socket.write(head);
  // Garbage body: the broker never sees the end of the frame, so it never decodes it.
  if (sent > 0) socket.write(Buffer.alloc(sent, 0x5a));
  return { socket, closed };
}

async function produceAndConsume(bootstrap: string, topic: string, values: string[]): Promise<string[]> {
  const kafka = kafkaClient(bootstrap);
  const producer = kafka.producer();
  await producer.connect();
  await producer.send({ topic, acks: -1, messages: values.map((value) => ({ value })) });
  await producer.disconnect();
  const consumer = kafka.consumer({ groupId: `g-${topic}` });
  await consumer.connect();
  await consumer.subscribe({ topic, fromBeginning: true });
  const got: string[] = [];
  await consumer.run({ eachMessage: async ({ message }) => void got.push(message.value!.toString()) });
  await waitFor(() => got.length >= values.length, { timeoutMs: 20_000, message: 'records read back' });
  await consumer.disconnect();
  return got;
}

describe('memory for requests in flight (queued.max.request.bytes)', () => {
  it('10 connections holding unfinished frames hold at most the pool, a client is served meanwhile, and closing gives everything back', async () => {
    tb = await startTestBroker({ settings: { 'queued.max.request.bytes': String(8 * MiB) } });
    const b = tb;
    // Each declares 3 MiB and sends 2 MiB of it: two fit in 8 MiB, the other eight wait unread.
    const hostile = [];
    for (let i = 0; i < 10; i++) hostile.push(await partialFrame(b, 3 * MiB, 2 * MiB));
    const held = await waitFor(() => {
      const m = b.broker.requestMemory();
      return m.used === 6 * MiB && m.waiting === 8 && m;
    }, { message: 'two frames admitted, eight waiting' });
    expect(held.size).toBe(8 * MiB);

    // The 2 MiB left serve a legitimate client throughout.
    const topic = randomTopic();
    const values = Array.from({ length: 50 }, (_, i) => `v${i}`);
    expect((await produceAndConsume(b.bootstrap, topic, values)).sort()).toEqual([...values].sort());
    expect(b.broker.requestMemory().used).toBeLessThanOrEqual(8 * MiB);

    for (const h of hostile) h.socket.destroy();
    await Promise.all(hostile.map((h) => h.closed));
    const after = await waitFor(() => {
      const m = b.broker.requestMemory();
      return m.used === 0 && m.waiting === 0 && m;
    }, { message: 'all memory given back' });
    expect(after.used).toBe(0);
  });

  it('a connection whose frame does not fit waits, unread, and is served once memory is released', async () => {
    tb = await startTestBroker({ settings: { 'queued.max.request.bytes': String(8 * MiB), 'message.max.bytes': String(8 * MiB) } });
    const b = tb;
    const topic = randomTopic();
    const kafka = kafkaClient(b.bootstrap);
    const producer = kafka.producer();
    await producer.connect();
    await producer.send({ topic, messages: [{ value: 'warm-up' }] });

    const hog = await partialFrame(b, 6 * MiB, MiB);
    await waitFor(() => b.broker.requestMemory().used === 6 * MiB, { message: 'the hog holds 6 MiB' });
    const big = 'x'.repeat(4 * MiB);
    let done = false;
    const sent = producer.send({ topic, acks: -1, messages: [{ value: big }] }).then(() => (done = true));
    await waitFor(() => b.broker.requestMemory().waiting === 1, { message: 'the producer waits for memory' });
    expect(done).toBe(false);

    hog.socket.destroy();
    await sent;
    expect(done).toBe(true);
    await producer.disconnect();
    await waitFor(() => b.broker.requestMemory().used === 0, { message: 'memory given back' });
  });

  it('a frame larger than the whole pool is refused and that connection closed', async () => {
    tb = await startTestBroker({ settings: { 'queued.max.request.bytes': String(MiB) } });
    const b = tb;
    const h = await partialFrame(b, 2 * MiB, 0);
    await h.closed;
    expect(b.broker.requestMemory()).toMatchObject({ used: 0, waiting: 0 });
    // Everyone else is still served.
    expect(await produceAndConsume(b.bootstrap, randomTopic(), ['after'])).toEqual(['after']);
  });

  it('a connection idle in the middle of a frame for connections.max.idle.ms is closed and its memory released', async () => {
    tb = await startTestBroker({ settings: { 'queued.max.request.bytes': String(8 * MiB), 'connections.max.idle.ms': '500' } });
    const b = tb;
    const started = Date.now();
    const h = await partialFrame(b, 4 * MiB, 64 * 1024);
    await waitFor(() => b.broker.requestMemory().used === 4 * MiB, { message: 'frame admitted' });
    await h.closed;
    expect(Date.now() - started).toBeGreaterThanOrEqual(450);
    expect(b.broker.requestMemory()).toMatchObject({ used: 0, waiting: 0 });
  });

  it('the default bounds the pool at 100 MiB (Kafka: -1, unbounded)', async () => {
    tb = await startTestBroker();
    expect(tb.broker.requestMemory().size).toBe(100 * MiB);
  });
});
