/**
 * Where the transaction tests run: Apache Kafka 4.x and 3.9, and mq's own broker (bin/mq-broker.js
 * in a process of its own), so every assertion holds on both. The list comes from MQ_TXN_TARGETS
 * (comma-separated: 4, 3.9, mq; default all three); each target is one cluster, started in
 * beforeAll and stopped in afterAll, so one JVM runs at a time.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { createConnection } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { waitFor } from '../helpers/wait.js';
import type { KafkaCluster, KafkaVersion } from './kafka.js';

export type TxnTarget = KafkaVersion | 'mq';

export function txnTargets(): TxnTarget[] {
  const raw = process.env.MQ_TXN_TARGETS ?? '4,3.9,mq';
  const out: TxnTarget[] = [];
  for (const t of raw.split(',').map((s) => s.trim()).filter(Boolean)) {
    if (t !== '4' && t !== '3.9' && t !== 'mq') throw new Error(`MQ_TXN_TARGETS: unknown target '${t}' (4, 3.9 or mq)`);
    out.push(t);
  }
  return out;
}

export interface RunningTarget {
  target: TxnTarget;
  bootstrap: string;
  /** The broker's node id (find-hanging --broker-id). */
  nodeId: number;
  /** kill -9 of the broker, then the same broker started again over its data. */
  killAndRestart(): Promise<void>;
  stop(): Promise<void>;
}

export async function startTarget(target: TxnTarget): Promise<RunningTarget> {
  if (target === 'mq') return startMqBroker();
  const { startKafka } = await import('./kafka.js');
  const k: KafkaCluster = await startKafka({
    version: target,
    nodes: 1,
    heapMb: 256,
    // Without KIP-890's produce verification a transactional batch can reach a partition its
    // coordinator was not told of: how the tests make a hanging transaction for find-hanging/abort.
    overrides: { 'transaction.partition.verification.enable': false },
  });
  const node = k.nodes[0]!;
  const killAndRestart = async () => {
    await node.stop({ signal: 'SIGKILL' });
    await node.start();
  };
  return { target, bootstrap: k.bootstrap, nodeId: node.id, killAndRestart, stop: () => k.stop() };
}

/**
 * mq's broker as its own process (the built bin/mq-broker.js in the foreground, `npm run build`
 * first), so a test can kill -9 it and start it again over the same data directory.
 */
async function startMqBroker(): Promise<RunningTarget> {
  const { freePort } = await import('./kafka.js');
  const port = await freePort();
  const dataDir = mkdtempSync(join(tmpdir(), 'mq-txn-target-'));
  const bin = fileURLToPath(new URL('../../bin/mq-broker.js', import.meta.url));
  let child: ChildProcess | undefined;
  const start = async () => {
    // The same produce-verification switch as for Kafka (see startTarget): find-hanging needs a hanging transaction.
    const args = [bin, 'start', '--data-dir', dataDir, '--listen', `127.0.0.1:${port}`, '--override', 'transaction.partition.verification.enable=false'];
    child = spawn(process.execPath, args, { stdio: 'ignore', detached: true });
    await waitFor(() => canConnect(port), { timeoutMs: 30_000, message: `mq-broker did not listen on ${port}` });
  };
  const kill = async (signal: NodeJS.Signals) => {
    const c = child;
    if (!c || c.exitCode !== null || c.signalCode !== null) return;
    const gone = new Promise((r) => c.once('exit', r));
    process.kill(-c.pid!, signal);
    await gone;
  };
  await start();
  return {
    target: 'mq',
    bootstrap: `127.0.0.1:${port}`,
    nodeId: 1, // mq's node.id default
    killAndRestart: async () => {
      await kill('SIGKILL');
      await start();
    },
    stop: async () => {
      await kill('SIGTERM');
      rmSync(dataDir, { recursive: true, force: true });
    },
  };
}

function canConnect(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const s = createConnection({ host: '127.0.0.1', port }, () => {
      s.destroy();
      resolve(true);
    });
    s.on('error', () => resolve(false));
  });
}

/** The Java version a Kafka tool run uses for a target (mq's broker is checked with Kafka 4.x's tools). */
export function toolVersion(target: TxnTarget): KafkaVersion {
  return target === 'mq' ? '4' : target;
}
