/**
 * Crash tests: a scenario's `__transaction_state` records are cut after each write, as a kill -9
 * would leave them, and the coordinator is reloaded from what is left. Each cut must load into
 * the state that write left, complete prepared transactions with the right markers, abort
 * ongoing ones after their timeout, and accept the producer again.
 */
import { describe, expect, it } from 'vitest';
import { ManualClock } from '../../../src/engine/clock.js';
import { ErrorCode } from '../../../src/engine/protocol/error-codes.js';
import type { TxnCoordinatorConfig } from '../../../src/engine/txn/coordinator.js';
import type { TxnLogRecord, TxnMetadata } from '../../../src/engine/txn/metadata.js';
import { loadCoordinator, replayTransactionLog } from '../../../src/engine/txn/replay.js';
import { encodeTransactionLogKey } from '../../../src/engine/txn/transaction-log-records.js';
import { CONFIG, harness } from './helpers.js';

const tp = (topic: string, partition: number) => ({ topic, partition });

interface Snapshot {
  records: number;
  state: Omit<TxnMetadata, 'lastProducerEpoch' | 'pendingState' | 'hasFailedEpochFence'>;
}

/** Runs a producer's life (commit, abort, fence, timeout) and snapshots the metadata after every write. */
function scenario(config: Partial<TxnCoordinatorConfig>) {
  const h = harness(config);
  const snapshots: Snapshot[] = [];
  const snap = () => {
    const { lastProducerEpoch: _l, pendingState: _p, hasFailedEpochFence: _f, ...state } = h.coordinator.get('tx')!;
    snapshots.push({ records: h.log.length, state });
  };
  const step = <T>(r: Parameters<typeof h.write<T>>[0]): T => {
    const out = h.write(r);
    snap();
    return out;
  };
  const markers = () => {
    step(h.coordinator.markersWritten(h.markers.shift()!));
  };
  const init = step(h.coordinator.initProducerId('tx', 5_000));
  const { producerId: pid, producerEpoch: e0 } = init;
  h.clock.advance(1);
  step(h.coordinator.addPartitions('tx', pid, e0, [tp('a', 0)]));
  step(h.coordinator.addOffsets('tx', pid, e0, 'g'));
  step(h.coordinator.endTxn('tx', pid, e0, 'COMMIT'));
  markers();
  step(h.coordinator.addPartitions('tx', pid, e0, [tp('b', 1)]));
  step(h.coordinator.endTxn('tx', pid, e0, 'ABORT'));
  markers();
  step(h.coordinator.addPartitions('tx', pid, e0, [tp('c', 2)]));
  // A second producer fences the first mid-transaction.
  step(h.coordinator.initProducerId('tx', 5_000));
  markers();
  const e2 = step(h.coordinator.initProducerId('tx', 5_000)).producerEpoch;
  step(h.coordinator.addPartitions('tx', pid, e2, [tp('d', 3)]));
  h.clock.advance(6_000);
  for (const r of h.coordinator.abortTimedOutTransactions()) step(r);
  markers();
  return { log: h.log, snapshots, now: h.clock.now(), pid };
}

