/**
 * Hostile and malformed bytes: the broker closes the offending connection and keeps serving
 * everyone else. Each case is checked on a raw socket, and a real client must still work after
 * all of them.
 */
import net from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Kafka, logLevel } from 'kafkajs';
import { startTestBroker, type TestBroker } from '../../helpers/broker.js';
import { randomTopic } from '../../helpers/names.js';
import { Writer } from '../../../src/engine/protocol/writer.js';
import { writeRequestHeader } from '../../../src/engine/protocol/header.js';
import { encode } from '../../../src/engine/protocol/codec.js';
import { schemaFor } from '../../../src/engine/protocol/messages/index.js';

let tb: TestBroker;
let host: string;
let port: number;

beforeAll(async () => {
  tb = await startTestBroker();
  [host, port] = [tb.bootstrap.split(':')[0]!, Number(tb.bootstrap.split(':')[1])];
});

afterAll(async () => {
  await tb?.stop();
});

/**
 * Sends bytes and reports whether the broker closed the socket (within `waitMs`) and what it answered.
 * With `untilAnswer`, one whole response frame is the end too: the broker keeps such a connection open.
 */
function send(bytes: Buffer, waitMs = 1500, untilAnswer = false): Promise<{ closed: boolean; answer: Buffer }> {
  return new Promise((resolve) => {
    const socket = net.connect({ host, port });
    const chunks: Buffer[] = [];
    let closed = false;
    const finish = () => {
      clearTimeout(timer);
      socket.destroy();
      resolve({ closed, answer: Buffer.concat(chunks) });
    };
    const timer = setTimeout(finish, waitMs);
    socket.on('data', (d) => {
      chunks.push(d);
      const got = Buffer.concat(chunks);
      if (untilAnswer && got.length >= 4 && got.length >= 4 + got.readInt32BE(0)) finish();
    });
    socket.on('error', () => {});
    socket.on('close', () => {
      closed = true;
      finish();
    });
    socket.on('connect', () => socket.write(bytes));
  });
}

function request(apiKey: number, version: number, body: Record<string, unknown>, flexibleHeader = false): Buffer {
  const schema = schemaFor(apiKey)!;
  const w = new Writer();
  w.int32(0);
  writeRequestHeader(w, { apiKey, apiVersion: version, correlationId: 7, clientId: 'evil' }, flexibleHeader);
  encode(schema.request, version, body, flexibleHeader, w);
  const b = w.toBuffer();
  b.writeInt32BE(b.length - 4, 0);
  return b;
}

function frame(body: Buffer): Buffer {
  const size = Buffer.alloc(4);
  size.writeInt32BE(body.length);
  return Buffer.concat([size, body]);
}

async function brokerStillServes(): Promise<void> {
  const kafka = new Kafka({ brokers: [tb.bootstrap], logLevel: logLevel.NOTHING, retry: { retries: 1 } });
  const admin = kafka.admin();
  await admin.connect();
  const t = randomTopic();
  await admin.createTopics({ topics: [{ topic: t }] });
  expect(await admin.listTopics()).toContain(t);
  await admin.disconnect();
}

describe('malformed input closes only that connection', () => {
  it('closes on an HTTP request', async () => {
    const r = await send(Buffer.from('GET / HTTP/1.1\r\nHost: localhost\r\n\r\n'));
    expect(r.closed).toBe(true);
    expect(r.answer.length).toBe(0);
  });

  it('closes on a TLS ClientHello', async () => {
    // Record header: handshake (0x16), TLS 1.0 record version, length; then ClientHello.
    const hello = Buffer.from('16030100c4010000c00303' + '00'.repeat(200), 'hex');
    const r = await send(hello);
    expect(r.closed).toBe(true);
  });

  it('closes on a frame that claims 2 GB, without allocating it', async () => {
    const before = process.memoryUsage().rss;
    const r = await send(Buffer.from([0x7f, 0xff, 0xff, 0xff, 0, 1, 2, 3]));
    expect(r.closed).toBe(true);
    expect(process.memoryUsage().rss - before).toBeLessThan(200 * 1024 * 1024);
  });

  it('closes on a negative frame size', async () => {
    expect((await send(Buffer.from([0xff, 0xff, 0xff, 0xfe]))).closed).toBe(true);
  });

  it('closes on an unknown API key', async () => {
    const body = Buffer.alloc(10);
    body.writeInt16BE(9999, 0);
    expect((await send(frame(body))).closed).toBe(true);
  });

  it('closes on an unsupported version of a non-ApiVersions API', async () => {
    expect((await send(request(3, 12, { topics: null }).fill(0x7f, 6, 8))).closed).toBe(true);
  });

  it('answers an unsupported ApiVersions version with UNSUPPORTED_VERSION and a v0 body', async () => {
    // A client newer than us speaks flexible ApiVersions with request header v2.
    const b = request(18, 3, { clientSoftwareName: 'future-client', clientSoftwareVersion: '9.0' }, true);
    b.writeInt16BE(99, 6);
    const r = await send(b, 10_000, true);
    expect(r.answer.length).toBeGreaterThan(10);
    expect(r.answer.readInt32BE(4)).toBe(7); // correlation id, header v0
    expect(r.answer.readInt16BE(8)).toBe(35);
  });

  it('closes on a truncated request', async () => {
    const valid = request(3, 1, { topics: [{ name: 'a-topic' }] });
    const cut = valid.subarray(0, valid.length - 4);
    cut.writeInt32BE(cut.length - 4, 0);
    expect((await send(cut)).closed).toBe(true);
  });

  it('closes on an array count far larger than the bytes sent', async () => {
    const w = new Writer();
    w.int32(0);
    writeRequestHeader(w, { apiKey: 3, apiVersion: 1, correlationId: 1, clientId: 'x' }, false);
    w.int32(0x7fffffff); // topics array length
    const b = w.toBuffer();
    b.writeInt32BE(b.length - 4, 0);
    expect((await send(b)).closed).toBe(true);
  });

  it('survives random bytes and bit-flipped requests', async () => {
    let seed = 12345;
    const rand = () => ((seed = (seed * 1103515245 + 12345) & 0x7fffffff) / 0x7fffffff);
    const valid = request(3, 1, { topics: [{ name: 'flip-topic' }, { name: 'other' }] });
    const attempts: Promise<unknown>[] = [];
    for (let i = 0; i < 40; i++) {
      const junk = Buffer.from(Array.from({ length: 8 + Math.floor(rand() * 200) }, () => Math.floor(rand() * 256)));
      attempts.push(send(junk, 300));
      const flipped = Buffer.from(valid);
      const pos = 4 + Math.floor(rand() * (flipped.length - 4));
      flipped[pos] = flipped[pos]! ^ (1 << Math.floor(rand() * 8));
      attempts.push(send(flipped, 300));
    }
    await Promise.all(attempts);
    await brokerStillServes();
  });

  it('keeps serving a normal client after all of this', async () => {
    await brokerStillServes();
  });
});
