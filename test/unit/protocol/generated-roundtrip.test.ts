/**
 * Generated from the registry: every API x every valid version x request and response. A sample
 * value with every field set is encoded, decoded and compared; unknown tagged fields must be
 * skipped; absent fields must decode to defaults; truncated bodies must fail with DecodeError.
 */
import { describe, expect, it } from 'vitest';
import { decode, encode } from '../../../src/engine/protocol/codec.js';
import { isFlexible } from '../../../src/engine/protocol/header.js';
import { DecodeError, Reader } from '../../../src/engine/protocol/reader.js';
import { inRange, type ApiSchema, type Field, type MessageSchema } from '../../../src/engine/protocol/schema.js';
import { schemaFor, schemas } from '../../../src/engine/protocol/messages/index.js';
import { fillUnknownTags, project, sample, withUnknownTags } from './sample.js';

const cases: [string, ApiSchema, number, 'request' | 'response'][] = [];
for (const s of schemas) {
  for (let v = s.valid.min; v <= s.valid.max; v++) {
    cases.push([`${s.name} v${v} request`, s, v, 'request']);
    cases.push([`${s.name} v${v} response`, s, v, 'response']);
  }
}

function roundTrip(msg: MessageSchema, version: number, flexible: boolean, value: Record<string, unknown>) {
  const bytes = encode(msg, version, value, flexible).toBuffer();
  const r = new Reader(bytes);
  const decoded = decode(msg, version, r, flexible);
  return { bytes, decoded, rest: r.remaining };
}

function hasNullable(fields: readonly Field[], v: number): boolean {
  return fields.some((f) => inRange(f.versions, v) && (inRange(f.nullable, v) || (f.fields ? hasNullable(f.fields, v) : false)));
}

function allDefined(fields: readonly Field[], value: Record<string, unknown>): void {
  for (const f of fields) {
    expect(value, f.name).toHaveProperty(f.name);
    expect(value[f.name], f.name).not.toBeUndefined();
  }
}

describe('registry', () => {
  it('has a descriptor for every API in scope, looked up by key', () => {
    const keys = [
      0, 1, 2, 3, 8, 9, 10, 11, 12, 13, 14, 15, 16, 17, 18, 19, 20, 21, 22, 23, 24, 25, 26, 27, 28, 32, 33, 35, 36, 37, 42, 44, 47, 60, 61, 65, 66, 75,
    ];
    expect(schemas.map((s) => s.apiKey).sort((a, b) => a - b)).toEqual(keys);
    for (const k of keys) expect(schemaFor(k)?.apiKey).toBe(k);
    expect(schemaFor(4)).toBeUndefined();
  });

  it('tags are unique per struct and only used in flexible versions', () => {
    const check = (fields: readonly Field[], s: ApiSchema) => {
      const tags = fields.filter((f) => f.tag !== undefined).map((f) => f.tag);
      expect(new Set(tags).size).toBe(tags.length);
      for (const f of fields) {
        if (f.tag !== undefined) {
          expect(f.tagged.min).toBeGreaterThanOrEqual(s.flexible.min);
        }
        if (f.fields) check(f.fields, s);
      }
    };
    for (const s of schemas) {
      check(s.request.fields, s);
      check(s.response.fields, s);
    }
  });
});

describe.each(cases)('%s', (_name, s, v, dir) => {
  const msg = s[dir];
  const flexible = isFlexible(s, v);

  it('round-trips a fully populated value', () => {
    const value = sample(msg, v);
    const { decoded, rest } = roundTrip(msg, v, flexible, value);
    expect(rest).toBe(0);
    expect(project(msg.fields, v, decoded)).toEqual(project(msg.fields, v, value));
    allDefined(msg.fields, decoded);
  });

  it('round-trips nulls where nullable, and empty arrays', () => {
    if (hasNullable(msg.fields, v)) {
      const value = sample(msg, v, { nulls: true, seed: 7 });
      const { decoded, rest } = roundTrip(msg, v, flexible, value);
      expect(rest).toBe(0);
      expect(project(msg.fields, v, decoded)).toEqual(project(msg.fields, v, value));
    }
    const empty = sample(msg, v, { arrayLength: 0, seed: 3 });
    const { decoded } = roundTrip(msg, v, flexible, empty);
    expect(project(msg.fields, v, decoded)).toEqual(project(msg.fields, v, empty));
  });

  it('encodes an empty object with defaults and decodes it back', () => {
    const { decoded, rest } = roundTrip(msg, v, flexible, {});
    expect(rest).toBe(0);
    allDefined(msg.fields, decoded);
    const again = roundTrip(msg, v, flexible, decoded);
    expect(again.decoded).toEqual(decoded);
  });

  it('fails with DecodeError on a truncated body', () => {
    const { bytes } = roundTrip(msg, v, flexible, sample(msg, v));
    for (const cut of new Set([1, Math.floor(bytes.length / 2), bytes.length - 1])) {
      if (cut <= 0 || cut >= bytes.length) continue;
      expect(() => decode(msg, v, new Reader(bytes.subarray(0, bytes.length - cut)), flexible)).toThrow(DecodeError);
    }
  });

  // Tagged fields exist only in flexible versions, so the case is generated only for those.
  if (flexible) it('skips unknown tagged fields in every struct', () => {
    const value = sample(msg, v);
    const extended: MessageSchema = { ...msg, fields: withUnknownTags(msg.fields) };
    const bytes = encode(extended, v, fillUnknownTags(msg.fields, v, value), true).toBuffer();
    const plain = encode(msg, v, value, true).toBuffer();
    expect(bytes.length).toBeGreaterThan(plain.length);
    const r = new Reader(bytes);
    const decoded = decode(msg, v, r, true);
    expect(r.remaining).toBe(0);
    expect(project(msg.fields, v, decoded)).toEqual(project(msg.fields, v, value));
  });
});
