// Suite C: normalising what must differ between runs, rendering a transcript as text, and a
// unified diff for failures.

import { execFile } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import type { Step, Transcript } from './scenario.js';

const execFileP = promisify(execFile);

const UUID = /[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}/g;
const TOPIC_ID = /(TopicId: )[A-Za-z0-9_-]{22}/g;
const LOOPBACK_PORT = /(127\.0\.0\.1:)(\d+)/g;
/** log4j lines of Kafka's tools (`[2024-10-25 10:15:02,123] WARN ... (logger)`) and what hangs below them */
const JAVA_LOG_LINE = /^\[\d{4}-\d\d-\d\d \d\d:\d\d:\d\d,\d{3}\] (TRACE|DEBUG|INFO|WARN|ERROR|FATAL) /;
const STACK_LINE = /^(\s+at |\s*\.\.\. \d+ more|Caused by: )/;

/**
 * What must differ from run to run and says nothing about the tools: random ids (topic ids, the
 * UUID part of member ids), ports, log lines with timestamps. Widths are kept (same-length
 * placeholders), so column alignment is still compared.
 */
export function normaliseText(s: string): string {
  return s
    .replace(UUID, 'xxxxxxxx-xxxx-xxxx-xxxx-xxxxxxxxxxxx')
    .replace(TOPIC_ID, '$1<topic-id-22-chars...>')
    .replace(LOOPBACK_PORT, (_m, host: string, port: string) => host + 'P'.repeat(port.length));
}

/** stderr minus Java log lines (and their stack traces): what is left is what the tool itself printed. */
export function stderrProper(s: string): string {
  const out: string[] = [];
  let inLog = false;
  for (const line of s.split('\n')) {
    if (JAVA_LOG_LINE.test(line)) {
      inLog = true;
      continue;
    }
    if (inLog && (STACK_LINE.test(line) || /^[\w.$]+(Exception|Error)(: |$)/.test(line))) continue;
    inLog = false;
    out.push(line);
  }
  return out.join('\n');
}

/** Kafka lists a topic's non-default configs in HashMap order: `Configs: a=1,b=x,y` gets its entries sorted. */
function sortConfigsField(s: string): string {
  return s.replace(/(\tConfigs: )([^\t\n]*)/g, (_m, head: string, list: string) => head + list.split(/,(?=[\w.]+=)/).sort().join(','));
}

/** Each table (a header line in capitals, then rows up to a blank line) gets its rows sorted. */
export function sortTableRows(s: string): string {
  const lines = s.split('\n');
  const out: string[] = [];
  let i = 0;
  while (i < lines.length) {
    const line = lines[i]!;
    out.push(line);
    i++;
    if (/^[A-Z][A-Z#() -]+$/.test(line.trim()) && /\s/.test(line.trim())) {
      const rows: string[] = [];
      while (i < lines.length && lines[i] !== '') rows.push(lines[i++]!);
      out.push(...rows.sort());
    }
  }
  return out.join('\n');
}

export function normaliseStep(s: Step): Step {
  let stdout = sortConfigsField(normaliseText(s.stdout));
  if (s.sortRows) stdout = sortTableRows(stdout);
  if (s.sortStdout) {
    const lines = stdout.split('\n').filter((l) => l !== '');
    stdout = lines.sort().join('\n') + (lines.length ? '\n' : '');
  }
  return { ...s, stdout, stderr: normaliseText(s.compareStderr ? stderrProper(s.stderr) : s.stderr) };
}

export function normaliseTranscript(t: Transcript): Transcript {
  return { ...t, steps: t.steps.map(normaliseStep) };
}

const quote = (a: string): string => (/^[\w.,:=/<>@+-]+$/.test(a) ? a : `'${a.replace(/'/g, `'\\''`)}'`);

/** One transcript as text. Uncompared stderr is left out (it is shown separately on failure). */
export function renderTranscript(t: Transcript): string {
  const out: string[] = [];
  for (const s of t.steps) {
    out.push(`=== ${s.id}: ${s.tool} ${s.args.map(quote).join(' ')}`);
    out.push(`exit: ${s.code === null ? '(not compared)' : s.code}`);
    out.push('--- stdout');
    out.push(...visible(s.stdout));
    if (s.compareStderr) {
      out.push('--- stderr');
      out.push(...visible(s.stderr));
    }
  }
  return out.join('\n') + '\n';
}

/** Raw transcript with every stderr, for the failure report. */
export function renderRaw(t: Transcript): string {
  const out: string[] = [`##### ${t.label}`];
  for (const s of t.steps) {
    out.push(`=== ${s.id} (${s.durationMs} ms) exit ${s.code}`, '--- stdout', s.stdout, '--- stderr', s.stderr);
  }
  return out.join('\n');
}

/** Lines with tabs and trailing spaces made visible; the text's final newline (or its absence) shown. */
function visible(s: string): string[] {
  if (s === '') return ['(empty)'];
  const lines = s.split('\n');
  const last = lines.pop();
  const shown = lines.map((l) => l.replace(/\t/g, '→').replace(/ +$/, (m) => '·'.repeat(m.length)));
  if (last !== '') shown.push(`${last?.replace(/\t/g, '→')}⏎̸ (no final newline)`);
  return shown;
}

/** `diff -u` of two texts; empty string when equal. */
export async function unifiedDiff(aLabel: string, a: string, bLabel: string, b: string): Promise<string> {
  if (a === b) return '';
  const dir = mkdtempSync(join(tmpdir(), 'suite-c-diff-'));
  try {
    writeFileSync(join(dir, 'a'), a);
    writeFileSync(join(dir, 'b'), b);
    try {
      await execFileP('diff', ['-u', '--label', aLabel, '--label', bLabel, join(dir, 'a'), join(dir, 'b')], { maxBuffer: 16 << 20 });
      return '';
    } catch (e) {
      const err = e as { stdout?: string; code?: number };
      if (err.code === 1 && err.stdout) return err.stdout;
      throw e;
    }
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
