/**
 * --from-time / --to-time values: `now`, a duration back from now (`-1h`, `-30m`, `-2d`,
 * `-90s`, `-500ms`, or combined: `-1h30m`), an ISO-8601 date-time (`2024-05-01T12:00:00Z`,
 * `2024-05-01` is midnight UTC, as Date.parse reads it) or epoch milliseconds (`1714564800000`).
 * All resolve to epoch ms, compared with record timestamps as ListOffsets does (KIP-79).
 */
import { UsageError } from '../../cli/errors.js';

const UNIT_MS: Record<string, number> = { ms: 1, s: 1000, m: 60_000, h: 3_600_000, d: 86_400_000, w: 604_800_000 };

/** Epoch ms for a time spec; `flag` names the option in the message. */
export function parseTimeSpec(spec: string, flag: string, now: number): number {
  const v = spec.trim();
  if (v.toLowerCase() === 'now') return now;
  if (/^\d+$/.test(v)) {
    const n = Number(v);
    if (Number.isSafeInteger(n)) return n;
  }
  const rel = /^-((?:\d+(?:ms|s|m|h|d|w))+)$/.exec(v);
  if (rel) {
    let ms = 0;
    for (const part of rel[1]!.matchAll(/(\d+)(ms|s|m|h|d|w)/g)) ms += Number(part[1]) * UNIT_MS[part[2]!]!;
    return now - ms;
  }
  // ISO-8601 only (Date.parse also takes free text such as "May 1", which is no format to rely on).
  if (/^\d{4}-\d{2}-\d{2}([T ]\d{2}:\d{2}(:\d{2}(\.\d{1,9})?)?(Z|[+-]\d{2}:?\d{2})?)?$/i.test(v)) {
    const t = Date.parse(v.replace(' ', 'T'));
    if (!Number.isNaN(t)) return t;
  }
  throw new UsageError(
    `Invalid value '${spec}' for option --${flag}: use 'now', a duration back from now (-1h, -30m, -2d, -1h30m), an ISO-8601 date-time (2024-05-01T12:00:00Z) or epoch milliseconds`,
  );
}
