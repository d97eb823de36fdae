/**
 * Run a program with an argv array (never a shell string) and collect its output.
 */
import { spawn, spawnSync } from 'node:child_process';

export interface RunOptions {
  /** Written to the child's stdin, which is then closed. Without it stdin is closed at once. */
  stdin?: string | Uint8Array;
  /** Kill the child (SIGKILL) after this long; the result then has `timedOut: true` (default 30 s). */
  timeoutMs?: number;
  /** Extra environment, merged over process.env. */
  env?: Record<string, string | undefined>;
  cwd?: string;
}

export interface RunResult {
  stdout: string;
  stderr: string;
  /** Exit code, or null when the child died of a signal. */
  code: number | null;
  signal: NodeJS.Signals | null;
  timedOut: boolean;
  /** The raw stdout bytes, for byte-exact comparisons. */
  stdoutBytes: Buffer;
}

export function run(program: string, args: readonly string[], opts: RunOptions = {}): Promise<RunResult> {
  return start(program, args, opts).done;
}

/** Like `run`, but throws (with stdout and stderr in the message) unless the exit code is 0. */
export async function runOk(program: string, args: readonly string[], opts: RunOptions = {}): Promise<RunResult> {
  const r = await run(program, args, opts);
  if (r.code !== 0) {
    throw new Error(
      `${program} ${args.join(' ')} exited ${r.timedOut ? 'by timeout' : (r.code ?? r.signal)}\n--- stdout\n${r.stdout}\n--- stderr\n${r.stderr}`,
    );
  }
  return r;
}

export interface RunningProcess {
  /** The child's pid (undefined if it could not be started). */
  readonly pid: number | undefined;
  /** Output so far. */
  readonly stdout: string;
  readonly stderr: string;
  /** Resolves when the child exits (or is killed by the timeout). */
  readonly done: Promise<RunResult>;
  /** Send a signal (default SIGTERM). */
  kill(signal?: NodeJS.Signals): void;
}

/**
 * Start a program and return at once, so a test can watch its output (with waitFor) while it
 * runs. Same argv-only rules and timeout as `run`.
 */
export function start(program: string, args: readonly string[], opts: RunOptions = {}): RunningProcess {
  const timeoutMs = opts.timeoutMs ?? 30_000;
  const child = spawn(program, [...args], { cwd: opts.cwd, env: { ...process.env, ...opts.env }, stdio: ['pipe', 'pipe', 'pipe'] });
  const out: Buffer[] = [];
  const err: Buffer[] = [];
  let timedOut = false;
  const timer = setTimeout(() => {
    timedOut = true;
    child.kill('SIGKILL');
  }, timeoutMs);
  child.stdout.on('data', (b: Buffer) => out.push(b));
  child.stderr.on('data', (b: Buffer) => err.push(b));
  // A child that exits without reading stdin makes the write fail with EPIPE; that is its business.
  child.stdin.on('error', () => {});
  if (opts.stdin !== undefined) child.stdin.end(opts.stdin);
  else child.stdin.end();
  const done = new Promise<RunResult>((resolve, reject) => {
    child.on('error', (e) => {
      clearTimeout(timer);
      reject(e);
    });
    child.on('close', (code, signal) => {
      clearTimeout(timer);
      const stdoutBytes = Buffer.concat(out);
      resolve({ stdout: stdoutBytes.toString('utf8'), stderr: Buffer.concat(err).toString('utf8'), code, signal, timedOut, stdoutBytes });
    });
  });
  return {
    get pid() {
      return child.pid;
    },
    get stdout() {
      return Buffer.concat(out).toString('utf8');
    },
    get stderr() {
      return Buffer.concat(err).toString('utf8');
    },
    done,
    kill(signal: NodeJS.Signals = 'SIGTERM') {
      child.kill(signal);
    },
  };
}

/**
 * How many bytes written into a pipe (a FIFO's path, or /proc/PID/fd/N of a pipe) no reader has
 * taken yet: FIONREAD, asked through python3 since node has no ioctl (the peer tests need python3
 * anyway). Node's own stdio 'pipe' is a socket pair, which this cannot open: give the child a FIFO.
 */
export function unreadPipeBytes(path: string): number {
  const probe = [
    'import array, fcntl, os, sys, termios',
    'fd = os.open(sys.argv[1], os.O_RDONLY | os.O_NONBLOCK)',
    "n = array.array('i', [0])",
    'fcntl.ioctl(fd, termios.FIONREAD, n)',
    'print(n[0])',
  ].join('\n');
  const r = spawnSync('/usr/bin/python3', ['-c', probe, path], { encoding: 'utf8', timeout: 10_000 });
  if (r.status !== 0) throw new Error(`FIONREAD on ${path} failed: ${r.stderr || r.error?.message}`);
  return Number(r.stdout.trim());
}
