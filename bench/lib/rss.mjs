/** Resident set size of a process, read from /proc/<pid>/status (Linux). */
import { readFileSync } from 'node:fs';

/** VmRSS of `pid` in bytes, or NaN when the process is gone or /proc is unavailable. */
export function readRss(pid) {
  try {
    const m = /^VmRSS:\s+(\d+)\s+kB/m.exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
    return m ? Number(m[1]) * 1024 : NaN;
  } catch {
    return NaN;
  }
}

/** VmHWM (peak RSS over the process lifetime) in bytes, or NaN. */
export function readPeakRss(pid) {
  try {
    const m = /^VmHWM:\s+(\d+)\s+kB/m.exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
    return m ? Number(m[1]) * 1024 : NaN;
  } catch {
    return NaN;
  }
}

/**
 * Samples the RSS of `pid` every `intervalMs` until stopped; stop() returns
 * { peak, last, samples } in bytes. Sampling uses a synchronous /proc read, so keep the interval
 * modest (≥ 20 ms) to stay out of the measurement.
 */
export function sampleRss(pid, intervalMs = 50) {
  const samples = [];
  const take = () => {
    const r = readRss(pid);
    if (Number.isFinite(r)) samples.push(r);
  };
  take();
  const timer = setInterval(take, intervalMs);
  return {
    stop() {
      clearInterval(timer);
      take();
      return { peak: samples.length ? Math.max(...samples) : NaN, last: samples.at(-1) ?? NaN, samples };
    },
  };
}

export const MB = 1024 * 1024;

/** Bytes as "12.3 MB" (MiB, as ps/top show RSS). */
export function fmtMiB(bytes) {
  return Number.isFinite(bytes) ? `${(bytes / MB).toFixed(1)} MB` : 'n/a';
}

/** User + system CPU seconds used so far by `pid` (all threads), from /proc/<pid>/stat; NaN if gone. */
export function readCpuSeconds(pid) {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    // Fields after the ")" that closes the command name; utime and stime are fields 14 and 15.
    const f = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    return (Number(f[11]) + Number(f[12])) / CLK_TCK;
  } catch {
    return NaN;
  }
}

// USER_HZ is 100 on every Linux architecture Node runs on.
const CLK_TCK = 100;
