/**
 * kill -9 of a spawned broker with a transaction half written (transactional data, no marker):
 * after the restart the last stable offset is still held at the transaction's first offset,
 * read_committed readers see nothing of it, and the producer state (ids, epochs, sequences,
 * the open transaction) is what it was. A marker written after the restart then ends it.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { connect } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { startTestBroker } from '../helpers/broker.js';
import { createTopics } from '../helpers/kafkajs.js';
import { randomTopic } from '../helpers/names.js';
import { rawRequest } from '../helpers/raw.js';
import { waitFor } from '../helpers/wait.js';
import { makeBatch } from '../unit/log/batch-builder.js';
import { Produce } from '../../src/engine/protocol/messages/00-produce.js';
import { Fetch } from '../../src/engine/protocol/messages/01-fetch.js';
import { ListOffsets } from '../../src/engine/protocol/messages/02-list-offsets.js';
import { InitProducerId } from '../../src/engine/protocol/messages/22-init-producer-id.js';
import { DescribeProducers } from '../../src/engine/protocol/messages/61-describe-producers.js';
import { RAW_TXN_SETTINGS, RAW_TXN_ID } from '../helpers/transactions.js';

const brokerBin = join(import.meta.dirname, '../../bin/mq-broker.js');
const cleanups: (() => Promise<void>)[] = [];
afterEach(async () => {
  while (cleanups.length) await cleanups.pop()!();
});

function refused(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = connect({ host: '127.0.0.1', port });
    socket.once('connect', () => {
      socket.destroy();
      resolve(false);
    });
    socket.once('error', (err: NodeJS.ErrnoException) => resolve(err.code === 'ECONNREFUSED'));
  });
}

async function startProcess(dataDir: string, port: number): Promise<ChildProcess> {
  const child = spawn(process.execPath, [brokerBin, 'start', '--data-dir', dataDir, '--listen', `127.0.0.1:${port}`, '--override', 'transaction.partition.verification.enable=false'], { stdio: ['ignore', 'ignore', 'pipe'] });
  let stderr = '';
  child.stderr.on('data', (d) => (stderr += d));
  await waitFor(() => stderr.includes('listening on'), { timeoutMs: 15_000, message: 'the broker to listen' });
  return child;
}

async function produce(bootstrap: string, topic: string, batch: Buffer): Promise<number> {
  const topicData = [{ name: topic, partitionData: [{ index: 0, records: batch }] }];
  const r = await rawRequest(bootstrap, Produce, 9, { transactionalId: RAW_TXN_ID, acks: -1, timeoutMs: 5000, topicData });
  const p = r.responses[0]!.partitionResponses[0]!;
  expect(p.errorCode, p.errorMessage ?? '').toBe(0);
  return p.baseOffset;
}

/** What a client sees of the partition's transactions: LSO and HW from Fetch, LATEST per isolation, the producers. */
async function observe(bootstrap: string, topic: string) {
  const fetch = await rawRequest(bootstrap, Fetch, 12, {
    replicaId: -1,
    maxWaitMs: 0,
    minBytes: 0,
    maxBytes: 1 << 20,
    isolationLevel: 1,
    sessionId: 0,
    sessionEpoch: -1,
    topics: [
      { topic, partitions: [{ partition: 0, currentLeaderEpoch: -1, fetchOffset: 0, lastFetchedEpoch: -1, logStartOffset: -1, partitionMaxBytes: 1 << 20 }] },
    ],
    forgottenTopicsData: [],
    rackId: '',
  });
  const latest = async (isolationLevel: number) => {
    const topics = [{ name: topic, partitions: [{ partitionIndex: 0, currentLeaderEpoch: -1, timestamp: -1 }] }];
    return (await rawRequest(bootstrap, ListOffsets, 9, { replicaId: -1, isolationLevel, topics })).topics[0]!.partitions[0]!.offset;
  };
  const producers = await rawRequest(bootstrap, DescribeProducers, 0, { topics: [{ name: topic, partitionIndexes: [0] }] });
  const p = fetch.responses[0]!.partitions[0]!;
  return {
    highWatermark: p.highWatermark,
    lastStableOffset: p.lastStableOffset,
    committedBytes: p.records?.length ?? 0,
    latestCommitted: await latest(1),
    latestUncommitted: await latest(0),
    producers: producers.topics[0]!.partitions[0]!.activeProducers.sort((a, b) => a.producerId - b.producerId),
  };
}

