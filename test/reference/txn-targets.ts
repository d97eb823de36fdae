/**
 * Where the transaction tests run: Apache Kafka 4.x and 3.9 (which have transactions) now, and
 * mq's own broker once its transaction coordinator and read_committed log are in. The list comes
 * from MQ_TXN_TARGETS (comma-separated: 4, 3.9, mq; default "4,3.9"); each target is one cluster,
 * started in beforeAll and stopped in afterAll, so one JVM runs at a time.
 */
import { startTestBroker, type TestBroker } from '../helpers/broker.js';
import type { KafkaCluster, KafkaVersion } from './kafka.js';

export type TxnTarget = KafkaVersion | 'mq';

export function txnTargets(): TxnTarget[] {
  const raw = process.env.MQ_TXN_TARGETS ?? '4,3.9';
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
  if (target === 'mq') {
    const b: TestBroker = await startTestBroker();
    const killAndRestart = async () => {
      // The test broker runs inside the test process: no kill -9 of it without killing the test.
      throw new Error('kill -9 of mq\'s broker needs it in a process of its own (mq-broker start --daemon); not wired in txn-targets.ts yet');
    };
    return { target, bootstrap: b.bootstrap, nodeId: 0, killAndRestart, stop: () => b.stop() };
  }
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

/** The Java version a Kafka tool run uses for a target (mq's broker is checked with Kafka 4.x's tools). */
export function toolVersion(target: TxnTarget): KafkaVersion {
  return target === 'mq' ? '4' : target;
}
