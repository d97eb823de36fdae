/**
 * A minimal Kafka wire client for the bench scripts, independent of the code under test:
 * ApiVersions v0 as a readiness probe and CreateTopics v0 to set up topics with a given
 * partition count. Only the non-flexible v0 encodings, written by hand.
 */
import net from 'node:net';
import { nowMs } from './stats.mjs';

const CLIENT_ID = Buffer.from('mq-bench');

function str(s) {
  const b = Buffer.from(s);
  const h = Buffer.alloc(2);
  h.writeInt16BE(b.length, 0);
  return Buffer.concat([h, b]);
}

function i16(v) {
  const b = Buffer.alloc(2);
  b.writeInt16BE(v, 0);
  return b;
}

function i32(v) {
  const b = Buffer.alloc(4);
  b.writeInt32BE(v, 0);
  return b;
}

/** A whole request frame: size, api key, version, correlation id, client id, body. */
export function requestFrame(apiKey, version, correlationId, body = Buffer.alloc(0)) {
  const payload = Buffer.concat([i16(apiKey), i16(version), i32(correlationId), i16(CLIENT_ID.length), CLIENT_ID, body]);
  return Buffer.concat([i32(payload.length), payload]);
}

/**
 * Sends one request on a fresh connection and resolves the response body after the correlation
 * id, or null on refused/reset/timeout/mismatched correlation id.
 */
export function roundTrip(host, port, frame, correlationId, timeoutMs = 5000) {
  return new Promise((resolve) => {
    const sock = net.connect({ host, port });
    let buf = Buffer.alloc(0);
    let done = false;
    const finish = (v) => {
      if (done) return;
      done = true;
      clearTimeout(timer);
      sock.destroy();
      resolve(v);
    };
    const timer = setTimeout(() => finish(null), timeoutMs);
    sock.once('connect', () => sock.write(frame));
    sock.on('data', (d) => {
      buf = buf.length ? Buffer.concat([buf, d]) : d;
      if (buf.length < 4) return;
      const size = buf.readInt32BE(0);
      if (buf.length < 4 + size) return;
      if (size < 4 || buf.readInt32BE(4) !== correlationId) return finish(null);
      finish(buf.subarray(8, 4 + size));
    });
    sock.once('error', () => finish(null));
    sock.once('close', () => finish(null));
  });
}

/** One ApiVersions v0 attempt: true when answered with error code 0. */
export async function probeApiVersions(host, port, timeoutMs = 2000) {
  const body = await roundTrip(host, port, requestFrame(18, 0, 7), 7, timeoutMs);
  return body !== null && body.length >= 2 && body.readInt16BE(0) === 0;
}

/**
 * Polls probeApiVersions every `intervalMs` until it succeeds; resolves the time of success
 * (nowMs clock). Throws after timeoutMs or when isDead(). intervalMs 0 retries at once, but a
 * tight connect loop (thousands of refused connects during a broker start on 2 cores) was seen to
 * slow the start it measures by 30-70 ms; the default 1 ms costs at most 1 ms of resolution.
 */
export async function waitForApiVersions(host, port, timeoutMs = 15000, isDead = () => false, intervalMs = 1) {
  const deadline = nowMs() + timeoutMs;
  for (;;) {
    if (await probeApiVersions(host, port)) return nowMs();
    if (isDead()) throw new Error('process exited before answering ApiVersions');
    if (nowMs() > deadline) throw new Error(`no ApiVersions answer from ${host}:${port} within ${timeoutMs} ms`);
    await new Promise((r) => (intervalMs > 0 ? setTimeout(r, intervalMs) : setImmediate(r)));
  }
}

/** CreateTopics v0 for one topic (replication factor 1); throws unless error code 0. */
export async function createTopic(host, port, name, partitions, timeoutMs = 10000) {
  const body = Buffer.concat([i32(1), str(name), i32(partitions), i16(1), i32(0), i32(0), i32(timeoutMs)]);
  const res = await roundTrip(host, port, requestFrame(19, 0, 11, body), 11, timeoutMs + 1000);
  if (!res) throw new Error(`CreateTopics ${name}: no answer`);
  // topics[1] { name: string, error_code: int16 }
  const nameLen = res.readInt16BE(4);
  const err = res.readInt16BE(6 + nameLen);
  if (err !== 0) throw new Error(`CreateTopics ${name}: error code ${err}`);
}

/** DeleteTopics v0 for one topic; throws unless error code 0. Frees a run's data early. */
export async function deleteTopic(host, port, name, timeoutMs = 10000) {
  const body = Buffer.concat([i32(1), str(name), i32(timeoutMs)]);
  const res = await roundTrip(host, port, requestFrame(20, 0, 13, body), 13, timeoutMs + 1000);
  if (!res) throw new Error(`DeleteTopics ${name}: no answer`);
  // responses[1] { name: string, error_code: int16 }
  const nameLen = res.readInt16BE(4);
  const err = res.readInt16BE(6 + nameLen);
  if (err !== 0) throw new Error(`DeleteTopics ${name}: error code ${err}`);
}
