/**
 * Running the reference clients as child processes: kcat, and Python fixtures under Debian's
 * /usr/bin/python3 (kafka-python 2.0.2, confluent-kafka 1.7.0). Records cross the process
 * boundary as JSON with hex-encoded bytes (see fixtures/common.py).
 */
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { run, type RunResult } from '../helpers/proc.js';

export const PYTHON = '/usr/bin/python3';
export const FIXTURES = join(dirname(fileURLToPath(import.meta.url)), 'fixtures');

export const haveKcat = existsSync('/usr/bin/kcat');

/** Synchronous probe at collection time: a missing peer fails the suite with a pointer to install-deps.sh. */
function pythonHas(module: string): boolean {
  if (!existsSync(PYTHON)) return false;
  return spawnSync(PYTHON, ['-c', `import ${module}`], { stdio: 'ignore', timeout: 20_000 }).status === 0;
}

export const haveKafkaPython = pythonHas('kafka');
export const haveConfluentKafka = pythonHas('confluent_kafka');

export interface InRecord {
  key?: Buffer | null;
  value?: Buffer | null;
  headers?: Array<[string, Buffer | null]>;
  partition?: number;
}

export interface OutRecord {
  topic: string;
  partition: number;
  offset: number;
  key: Buffer | null;
  value: Buffer | null;
  headers: Array<[string, Buffer | null]>;
  timestamp: number;
}

const hex = (b: Buffer | null | undefined) => (b === null || b === undefined ? null : b.toString('hex'));
const unhex = (s: string | null) => (s === null ? null : Buffer.from(s, 'hex'));

export function encodeRecords(records: readonly InRecord[]): string {
  return JSON.stringify(
    records.map((r) => ({
      key: hex(r.key),
      value: hex(r.value),
      headers: (r.headers ?? []).map(([k, v]) => [k, hex(v)]),
      partition: r.partition ?? null,
    })),
  );
}

export function jsonLines<T = Record<string, unknown>>(stdout: string): T[] {
  return stdout
    .split('\n')
    .filter((l) => l.trim() !== '')
    .map((l) => JSON.parse(l) as T);
}

export function decodeRecords(stdout: string): OutRecord[] {
  type Raw = Omit<OutRecord, 'key' | 'value' | 'headers'> & { key: string | null; value: string | null; headers: [string, string | null][] };
  return jsonLines<Raw>(stdout)
    .filter((r) => 'offset' in r && 'value' in r)
    .map((r) => ({ ...r, key: unhex(r.key), value: unhex(r.value), headers: r.headers.map(([k, v]) => [k, unhex(v)] as [string, Buffer | null]) }));
}

export function runFixture(script: string, args: readonly string[], opts: { stdin?: string; timeoutMs?: number } = {}): Promise<RunResult> {
  return run(PYTHON, [join(FIXTURES, script), ...args], {
    stdin: opts.stdin,
    timeoutMs: opts.timeoutMs ?? 60_000,
    // Keep the pyenv interpreter's settings away from Debian's python.
    env: { PYTHONPATH: undefined, PYTHONHOME: undefined, PYTHONDONTWRITEBYTECODE: '1' },
  });
}

export function describeFailure(r: RunResult): string {
  return `exit ${r.timedOut ? 'timeout' : (r.code ?? r.signal)}\n--- stdout\n${r.stdout}\n--- stderr\n${r.stderr}`;
}
