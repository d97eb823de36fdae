/** `mq-cluster logs N`: a node's server.log (and what the JVM printed before logging started). */
import { existsSync, readFileSync, statSync } from 'node:fs';

/** The last `n` lines of a file, [] when it does not exist; reads at most the last 1 MiB. */
export function tailLines(file: string, n: number): string[] {
  if (!existsSync(file)) return [];
  const size = statSync(file).size;
  const text = readFileSync(file).subarray(Math.max(0, size - (1 << 20))).toString('utf8');
  const lines = text.split('\n');
  if (lines[lines.length - 1] === '') lines.pop();
  return lines.slice(-n);
}
