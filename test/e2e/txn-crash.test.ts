/**
 * The transaction state survives kill -9 of the built broker at every state of a transaction:
 *
 * - Ongoing: after the restart the transaction is aborted once its timeout passes (ABORT marker
 *   after its data, epoch bumped), a committed one beside it stays committed.
 * - PrepareCommit / PrepareAbort durable, no marker written yet; and PrepareCommit with the marker
 *   in only one of its partitions ("half written"). These exact states are set up on an
 *   in-process broker whose files are then abandoned as a killed process leaves them (no flush,
 *   no clean-shutdown marker); the restart completes every prepared transaction: markers in every
 *   partition, CompleteCommit / CompleteAbort, and the consumer group's offsets of the committed
 *   transaction visible. A second kill -9 and restart changes nothing.
 */
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import kafkajs from 'kafkajs';
import { afterAll, describe, expect, it } from 'vitest';
import { startTestBroker } from '../helpers/broker.js';
import { createTopics } from '../helpers/kafkajs.js';
import { start, type RunningProcess } from '../helpers/proc.js';
import { rawRequest } from '../helpers/raw.js';
import { readStoredBatches } from '../helpers/segments.js';
import { waitFor } from '../helpers/wait.js';
import { decodeControlBatch } from '../../src/engine/protocol/control-batch.js';
import { OffsetFetch } from '../../src/engine/protocol/messages/09-offset-fetch.js';
import { DescribeTransactions } from '../../src/engine/protocol/messages/65-describe-transactions.js';
import { encodeTxnLogBatch } from '../../src/engine/txn/log-batch.js';

const { Kafka, logLevel } = kafkajs;
const root = join(import.meta.dirname, '../..');
const brokerBin = join(root, 'bin/mq-broker.js');
const OVERRIDES = ['transaction.abort.timed.out.transaction.cleanup.interval.ms=100', 'transaction.state.log.num.partitions=3'];

const dirs: string[] = [];
const children: RunningProcess[] = [];
afterAll(async () => {
  for (const c of children) c.kill('SIGKILL');
  await Promise.all(children.map((c) => c.done));
  for (const d of dirs) rmSync(d, { recursive: true, force: true });
});

function newDir(): string {
  const d = mkdtempSync(join(tmpdir(), 'mq-e2e-txn-crash-'));
  dirs.push(d);
  return d;
}

/** `mq-broker start` in the foreground over `dir`; resolves once its broker.json (with its own pid) is written. */
async function spawnBroker(dir: string): Promise<{ child: RunningProcess; address: string }> {
  const info = join(dir, 'broker.json');
  const before = existsSync(info) ? (JSON.parse(readFileSync(info, 'utf8')) as { pid: number }).pid : undefined;
  const args = [brokerBin, 'start', '--data-dir', dir, '--listen', '127.0.0.1:0', ...OVERRIDES.flatMap((o) => ['--override', o])];
  const child = start(process.execPath, args, { timeoutMs: 120_000, env: { MQ_DEBUG: undefined } });
  children.push(child);
  const running = await waitFor(() => {
    const j = existsSync(info) && (JSON.parse(readFileSync(info, 'utf8')) as { pid: number; port: number });
    return j && j.pid !== before && j;
  }, { timeoutMs: 20_000, message: 'the broker writes broker.json' });
  return { child, address: `127.0.0.1:${running.port}` };
}

async function kill9(child: RunningProcess): Promise<void> {
  child.kill('SIGKILL');
  const r = await child.done;
  expect(r.signal).toBe('SIGKILL');
}

const kafka = (address: string) => new Kafka({ clientId: 'txn-crash', brokers: [address], logLevel: logLevel.NOTHING, retry: { retries: 5, initialRetryTime: 50 } });

async function describeTxn(address: string, id: string) {
  return (await rawRequest(address, DescribeTransactions, 0, { transactionalIds: [id] })).transactionStates[0]!;
}

/** "offset:TYPE" of every marker in the partition, read from the segment files. */
async function markers(dir: string, topic: string, partition: number): Promise<string[]> {
  const out: string[] = [];
  for (const b of (await readStoredBatches(dir, topic, partition)).filter((x) => x.control)) {
    const bytes = await readFile(join(dir, 'logs', `${topic}-${partition}`, b.file));
    out.push(`${b.baseOffset}:${decodeControlBatch(bytes, b.position).controlType === 1 ? 'COMMIT' : 'ABORT'}`);
  }
  return out;
}

