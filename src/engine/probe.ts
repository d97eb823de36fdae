/**
 * The cheapest "is a Kafka broker answering here?" check: one ApiVersions v0 round trip with our
 * own codec. Used to decide whether a local broker in broker.json is really alive.
 */
import net from 'node:net';
import { FrameSplitter, sizeFrame } from './protocol/frame.js';
import { writeRequestHeader } from './protocol/header.js';
import { ApiVersions } from './protocol/messages/18-api-versions.js';
import { ErrorCode } from './protocol/error-codes.js';
import { Writer } from './protocol/writer.js';

const CORRELATION_ID = 0x6d71;

export function probeApiVersions(host: string, port: number, timeoutMs = 1000): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = net.connect({ host, port });
    // An ApiVersions v0 answer is a few hundred bytes; anything far larger is not a Kafka broker.
    const frames = new FrameSplitter(1024 * 1024);
    const done = (ok: boolean) => {
      clearTimeout(timer);
      socket.destroy();
      resolve(ok);
    };
    const timer = setTimeout(() => done(false), timeoutMs);
    socket.on('error', () => done(false));
    socket.on('connect', () => {
      const w = new Writer(64);
      w.int32(0);
      writeRequestHeader(w, { apiKey: ApiVersions.apiKey, apiVersion: 0, correlationId: CORRELATION_ID, clientId: 'mq-probe' }, false);
      socket.write(sizeFrame(w.toBuffer()));
    });
    socket.on('data', (d: Buffer) => {
      let answer: Buffer | undefined;
      try {
        answer = frames.push(d)[0];
      } catch {
        done(false);
        return;
      }
      // Response header v0 (the correlation id), then the body's error code.
      if (answer) done(answer.length >= 6 && answer.readInt32BE(0) === CORRELATION_ID && answer.readInt16BE(4) === ErrorCode.NONE);
    });
  });
}
