/**
 * Whether a stream gets colour, decided once per stream. Kept apart from output.ts so the error
 * path of every tool can ask without loading chalk, ora or cli-table3.
 */
import type { Io } from './io.js';

type Stream = Io['stdout'];

/** NO_COLOR / FORCE_COLOR / TERM / --no-color / TTY, decided for one stream. */
export function colorLevel(stream: Stream, env: NodeJS.ProcessEnv, flag?: boolean): 0 | 1 | 2 | 3 {
  if (flag === false) return 0;
  if (env.NO_COLOR !== undefined && env.NO_COLOR !== '') return 0;
  const force = env.FORCE_COLOR;
  if (force !== undefined) {
    if (force === '0' || force === 'false') return 0;
    if (force === '2') return 2;
    if (force === '3') return 3;
    return 1;
  }
  if (env.TERM === 'dumb') return 0;
  if (!stream.isTTY) return 0;
  if (env.COLORTERM === 'truecolor' || env.COLORTERM === '24bit') return 3;
  if (/256/.test(env.TERM ?? '')) return 2;
  return 1;
}
