/**
 * Generated from the handler registry (src/engine/broker/handlers/index.ts): every API the broker
 * registers, at every version it advertises, gets a minimal valid request (every field its
 * default: empty arrays, empty strings, zeros) encoded with our codec and sent over a real socket
 * to an in-process broker. The answer must be one well-formed frame: the request's correlation
 * id, the response header of that version, and a body the codec decodes to the last byte.
 * Versions below a handler's implementedMin are advertised for old clients' feature checks only
 * and must close the connection, as Kafka 4.x does for Produce v0-2 (KIP-896).
 */
import net from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { handlers } from '../../../src/engine/broker/handlers/index.js';
import { ApiKey } from '../../../src/engine/protocol/api-keys.js';
import { decode, encode } from '../../../src/engine/protocol/codec.js';
import { readResponseHeader, responseHeaderIsFlexible, writeRequestHeader } from '../../../src/engine/protocol/header.js';
import { ApiVersions } from '../../../src/engine/protocol/messages/18-api-versions.js';
import { Reader } from '../../../src/engine/protocol/reader.js';
import { inRange, type ApiSchema } from '../../../src/engine/protocol/schema.js';
import { Writer } from '../../../src/engine/protocol/writer.js';
import { startTestBroker, type TestBroker } from '../../helpers/broker.js';

/**
 * The request body: no fields at all, which the encoder writes as every field's default (empty
 * arrays, empty or null strings, zeros, the descriptor's declared defaults). Where that would get no
 * answer by design, one field is set: Produce with acks=0 is answered with silence (Kafka's
 * KafkaApis.handleProduceRequest), so it asks for the leader's ack.
 */
const overrides: Readonly<Partial<Record<number, Record<string, unknown>>>> = { [ApiKey.Produce]: { acks: 1 } };

function requestFrame(schema: ApiSchema, version: number, correlationId: number): Buffer {
  const flexible = inRange(schema.flexible, version);
  const w = new Writer();
  w.int32(0); // size, patched below
  writeRequestHeader(w, { apiKey: schema.apiKey, apiVersion: version, correlationId, clientId: 'every-handler' }, flexible);
  encode(schema.request, version, { ...overrides[schema.apiKey] }, flexible, w);
  const frame = w.toBuffer();
  frame.writeInt32BE(frame.length - 4, 0);
  return frame;
}

/** One socket, one request at a time: the answer's frame body, or 'closed' if the broker hung up first. */
class Connection {
  private readonly socket: net.Socket;
  private buffered = Buffer.alloc(0);
  private waiting: ((answer: Buffer | 'closed') => void) | undefined;
  private closed = false;

  constructor(tb: TestBroker) {
    this.socket = net.connect({ host: tb.host, port: tb.port });
    this.socket.on('error', () => {}); // a reset after the broker closes is the 'close' below
    this.socket.on('data', (d: Buffer) => {
      this.buffered = Buffer.concat([this.buffered, d]);
      this.deliver();
    });
    this.socket.on('close', () => {
      this.closed = true;
      this.deliver();
    });
  }

  private deliver(): void {
    if (!this.waiting) return;
    const b = this.buffered;
    if (b.length >= 4 && b.length >= 4 + b.readInt32BE(0)) {
      const size = b.readInt32BE(0);
      this.buffered = b.subarray(4 + size);
      const done = this.waiting;
      this.waiting = undefined;
      done(b.subarray(4, 4 + size));
    } else if (this.closed) {
      const done = this.waiting;
      this.waiting = undefined;
      done('closed');
    }
  }

  send(frame: Buffer): Promise<Buffer | 'closed'> {
    return new Promise((resolve) => {
      this.waiting = resolve;
      this.socket.write(frame);
      this.deliver();
    });
  }

  close(): void {
    this.socket.destroy();
  }
}

let tb: TestBroker;
beforeAll(async () => {
  tb = await startTestBroker();
});
afterAll(async () => {
  await tb?.stop();
});

describe('every registered handler answers every version it advertises', () => {
  it('ApiVersions advertises exactly the registry', async () => {
    const conn = new Connection(tb);
    const answer = await conn.send(requestFrame(ApiVersions, 0, 1));
    conn.close();
    if (answer === 'closed') throw new Error('ApiVersions v0 closed the connection');
    const r = new Reader(answer);
    expect(readResponseHeader(r, false)).toBe(1);
    const body = decode(ApiVersions.response, 0, r, false);
    expect(r.remaining).toBe(0);
    const registered = [...handlers].sort((a, b) => a.api.apiKey - b.api.apiKey).map((h) => ({ apiKey: h.api.apiKey, minVersion: h.min, maxVersion: h.max }));
    expect(body.apiKeys).toEqual(registered);
  });

  for (const h of handlers) {
    const schema = h.api;
    const served = h.implementedMin ?? h.min;
    it(`${schema.name} (${schema.apiKey}) v${served}-${h.max}: a well-formed answer to a minimal request`, async () => {
      const conn = new Connection(tb);
      try {
        for (let version = served; version <= h.max; version++) {
          const correlationId = 1000 + version;
          const answer = await conn.send(requestFrame(schema, version, correlationId));
          if (answer === 'closed') throw new Error(`${schema.name} v${version}: the broker closed the connection`);
          const flexible = inRange(schema.flexible, version);
          const r = new Reader(answer);
          expect(readResponseHeader(r, responseHeaderIsFlexible(schema.apiKey, flexible)), `${schema.name} v${version} correlation id`).toBe(correlationId);
          const body = decode(schema.response, version, r, flexible);
          expect(r.remaining, `${schema.name} v${version}: bytes left after the body`).toBe(0);
          expect(typeof body, `${schema.name} v${version}`).toBe('object');
        }
      } finally {
        conn.close();
      }
    });

    if (served > h.min) {
      it(`${schema.name} (${schema.apiKey}) v${h.min}-${served - 1}: advertised but not served, so the connection closes`, async () => {
        for (let version = h.min; version < served; version++) {
          const conn = new Connection(tb);
          const answer = await conn.send(requestFrame(schema, version, 7));
          conn.close();
          expect(answer, `${schema.name} v${version}`).toBe('closed');
        }
      });
    }
  }
});
