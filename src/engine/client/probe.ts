/**
 * The cheapest "is a Kafka broker answering here?" check: one ApiVersions v0 round trip with our
 * own codec. Used to decide whether a local broker in broker.json is really alive.
 */
import net from 'node:net';
import { Writer } from '../protocol/writer.js';
import { writeRequestHeader } from '../protocol/header.js';

export function probeApiVersions(host: string, port: number, timeoutMs = 1000): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = net.connect({ host, port });
    let got = Buffer.alloc(0);
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
      writeRequestHeader(w, { apiKey: 18, apiVersion: 0, correlationId: 0x6d71, clientId: 'mq-probe' }, false);
      const b = w.toBuffer();
      b.writeInt32BE(b.length - 4, 0);
      socket.write(b);
    });
    socket.on('data', (d) => {
      got = Buffer.concat([got, d]);
      if (got.length >= 10) done(got.readInt32BE(4) === 0x6d71 && got.readInt16BE(8) === 0);
    });
  });
}
