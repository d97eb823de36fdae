/**
 * Issue 12 item 4: a damaged groups/offsets.log, read back by the real broker (auto-started by
 * mq-consumer-groups --describe, which fetches the committed offsets with OffsetFetch). One
 * corrupt frame costs only what it held; a torn tail is cut off; restarts lose nothing more.
 */
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { run, runOk } from '../helpers/proc.js';
import { encodeFrame } from '../../src/engine/group/offset-store.js';

const bin = (tool: string) => join(import.meta.dirname, `../../bin/${tool}.js`);
const dirs: string[] = [];
afterAll(async () => {
  for (const d of dirs) {
    await run(process.execPath, [bin('mq-broker'), 'stop', '--data-dir', d]);
    rmSync(d, { recursive: true, force: true });
  }
});

const GROUPS = 20;
const ROUNDS = 3;
const offsetOf = (round: number, group: number) => round * 100 + group;

/** One frame per commit, as the broker appends them: round after round over every group. */
function frames(): Buffer[] {
  const out: Buffer[] = [];
  for (let r = 0; r < ROUNDS; r++) {
    for (let g = 0; g < GROUPS; g++) {
      const group = `g${String(g).padStart(2, '0')}`;
      out.push(
        encodeFrame([
          { type: 'group', group, protocolType: 'consumer', emptySince: 1 },
          { type: 'offset', group, topic: 't', partition: 0, offset: offsetOf(r, g), leaderEpoch: -1, metadata: '', commitTimestamp: 1, expireTimestamp: null },
        ]),
      );
    }
  }
  return out;
}

interface Env {
  dir: string;
  log: string;
  env: Record<string, string>;
}

/** A data directory holding topic t, the broker stopped, ready for a hand-made offsets.log. */
async function dataDir(): Promise<Env> {
  const dir = mkdtempSync(join(tmpdir(), 'mq-e2e-offsets-log-'));
  dirs.push(dir);
  const env = { HOME: join(dir, 'home'), NO_COLOR: '1', MQ_BOOTSTRAP_SERVER: '', MQ_DATA_DIR: '' };
  await runOk(process.execPath, [bin('mq-topics'), '--data-dir', dir, '--create', '--topic', 't', '--partitions', '1'], { env });
  await runOk(process.execPath, [bin('mq-broker'), 'stop', '--data-dir', dir], { env });
  return { dir, log: join(dir, 'groups', 'offsets.log'), env };
}

/** Starts the broker (through the tool) and returns every group's committed offset of t-0. */
async function describeAll(e: Env): Promise<Record<string, number>> {
  const r = await runOk(process.execPath, [bin('mq-consumer-groups'), '--data-dir', e.dir, '--describe', '--all-groups', '--output', 'json'], { env: e.env });
  const doc = JSON.parse(r.stdout) as { groups: { group: string; offsets: { currentOffset: number | null }[] }[] };
  const out: Record<string, number> = {};
  for (const g of doc.groups) out[g.group] = g.offsets[0]?.currentOffset ?? -1;
  return out;
}

async function restart(e: Env): Promise<Record<string, number>> {
  await runOk(process.execPath, [bin('mq-broker'), 'stop', '--data-dir', e.dir], { env: e.env });
  return describeAll(e);
}

function expected(override: Record<string, number> = {}): Record<string, number> {
  const out: Record<string, number> = {};
  for (let g = 0; g < GROUPS; g++) out[`g${String(g).padStart(2, '0')}`] = offsetOf(ROUNDS - 1, g);
  return { ...out, ...override };
}

const brokerLog = (e: Env) => readFileSync(join(e.dir, 'broker.log'), 'utf8');
const corruptCopies = (e: Env) => readdirSync(join(e.dir, 'groups')).filter((n) => n.startsWith('offsets.log.corrupt-'));

describe('a damaged groups/offsets.log', () => {
  it('a bit flip at byte 0 costs only the first frame: every group keeps its offsets, through restarts', async () => {
    const e = await dataDir();
    const file = Buffer.concat(frames());
    file[0]! ^= 0x80;
    writeFileSync(e.log, file);

    expect(await describeAll(e)).toEqual(expected());
    const lines = brokerLog(e).split('\n').filter((l) => l.includes('offsets.log'));
    expect(lines).toHaveLength(1);
    expect(lines[0]).toContain(`${e.log}: corrupt data, not an interrupted write: skipped 1 unreadable stretch(es) (${frames()[0]!.length} bytes at byte 0;`);
    expect(lines[0]).not.toMatch(/interrupted write;/);
    // The bytes that could not be read are kept, exactly as they were.
    const copies = corruptCopies(e);
    expect(copies).toHaveLength(1);
    expect(readFileSync(join(e.dir, 'groups', copies[0]!)).equals(file)).toBe(true);

    // The rewritten log needs nothing more: restarts neither lose offsets nor rewrite it.
    const compacted = readFileSync(e.log);
    const inode = statSync(e.log).ino;
    expect(await restart(e)).toEqual(expected());
    expect(await restart(e)).toEqual(expected());
    expect(readFileSync(e.log).equals(compacted)).toBe(true);
    expect(statSync(e.log).ino).toBe(inode);
    expect(corruptCopies(e)).toHaveLength(1);
  }, 60_000);

  it('a bit flip in the middle costs only that frame: the group falls back to its earlier commit, every other group is intact', async () => {
    const e = await dataDir();
    const all = frames();
    const hit = (ROUNDS - 1) * GROUPS + 7; // g07's last commit
    const at = all.slice(0, hit).reduce((n, f) => n + f.length, 0) + 30; // inside its JSON payload
    const file = Buffer.concat(all);
    file[at]! ^= 0x01;
    writeFileSync(e.log, file);

    expect(await describeAll(e)).toEqual(expected({ g07: offsetOf(ROUNDS - 2, 7) }));
    expect(brokerLog(e)).toContain(`skipped 1 unreadable stretch(es) (${all[hit]!.length} bytes at byte ${at - 30};`);
    expect(corruptCopies(e)).toHaveLength(1);
    expect(await restart(e)).toEqual(expected({ g07: offsetOf(ROUNDS - 2, 7) }));
  }, 60_000);

  it('a torn tail is still cut off as an interrupted write, with no copy kept', async () => {
    const e = await dataDir();
    const all = frames();
    const whole = Buffer.concat(all);
    const extra = encodeFrame([{ type: 'offset', group: 'g00', topic: 't', partition: 0, offset: 999, leaderEpoch: -1, metadata: '', commitTimestamp: 1, expireTimestamp: null }]);
    writeFileSync(e.log, Buffer.concat([whole, extra.subarray(0, extra.length - 5)]));

    expect(await describeAll(e)).toEqual(expected());
    expect(brokerLog(e)).toContain(`${e.log}: short frame at byte ${whole.length}; truncated ${extra.length - 5} bytes of an interrupted write`);
    expect(corruptCopies(e)).toEqual([]);
    expect(existsSync(e.log)).toBe(true);
    expect(await restart(e)).toEqual(expected());
  }, 60_000);
});
