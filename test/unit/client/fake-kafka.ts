/**
 * A scripted Kafka peer for client tests: answers ApiVersions itself and every other request
 * through `handle` (apiKey, version, decoded body) -> response body, with the project's codec;
 * `handle` returning null drops the connection.
 */
import net from 'node:net';
import { decode, encode } from '../../../src/engine/protocol/codec.js';
import type { Struct } from '../../helpers/struct.js';
import { FrameSplitter, sizeFrame } from '../../../src/engine/protocol/frame.js';
import { isFlexible, readRequestHeader, responseHeaderIsFlexible, writeResponseHeader } from '../../../src/engine/protocol/header.js';
import { schemaFor } from '../../../src/engine/protocol/messages/index.js';
import { Reader } from '../../../src/engine/protocol/reader.js';
import { Writer } from '../../../src/engine/protocol/writer.js';

export interface FakeKafka {
  host: string;
  port: number;
  address: string;
  /** requests seen, by API key */
  seen: number[];
  close(): Promise<void>;
}

export async function startFakeKafka(
  apis: Record<number, number>,
  /** null: drop the connection instead of answering (a broker going away) */
  handle: (apiKey: number, version: number, body: Struct) => Struct | null,
): Promise<FakeKafka> {
  const seen: number[] = [];
  const sockets = new Set<net.Socket>();
  const server = net.createServer((sock) => {
    sockets.add(sock);
    sock.on('close', () => sockets.delete(sock));
    sock.on('error', () => undefined);
    const frames = new FrameSplitter(100 * 1024 * 1024);
    sock.on('data', (d: Buffer) => {
      for (const frame of frames.push(d)) {
        const r = new Reader(frame);
        const h = readRequestHeader(r, (k, v) => isFlexible(schemaFor(k)!, v));
        const schema = schemaFor(h.apiKey)!;
        const flexible = isFlexible(schema, h.apiVersion);
        const body = decode(schema.request, h.apiVersion, r, flexible);
        seen.push(h.apiKey);
        const res =
          h.apiKey === 18
            ? {
                errorCode: 0,
                apiKeys: Object.entries({ 18: 3, ...apis }).map(([k, max]) => ({ apiKey: Number(k), minVersion: 0, maxVersion: max })),
                throttleTimeMs: 0,
              }
            : handle(h.apiKey, h.apiVersion, body);
        if (res === null) {
          sock.destroy();
          return;
        }
        const w = new Writer(256);
        w.int32(0);
        writeResponseHeader(w, h.correlationId, responseHeaderIsFlexible(h.apiKey, flexible));
        encode(schema.response, h.apiVersion, res, flexible, w);
        sock.write(sizeFrame(w.toBuffer()));
      }
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const port = (server.address() as net.AddressInfo).port;
  return {
    host: '127.0.0.1',
    port,
    address: `127.0.0.1:${port}`,
    seen,
    close: async () => {
      for (const s of sockets) s.destroy();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}
