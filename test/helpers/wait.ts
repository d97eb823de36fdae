/**
 * Poll until a condition holds, instead of sleeping for a fixed time.
 */
import { inspect } from 'node:util';

export interface WaitOptions {
  /** Give up after this long (default 10 s). */
  timeoutMs?: number;
  /** Time between attempts (default 50 ms). */
  intervalMs?: number;
  /** Included in the timeout error. */
  message?: string;
}

/**
 * Calls `fn` until it returns a value other than `false`, `undefined` or `null` and returns that
 * value. A throw counts as "not yet"; if the deadline passes, the last error (or the message) is
 * reported.
 */
export async function waitFor<T>(
  fn: () => T | false | null | undefined | Promise<T | false | null | undefined>,
  opts: WaitOptions = {},
): Promise<T> {
  const timeoutMs = opts.timeoutMs ?? 10_000;
  const intervalMs = opts.intervalMs ?? 50;
  const deadline = Date.now() + timeoutMs;
  let lastError: unknown;
  for (;;) {
    try {
      const value = await fn();
      if (value !== false && value !== undefined && value !== null) return value;
      lastError = undefined;
    } catch (err) {
      lastError = err;
    }
    if (Date.now() >= deadline) {
      const what = opts.message ?? 'condition';
      const cause = lastError instanceof Error ? `: ${lastError.message}` : lastError !== undefined ? `: ${inspect(lastError)}` : '';
      throw new Error(`waitFor: ${what} not met within ${timeoutMs} ms${cause}`, { cause: lastError });
    }
    await new Promise((resolve) => setTimeout(resolve, Math.min(intervalMs, Math.max(0, deadline - Date.now()))));
  }
}
