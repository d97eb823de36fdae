/**
 * The streams and environment a command runs with. Commands write through this rather than
 * touching process.* so tests can run them in-process and capture everything.
 *
 *   main(argv, systemIo())                                   // bin/
 *   const cap = captureIo({ env: { NO_COLOR: '1' }, stdin: 'a\nb\n' });
 *   const code = await main(['--list'], cap.io);             // tests, in-process
 *   cap.stdout(); cap.stderr();
 */
import { PassThrough, Writable, type Readable } from 'node:stream';
import type { EngineIo } from '../engine/io.js';

/** Also the engine's EngineIo: commands hand theirs to openSession and the broker as it is. */
export interface Io extends EngineIo {
  stdin: Readable & { isTTY?: boolean };
  stdout: Writable & { isTTY?: boolean };
  stderr: Writable & { isTTY?: boolean };
  env: NodeJS.ProcessEnv;
}

export function systemIo(): Io {
  return { stdin: process.stdin, stdout: process.stdout, stderr: process.stderr, env: process.env };
}

export interface CapturedIo {
  io: Io;
  stdout(): string;
  stderr(): string;
}

/** An in-memory Io. `stdin` is ended after the given text (or at once); TTY flags are off unless asked. */
export function captureIo(opts: { env?: NodeJS.ProcessEnv; stdin?: string | Buffer | Readable; stdoutTTY?: boolean; stderrTTY?: boolean } = {}): CapturedIo {
  const out: Buffer[] = [];
  const err: Buffer[] = [];
  const mk = (sink: Buffer[], tty: boolean | undefined) => {
    const w = new Writable({
      write(chunk: Buffer | string, _enc, cb) {
        sink.push(Buffer.isBuffer(chunk) ? chunk : Buffer.from(chunk));
        cb();
      },
    }) as Writable & { isTTY?: boolean };
    if (tty) w.isTTY = true;
    return w;
  };
  let stdin: Readable;
  if (opts.stdin !== undefined && typeof opts.stdin !== 'string' && !Buffer.isBuffer(opts.stdin)) {
    stdin = opts.stdin;
  } else {
    const p = new PassThrough();
    if (opts.stdin !== undefined) p.end(opts.stdin);
    else p.end();
    stdin = p;
  }
  return {
    io: { stdin, stdout: mk(out, opts.stdoutTTY), stderr: mk(err, opts.stderrTTY), env: opts.env ?? {} },
    stdout: () => Buffer.concat(out).toString('utf8'),
    stderr: () => Buffer.concat(err).toString('utf8'),
  };
}
