/**
 * One request on a fresh socket with our own codec: for broker tests that need to see exactly
 * what the broker answers (error messages, fields kafkajs hides).
 */
import net from 'node:net';
import { decode, encode, type Struct } from '../../src/engine/protocol/codec.js';
import { FrameSplitter, sizeFrame } from '../../src/engine/protocol/frame.js';
import { readResponseHeader, responseHeaderIsFlexible, writeRequestHeader } from '../../src/engine/protocol/header.js';
import { schemaFor } from '../../src/engine/protocol/messages/index.js';
import { Reader } from '../../src/engine/protocol/reader.js';
import { inRange } from '../../src/engine/protocol/schema.js';
import { Writer } from '../../src/engine/protocol/writer.js';

export async function rawRequest(bootstrap: string, apiKey: number, version: number, body: Struct): Promise<Struct> {
  const schema = schemaFor(apiKey)!;
  const flexible = inRange(schema.flexible, version);
  const w = new Writer();
  w.int32(0);
  writeRequestHeader(w, { apiKey, apiVersion: version, correlationId: 42, clientId: 'raw-test' }, flexible);
  encode(schema.request, version, body, flexible, w);
  const frame = sizeFrame(w.toBuffer());
  const [host, port] = bootstrap.split(':');
  const answer = await new Promise<Buffer>((resolve, reject) => {
    const socket = net.connect({ host, port: Number(port) });
    const frames = new FrameSplitter(0x7fffffff);
    socket.on('error', reject);
    socket.on('close', () => reject(new Error('connection closed without an answer')));
    socket.on('connect', () => socket.write(frame));
    socket.on('data', (d: Buffer) => {
      const [first] = frames.push(d);
      if (first) {
        socket.removeAllListeners('close');
        socket.destroy();
        resolve(first);
      }
    });
  });
  const r = new Reader(answer);
  readResponseHeader(r, responseHeaderIsFlexible(apiKey, flexible));
  return decode(schema.response, version, r, flexible);
}