describe('kill -9 with a transaction half written', () => {
  it('restarts with the LSO still held and the same producer state; a later marker ends the transaction', async () => {
    const dataDir = await mkdtemp(join(tmpdir(), 'mq-txn-kill-'));
    cleanups.push(() => rm(dataDir, { recursive: true, force: true }));
    let child: ChildProcess | undefined;
    cleanups.push(async () => {
      child?.kill('SIGKILL');
    });
    const port = 20000 + Math.floor(Math.random() * 20000);
    const bootstrap = `127.0.0.1:${port}`;
    child = await startProcess(dataDir, port);
    const topic = randomTopic('txkill');
    await createTopics(bootstrap, [{ topic, numPartitions: 1 }]);
    const init = await rawRequest(bootstrap, InitProducerId, 4, { transactionalId: null, transactionTimeoutMs: 60000, producerId: -1, producerEpoch: -1 });
    const idem = await rawRequest(bootstrap, InitProducerId, 4, { transactionalId: null, transactionTimeoutMs: 60000, producerId: -1, producerEpoch: -1 });
    const pid = init.producerId;
    const tx = (seq: number, n: number) =>
      makeBatch(Array.from({ length: n }, (_, i) => ({ value: `tx${seq + i}`, timestamp: 1_700_000_000_000 + seq })), {
        producerId: pid,
        producerEpoch: init.producerEpoch,
        baseSequence: seq,
        transactional: true,
      });
    await produce(bootstrap, topic, makeBatch([{ value: 'before' }])); // 0
    expect(await produce(bootstrap, topic, tx(0, 3))).toBe(1); // 1-3
    await produce(bootstrap, topic, makeBatch([{ value: 'plain' }], { producerId: idem.producerId, producerEpoch: idem.producerEpoch, baseSequence: 0 })); // 4
    await produce(bootstrap, topic, tx(3, 2)); // 5-6
    const before = await observe(bootstrap, topic);
    expect(before).toMatchObject({ highWatermark: 7, lastStableOffset: 1, latestCommitted: 1, latestUncommitted: 7 });
    expect(before.producers.find((p) => p.producerId === pid)).toMatchObject({ lastSequence: 4, currentTxnStartOffset: 1 });

    child.kill('SIGKILL');
    await new Promise((r) => child!.once('exit', r));
    await waitFor(() => refused(port), { timeoutMs: 10_000, message: `port ${port} released by the killed broker` });
    child = await startProcess(dataDir, port);
    const after = await observe(bootstrap, topic);
    expect(after).toEqual(before);
    // A retry of the last transactional batch is recognised as a duplicate after the crash.
    expect(await produce(bootstrap, topic, tx(3, 2))).toBe(5);
    child.kill('SIGTERM');
    await new Promise((r) => child.once('exit', r));

    // The coordinator's marker (in-process, over the same data) ends the transaction.
    const tb = await startTestBroker({ dataDir, settings: RAW_TXN_SETTINGS });
    cleanups.push(() => tb.stop());
    const log = tb.broker.services.log.partition(topic, 0)!;
    expect(log.lastStableOffset).toBe(1);
    await log.appendMarker({ producerId: pid, producerEpoch: init.producerEpoch, type: 'ABORT', coordinatorEpoch: 0, timestamp: 1_700_000_000_100 });
    const ended = await observe(tb.bootstrap, topic);
    expect(ended).toMatchObject({ highWatermark: 8, lastStableOffset: 8, latestCommitted: 8 });
    expect(ended.producers.find((p) => p.producerId === pid)).toMatchObject({ currentTxnStartOffset: -1, coordinatorEpoch: 0 });
    expect(log.abortedTransactions()).toEqual([{ producerId: pid, firstOffset: 1, lastOffset: 7, lastStableOffset: 8 }]);
  }, 60_000);
});