for (const logValueVersion of [0, 1] as const) {
  describe(`restart from __transaction_state written as TransactionLogValue v${logValueVersion}`, () => {
    const run = scenario({ logValueVersion });
    const config = { ...CONFIG, logValueVersion, coordinatorEpoch: CONFIG.coordinatorEpoch + 1 };

    it('covers every state the records can hold', () => {
      expect(new Set(run.snapshots.map((s) => s.state.state))).toEqual(new Set(['Empty', 'Ongoing', 'PrepareCommit', 'CompleteCommit', 'PrepareAbort', 'CompleteAbort']));
    });

    for (const [i, snap] of run.snapshots.entries()) {
      it(`cut after write ${i + 1} (${snap.state.state}, ${snap.state.partitions.length} partitions): reloads consistently`, () => {
        const clock = new ManualClock(run.now);
        let next = 5000;
        const { coordinator, markers } = loadCoordinator(run.log.slice(0, snap.records), config, clock, () => next++);
        const loaded = coordinator.get('tx')!;
        // The last epoch is not in the record (Kafka loads -1 too); v0 has no previous producer id.
        const { previousProducerId, ...rest } = snap.state;
        expect(loaded).toMatchObject({ ...rest, lastProducerEpoch: -1, previousProducerId: logValueVersion === 0 ? -1 : previousProducerId });

        const s = snap.state.state;
        if (s === 'PrepareCommit' || s === 'PrepareAbort') {
          // Prepared: the markers are written again, then the transaction completes.
          expect(markers).toEqual([
            {
              transactionalId: 'tx',
              producerId: snap.state.producerId,
              producerEpoch: snap.state.producerEpoch,
              coordinatorEpoch: config.coordinatorEpoch,
              result: s === 'PrepareCommit' ? 'COMMIT' : 'ABORT',
              partitions: snap.state.partitions,
            },
          ]);
          // Until then the producer is told to wait.
          expect(coordinator.initProducerId('tx', 5_000).response.errorCode).toBe(ErrorCode.CONCURRENT_TRANSACTIONS);
          const done = coordinator.markersWritten(markers[0]!);
          done.complete();
          expect(coordinator.get('tx')?.state).toBe(s === 'PrepareCommit' ? 'CompleteCommit' : 'CompleteAbort');
        } else {
          expect(markers).toEqual([]);
        }

        if (s === 'Ongoing') {
          // Ongoing: aborted with an epoch bump once older than its timeout (already, at run.now).
          const aborts = coordinator.abortTimedOutTransactions();
          expect(aborts).toHaveLength(1);
          expect(aborts[0]!.markers).toMatchObject({ result: 'ABORT', producerEpoch: snap.state.producerEpoch + 1, partitions: snap.state.partitions });
          aborts[0]!.complete();
          coordinator.markersWritten(aborts[0]!.markers!).complete();
          expect(coordinator.get('tx')?.state).toBe('CompleteAbort');
        }

        // Nothing is stuck: the producer initialises again with a higher epoch.
        const before = coordinator.get('tx')!.producerEpoch;
        const init = coordinator.initProducerId('tx', 5_000);
        expect(init.response).toEqual({ errorCode: ErrorCode.NONE, producerId: run.pid, producerEpoch: before + 1 });
      });
    }

    it('an ongoing transaction reloaded before its timeout is not aborted until it expires', () => {
      const cut = run.snapshots.find((s) => s.state.state === 'Ongoing')!;
      const clock = new ManualClock(cut.state.txnStartTimestamp);
      const { coordinator } = loadCoordinator(run.log.slice(0, cut.records), config, clock, () => 9);
      expect(coordinator.abortTimedOutTransactions()).toEqual([]);
      clock.advance(cut.state.txnTimeoutMs + 1);
      expect(coordinator.abortTimedOutTransactions()).toHaveLength(1);
    });
  });
}

describe('replayTransactionLog', () => {
  it('keeps the latest value per id, removes an id at a tombstone, and skips keys of unknown versions', () => {
    const h = harness();
    h.write(h.coordinator.initProducerId('a', 1_000));
    h.write(h.coordinator.initProducerId('b', 1_000));
    h.write(h.coordinator.initProducerId('a', 1_000));
    const unknownKey = Buffer.from([0, 9, 0, 1, 0x61]);
    const log: TxnLogRecord[] = [...h.log, { key: encodeTransactionLogKey('b'), value: null }, { key: unknownKey, value: h.log[0]!.value }];
    const state = replayTransactionLog(log);
    expect([...state.keys()]).toEqual(['a']);
    expect(state.get('a')).toMatchObject({ producerId: 1000, producerEpoch: 1, state: 'Empty' });
  });

  it('tells the highest producer id in the log, so the allocator can start above it', () => {
    const h = harness();
    h.write(h.coordinator.initProducerId('a', 1_000));
    h.write(h.coordinator.initProducerId('b', 1_000));
    const { coordinator } = loadCoordinator(h.log, CONFIG, new ManualClock(), () => 0);
    expect(coordinator.highestProducerId()).toBe(1001);
    expect(loadCoordinator([], CONFIG, new ManualClock(), () => 0).coordinator.highestProducerId()).toBe(-1);
  });
});
