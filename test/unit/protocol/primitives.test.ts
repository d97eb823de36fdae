import { describe, expect, it } from 'vitest';
import { DecodeError, Reader } from '../../../src/engine/protocol/reader.js';
import { Writer } from '../../../src/engine/protocol/writer.js';
import { decode } from '../../../src/engine/protocol/codec.js';
import { Metadata } from '../../../src/engine/protocol/messages/03-metadata.js';

const INT32_MIN = -(2 ** 31);
const INT32_MAX = 2 ** 31 - 1;

function roundTrip<T>(write: (w: Writer) => void, read: (r: Reader) => T): { value: T; bytes: Buffer; rest: number } {
  const w = new Writer(4);
  write(w);
  const bytes = w.toBuffer();
  const r = new Reader(bytes);
  const value = read(r);
  return { value, bytes, rest: r.remaining };
}

describe('fixed-width integers', () => {
  it.each([0, 1, -1, 127, -128])('int8 %d', (v) => {
    expect(roundTrip((w) => w.int8(v), (r) => r.int8())).toMatchObject({ value: v, rest: 0 });
  });
  it.each([0, -1, 32767, -32768])('int16 %d', (v) => {
    const { value, bytes } = roundTrip((w) => w.int16(v), (r) => r.int16());
    expect(value).toBe(v);
    expect(bytes.length).toBe(2);
  });
  it.each([0, 65535])('uint16 %d', (v) => {
    expect(roundTrip((w) => w.uint16(v), (r) => r.uint16()).value).toBe(v);
  });
  it.each([0, -1, INT32_MIN, INT32_MAX])('int32 %d', (v) => {
    expect(roundTrip((w) => w.int32(v), (r) => r.int32()).value).toBe(v);
  });
  it.each([0, 2 ** 32 - 1, 0xe3069283])('uint32 %d', (v) => {
    expect(roundTrip((w) => w.uint32(v), (r) => r.uint32()).value).toBe(v);
  });
  it.each([0, -1, 1, 2 ** 32, -(2 ** 32), 2 ** 40 + 5, -(2 ** 40) - 5, Number.MAX_SAFE_INTEGER, Number.MIN_SAFE_INTEGER])(
    'int64 %d',
    (v) => {
      const { value, bytes } = roundTrip((w) => w.int64(v), (r) => r.int64());
      expect(value).toBe(v);
      expect(bytes.readBigInt64BE(0)).toBe(BigInt(v));
    },
  );
  it('float64 and bool', () => {
    expect(roundTrip((w) => w.float64(-1.25), (r) => r.float64()).value).toBe(-1.25);
    expect(roundTrip((w) => w.bool(true).bool(false), (r) => [r.bool(), r.bool()]).value).toEqual([true, false]);
  });
  it('uuid is 16 raw bytes, read back as 32 hex digits', () => {
    const hex = '0123456789abcdef0011223344556677';
    const { value, bytes } = roundTrip((w) => w.uuid(hex), (r) => r.uuid());
    expect(value).toBe(hex);
    expect(bytes.toString('hex')).toBe(hex);
    expect(roundTrip((w) => w.uuid('01234567-89ab-cdef-0011-223344556677'), (r) => r.uuid()).value).toBe(hex);
  });
});

describe('varints', () => {
  it.each([
    [0, '00'],
    [1, '01'],
    [127, '7f'],
    [128, '8001'],
    [300, 'ac02'],
    [2 ** 32 - 1, 'ffffffff0f'],
  ])('unsigned varint %d', (v, hex) => {
    const { value, bytes } = roundTrip((w) => w.uvarint(v), (r) => r.uvarint());
    expect(value).toBe(v);
    expect(bytes.toString('hex')).toBe(hex);
  });

  it.each([
    [0, '00'],
    [-1, '01'],
    [1, '02'],
    [-64, '7f'],
    [64, '8001'],
    [INT32_MAX, 'feffffff0f'],
    [INT32_MIN, 'ffffffff0f'],
  ])('zigzag varint %d', (v, hex) => {
    const { value, bytes } = roundTrip((w) => w.varint(v), (r) => r.varint());
    expect(value).toBe(v);
    expect(bytes.toString('hex')).toBe(hex);
  });

  /** Reference zigzag varlong encoding with bigint arithmetic. */
  function refVarlong(v: bigint): string {
    let z = v >= 0n ? v << 1n : ((-v) << 1n) - 1n;
    const out: number[] = [];
    while (z >= 0x80n) {
      out.push(Number(z & 0x7fn) | 0x80);
      z >>= 7n;
    }
    out.push(Number(z));
    return Buffer.from(out).toString('hex');
  }

  it.each([0, -1, 1, INT32_MAX, INT32_MIN, 2 ** 40, -(2 ** 40), 2 ** 52, -(2 ** 52), 2 ** 53 - 1, -(2 ** 53 - 1)])(
    'zigzag varlong %d',
    (v) => {
      const { value, bytes, rest } = roundTrip((w) => w.varlong(v), (r) => r.varlong());
      expect(value).toBe(v);
      expect(rest).toBe(0);
      expect(bytes.toString('hex')).toBe(refVarlong(BigInt(v)));
    },
  );

  it('rejects over-long varints', () => {
    expect(() => new Reader(Buffer.from('ffffffffff01', 'hex')).uvarint()).toThrow(DecodeError);
    expect(() => new Reader(Buffer.alloc(11, 0xff)).varlong()).toThrow(DecodeError);
    expect(() => new Reader(Buffer.from('80', 'hex')).uvarint()).toThrow(DecodeError);
  });
});

