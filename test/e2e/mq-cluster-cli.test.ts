/**
 * mq-cluster through its built bin, where no JVM is started: the Java check's one line (no java,
 * an old one, through a stand-in `java` script in JAVA_HOME), bad flags, and the commands that need
 * a cluster when there is none. The cluster itself runs in test/reference/mq-cluster.test.ts.
 */
import { chmodSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { run } from '../helpers/proc.js';

const scratch = mkdtempSync(join(tmpdir(), 'mq-cluster-cli-'));
const env = { MQ_DATA_DIR: join(scratch, 'data'), XDG_CACHE_HOME: join(scratch, 'cache'), MQ_BOOTSTRAP_SERVER: undefined, MQ_CLUSTER_OWNER_PID: undefined, NO_COLOR: '1' };
const mqCluster = (args: string[], extra: Record<string, string | undefined> = {}) =>
  run(process.execPath, [resolve('bin', 'mq-cluster.js'), ...args], { env: { ...env, ...extra } });

afterAll(() => rmSync(scratch, { recursive: true, force: true }));

/** A JAVA_HOME whose bin/java prints `version` as `java -version` does (to stderr). */
function fakeJavaHome(versionLine: string): string {
  const home = mkdtempSync(join(scratch, 'jdk-'));
  mkdirSync(join(home, 'bin'));
  writeFileSync(join(home, 'bin', 'java'), `#!/bin/sh\necho '${versionLine}' >&2\n`);
  chmodSync(join(home, 'bin', 'java'), 0o755);
  return home;
}

describe('mq-cluster without a usable Java', () => {
  it('no java at JAVA_HOME: one line saying what to install', async () => {
    const r = await mqCluster(['up'], { JAVA_HOME: join(scratch, 'no-such-jdk') });
    expect(r.code).toBe(1);
    expect(r.stdout).toBe('');
    expect(r.stderr).toBe(
      `mq-cluster needs Java 17+ to run Apache Kafka, and ${join(scratch, 'no-such-jdk', 'bin', 'java')} does not exist: install a JDK 17 or newer (e.g. \`sudo apt install openjdk-17-jre-headless\`, \`brew install openjdk@17\`, or https://adoptium.net) or set JAVA_HOME\n`,
    );
  });

  it('Java 11: one line naming the version found, and nothing downloaded', async () => {
    const home = fakeJavaHome('openjdk version "11.0.22" 2024-01-16');
    const r = await mqCluster(['up', '--brokers', '1'], { JAVA_HOME: home });
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(new RegExp(`^mq-cluster needs Java 17\\+ to run Apache Kafka, and ${join(home, 'bin', 'java')} is Java 11: install a JDK 17 or newer .* or set JAVA_HOME\\n$`));
    expect(r.stderr).not.toContain('Downloading');
  });
});

describe('mq-cluster usage', () => {
  it.each([
    [['up', '--brokers', '0'], "mq-cluster: --brokers must be 1-9, not 0\nSee 'mq-cluster --help'.\n"],
    [['up', '--brokers', 'three'], "mq-cluster: Invalid value for --brokers: 'three' (a whole number)\nSee 'mq-cluster --help'.\n"],
    [['up', '--kafka-version', '2.8'], "mq-cluster: Kafka 2.8 is not one mq-cluster knows: it ships checksums for 3.9.2, 4.4.0 (--kafka-version 3.9 or 4 picks the newest of that line)\nSee 'mq-cluster --help'.\n"],
    [['up', '--base-port', '80'], "mq-cluster: --base-port must be 1024-65426, not 80\nSee 'mq-cluster --help'.\n"],
  ])('%j', async (args, stderr) => {
    const r = await mqCluster(args);
    expect(r.code).toBe(1);
    expect(r.stderr).toBe(stderr);
  });

  it('status without a cluster exits 3 and says how to start one; the node commands say the same', async () => {
    const dir = join(scratch, 'data', 'cluster');
    const s = await mqCluster(['status']);
    expect(s.code).toBe(3);
    expect(s.stderr).toBe(`No mq-cluster in ${dir}: start one with \`mq-cluster up\`\n`);
    for (const cmd of [['stop-node', '1'], ['start-node', '1'], ['kill-node', '1'], ['logs', '1']]) {
      const r = await mqCluster(cmd);
      expect(r.code).toBe(1);
      expect(r.stderr).toBe(`No mq-cluster in ${dir}: start one with \`mq-cluster up\`\n`);
    }
    const d = await mqCluster(['down']);
    expect(d.code).toBe(0);
    expect(d.stderr).toBe(`No mq-cluster in ${dir}\n`);
  });

  it('--help lists every subcommand', async () => {
    const r = await mqCluster(['--help']);
    expect(r.code).toBe(0);
    for (const c of ['up', 'status', 'stop-node', 'start-node', 'kill-node', 'logs', 'down', 'fetch']) expect(r.stdout).toMatch(new RegExp(`^  ${c}\\b`, 'm'));
  });
});
