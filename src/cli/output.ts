/**
 * The one place commands write through. Three forms: Kafka's exact text (default), `--output
 * json` (one JSON document for list/describe, JSON Lines for streams), and colour/spinners only
 * for a human at a terminal.
 *
 *   const out = createOutput(io, { format: opts.output, color: opts.color });
 *   out.line('Created topic foo.');                 // stdout
 *   out.status('Processed a total of 3 messages');  // stderr
 *   out.document({ topics: [...] });                // --output json: one document
 *   out.jsonLine({ ... });                          // --output json on streams
 *   const md = await out.spin('Fetching metadata', cluster.metadata(null));  // ora after 300 ms, TTY only
 *   out.line(kafkaTable([{ header: 'GROUP', minWidth: 15 }, ...], rows));
 *   out.colors.out.bold('x') / out.colors.err.yellow('!')   // chalk instances, per stream
 *   const sink = out.recordSink();                  // record streams: format into sink.buffer,
 *   writeRecord(sink.buffer, r, fc); await sink.flush();  // one stdout write per ~1 MiB
 *
 * Colour is decided per stream: off with --no-color, NO_COLOR (non-empty) or TERM=dumb; on with
 * FORCE_COLOR (not "0"); otherwise on only for a TTY. A closed stdout (EPIPE, e.g. `| head`) makes
 * further writes no-ops and `out.closed` true; writes after that throw OutputClosedError so a
 * streaming command stops, and cli/run.ts exits 0 without a message.
 */
import { createRequire } from 'node:module';
import { Chalk, type ChalkInstance } from 'chalk';
import type { Io } from './io.js';
import { OutputClosedError } from './errors.js';
import { colorLevel } from './color.js';
import { OutBuffer } from './out-buffer.js';

export type OutputFormat = 'text' | 'json';

export interface OutputOptions {
  format?: string;
  /** false for --no-color (commander's negated option gives `color: false`). */
  color?: boolean;
  /** Delay before a spinner appears (default 300 ms). */
  spinnerDelayMs?: number;
}

export { colorLevel } from './color.js';

export interface Column {
  header: string;
  /** Pad to at least this many characters (Kafka's `max(15, longest)`). */
  minWidth?: number;
  /** Pad to exactly this many characters (Kafka's `%-10s`); longer values are never cut. */
  width?: number;
}

export interface KafkaTableOptions {
  /** Pad the last column too (Kafka's members view: `%-15s `). Default false: last is `%s`. */
  padLast?: boolean;
  /** Appended to every line (the members view's trailing space). */
  trailing?: string;
  /** Styles the header cells (bold on a colour terminal); widths ignore the escape codes. */
  header?: (text: string) => string;
}

/** cli-table3 without borders: cells separated by one space, no padding inside cells. */
const KAFKA_CHARS = {
  top: '', 'top-mid': '', 'top-left': '', 'top-right': '',
  bottom: '', 'bottom-mid': '', 'bottom-left': '', 'bottom-right': '',
  left: '', 'left-mid': '', mid: '', 'mid-mid': '', right: '', 'right-mid': '',
  middle: ' ',
};

type CliTable = new (opts: object) => { push(...rows: string[][]): void; toString(): string };
let cliTable: CliTable | undefined;

/**
 * Kafka's printf tables (`%-15s %-10s ... %s`): each column left-justified and space-padded to
 * its width, columns separated by one space, never truncated. Width = `width`, else
 * max(minWidth, header, widest value). The padded columns are laid out by cli-table3, which
 * measures cells without their colour codes, so a bold header keeps the columns aligned; the
 * last column is Kafka's unpadded `%s` unless `padLast`. Returns the lines joined with '\n'
 * (no final newline): header first.
 */
