/**
 * ProtocolConnection's side of the wire: answers split anywhere across TCP chunks, several
 * answers in one chunk, pipelined requests answered in order, and a peer whose frame sizes make no
 * sense (negative, too short for a correlation id, over the limit) failing the connection.
 * A hand-written peer, so the bytes are exactly what each test says.
 */
import net from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { ProtocolConnection } from '../../../src/engine/client/connection.js';
import { ProtocolClientError } from '../../../src/engine/client/errors.js';
import { encode } from '../../../src/engine/protocol/codec.js';
import { FrameSplitter, sizeFrame } from '../../../src/engine/protocol/frame.js';
import { isFlexible, readRequestHeader } from '../../../src/engine/protocol/header.js';
import { ApiVersions } from '../../../src/engine/protocol/messages/18-api-versions.js';
import { Heartbeat } from '../../../src/engine/protocol/messages/12-heartbeat.js';
import { schemaFor } from '../../../src/engine/protocol/messages/index.js';
import { Reader } from '../../../src/engine/protocol/reader.js';
import { Writer } from '../../../src/engine/protocol/writer.js';

interface Peer {
  port: number;
  close(): Promise<void>;
}

const peers: Peer[] = [];
const conns: ProtocolConnection[] = [];
afterEach(async () => {
  for (const c of conns.splice(0)) c.close();
  await Promise.all(peers.splice(0).map((p) => p.close()));
});

/**
 * Answers ApiVersions (offering Heartbeat v0 only); every other request's correlation id goes to
 * `onRequest`, which writes whatever bytes it likes.
 */
async function peer(onRequest: (sock: net.Socket, correlationId: number) => void): Promise<Peer> {
  const sockets = new Set<net.Socket>();
  const server = net.createServer((sock) => {
    sockets.add(sock);
    sock.on('error', () => undefined);
    const frames = new FrameSplitter(1 << 20);
    sock.on('data', (d: Buffer) => {
      for (const f of frames.push(d)) {
        const h = readRequestHeader(new Reader(f), (k, v) => isFlexible(schemaFor(k)!, v));
        if (h.apiKey !== ApiVersions.apiKey) {
          onRequest(sock, h.correlationId);
          continue;
        }
        const flexible = isFlexible(ApiVersions, h.apiVersion);
        const w = new Writer(128);
        w.int32(0).int32(h.correlationId);
        encode(ApiVersions.response, h.apiVersion, {
          errorCode: 0,
          apiKeys: [
            { apiKey: ApiVersions.apiKey, minVersion: 0, maxVersion: 3 },
            { apiKey: Heartbeat.apiKey, minVersion: 0, maxVersion: 0 },
          ],
          throttleTimeMs: 0,
        }, flexible, w);
        sock.write(sizeFrame(w.toBuffer()));
      }
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const p: Peer = {
    port: (server.address() as net.AddressInfo).port,
    close: async () => {
      for (const s of sockets) s.destroy();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
  peers.push(p);
  return p;
}

/** A Heartbeat v0 answer: size, correlation id (response header v0), error code. */
function heartbeatAnswer(correlationId: number, errorCode: number): Buffer {
  const b = Buffer.alloc(10);
  b.writeInt32BE(6, 0);
  b.writeInt32BE(correlationId, 4);
  b.writeInt16BE(errorCode, 8);
  return b;
}

async function open(p: Peer): Promise<ProtocolConnection> {
  const c = await ProtocolConnection.open('127.0.0.1', p.port, { requestTimeoutMs: 5000 });
  conns.push(c);
  return c;
}

const heartbeat = (c: ProtocolConnection) => c.request(Heartbeat, { groupId: 'g', generationId: 1, memberId: 'm' });

describe('ProtocolConnection framing', () => {
  it('answers pipelined requests in order when their answers arrive in one chunk, cut anywhere', async () => {
    const ids: number[] = [];
    let socket: net.Socket | undefined;
    const p = await peer((sock, cid) => {
      socket = sock;
      ids.push(cid);
    });
    const c = await open(p);
    const answers = [heartbeat(c), heartbeat(c), heartbeat(c)];
    await expect.poll(() => ids.length).toBe(3);
    const wire = Buffer.concat([heartbeatAnswer(ids[0]!, 0), heartbeatAnswer(ids[1]!, 27), heartbeatAnswer(ids[2]!, 25)]);
    // the first size split, the second answer split, the third whole in the last chunk
    for (const [from, to] of [[0, 2], [2, 15], [15, wire.length]] as const) {
      socket!.write(wire.subarray(from, to));
      await new Promise((resolve) => setImmediate(resolve));
    }
    expect((await Promise.all(answers)).map((a) => a.errorCode)).toEqual([0, 27, 25]);
  });

  it('rejects an answer whose correlation id is not the one waited for', async () => {
    const p = await peer((sock, cid) => sock.write(heartbeatAnswer(cid + 1, 0)));
    const c = await open(p);
    await expect(heartbeat(c)).rejects.toThrow(/Could not decode the response from 127\.0\.0\.1:\d+: correlation id \d+, expected \d+/);
  });

  for (const [what, size, body] of [
    ['a negative frame size', -1, Buffer.alloc(6)],
    ['a frame too short to hold a correlation id', 2, Buffer.alloc(2)],
    ['a frame size over the 1 GiB limit', 0x7fffffff, Buffer.alloc(0)],
  ] as const) {
    it(`fails the connection on ${what}`, async () => {
      const p = await peer((sock) => {
        const head = Buffer.alloc(4);
        head.writeInt32BE(size, 0);
        sock.write(Buffer.concat([head, body]));
      });
      const c = await open(p);
      const err: unknown = await heartbeat(c).catch((e: unknown) => e);
      expect(err).toBeInstanceOf(ProtocolClientError);
      expect(err).toMatchObject({ code: 'DECODE', message: `Malformed response from 127.0.0.1:${p.port} (frame size ${size})` });
      expect(c.closed).toBe(true);
      await expect(heartbeat(c)).rejects.toBe(err);
    });
  }
});
