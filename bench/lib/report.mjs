/**
 * Markdown output for the bench scripts: tables, machine info, and rewriting one marked section
 * of BENCHMARKS.md (<!-- bench:NAME:start --> … <!-- bench:NAME:end -->) so that each script
 * owns its own section and leaves the rest of the file alone.
 */
import { execFileSync } from 'node:child_process';
import { existsSync, readFileSync, writeFileSync, renameSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { REPO_ROOT } from './proc.mjs';

export const BENCHMARKS_MD = path.join(REPO_ROOT, 'BENCHMARKS.md');

const INTRO = `# Benchmarks

Numbers measured on this project's development machine by the scripts in \`bench/\`. Each section
below is written by one script (between its \`<!-- bench:NAME:start/end -->\` markers) and says the
command that produced it, the date and the machine. Values are medians of several runs with the
min–max range in parentheses. Re-run a script to refresh its section; the others stay as they are.
`;

/** A GitHub-flavoured markdown table. `align` is an optional array of 'l' | 'r'. */
export function mdTable(headers, rows, align = []) {
  const esc = (c) => String(c ?? '').replace(/\|/g, '\\|');
  const sep = headers.map((_, i) => (align[i] === 'r' ? '---:' : '---'));
  return [headers, sep, ...rows].map((r, i) => `| ${(i === 1 ? r : r.map(esc)).join(' | ')} |`).join('\n');
}

function tryRun(cmd, args) {
  try {
    return execFileSync(cmd, args, { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'], timeout: 5000 });
  } catch (err) {
    // kcat -V exits 0, but be lenient with tools that print their version and exit non-zero.
    return err.stdout ? String(err.stdout) : '';
  }
}

/** CPU model, cores, memory, kernel, node and kcat versions, git commit, load average now. */
export function machineInfo() {
  const cpus = os.cpus();
  const kcat = tryRun('kcat', ['-V']);
  const kcatVersion = /Version\s+(\S+)/.exec(kcat)?.[1];
  const librdkafka = /librdkafka\s+([\d.]+)/.exec(kcat)?.[1];
  const commit = tryRun('git', ['-C', REPO_ROOT, 'rev-parse', '--short', 'HEAD']).trim();
  const dirty = tryRun('git', ['-C', REPO_ROOT, 'status', '--porcelain', '--untracked-files=no']).trim() ? ' (with uncommitted changes)' : '';
  return {
    cpu: cpus[0]?.model?.trim() ?? 'unknown',
    cores: cpus.length,
    memGiB: (os.totalmem() / 2 ** 30).toFixed(0),
    kernel: `${os.type()} ${os.release()}`,
    node: process.version,
    kcat: kcatVersion ? `${kcatVersion} (librdkafka ${librdkafka ?? '?'})` : 'not found',
    commit: commit ? commit + dirty : 'unknown',
    loadavg: os.loadavg().map((x) => x.toFixed(2)).join(' '),
  };
}

export function machineLine(m = machineInfo()) {
  return `${m.cpu}, ${m.cores} cores, ${m.memGiB} GiB RAM, ${m.kernel}; Node ${m.node}; kcat ${m.kcat}; mq at ${m.commit}`;
}

/**
 * Replaces the section NAME of BENCHMARKS.md with `body` (markers kept), creating the file with
 * an intro, or appending the section, when missing. Writes atomically (temp file + rename).
 */
export function writeSection(name, body, file = BENCHMARKS_MD) {
  const start = `<!-- bench:${name}:start -->`;
  const end = `<!-- bench:${name}:end -->`;
  const block = `${start}\n${body.trim()}\n${end}`;
  let text = existsSync(file) ? readFileSync(file, 'utf8') : INTRO;
  const i = text.indexOf(start);
  const j = text.indexOf(end);
  if (i >= 0 && j > i) {
    text = text.slice(0, i) + block + text.slice(j + end.length);
  } else {
    text = text.replace(/\s*$/, '\n\n') + block + '\n';
  }
  const tmp = `${file}.tmp-${process.pid}`;
  writeFileSync(tmp, text);
  renameSync(tmp, file);
}
