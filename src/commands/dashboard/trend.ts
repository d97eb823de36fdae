/**
 * Lag trend and catch-up estimate from a lag series: the slope of a least-squares line through
 * the last minute of samples. The lag is "growing" or "shrinking" when the line moves it by more
 * than 5% of its mean (and at least one record) over that window, else "steady".
 */
export type Trend = 'growing' | 'shrinking' | 'steady' | 'unknown';

/** How far back the trend looks. */
export const TREND_WINDOW_MS = 60_000;

/** Least-squares slope of v over t, per second; null with fewer than 3 finite points or no time spread. */
export function slopePerSecond(t: readonly number[], v: readonly number[]): number | null {
  let n = 0;
  let st = 0;
  let sv = 0;
  for (let i = 0; i < t.length; i++) {
    if (!Number.isFinite(v[i]!)) continue;
    n++;
    st += t[i]!;
    sv += v[i]!;
  }
  if (n < 3) return null;
  const mt = st / n;
  const mv = sv / n;
  let num = 0;
  let den = 0;
  for (let i = 0; i < t.length; i++) {
    if (!Number.isFinite(v[i]!)) continue;
    const dt = (t[i]! - mt) / 1000;
    num += dt * (v[i]! - mv);
    den += dt * dt;
  }
  return den === 0 ? null : num / den;
}

/** The trend of a lag series (t in ms, oldest first) over its last TREND_WINDOW_MS. */
export function lagTrend(t: readonly number[], lag: readonly number[], windowMs = TREND_WINDOW_MS): Trend {
  const { ts, vs } = lastWindow(t, lag, windowMs);
  const slope = slopePerSecond(ts, vs);
  if (slope === null) return 'unknown';
  const finite = vs.filter((x) => Number.isFinite(x));
  const mean = finite.reduce((a, b) => a + b, 0) / finite.length;
  const span = (ts[ts.length - 1]! - ts[0]!) / 1000;
  const change = slope * span;
  if (Math.abs(change) < Math.max(1, 0.05 * mean)) return 'steady';
  return change > 0 ? 'growing' : 'shrinking';
}

/** Seconds until the lag reaches 0 at the current rate of shrinking: 0 when there is no lag, null when it is not shrinking. */
export function catchUpSeconds(t: readonly number[], lag: readonly number[], windowMs = TREND_WINDOW_MS): number | null {
  const current = lag[lag.length - 1];
  if (current === undefined || !Number.isFinite(current)) return null;
  if (current <= 0) return 0;
  const { ts, vs } = lastWindow(t, lag, windowMs);
  const slope = slopePerSecond(ts, vs);
  if (slope === null || slope >= 0) return null;
  return current / -slope;
}

function lastWindow(t: readonly number[], v: readonly number[], windowMs: number): { ts: number[]; vs: number[] } {
  const end = t[t.length - 1];
  if (end === undefined) return { ts: [], vs: [] };
  let i = t.length - 1;
  while (i > 0 && t[i - 1]! >= end - windowMs) i--;
  return { ts: t.slice(i), vs: v.slice(i) };
}
