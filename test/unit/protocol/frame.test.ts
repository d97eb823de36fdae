/**
 * The one frame splitter (src/engine/protocol/frame.ts) used by the broker, our client and the
 * test and bench helpers: int32 size + body, as NetworkReceive reads it.
 */
import { afterEach, describe, expect, it, vi } from 'vitest';
import { FrameSizeError, FrameSplitter, sizeFrame } from '../../../src/engine/protocol/frame.js';

/** size prefix + body */
function frame(body: string | Buffer): Buffer {
  const b = Buffer.isBuffer(body) ? body : Buffer.from(body);
  const head = Buffer.alloc(4);
  head.writeInt32BE(b.length, 0);
  return Buffer.concat([head, b]);
}

function sizeOnly(size: number): Buffer {
  const head = Buffer.alloc(4);
  head.writeInt32BE(size, 0);
  return head;
}

const text = (frames: Buffer[]) => frames.map((f) => f.toString());

afterEach(() => {
  vi.restoreAllMocks();
});

describe('FrameSplitter', () => {
  it('returns a frame split across chunks once its last byte is in, the size prefix split too', () => {
    const s = new FrameSplitter(1024);
    const wire = frame('hello, kafka');
    const seen: string[] = [];
    for (let i = 0; i < wire.length; i++) {
      const got = s.push(wire.subarray(i, i + 1));
      if (i < wire.length - 1) expect(got).toEqual([]);
      seen.push(...text(got));
    }
    expect(seen).toEqual(['hello, kafka']);
  });

  it('returns every frame of a chunk holding several, and keeps the incomplete tail for the next chunk', () => {
    const s = new FrameSplitter(1024);
    const wire = Buffer.concat([frame('a'), frame(''), frame('bcd'), frame('efgh')]);
    const cut = wire.length - 2;
    expect(text(s.push(wire.subarray(0, cut)))).toEqual(['a', '', 'bcd']);
    expect(text(s.push(wire.subarray(cut)))).toEqual(['efgh']);
    expect(s.push(Buffer.alloc(0))).toEqual([]);
  });

  it('hands out a frame that lies inside one chunk as a view of it, without copying', () => {
    const s = new FrameSplitter(1024);
    const wire = Buffer.concat([frame('first'), frame('second')]);
    const [a, b] = s.push(wire);
    expect(a!.buffer).toBe(wire.buffer);
    expect(b!.buffer).toBe(wire.buffer);
    expect(b!.toString()).toBe('second');
  });

  it('joins a large frame arriving in many chunks once, when it is complete', () => {
    const s = new FrameSplitter(1 << 20);
    const body = Buffer.alloc(256 * 1024, 7);
    const wire = frame(body);
    const allocs = vi.spyOn(Buffer, 'allocUnsafe');
    const out: Buffer[] = [];
    for (let at = 0; at < wire.length; at += 16 * 1024) out.push(...s.push(wire.subarray(at, at + 16 * 1024)));
    expect(out).toHaveLength(1);
    expect(out[0]!.equals(body)).toBe(true);
    expect(allocs.mock.calls.filter(([n]) => n >= body.length)).toHaveLength(1);
  });

  it('refuses a size over the limit as soon as the size is in, before allocating anything for the body', () => {
    const s = new FrameSplitter(1024);
    // 2 GB announced, no body bytes sent
    const head = sizeOnly(0x7fffffff);
    const allocs = [vi.spyOn(Buffer, 'alloc'), vi.spyOn(Buffer, 'allocUnsafe'), vi.spyOn(Buffer, 'concat')];
    expect(() => s.push(head)).toThrow(FrameSizeError);
    for (const spy of allocs) expect(spy).not.toHaveBeenCalled();
  });

  it('accepts a frame of exactly the limit and refuses one byte more', () => {
    expect(new FrameSplitter(5).push(frame('12345'))).toHaveLength(1);
    let err: unknown;
    try {
      new FrameSplitter(5).push(frame('123456'));
    } catch (e) {
      err = e;
    }
    expect(err).toBeInstanceOf(FrameSizeError);
    expect(err).toMatchObject({ size: 6, max: 5, message: 'frame of 6 bytes exceeds the limit of 5 bytes' });
  });

  it('refuses a negative size', () => {
    const s = new FrameSplitter(1024);
    expect(() => s.push(Buffer.concat([sizeOnly(-1), Buffer.from('xyz')]))).toThrow(/invalid frame size -1/);
  });

  it('returns the frames before a bad size only if they came in an earlier chunk', () => {
    const s = new FrameSplitter(1024);
    expect(text(s.push(frame('ok')))).toEqual(['ok']);
    expect(() => s.push(sizeOnly(-5))).toThrow(FrameSizeError);
  });
});

describe('FrameSplitter, large frames', () => {
  it('fills a large frame in place across chunks and goes on with the frame that follows in the same chunk', () => {
    const big = Buffer.alloc(300 * 1024);
    for (let i = 0; i < big.length; i++) big[i] = i % 251;
    const stream = Buffer.concat([frame('a'), sizeOnly(big.length), big, frame('tail'), frame('x')]);
    const s = new FrameSplitter(1 << 20);
    const out: Buffer[] = [];
    // Odd chunk sizes, so chunk edges fall inside the size prefix, the large body and the frames after it.
    for (let at = 0; at < stream.length; at += 7777) out.push(...s.push(stream.subarray(at, at + 7777)));
    expect(out).toHaveLength(4);
    expect(out[0]!.toString()).toBe('a');
    expect(out[1]!.equals(big)).toBe(true);
    expect(text(out.slice(2))).toEqual(['tail', 'x']);
    expect(s.midFrame).toBe(false);
  });
});

describe('FrameSplitter with admit (the broker\'s memory pool)', () => {
  it('asks once per frame when its size is known, and holds the frame back until admitted', () => {
    const asked: number[] = [];
    let allow = false;
    const s = new FrameSplitter(1024, (n) => (asked.push(n), allow));
    expect(s.push(Buffer.concat([frame('abc'), frame('de')]))).toEqual([]);
    expect(asked).toEqual([3]);
    expect(s.waiting).toBe(true);
    allow = true;
    expect(text(s.push(Buffer.alloc(0)))).toEqual(['abc', 'de']);
    expect(asked).toEqual([3, 3, 2]);
    expect(s.waiting).toBe(false);
    expect(s.midFrame).toBe(false);
  });

  it('reports a frame in the middle (size read, body incomplete) and a throw from admit reaches the caller', () => {
    const s = new FrameSplitter(1024, () => true);
    s.push(Buffer.concat([sizeOnly(10), Buffer.from('12')]));
    expect(s.midFrame).toBe(true);
    const refusing = new FrameSplitter(1024, () => {
      throw new Error('too big for the pool');
    });
    expect(() => refusing.push(frame('x'))).toThrow('too big for the pool');
  });
});

describe('sizeFrame', () => {
  it('fills in the int32 placeholder with the length after it', () => {
    const b = sizeFrame(Buffer.concat([Buffer.alloc(4), Buffer.from('abc')]));
    expect(b.readInt32BE(0)).toBe(3);
    expect(text(new FrameSplitter(10).push(b))).toEqual(['abc']);
  });
});