export function kafkaTable(columns: ReadonlyArray<Column | string>, rows: ReadonlyArray<ReadonlyArray<string | number>>, opts: KafkaTableOptions = {}): string {
  const cols: Column[] = columns.map((c) => (typeof c === 'string' ? { header: c } : c));
  const widths = cols.map((c, i) => {
    if (c.width !== undefined) return c.width;
    let w = Math.max(c.minWidth ?? 0, c.header.length);
    for (const r of rows) w = Math.max(w, String(r[i] ?? '').length);
    return w;
  });
  const style = opts.header ?? ((t: string) => t);
  const all = [cols.map((c) => style(c.header)), ...rows.map((r) => cols.map((_, i) => String(r[i] ?? '')))];
  const padded = opts.padLast ? cols.length : cols.length - 1;
  let lines: string[];
  if (padded === 0) {
    lines = all.map((r) => r[0] ?? '');
  } else {
    const cells = all.map((r) => r.slice(0, padded));
    // printf widths are minimums: a value longer than a fixed width (`%-10s`) pushes the rest of
    // its own row right and leaves the other rows alone, so such rows are laid out on their own.
    const fits = (r: string[]) => r.every((c, i) => visibleLength(c) <= widths[i]!);
    lines = cells.every(fits)
      ? layout(cells, widths.slice(0, padded))
      : cells.flatMap((r) => layout([r], r.map((c, i) => Math.max(widths[i]!, visibleLength(c)))));
    if (!opts.padLast) lines = lines.map((l, i) => `${l} ${all[i]![cols.length - 1]}`);
  }
  return lines.map((l) => l + (opts.trailing ?? '')).join('\n');
}

