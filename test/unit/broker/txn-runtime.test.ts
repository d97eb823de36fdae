/**
 * The transaction runtime's timers with an injected clock, over the real log engine on the
 * in-memory file system: an Ongoing transaction is aborted at the first check after its timeout
 * (transaction.abort.timed.out.transaction.cleanup.interval.ms), not before, with an ABORT marker
 * in its partition and the epoch bumped; an idle id expires at its check
 * (transaction.remove.expired.transaction.cleanup.interval.ms, transactional.id.expiration.ms).
 */
import { afterEach, describe, expect, it } from 'vitest';
import { ManualClock } from '../../../src/engine/clock.js';
import { quietLogger } from '../../../src/engine/broker/broker.js';
import { BrokerSettings } from '../../../src/engine/broker/config.js';
import { TransactionRuntime } from '../../../src/engine/broker/txn-runtime.js';
import { GroupCoordinator, MemoryOffsetStore } from '../../../src/engine/group/index.js';
import { LogDir } from '../../../src/engine/log/log-dir.js';
import { MemFs } from '../../../src/engine/log/mem-fs.js';
import { decodeControlBatch } from '../../../src/engine/protocol/control-batch.js';
import { Attr, readBatchHeader } from '../../../src/engine/protocol/record-batch.js';
import { waitFor } from '../../helpers/wait.js';

const closers: (() => Promise<void>)[] = [];
afterEach(async () => {
  for (const c of closers.splice(0).reverse()) await c();
});

async function setup(settings: Record<string, string>) {
  const clock = new ManualClock();
  const fs = new MemFs();
  const all = new BrokerSettings(Object.entries({ 'transaction.state.log.num.partitions': '2', ...settings }));
  const log = await LogDir.open('/data', { fs, clock, logger: quietLogger, settings: all.toObject() });
  const groups = new GroupCoordinator({ clock, store: new MemoryOffsetStore() });
  let next = 100;
  const runtime = new TransactionRuntime({ log, groups, settings: all, clock, logger: quietLogger, allocateProducerId: async () => next++ });
  closers.push(async () => {
    await runtime.close();
    await groups.close();
    await log.close();
  });
  await log.createTopic('t', 1);
  const coordinator = await runtime.ready();
  const init = async (id: string, timeoutMs: number) => {
    await runtime.prepareProducerId(id);
    return runtime.run(id, coordinator.initProducerId(id, timeoutMs));
  };
  return { clock, log, runtime, coordinator, init };
}

async function controlTypes(log: LogDir): Promise<number[]> {
  const r = await log.partition('t', 0)!.read(0, 1 << 20);
  const out: number[] = [];
  for (let at = 0; at + 61 <= r.records.length; ) {
    const h = readBatchHeader(r.records, at);
    if (h.attributes & Attr.control) out.push(decodeControlBatch(r.records, at).controlType);
    at += h.size;
  }
  return out;
}

describe('transaction runtime timers (injected clock)', () => {
  it('aborts an Ongoing transaction at the first check after start + timeout', async () => {
    const { clock, log, runtime, coordinator, init } = await setup({ 'transaction.abort.timed.out.transaction.cleanup.interval.ms': '1000' });
    const { producerId, producerEpoch } = await init('a', 2500);
    await runtime.run('a', coordinator.addPartitions('a', producerId, producerEpoch, [{ topic: 't', partition: 0 }]));
    clock.advance(2000); // checks at 1000 and 2000: not yet (an abort would have set a pending state at once)
    expect(coordinator.get('a')).toMatchObject({ state: 'Ongoing', pendingState: null });
    clock.advance(1000); // check at 3000 > 2500
    await waitFor(() => coordinator.get('a')!.state === 'CompleteAbort');
    expect(coordinator.get('a')!.producerEpoch).toBe(producerEpoch + 1);
    expect(await controlTypes(log)).toEqual([0]);
  });

  it('expires an idle transactional id at the first check after transactional.id.expiration.ms', async () => {
    const { clock, coordinator, init } = await setup({
      'transactional.id.expiration.ms': '5000',
      'transaction.remove.expired.transaction.cleanup.interval.ms': '2000',
    });
    await init('idle', 60_000);
    clock.advance(4000);
    expect(coordinator.get('idle')).toMatchObject({ state: 'Empty', pendingState: null });
    clock.advance(2000); // check at 6000 >= 5000 idle
    await waitFor(() => coordinator.get('idle') === undefined);
  });
});