describe('kill -9 of the broker with transactions in flight', () => {
  it('an ongoing transaction is aborted after its timeout once the broker is back; a committed one stays committed', async () => {
    const dir = newDir();
    const first = await spawnBroker(dir);
    await createTopics(first.address, [{ topic: 'orders' }]);
    const k = kafka(first.address);
    const done = k.producer({ transactionalId: 'done', idempotent: true, maxInFlightRequests: 1 });
    const open = k.producer({ transactionalId: 'open', idempotent: true, maxInFlightRequests: 1, transactionTimeout: 2000 });
    await done.connect();
    await open.connect();
    const t1 = await done.transaction();
    await t1.send({ topic: 'orders', messages: [{ value: 'committed' }] });
    await t1.commit();
    await waitFor(async () => (await describeTxn(first.address, 'done')).transactionState === 'CompleteCommit');
    const t2 = await open.transaction();
    await t2.send({ topic: 'orders', messages: [{ value: 'in-flight-1' }, { value: 'in-flight-2' }] });
    const before = await describeTxn(first.address, 'open');
    expect(before.transactionState).toBe('Ongoing');
    await kill9(first.child);
    await Promise.all([done.disconnect(), open.disconnect()]);

    const second = await spawnBroker(dir);
    const aborted = await waitFor(async () => {
      const d = await describeTxn(second.address, 'open');
      return d.transactionState === 'CompleteAbort' && d;
    }, { message: 'the ongoing transaction is aborted after the restart' });
    expect(aborted.producerId).toBe(before.producerId);
    expect(aborted.producerEpoch).toBe(before.producerEpoch + 1);
    expect((await describeTxn(second.address, 'done')).transactionState).toBe('CompleteCommit');
    // offset 0 committed, 1 its COMMIT marker, 2-3 the open transaction's data, 4 its ABORT marker.
    expect(await markers(dir, 'orders', 0)).toEqual(['1:COMMIT', '4:ABORT']);

    // The transactional id is usable again.
    const again = kafka(second.address).producer({ transactionalId: 'open', idempotent: true, maxInFlightRequests: 1 });
    await again.connect();
    const t3 = await again.transaction();
    await t3.send({ topic: 'orders', messages: [{ value: 'after' }] });
    await t3.commit();
    await again.disconnect();
    await waitFor(async () => (await describeTxn(second.address, 'open')).transactionState === 'CompleteCommit');
    expect(await markers(dir, 'orders', 0)).toEqual(['1:COMMIT', '4:ABORT', '6:COMMIT']);
    await kill9(second.child);
  });

  it('prepared transactions (no markers, half the markers) complete after the restart, offsets included', async () => {
    const dir = newDir();
    const tb = await startTestBroker({ dataDir: dir, settings: Object.fromEntries(OVERRIDES.map((o) => o.split('=') as [string, string])) });
    await createTopics(tb.bootstrap, [{ topic: 'x', numPartitions: 2 }, { topic: 'y' }]);
    const k = kafka(tb.bootstrap);
    const ids = ['prep-commit', 'prep-abort', 'half'] as const;
    const producers = ids.map((id) => k.producer({ transactionalId: id, idempotent: true, maxInFlightRequests: 1 }));
    for (const p of producers) await p.connect();
    const [pc, pa, half] = await Promise.all(producers.map((p) => p.transaction()));
    await pc!.send({ topic: 'x', messages: [{ value: 'c0', partition: 0 }, { value: 'c1', partition: 1 }] });
    await pc!.sendOffsets({ consumerGroupId: 'readers', topics: [{ topic: 'y', partitions: [{ partition: 0, offset: '7' }] }] });
    await pa!.send({ topic: 'y', messages: [{ value: 'a0' }] });
    await half!.send({ topic: 'x', messages: [{ value: 'h0', partition: 0 }, { value: 'h1', partition: 1 }] });
    for (const p of producers) await p.disconnect();

    // Write the Prepare* records as the coordinator does, then stop as a killed process would:
    // the markers (all of them, or all but x-0's for "half") never get written.
    const s = tb.broker.services;
    const coordinator = await s.txn.ready();
    for (const id of ids) {
      const m = coordinator.get(id)!;
      const r = coordinator.endTxn(id, m.producerId, m.producerEpoch, id === 'prep-abort' ? 'ABORT' : 'COMMIT');
      await s.log.partition('__transaction_state', s.txn.partitionFor(id))!.append(encodeTxnLogBatch(r.records, Date.now()));
      if (id === 'half') {
        await s.log.partition('x', 0)!.appendMarker({ producerId: m.producerId, producerEpoch: m.producerEpoch, type: 'COMMIT', coordinatorEpoch: 0, timestamp: Date.now() });
      }
    }
    expect(await markers(dir, 'x', 0)).toEqual(['2:COMMIT']);
    await s.log.abandon();
    await tb.stop();
    expect(existsSync(join(dir, '.clean-shutdown'))).toBe(false);

    const b = await spawnBroker(dir);
    await waitFor(async () => {
      const states = await Promise.all(ids.map(async (id) => (await describeTxn(b.address, id)).transactionState));
      return states.join() === 'CompleteCommit,CompleteAbort,CompleteCommit';
    }, { message: 'every prepared transaction completes' });
    // x-0: c0, h0, half's marker written before the crash, then the markers written after the restart.
    expect((await markers(dir, 'x', 0)).map((m) => m.split(':')[1])).toEqual(['COMMIT', 'COMMIT', 'COMMIT']);
    expect((await markers(dir, 'x', 1)).map((m) => m.split(':')[1])).toEqual(['COMMIT', 'COMMIT']);
    expect(await markers(dir, 'y', 0)).toEqual(['1:ABORT']);
    const offsets = await rawRequest(b.address, OffsetFetch, 7, { groupId: 'readers', topics: [{ name: 'y', partitionIndexes: [0] }], requireStable: true });
    expect(offsets.topics[0]!.partitions[0]).toMatchObject({ errorCode: 0, committedOffset: 7 });

    // A second crash and restart: nothing is completed twice.
    const x0 = await markers(dir, 'x', 0);
    await kill9(b.child);
    const c = await spawnBroker(dir);
    expect((await describeTxn(c.address, 'prep-commit')).transactionState).toBe('CompleteCommit');
    expect(await markers(dir, 'x', 0)).toEqual(x0);
    const again = await rawRequest(c.address, OffsetFetch, 7, { groupId: 'readers', topics: [{ name: 'y', partitionIndexes: [0] }], requireStable: true });
    expect(again.topics[0]!.partitions[0]).toMatchObject({ errorCode: 0, committedOffset: 7 });
    await kill9(c.child);
  });
});