const ANSI = /\u001b\[[0-9;]*m/g;

function visibleLength(s: string): number {
  return s.replace(ANSI, '').length;
}

/** Lays rows out with cli-table3 at the given column widths (cells are never cut: widths fit them). */
function layout(rows: string[][], colWidths: number[]): string[] {
  // Loaded on first use: --help and --version never pay for it.
  cliTable ??= createRequire(import.meta.url)('cli-table3') as CliTable;
  const table = new cliTable({
    chars: KAFKA_CHARS,
    style: { head: [], border: [], 'padding-left': 0, 'padding-right': 0, compact: true },
    colWidths,
    wordWrap: false,
  });
  table.push(...rows);
  return table.toString().split('\n');
}

export class Output {
  readonly format: OutputFormat;
  readonly colors: { out: ChalkInstance; err: ChalkInstance };
  private stdoutClosed = false;
  private readonly closeListeners: Array<() => void> = [];

  constructor(
    readonly io: Io,
    private readonly opts: OutputOptions = {},
  ) {
    this.format = opts.format === 'json' ? 'json' : 'text';
    const jsonOut = this.format === 'json';
    this.colors = {
      out: new Chalk({ level: jsonOut ? 0 : colorLevel(io.stdout, io.env, opts.color) }),
      err: new Chalk({ level: colorLevel(io.stderr, io.env, opts.color) }),
    };
    io.stdout.on?.('error', (err: NodeJS.ErrnoException) => {
      if (err.code === 'EPIPE' || err.code === 'ERR_STREAM_DESTROYED') {
        if (!this.stdoutClosed) {
          this.stdoutClosed = true;
          for (const l of this.closeListeners.splice(0)) l();
        }
      } else throw err;
    });
  }

  get json(): boolean {
    return this.format === 'json';
  }

  /** True once stdout's reader went away (EPIPE). */
  get closed(): boolean {
    return this.stdoutClosed || Boolean((this.io.stdout as { destroyed?: boolean }).destroyed);
  }

  /** Calls `listener` once when stdout's reader goes away (EPIPE), so a stream can stop at once. */
  onClosed(listener: () => void): void {
    if (this.stdoutClosed) listener();
    else this.closeListeners.push(listener);
  }

  /** Raw text or bytes to stdout. Resolves when the stream accepts more (back-pressure for streams). */
  write(data: string | Uint8Array): Promise<void> | void {
    if (this.closed) throw new OutputClosedError();
    const ok = this.io.stdout.write(data);
    if (!ok) {
      return new Promise<void>((resolve) => {
        const done = () => {
          this.io.stdout.off('drain', done);
          this.io.stdout.off('close', done);
          this.io.stdout.off('error', done);
          resolve();
        };
        this.io.stdout.once('drain', done);
        this.io.stdout.once('close', done);
        this.io.stdout.once('error', done);
      });
    }
  }

  /** A buffered sink for a record stream on stdout (the console consumer's). */
  recordSink(): RecordSink {
    return new RecordSink(this);
  }

  /** One line of data to stdout. */
  line(text = ''): void {
    void this.write(text + '\n');
  }

  /** Several lines, in one write. */
  lines(lines: readonly string[]): void {
    if (lines.length) void this.write(lines.join('\n') + '\n');
  }

  /** One JSON document (pretty when stdout is a TTY, compact otherwise), newline-terminated. */
  document(value: unknown): void {
    const pretty = Boolean(this.io.stdout.isTTY);
    void this.write(JSON.stringify(value, jsonReplacer, pretty ? 2 : undefined) + '\n');
  }

  /** One JSON Lines record. */
  jsonLine(value: unknown): Promise<void> | void {
    return this.write(JSON.stringify(value, jsonReplacer) + '\n');
  }

  /** Status, progress and summaries: stderr. */
  status(text: string): void {
    this.io.stderr.write(text + '\n');
  }

  warn(text: string): void {
    this.io.stderr.write(this.colors.err.yellow(text) + '\n');
  }

  /**
   * Runs `work`, showing an ora spinner on stderr when it takes longer than the delay and
   * stderr is a terminal (never with --output json or in CI).
   */
  async spin<T>(text: string, work: Promise<T> | (() => Promise<T>)): Promise<T> {
    const p = typeof work === 'function' ? work() : work;
    let stop: (() => void) | undefined;
    const timer = setTimeout(() => (stop = startSpinner(this.io, text)), this.opts.spinnerDelayMs ?? 300);
    try {
      return await p;
    } finally {
      clearTimeout(timer);
      stop?.();
    }
  }
}

/**
 * Starts an ora spinner on stderr when it is a terminal (not in CI, not with TERM=dumb) and returns
 * how to stop it; a no-op otherwise. The engine's "waiting for host:port to answer" (EngineIo.waiting).
 */
export function startSpinner(io: Pick<Io, 'stderr' | 'env'>, text: string): () => void {
  const env = io.env;
  // A terminal without a width (a pseudo-terminal nobody sized) would make ora clear "infinitely many" lines.
  const columns = (io.stderr as { columns?: number }).columns;
  if (!io.stderr.isTTY || env.CI || env.TERM === 'dumb' || !(typeof columns === 'number' && columns > 0)) return () => {};
  let spinner: { stop(): void } | undefined;
  let stopped = false;
  void import('ora').then(({ default: ora }) => {
    if (stopped) return;
    spinner = ora({ text, stream: io.stderr, color: 'cyan', isEnabled: true, discardStdin: false }).start();
  });
  return () => {
    stopped = true;
    spinner?.stop();
  };
}

/**
 * Records are formatted straight into one output buffer and written to stdout in large chunks
 * (once per fetch; Kafka's console consumer flushes per record, a syscall each). After stdout's
 * reader went away, flush() drops what was buffered instead of throwing.
 */
export class RecordSink {
  readonly buffer = new OutBuffer();

  constructor(private readonly out: Output) {}

  get closed(): boolean {
    return this.out.closed;
  }

  /** Writes what was buffered; waits only when stdout pushes back. */
  async flush(): Promise<void> {
    if (this.buffer.length === 0) return;
    const data = this.buffer.take();
    if (this.out.closed) return;
    await this.out.write(data);
  }
}

/** bigint as a number when safe, else a string; Buffers as UTF-8. */
function jsonReplacer(_key: string, value: unknown): unknown {
  if (typeof value === 'bigint') return Number.isSafeInteger(Number(value)) ? Number(value) : value.toString();
  if (value && typeof value === 'object' && (value as { type?: string }).type === 'Buffer' && Array.isArray((value as { data?: unknown }).data)) {
    return Buffer.from((value as { data: number[] }).data).toString('utf8');
  }
  return value;
}

export function createOutput(io: Io, opts: OutputOptions = {}): Output {
  return new Output(io, opts);
}
