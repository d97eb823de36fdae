/**
 * groups/offsets.log decoding (issue 12 item 4): resynchronisation after corrupt bytes, the torn
 * tail, and a scan over garbage that must not invent frames.
 */
import { randomBytes } from 'node:crypto';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { describe, expect, it } from 'vitest';
import { FileOffsetStore, decodeLog, encodeFrame } from '../../../src/engine/group/offset-store.js';
import type { StoreEntry } from '../../../src/engine/group/records.js';

const offset = (group: string, value: number): StoreEntry => ({
  type: 'offset',
  group,
  topic: 't',
  partition: 0,
  offset: value,
  leaderEpoch: -1,
  metadata: '',
  commitTimestamp: 1,
  expireTimestamp: null,
});

describe('decodeLog', () => {
  it('skips garbage between frames and resynchronises on the next valid one', () => {
    const a = encodeFrame([offset('a', 1)]);
    const b = encodeFrame([offset('b', 2)]);
    const junk = randomBytes(333);
    const d = decodeLog(Buffer.concat([a, junk, b]));
    expect(d.entries.map((e) => e.group)).toEqual(['a', 'b']);
    expect(d.skipped).toEqual([{ at: a.length, bytes: junk.length }]);
    expect(d.tail).toBeNull();
  });

  it('a frame whose CRC matches but whose payload is not a list of entries is skipped, not replayed', () => {
    const bogus = encodeFrame([{ type: 'offset', group: 'x' } as unknown as StoreEntry]);
    const good = encodeFrame([offset('g', 5)]);
    const d = decodeLog(Buffer.concat([bogus, good]));
    expect(d.entries).toEqual([offset('g', 5)]);
    expect(d.skipped).toEqual([{ at: 0, bytes: bogus.length }]);
  });

  it('tells a torn tail (a frame cut short) from a damaged last frame', () => {
    const a = encodeFrame([offset('a', 1)]);
    const b = encodeFrame([offset('b', 2)]);
    const torn = decodeLog(Buffer.concat([a, b.subarray(0, b.length - 3)]));
    expect(torn.tail).toMatchObject({ at: a.length, bytes: b.length - 3, torn: true, problem: 'short frame' });
    const flipped = Buffer.concat([a, b]);
    flipped[flipped.length - 2]! ^= 0x10;
    expect(decodeLog(flipped).tail).toMatchObject({ at: a.length, bytes: b.length, torn: false, problem: 'CRC mismatch' });
  });

  it('finds no frame in a megabyte of random bytes', () => {
    const d = decodeLog(randomBytes(1 << 20));
    expect(d.entries).toEqual([]);
    expect(d.frames).toBe(0);
  });
});

describe('FileOffsetStore.open', () => {
  it('leaves a log that needs nothing alone, and compacts one with superseded entries', () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'mq-offsets-log-'));
    try {
      const file = path.join(dir, 'groups', 'offsets.log');
      fs.mkdirSync(path.dirname(file));
      const compact = Buffer.concat([encodeFrame([offset('a', 1)]), encodeFrame([offset('b', 2)])]);
      fs.writeFileSync(file, compact);
      const ino = fs.statSync(file).ino;
      const logs: string[] = [];
      FileOffsetStore.open(dir, { logger: (m) => logs.push(m) });
      expect(fs.statSync(file).ino).toBe(ino);
      expect(fs.readFileSync(file).equals(compact)).toBe(true);

      fs.appendFileSync(file, encodeFrame([offset('a', 9)]));
      const store = FileOffsetStore.open(dir, { logger: (m) => logs.push(m) });
      expect(store.load().offsets.map((o) => [o.group, o.offset])).toEqual([
        ['a', 9],
        ['b', 2],
      ]);
      expect(decodeLog(fs.readFileSync(file)).entries).toHaveLength(2);
      expect(logs).toEqual([]);
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });
});
