/**
 * The messages view's paging cursors: opaque to the page, a base64url JSON of the direction and
 * each partition's position, so the next request continues exactly where the last one stopped.
 * Forward cursors hold the next offset to read; backward ones the offset the previous page starts
 * below (exclusive end).
 */
import { ApiError } from './api-error.js';

export interface Cursor {
  dir: 'forward' | 'backward';
  /** partition -> offset */
  positions: Map<number, number>;
}

export function encodeCursor(c: Cursor): string {
  const o: Record<string, number> = {};
  for (const [p, off] of [...c.positions].sort((a, b) => a[0] - b[0])) o[String(p)] = off;
  return Buffer.from(JSON.stringify({ d: c.dir === 'forward' ? 'f' : 'b', p: o }), 'utf8').toString('base64url');
}

export function decodeCursor(s: string): Cursor {
  let v: unknown;
  try {
    v = JSON.parse(Buffer.from(s, 'base64url').toString('utf8'));
  } catch {
    throw new ApiError(400, 'BAD_REQUEST', 'invalid cursor');
  }
  const doc = v as { d?: unknown; p?: unknown };
  if (typeof doc !== 'object' || doc === null || (doc.d !== 'f' && doc.d !== 'b') || typeof doc.p !== 'object' || doc.p === null || Array.isArray(doc.p)) {
    throw new ApiError(400, 'BAD_REQUEST', 'invalid cursor');
  }
  const positions = new Map<number, number>();
  for (const [k, off] of Object.entries(doc.p as Record<string, unknown>)) {
    if (!/^\d+$/.test(k) || typeof off !== 'number' || !Number.isSafeInteger(off) || off < 0) throw new ApiError(400, 'BAD_REQUEST', 'invalid cursor');
    positions.set(Number(k), off);
  }
  return { dir: doc.d === 'f' ? 'forward' : 'backward', positions };
}
