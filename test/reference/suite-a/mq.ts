// Helpers for Suite A (mq's built commands against Apache Kafka): run and spawn the bins with
// argv arrays, normalise ids, parse kafka-topics --describe, read batch headers from a broker's
// log segment.

import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { run, type RunResult } from '../../helpers/proc.js';
import { REPO_ROOT } from '../kafka.js';

export type MqCommand =
  | 'topics'
  | 'console-producer'
  | 'console-consumer'
  | 'consumer-groups'
  | 'get-offsets'
  | 'configs'
  | 'producer-perf-test'
  | 'consumer-perf-test'
  | 'dashboard';

/** The mq checkout under test: this one, or MQ_SUITE_A_ROOT (a built copy, e.g. of one commit). */
const MQ_ROOT = process.env.MQ_SUITE_A_ROOT || REPO_ROOT;
export const binPath = (cmd: MqCommand): string => join(MQ_ROOT, 'bin', `mq-${cmd}.js`);

/** A scratch dir for properties files; also the data dir, so no command can fall back to a local broker in $HOME. */
export const scratch = mkdtempSync(join(tmpdir(), 'mq-suite-a-'));
export function removeScratch(): void {
  rmSync(scratch, { recursive: true, force: true });
}

// The journal of offset resets and named contexts go to the scratch dir too, never the runner's HOME;
// MQ_KAFKA_ERRORS: errors are compared with Kafka's own text, Java exception names included.
const ENV = { MQ_DATA_DIR: join(scratch, 'data'), XDG_STATE_HOME: join(scratch, 'state'), XDG_CONFIG_HOME: join(scratch, 'config'), MQ_CONTEXT: undefined, MQ_BOOTSTRAP_SERVER: undefined, MQ_DEBUG: undefined, NO_COLOR: '1', FORCE_COLOR: undefined, MQ_KAFKA_ERRORS: '1' };

export const timings: string[] = [];

export async function mq(cmd: MqCommand, args: string[], opts: { stdin?: string; timeoutMs?: number } = {}): Promise<RunResult> {
  const t0 = Date.now();
  const r = await run(process.execPath, [binPath(cmd), ...args], { stdin: opts.stdin, timeoutMs: opts.timeoutMs ?? 60_000, env: ENV });
  timings.push(`mq-${cmd} ${args.find((a) => a.startsWith('--') && !/^--(bootstrap-server|command-config)$/.test(a)) ?? ''}: ${Date.now() - t0} ms`);
  return r;
}

/** Like mq(), but fails with the whole output unless the exit code is 0. */
export async function mqOk(cmd: MqCommand, args: string[], opts: { stdin?: string; timeoutMs?: number } = {}): Promise<RunResult> {
  const r = await mq(cmd, args, opts);
  if (r.code !== 0) {
    throw new Error(`mq-${cmd} ${args.join(' ')} exited ${r.timedOut ? 'by timeout' : (r.code ?? r.signal)}\n--- stdout\n${r.stdout}\n--- stderr\n${r.stderr}`);
  }
  return r;
}

export interface MqProcess {
  readonly stdout: string;
  readonly stderr: string;
  write(text: string): void;
  end(): void;
  waitFor(test: RegExp | ((out: string) => boolean), timeoutMs?: number): Promise<void>;
  /** resolves when the command exits */
  exited(): Promise<{ code: number | null; signal: NodeJS.Signals | null; stdout: string; stderr: string }>;
  /** SIGTERM, SIGKILL after graceMs */
  stop(graceMs?: number): Promise<{ code: number | null; signal: NodeJS.Signals | null; stdout: string; stderr: string }>;
}

const live = new Set<ChildProcess>();
process.on('exit', () => {
  for (const c of live) c.kill('SIGKILL');
});