describe('strings, bytes and arrays', () => {
  it('classic strings: int16 length, -1 for null', () => {
    const { value, bytes } = roundTrip(
      (w) => w.nullableString('héllo').nullableString(null).nullableString(''),
      (r) => [r.nullableString(), r.nullableString(), r.nullableString()],
    );
    expect(value).toEqual(['héllo', null, '']);
    expect(bytes.toString('hex')).toBe('000668c3a96c6c6f' + 'ffff' + '0000');
  });

  it('compact strings: uvarint length+1, 0 for null', () => {
    const { value, bytes } = roundTrip(
      (w) => w.compactNullableString('abc').compactNullableString(null).compactNullableString(''),
      (r) => [r.compactNullableString(), r.compactNullableString(), r.compactNullableString()],
    );
    expect(value).toEqual(['abc', null, '']);
    expect(bytes.toString('hex')).toBe('04616263' + '00' + '01');
  });

  it('classic and compact bytes', () => {
    const b = Buffer.from([1, 2, 3]);
    const { value, bytes } = roundTrip(
      (w) => w.nullableBytes(b).nullableBytes(null).compactNullableBytes(b).compactNullableBytes(null),
      (r) => [r.nullableBytes(), r.nullableBytes(), r.compactNullableBytes(), r.compactNullableBytes()],
    );
    expect(value).toEqual([b, null, b, null]);
    expect(bytes.toString('hex')).toBe('00000003010203' + 'ffffffff' + '04010203' + '00');
  });

  it('array lengths: classic int32 (-1 null), compact uvarint (0 null)', () => {
    const { value, bytes } = roundTrip(
      (w) => w.arrayLength(2, false).arrayLength(null, false).arrayLength(2, true).arrayLength(null, true).arrayLength(0, true),
      (r) => [r.arrayLength(false, 0), r.arrayLength(false), r.arrayLength(true, 0), r.arrayLength(true), r.arrayLength(true)],
    );
    expect(value).toEqual([2, -1, 2, -1, 0]);
    expect(bytes.toString('hex')).toBe('00000002' + 'ffffffff' + '03' + '00' + '01');
  });

  it('large blobs are appended without a copy and come out intact', () => {
    const big = Buffer.alloc(10_000, 7);
    const w = new Writer(8).int32(1).nullableBytes(big).int16(2);
    const chunks = w.toChunks();
    expect(chunks.some((c) => c === big)).toBe(true);
    const r = new Reader(Buffer.concat(chunks));
    expect(r.int32()).toBe(1);
    expect(r.nullableBytes()).toEqual(big);
    expect(r.int16()).toBe(2);
    expect(w.length).toBe(4 + 4 + 10_000 + 2);
  });
});

describe('hostile lengths fail before allocating', () => {
  it('a huge classic array count', () => {
    const r = new Reader(Buffer.from('7fffffff00', 'hex'));
    expect(() => r.arrayLength(false, 4)).toThrow(DecodeError);
  });
  it('a huge compact array count', () => {
    const r = new Reader(Buffer.from('ffffffff0f00', 'hex'));
    expect(() => r.arrayLength(true, 1)).toThrow(DecodeError);
  });
  it('negative lengths other than -1', () => {
    expect(() => new Reader(Buffer.from('fffffffe', 'hex')).arrayLength(false)).toThrow(DecodeError);
  });
  it('a huge string or bytes length', () => {
    expect(() => new Reader(Buffer.from('7fff41', 'hex')).nullableString()).toThrow(DecodeError);
    expect(() => new Reader(Buffer.from('ffffffff0f41', 'hex')).compactNullableString()).toThrow(DecodeError);
    expect(() => new Reader(Buffer.from('7fffffff41', 'hex')).nullableBytes()).toThrow(DecodeError);
    expect(() => new Reader(Buffer.from('ffffffff0f41', 'hex')).compactNullableBytes()).toThrow(DecodeError);
  });
  it('a Metadata request claiming 2^31-1 topics', () => {
    const body = Buffer.from('7fffffff' + '0001' + '61', 'hex');
    expect(() => decode(Metadata.request, 1, new Reader(body), false)).toThrow(DecodeError);
  });
  it('a flexible Metadata request claiming 2^32-2 topics', () => {
    const body = Buffer.from('ffffffff0f' + '00', 'hex');
    expect(() => decode(Metadata.request, 9, new Reader(body), true)).toThrow(DecodeError);
  });
  it('the error carries the byte offset', () => {
    try {
      new Reader(Buffer.from('0000', 'hex')).int32();
      expect.unreachable();
    } catch (e) {
      expect(e).toBeInstanceOf(DecodeError);
      expect((e as DecodeError).offset).toBe(0);
    }
  });
});
