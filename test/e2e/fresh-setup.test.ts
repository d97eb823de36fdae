/**
 * The README's set-up on a fresh machine: a fresh clone of this commit, a fresh HOME, the README's
 * first command as typed, then `mq-topics --list` in a new shell. The global npm prefix is a
 * temporary directory (npm_config_prefix), so the real one is never touched; its bin/ stands for
 * the directory on a user's PATH where `npm link` puts the tools (/usr/bin or /usr/local/bin).
 *
 * This is the one test that runs `npm ci` from the registry (~20 s).
 */
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { run } from '../helpers/proc.js';

/** The README's first command, as typed (keep it the same as README.md's "Set up"). */
const FIRST_COMMAND = 'npm ci && npm link && mq-topics --create --topic quickstart-events --partitions 3';

const root = join(import.meta.dirname, '../..');
const tmp = mkdtempSync(join(tmpdir(), 'mq-fresh-setup-'));
const clone = join(tmp, 'mq');
const prefix = join(tmp, 'prefix');
const dataDir = join(tmp, 'data');

/** A new shell's environment: nothing of this process's npm_* or MQ_* variables, a fresh HOME (the machine's CA settings stay). */
function freshEnv(): Record<string, string | undefined> {
  const env: Record<string, string | undefined> = {};
  for (const k of Object.keys(process.env)) if (/^(npm_|MQ_|VITEST)/i.test(k) || k === 'INIT_CWD') env[k] = undefined;
  return {
    ...env,
    HOME: tmp,
    npm_config_prefix: prefix,
    PATH: `${join(prefix, 'bin')}:${process.env.PATH ?? ''}`,
    MQ_DATA_DIR: dataDir,
  };
}

afterAll(async () => {
  await run('bash', ['-c', 'mq-broker stop'], { env: freshEnv() });
  rmSync(tmp, { recursive: true, force: true });
});

describe("the README's set-up on a fresh machine", () => {
  it('puts every mq-* tool on PATH for a new shell, and the broker hint works as printed', async () => {
    execFileSync('git', ['clone', '--quiet', root, clone]);
    // Before: bare mq-topics is not a command on this PATH.
    const before = await run('bash', ['-c', 'mq-topics --list'], { env: freshEnv() });
    expect(before.code).toBe(127);

    const first = await run('bash', ['-c', FIRST_COMMAND], { cwd: clone, env: freshEnv(), timeoutMs: 400_000 });
    expect(first.code, first.stderr).toBe(0);
    expect(first.stdout).toContain('Created topic quickstart-events.');
    const hint = /stop it with: (mq-broker stop[^\n]*)/.exec(first.stderr);
    expect(hint, first.stderr).not.toBeNull();

    // A new shell, started from elsewhere: the tools are found on PATH, not through npx.
    const listed = await run('bash', ['-c', 'mq-topics --list'], { cwd: tmp, env: freshEnv() });
    expect(listed.stderr).toBe('');
    expect(listed.stdout).toBe('quickstart-events\n');
    const tools = Object.keys((JSON.parse(readFileSync(join(clone, 'package.json'), 'utf8')) as { bin: Record<string, string> }).bin);
    expect(tools).toContain('mq-broker');
    const bins = await run('bash', ['-c', `for t in ${tools.join(' ')}; do command -v "$t" >/dev/null || echo "missing $t"; done`], { cwd: tmp, env: freshEnv() });
    expect(bins.stdout).toBe('');

    // The hint the broker printed, run as printed.
    const stopped = await run('bash', ['-c', hint![1]!], { cwd: tmp, env: freshEnv() });
    expect(stopped.code, stopped.stderr).toBe(0);
    expect(stopped.stderr).toMatch(/^Stopped mq broker \(pid \d+, 127\.0\.0\.1:\d+\)\n$/);
  }, 480_000);
});