/** Starts a long-running command with stdin open (a console consumer in a group, a producer fed in steps). */
export function spawnMq(cmd: MqCommand, args: string[]): MqProcess {
  const child = spawn(process.execPath, [binPath(cmd), ...args], { env: { ...process.env, ...ENV }, stdio: ['pipe', 'pipe', 'pipe'] });
  live.add(child);
  let out = '';
  let err = '';
  const listeners = new Set<() => void>();
  const notify = (): void => listeners.forEach((l) => l());
  child.stdout.setEncoding('utf8').on('data', (s: string) => {
    out += s;
    notify();
  });
  child.stderr.setEncoding('utf8').on('data', (s: string) => {
    err += s;
    notify();
  });
  child.stdin.on('error', () => undefined);
  const done = new Promise<{ code: number | null; signal: NodeJS.Signals | null; stdout: string; stderr: string }>((resolve) => {
    child.once('close', (code, signal) => {
      live.delete(child);
      notify();
      resolve({ code, signal, stdout: out, stderr: err });
    });
  });
  const exited = (): boolean => child.exitCode !== null || child.signalCode !== null;
  return {
    get stdout() {
      return out;
    },
    get stderr() {
      return err;
    },
    write: (text) => {
      child.stdin.write(text);
    },
    end: () => {
      child.stdin.end();
    },
    waitFor: (test, timeoutMs = 60_000) =>
      new Promise<void>((resolve, reject) => {
        const ok = typeof test === 'function' ? test : (s: string): boolean => test.test(s);
        const check = (): void => {
          if (ok(out)) {
            cleanup();
            resolve();
          } else if (exited()) {
            cleanup();
            reject(new Error(`mq-${cmd} exited before the expected output:\n--- stdout\n${out}\n--- stderr\n${err}`));
          }
        };
        const timer = setTimeout(() => {
          cleanup();
          reject(new Error(`mq-${cmd}: expected output not seen within ${timeoutMs} ms:\n--- stdout\n${out}\n--- stderr\n${err}`));
        }, timeoutMs);
        const cleanup = (): void => {
          clearTimeout(timer);
          listeners.delete(check);
        };
        listeners.add(check);
        check();
      }),
    exited: () => done,
    stop: async (graceMs = 15_000) => {
      if (!exited()) {
        child.kill('SIGTERM');
        const t = setTimeout(() => child.kill('SIGKILL'), graceMs);
        await done;
        clearTimeout(t);
      }
      return done;
    },
  };
}

/** Writes a client properties file (Kafka syntax) into the scratch dir. */
let propsCounter = 0;
export function propsFile(name: string, props: Record<string, string>): string {
  const file = join(scratch, `${name}-${++propsCounter}.properties`);
  writeFileSync(file, Object.entries(props).map(([k, v]) => `${k}=${v.replace(/\\/g, '\\\\')}`).join('\n') + '\n');
  return file;
}

export const jaas = (mechanism: 'PLAIN' | 'SCRAM-SHA-512' | 'SCRAM-SHA-256', user: string, password: string): string =>
  `org.apache.kafka.common.security.${mechanism === 'PLAIN' ? 'plain.PlainLoginModule' : 'scram.ScramLoginModule'} required username="${user}" password="${password}";`;

export interface PartitionRow {
  topic: string;
  partition: number;
  leader: number;
  replicas: number[];
  isr: number[];
}

/** kafka-topics --describe partition lines. */
export function parsePartitions(stdout: string): PartitionRow[] {
  const rows: PartitionRow[] = [];
  for (const line of stdout.split('\n')) {
    const m = /^\tTopic: (\S+)\tPartition: (\d+)\tLeader: (-?\d+|none)\tReplicas: ([\d,]*)\tIsr: ([\d,]*)/.exec(line);
    if (!m) continue;
    const ids = (s: string | undefined): number[] => (s ? s.split(',').filter(Boolean).map(Number) : []);
    rows.push({ topic: m[1]!, partition: Number(m[2]), leader: m[3] === 'none' ? -1 : Number(m[3]), replicas: ids(m[4]), isr: ids(m[5]) });
  }
  return rows;
}

/** Replaces Kafka topic ids (22-char base64) and classic member ids (<client>-<uuid>) with placeholders. */
export function normaliseIds(text: string): string {
  return text
    .replace(/TopicId: [A-Za-z0-9_-]{22}/g, 'TopicId: <id>')
    .replace(/"topicId":"[A-Za-z0-9_-]{22}"/g, '"topicId":"<id>"')
    .replace(/([A-Za-z0-9._-]+)-[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}/g, '$1-<uuid>');
}

export async function until<T>(what: string, fn: () => Promise<T>, ok: (v: T) => boolean, timeoutMs = 60_000, stepMs = 500): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  let last: T | undefined;
  while (Date.now() < deadline) {
    last = await fn();
    if (ok(last)) return last;
    await new Promise((r) => setTimeout(r, stepMs));
  }
  throw new Error(`timed out waiting for ${what}; last: ${typeof last === 'string' ? last : JSON.stringify(last)}`);
}

export interface BatchHeader {
  baseOffset: bigint;
  records: number;
  /** 0 none, 1 gzip, 2 snappy, 3 lz4, 4 zstd */
  codec: number;
}

/** The record-batch headers of a (v2) log segment file, as the broker stored them. */
export function readBatchHeaders(segmentFile: string): BatchHeader[] {
  const b = readFileSync(segmentFile);
  const out: BatchHeader[] = [];
  let o = 0;
  while (o + 61 <= b.length) {
    const len = b.readInt32BE(o + 8);
    if (len <= 0) break;
    out.push({ baseOffset: b.readBigInt64BE(o), codec: b.readInt16BE(o + 21) & 7, records: b.readInt32BE(o + 57) });
    o += 12 + len;
  }
  return out;
}
