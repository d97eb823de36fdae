/**
 * A partition with committed, aborted and plain records for read_committed tests with third-party
 * clients: transactional batches produced over the wire (producer ids from InitProducerId) and
 * markers appended through the partition log, as the transaction coordinator does.
 *
 *   0 a | 1-2 A: a1 a2 | 3 B: b1 | 4 COMMIT A | 5 B: b2 | 6 ABORT B | 7 z | 8 C: c1 | 9 ABORT C | 10 last
 */
import type { TestBroker } from './broker.js';
import { rawRequest } from './raw.js';
import { makeBatch } from '../unit/log/batch-builder.js';
import { Produce } from '../../src/engine/protocol/messages/00-produce.js';
import { InitProducerId } from '../../src/engine/protocol/messages/22-init-producer-id.js';

/**
 * For brokers these fixtures write to: the batches come from idempotent producer ids with no transactional id and
 * markers are appended straight to the partition log, so the coordinator's produce-path check (KIP-890 part 1,
 * `transaction.partition.verification.enable`) is off; the tests of that check use real transactional producers.
 */
/** The transactional id these fixtures' Produce requests carry (Kafka refuses transactional batches without one). */
export const RAW_TXN_ID = 'mq-raw-fixture';

export const RAW_TXN_SETTINGS: Record<string, string> = { 'transaction.partition.verification.enable': 'false' };

export const COMMITTED_VALUES = ['a', 'a1', 'a2', 'z', 'last'];
export const ALL_VALUES = ['a', 'a1', 'a2', 'b1', 'b2', 'z', 'c1', 'last'];

/** Writes the records above into partition 0 of `topic` (which must exist). */
export async function writeMixedTransactions(tb: TestBroker, topic: string): Promise<void> {
  const ts = 1_700_000_000_000;
  const produce = async (records: Buffer) => {
    const topicData = [{ name: topic, partitionData: [{ index: 0, records }] }];
    const r = await rawRequest(tb.bootstrap, Produce, 9, { transactionalId: RAW_TXN_ID, acks: -1, timeoutMs: 5000, topicData });
    const p = r.responses[0]!.partitionResponses[0]!;
    if (p.errorCode !== 0) throw new Error(`produce failed: ${p.errorCode} ${p.errorMessage ?? ''}`);
  };
  const producers: { id: number; epoch: number; seq: number }[] = [];
  for (let i = 0; i < 3; i++) {
    const r = await rawRequest(tb.bootstrap, InitProducerId, 4, { transactionalId: null, transactionTimeoutMs: 60000, producerId: -1, producerEpoch: -1 });
    producers.push({ id: r.producerId, epoch: r.producerEpoch, seq: 0 });
  }
  const [a, b, c] = producers as [(typeof producers)[0], (typeof producers)[0], (typeof producers)[0]];
  const txn = (p: typeof a, values: string[]) => {
    const batch = makeBatch(
      values.map((value) => ({ value, timestamp: ts })),
      { producerId: p.id, producerEpoch: p.epoch, baseSequence: p.seq, transactional: true },
    );
    p.seq += values.length;
    return produce(batch);
  };
  const log = tb.broker.services.log.partition(topic, 0);
  if (!log) throw new Error(`no partition ${topic}-0`);
  const end = (p: typeof a, type: 'COMMIT' | 'ABORT') => log.appendMarker({ producerId: p.id, producerEpoch: p.epoch, type, coordinatorEpoch: 0, timestamp: ts });
  await produce(makeBatch([{ value: 'a', timestamp: ts }]));
  await txn(a, ['a1', 'a2']);
  await txn(b, ['b1']);
  await end(a, 'COMMIT');
  await txn(b, ['b2']);
  await end(b, 'ABORT');
  await produce(makeBatch([{ value: 'z', timestamp: ts }]));
  await txn(c, ['c1']);
  await end(c, 'ABORT');
  await produce(makeBatch([{ value: 'last', timestamp: ts }]));
}
