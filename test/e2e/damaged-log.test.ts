/**
 * Damaged partition files, as a user meets them: `mq-broker start` over a data directory whose
 * files were damaged while it was down, then `mq-console-consumer --from-beginning` reads every
 * record that is still intact, in order, and the broker's log says what it found and did.
 */
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { runOk, start, type RunningProcess } from '../helpers/proc.js';
import { waitFor } from '../helpers/wait.js';

const root = join(import.meta.dirname, '../..');
const bin = (tool: string) => join(root, `bin/mq-${tool}.js`);
const cleanups: (() => Promise<void> | void)[] = [];
afterEach(async () => {
  while (cleanups.length) await cleanups.pop()!();
});

interface Running {
  child: RunningProcess;
  address: string;
}

async function startBroker(dir: string): Promise<Running> {
  rmSync(join(dir, 'broker.json'), { force: true });
  const child = start(process.execPath, [bin('broker'), 'start', '--data-dir', dir, '--listen', '127.0.0.1:0'], { timeoutMs: 90_000, env: { MQ_DEBUG: undefined } });
  cleanups.push(async () => {
    child.kill('SIGKILL');
    await child.done;
  });
  const info = await waitFor(() => existsSync(join(dir, 'broker.json')) && (JSON.parse(readFileSync(join(dir, 'broker.json'), 'utf8')) as { port: number }), {
    timeoutMs: 20_000,
  });
  await waitFor(() => child.stderr.includes('listening on'), { timeoutMs: 20_000 });
  return { child, address: `127.0.0.1:${info.port}` };
}

async function stop(b: Running, signal: NodeJS.Signals): Promise<void> {
  b.child.kill(signal);
  await b.child.done;
}

/** A data dir with topic t (one partition, 2000-byte segments) holding value-1..value-300 in small batches. */
async function populated(): Promise<{ dir: string; broker: Running }> {
  const dir = mkdtempSync(join(tmpdir(), 'mq-e2e-damaged-'));
  cleanups.push(() => rmSync(dir, { recursive: true, force: true }));
  const broker = await startBroker(dir);
  const bs = ['--bootstrap-server', broker.address];
  await runOk(process.execPath, [bin('topics'), ...bs, '--create', '--topic', 't', '--partitions', '1', '--config', 'segment.bytes=2000', '--config', 'index.interval.bytes=100']);
  const lines = Array.from({ length: 300 }, (_, i) => `value-${i + 1}`).join('\n') + '\n';
  await runOk(process.execPath, [bin('console-producer'), ...bs, '--topic', 't', '--producer-property', 'batch.size=200'], { stdin: lines });
  return { dir, broker };
}

/** What mq-console-consumer prints for the whole topic: [offset, value] pairs. */
async function consumeAll(address: string): Promise<[number, string][]> {
  const r = await runOk(process.execPath, [
    bin('console-consumer'),
    '--bootstrap-server',
    address,
    '--topic',
    't',
    '--from-beginning',
    '--timeout-ms',
    '3000',
    '--property',
    'print.offset=true',
  ]);
  return r.stdout
    .trim()
    .split('\n')
    .filter(Boolean)
    .map((l) => {
      const m = /^Offset:(\d+)\t(.*)$/.exec(l);
      if (!m) throw new Error(`unexpected consumer line ${JSON.stringify(l)}`);
      return [Number(m[1]), m[2]!];
    });
}

const segment = (dir: string, base: number, suffix: string) => join(dir, 'logs', 't-0', `${String(base).padStart(20, '0')}${suffix}`);

/** Positions of the batches in a segment file. */
function batchPositions(bytes: Buffer): number[] {
  const out: number[] = [];
  for (let at = 0; at + 12 <= bytes.length; at += bytes.readInt32BE(at + 8) + 12) out.push(at);
  return out;
}

const expected = (n: number): [number, string][] => Array.from({ length: n }, (_, i) => [i, `value-${i + 1}`]);

describe('mq-broker start over damaged partition files', () => {
  it('an index entry a few bytes off: every record is still consumed, and the broker says it rebuilt the index', async () => {
    const { dir, broker } = await populated();
    await stop(broker, 'SIGTERM');
    const idxFile = segment(dir, 0, '.index');
    const idx = readFileSync(idxFile);
    expect(idx.length).toBeGreaterThanOrEqual(24);
    for (let at = 0; at < idx.length - 8; at += 8) idx.writeInt32BE(idx.readInt32BE(at + 4) + 3, at + 4);
    writeFileSync(idxFile, idx);
    const again = await startBroker(dir);
    // A lookup in the middle of the first segment goes through a damaged entry.
    const r = await runOk(process.execPath, [bin('console-consumer'), '--bootstrap-server', again.address, '--topic', 't', '--partition', '0', '--offset', '40', '--max-messages', '3']);
    expect(r.stdout).toBe('value-41\nvalue-42\nvalue-43\n');
    expect(await consumeAll(again.address)).toEqual(expected(300));
    expect(again.child.stderr).toContain('the index of segment 00000000000000000000.log does not match the log');
  });

  it('a flipped bit in a base offset after kill -9: recovery cuts there and says so, new records continue from the last good offset', async () => {
    const { dir, broker } = await populated();
    await stop(broker, 'SIGKILL');
    // The active segment (the last) is rescanned after a kill; damage its third batch.
    const logs = readdirSync(join(dir, 'logs', 't-0')).filter((f) => f.endsWith('.log')).sort();
    const active = join(dir, 'logs', 't-0', logs[logs.length - 1]!);
    const bytes = readFileSync(active);
    const positions = batchPositions(bytes);
    expect(positions.length).toBeGreaterThan(3);
    const at = positions[2]!;
    const good = Number(bytes.readBigInt64BE(at));
    bytes[at + 5]! ^= 0x02; // bit 17 of the base offset: +131072
    writeFileSync(active, bytes);
    const again = await startBroker(dir);
    expect(again.child.stderr).toContain(`a batch with base offset ${good + 131072} where offset ${good} was expected`);
    expect(again.child.stderr).toContain(`(${logs[logs.length - 1]}) from position ${at}`);
    await runOk(process.execPath, [bin('console-producer'), '--bootstrap-server', again.address, '--topic', 't'], { stdin: 'after-1\nafter-2\n' });
    const got = await consumeAll(again.address);
    expect(got).toEqual([...expected(good), [good, 'after-1'], [good + 1, 'after-2']]);
  });

  it('a bad CRC in the last batch after a clean stop: the tail check catches it, the batch is cut, never served', async () => {
    const { dir, broker } = await populated();
    await stop(broker, 'SIGTERM');
    const logs = readdirSync(join(dir, 'logs', 't-0')).filter((f) => f.endsWith('.log')).sort();
    const last = join(dir, 'logs', 't-0', logs[logs.length - 1]!);
    const bytes = readFileSync(last);
    const positions = batchPositions(bytes);
    const lastAt = positions[positions.length - 1]!;
    const lostFrom = Number(bytes.readBigInt64BE(lastAt));
    bytes[bytes.length - 2]! ^= 0x20;
    writeFileSync(last, bytes);
    const again = await startBroker(dir);
    expect(again.child.stderr).toMatch(/tail check of \d{20}\.log after a clean stop failed \(the batch at position \d+ is bad \(CRC mismatch/);
    expect(await consumeAll(again.address)).toEqual(expected(lostFrom));
  });
});
