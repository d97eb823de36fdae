/**
 * Bounds-checked cursor over a request or response body.
 *
 * Every length read from the wire is checked against the bytes that remain before anything is
 * allocated, so a tiny frame that claims a huge string or array fails fast with a DecodeError
 * instead of exhausting memory (the classic Kafka-parser bug, CVE-2022-34917 and friends).
 */
export class DecodeError extends Error {
  constructor(
    message: string,
    readonly offset: number,
  ) {
    super(`${message} at byte ${offset}`);
    this.name = 'DecodeError';
  }
}

const TWO_32 = 2 ** 32;

export class Reader {
  offset: number;
  readonly end: number;

  constructor(
    readonly buf: Buffer,
    offset = 0,
    end = buf.length,
  ) {
    this.offset = offset;
    this.end = end;
  }

  get remaining(): number {
    return this.end - this.offset;
  }

  private need(n: number, what: string): void {
    if (n < 0 || this.offset + n > this.end) {
      throw new DecodeError(`need ${n} bytes for ${what}, ${this.remaining} left`, this.offset);
    }
  }

  bool(): boolean {
    return this.int8() !== 0;
  }

  int8(): number {
    this.need(1, 'int8');
    return this.buf.readInt8(this.offset++);
  }

  int16(): number {
    this.need(2, 'int16');
    const v = this.buf.readInt16BE(this.offset);
    this.offset += 2;
    return v;
  }

  uint16(): number {
    this.need(2, 'uint16');
    const v = this.buf.readUInt16BE(this.offset);
    this.offset += 2;
    return v;
  }

  int32(): number {
    this.need(4, 'int32');
    const v = this.buf.readInt32BE(this.offset);
    this.offset += 4;
    return v;
  }

  uint32(): number {
    this.need(4, 'uint32');
    const v = this.buf.readUInt32BE(this.offset);
    this.offset += 4;
    return v;
  }

  /**
   * int64 as a JS number, checked: offsets, timestamps and producer ids stay far below 2^53, and a
   * value beyond ±(2^53-1) cannot be held exactly, so it is refused rather than read wrong (Long.MAX
   * would otherwise come back as 2^63 and be written out again as Long.MIN).
   */
  int64(): number {
    this.need(8, 'int64');
    const hi = this.buf.readInt32BE(this.offset);
    const lo = this.buf.readUInt32BE(this.offset + 4);
    const v = hi * TWO_32 + lo;
    if (!Number.isSafeInteger(v)) throw new DecodeError(`int64 value ${this.buf.readBigInt64BE(this.offset)} is beyond ±(2^53-1)`, this.offset);
    this.offset += 8;
    return v;
  }

  float64(): number {
    this.need(8, 'float64');
    const v = this.buf.readDoubleBE(this.offset);
    this.offset += 8;
    return v;
  }

  uuid(): string {
    this.need(16, 'uuid');
    const hex = this.buf.toString('hex', this.offset, this.offset + 16);
    this.offset += 16;
    return hex;
  }

  /** Unsigned LEB128 varint (compact lengths, tags). At most 5 bytes for 32 bits. */
  uvarint(): number {
    let result = 0;
    let shift = 0;
    for (let i = 0; i < 5; i++) {
      this.need(1, 'varint');
      const b = this.buf[this.offset++]!;
      result += (b & 0x7f) * 2 ** shift;
      if ((b & 0x80) === 0) return result;
      shift += 7;
    }
    throw new DecodeError('varint longer than 5 bytes', this.offset);
  }

  /** Zigzag varint (record-level lengths). */
  varint(): number {
    const u = this.uvarint();
    return u % 2 === 0 ? u / 2 : -(u + 1) / 2;
  }

  /**
   * Zigzag varlong as a number: exact for every safe integer (|v| < 2^53). The zigzag form of a
   * value near -2^53 is above 2^53, so those few are finished with bigint arithmetic.
   */
  varlong(): number {
    const start = this.offset;
    let result = 0;
    let mult = 1;
    for (let i = 0; i < 10; i++) {
      this.need(1, 'varlong');
      const b = this.buf[this.offset++]!;
      result += (b & 0x7f) * mult;
      if ((b & 0x80) === 0) {
        if (result <= Number.MAX_SAFE_INTEGER) return result % 2 === 0 ? result / 2 : -(result + 1) / 2;
        let z = 0n;
        for (let j = this.offset - 1; j >= start; j--) z = (z << 7n) | BigInt(this.buf[j]! & 0x7f);
        return Number((z & 1n) === 0n ? z >> 1n : -((z + 1n) >> 1n));
      }
      mult *= 128;
    }
    throw new DecodeError('varlong longer than 10 bytes', this.offset);
  }

  raw(n: number): Buffer {
    this.need(n, 'bytes');
    // subarray shares memory with the frame: record batches go to disk without a copy.
    const v = this.buf.subarray(this.offset, this.offset + n);
    this.offset += n;
    return v;
  }

  string(n: number): string {
    this.need(n, 'string');
    const v = this.buf.toString('utf8', this.offset, this.offset + n);
    this.offset += n;
    return v;
  }

  /** Classic int16-length string; -1 is null. */
  nullableString(): string | null {
    const n = this.int16();
    if (n < 0) return null;
    return this.string(n);
  }

  compactNullableString(): string | null {
    const n = this.uvarint();
    if (n === 0) return null;
    return this.string(n - 1);
  }

  nullableBytes(): Buffer | null {
    const n = this.int32();
    if (n < 0) return null;
    return this.raw(n);
  }

  compactNullableBytes(): Buffer | null {
    const n = this.uvarint();
    if (n === 0) return null;
    return this.raw(n - 1);
  }

  /**
   * An array count, checked against the bytes left: each element takes at least `minElementSize`
   * bytes, so a count that cannot fit is rejected before any array is built.
   */
  arrayLength(compact: boolean, minElementSize = 1): number {
    const n = compact ? this.uvarint() - 1 : this.int32();
    if (n < -1) throw new DecodeError(`negative array length ${n}`, this.offset);
    if (n > 0 && n * minElementSize > this.remaining) {
      throw new DecodeError(`array of ${n} cannot fit in ${this.remaining} bytes`, this.offset);
    }
    return n;
  }
}
