// Suite C: one interface over Kafka's console tools (JVM, through the reference harness) and mq's
// (node bin/mq-*.js), so the same scenario can run with either set of tools against either broker.

import { spawn } from 'node:child_process';
import { join } from 'node:path';
import { REPO_ROOT, runKafkaTool, spawnKafkaTool, type KafkaTool } from '../kafka.js';

/** Tool names without the `kafka-` / `mq-` prefix. */
export type ToolName = 'topics' | 'console-producer' | 'console-consumer' | 'consumer-groups' | 'get-offsets' | 'configs';

export interface ToolRun {
  stdout: string;
  stderr: string;
  code: number | null;
  durationMs: number;
}

export interface LongRunning {
  readonly stdout: string;
  readonly stderr: string;
  /** resolves once stdout matches; rejects on timeout or exit */
  waitFor(pred: (stdout: string) => boolean, what: string, timeoutMs?: number): Promise<void>;
  /** SIGTERM, SIGKILL after 15 s */
  stop(): Promise<ToolRun>;
}

export interface ToolSet {
  readonly name: 'kafka' | 'mq';
  run(tool: ToolName, args: string[], opts?: { stdin?: string; timeoutMs?: number }): Promise<ToolRun>;
  spawn(tool: ToolName, args: string[]): LongRunning;
}

export const kafkaTools: ToolSet = {
  name: 'kafka',
  async run(tool, args, opts = {}) {
    const r = await runKafkaTool('4', `kafka-${tool}` as KafkaTool, args, { stdin: opts.stdin, timeoutMs: opts.timeoutMs ?? 90_000 });
    return { stdout: r.stdout, stderr: r.stderr, code: r.code, durationMs: r.durationMs };
  },
  spawn(tool, args) {
    const t = spawnKafkaTool('4', `kafka-${tool}` as KafkaTool, args);
    return {
      get stdout() {
        return t.stdout;
      },
      get stderr() {
        return t.stderr;
      },
      waitFor: (pred, what, timeoutMs = 60_000) => pollUntil(() => pred(t.stdout), what, timeoutMs, () => `${t.stdout}\n${t.stderr}`),
      async stop() {
        const r = await t.stop(15_000);
        return { stdout: r.stdout, stderr: r.stderr, code: r.code, durationMs: r.durationMs };
      },
    };
  },
};

function mqBin(tool: ToolName): string {
  return join(REPO_ROOT, 'bin', `mq-${tool}.js`);
}

/**
 * mq's tools never fall back to a local broker here: the scenario always passes --bootstrap-server.
 * MQ_KAFKA_ERRORS: the transcripts compare error text with Kafka's, Java exception names included.
 */
function mqEnv(): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = { ...process.env, NO_COLOR: '1', MQ_KAFKA_ERRORS: '1' };
  delete env.MQ_BOOTSTRAP_SERVER;
  delete env.FORCE_COLOR;
  return env;
}

function runMq(tool: ToolName, args: string[], opts: { stdin?: string; timeoutMs?: number }): Promise<ToolRun> {
  const started = Date.now();
  return new Promise<ToolRun>((resolve, reject) => {
    const child = spawn(process.execPath, [mqBin(tool), ...args], { env: mqEnv(), stdio: ['pipe', 'pipe', 'pipe'] });
    const out: Buffer[] = [];
    const err: Buffer[] = [];
    child.stdout.on('data', (b: Buffer) => out.push(b));
    child.stderr.on('data', (b: Buffer) => err.push(b));
    child.stdin.on('error', () => undefined);
    child.stdin.end(opts.stdin ?? '');
    const timer = setTimeout(() => child.kill('SIGKILL'), opts.timeoutMs ?? 60_000);
    child.once('error', reject);
    child.once('close', (code) => {
      clearTimeout(timer);
      resolve({
        stdout: Buffer.concat(out).toString('utf8'),
        stderr: Buffer.concat(err).toString('utf8'),
        code,
        durationMs: Date.now() - started,
      });
    });
  });
}

/**
 * Other engineers rebuild dist/ in the same checkout; a tool started mid-build fails to load its
 * modules. Such a run (and only such a run) is retried once, a few seconds later.
 */
const HALF_BUILT = /^(SyntaxError: The requested module|Error \[ERR_MODULE_NOT_FOUND\])/m;

export const mqTools: ToolSet = {
  name: 'mq',
  async run(tool, args, opts = {}) {
    const r = await runMq(tool, args, opts);
    if (r.code === 0 || !HALF_BUILT.test(r.stderr)) return r;
    await new Promise((res) => setTimeout(res, 5000));
    return runMq(tool, args, opts);
  },
  spawn(tool, args) {
    const started = Date.now();
    const child = spawn(process.execPath, [mqBin(tool), ...args], { env: mqEnv(), stdio: ['pipe', 'pipe', 'pipe'] });
    let out = '';
    let err = '';
    child.stdout.setEncoding('utf8').on('data', (s: string) => (out += s));
    child.stderr.setEncoding('utf8').on('data', (s: string) => (err += s));
    child.stdin.on('error', () => undefined);
    const done = new Promise<ToolRun>((resolve) => {
      child.once('close', (code) => resolve({ stdout: out, stderr: err, code, durationMs: Date.now() - started }));
    });
    const exited = (): boolean => child.exitCode !== null || child.signalCode !== null;
    return {
      get stdout() {
        return out;
      },
      get stderr() {
        return err;
      },
      waitFor: (pred, what, timeoutMs = 60_000) =>
        pollUntil(
          () => {
            if (pred(out)) return true;
            if (exited()) throw new ToolExited(`mq-${tool} exited before ${what}:\n${out}\n${err}`);
            return false;
          },
          what,
          timeoutMs,
          () => `${out}\n${err}`,
        ),
      async stop() {
        if (!exited()) child.kill('SIGTERM');
        const t = setTimeout(() => child.kill('SIGKILL'), 15_000);
        const r = await done;
        clearTimeout(t);
        return r;
      },
    };
  },
};

class ToolExited extends Error {}

export async function pollUntil(
  check: () => boolean | Promise<boolean>,
  what: string,
  timeoutMs: number,
  detail: () => string = () => '',
): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  let lastError = '';
  for (;;) {
    try {
      if (await check()) return;
    } catch (e) {
      if (e instanceof ToolExited) throw e;
      // A coordinator still loading (NOT_COORDINATOR, COORDINATOR_LOAD_IN_PROGRESS) is worth another look.
      lastError = String(e);
    }
    if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what} ${lastError}\n${detail()}`);
    await new Promise((r) => setTimeout(r, 200));
  }
}
