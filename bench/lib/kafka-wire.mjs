/**
 * A minimal Kafka wire client for the bench scripts: ApiVersions v0 as a readiness probe and
 * CreateTopics v0 to set up topics with a given partition count. The request bodies are the
 * non-flexible v0 encodings, written by hand; answers are split into frames by the project's own
 * frame splitter, from the build (`npm run build` runs before every bench script).
 */
import net from 'node:net';
import { FrameSplitter } from '../../dist/engine/protocol/frame.js';
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
    const frames = new FrameSplitter(0x7fffffff);
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
      let answer;
      try {
        [answer] = frames.push(d);
      } catch {
        return finish(null);
      }
      if (answer === undefined) return;
      if (answer.length < 4 || answer.readInt32BE(0) !== correlationId) return finish(null);
      finish(answer.subarray(4));
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

/**
 * CreateTopics for one topic (replication factor 1); throws unless error code 0. version 0 (the
 * default) or 2 (same body plus validate_only; Kafka 4 dropped v0 and v1, KIP-896).
 */
export async function createTopic(host, port, name, partitions, timeoutMs = 10000, version = 0) {
  const tail = version >= 1 ? [Buffer.from([0])] : [];
  const body = Buffer.concat([i32(1), str(name), i32(partitions), i16(1), i32(0), i32(0), i32(timeoutMs), ...tail]);
  const res = await roundTrip(host, port, requestFrame(19, version, 11, body), 11, timeoutMs + 1000);
  if (!res) throw new Error(`CreateTopics ${name}: no answer`);
  // [throttle_time_ms: int32 (v2+)] topics[1] { name: string, error_code: int16, [error_message (v1+)] }
  const at = version >= 2 ? 4 : 0;
  const nameLen = res.readInt16BE(at + 4);
  const err = res.readInt16BE(at + 6 + nameLen);
  if (err !== 0) throw new Error(`CreateTopics ${name}: error code ${err}`);
}

/**
 * DeleteTopics for one topic; throws unless error code 0. Frees a run's data early. version 0
 * (the default) or 1 (same body, throttle time first in the answer; Kafka 4 has no v0).
 */
export async function deleteTopic(host, port, name, timeoutMs = 10000, version = 0) {
  const body = Buffer.concat([i32(1), str(name), i32(timeoutMs)]);
  const res = await roundTrip(host, port, requestFrame(20, version, 13, body), 13, timeoutMs + 1000);
  if (!res) throw new Error(`DeleteTopics ${name}: no answer`);
  // [throttle_time_ms: int32 (v1+)] responses[1] { name: string, error_code: int16 }
  const at = version >= 1 ? 4 : 0;
  const nameLen = res.readInt16BE(at + 4);
  const err = res.readInt16BE(at + 6 + nameLen);
  if (err !== 0) throw new Error(`DeleteTopics ${name}: error code ${err}`);
}

function i64(v) {
  const b = Buffer.alloc(8);
  b.writeBigInt64BE(BigInt(v), 0);
  return b;
}

/**
 * ListOffsets v1 (latest) for partitions 0..partitions-1 of one topic; resolves the sum of the
 * log end offsets, i.e. how many records a fresh topic holds. Throws on an error code. Used to
 * check that a produce run really wrote every record.
 */
export async function endOffsetSum(host, port, topic, partitions, timeoutMs = 10000) {
  const parts = [];
  for (let p = 0; p < partitions; p++) parts.push(i32(p), i64(-1));
  const body = Buffer.concat([i32(-1), i32(1), str(topic), i32(partitions), ...parts]);
  const res = await roundTrip(host, port, requestFrame(2, 1, 17, body), 17, timeoutMs);
  if (!res) throw new Error(`ListOffsets ${topic}: no answer`);
  // topics[] { name: string, partitions[] { partition: int32, error_code: int16, timestamp: int64, offset: int64 } }
  let at = 4;
  const nameLen = res.readInt16BE(at);
  at += 2 + nameLen;
  const n = res.readInt32BE(at);
  at += 4;
  let sum = 0;
  for (let i = 0; i < n; i++) {
    const err = res.readInt16BE(at + 4);
    if (err !== 0) throw new Error(`ListOffsets ${topic} [${res.readInt32BE(at)}]: error code ${err}`);
    sum += Number(res.readBigInt64BE(at + 14));
    at += 22;
  }
  return sum;
}
