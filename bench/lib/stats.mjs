/** Small statistics and formatting helpers shared by the bench scripts. */

export function median(xs) {
  if (xs.length === 0) return NaN;
  const s = [...xs].sort((a, b) => a - b);
  const m = s.length >> 1;
  return s.length % 2 ? s[m] : (s[m - 1] + s[m]) / 2;
}

export function min(xs) {
  return xs.length ? Math.min(...xs) : NaN;
}

export function max(xs) {
  return xs.length ? Math.max(...xs) : NaN;
}

/** Median with min–max of a list of numbers, already formatted with `fmt`. */
export function summary(xs, fmt = (x) => String(x)) {
  if (xs.length === 0) return 'n/a';
  if (xs.length === 1) return fmt(xs[0]);
  return `${fmt(median(xs))} (${fmt(min(xs))}–${fmt(max(xs))})`;
}

/** Fixed decimals, with thousands separators for big numbers: 123456.7 -> "123,457". */
export function num(x, decimals = 0) {
  if (!Number.isFinite(x)) return 'n/a';
  return x.toLocaleString('en-US', { minimumFractionDigits: decimals, maximumFractionDigits: decimals });
}

/** Records/s in thousands: 123456 -> "123 k". */
export function kilo(x) {
  return Number.isFinite(x) ? `${num(x / 1000, x < 10_000 ? 1 : 0)} k` : 'n/a';
}

/** Monotonic clock in milliseconds (float). */
export function nowMs() {
  return Number(process.hrtime.bigint()) / 1e6;
}
