import { AddOffsetsToTxn } from '../../protocol/messages/25-add-offsets-to-txn.js';
import { fencedErrorForVersion } from '../../txn/coordinator.js';
import type { Handler } from '../handler.js';
import type { BrokerServices } from '../services.js';
import { TransactionRuntime } from '../txn-runtime.js';

/** AddOffsetsToTxn v0-4: the group's `__consumer_offsets` partition joins the transaction (sendOffsetsToTransaction). */
export const addOffsetsToTxn: Handler<BrokerServices, typeof AddOffsetsToTxn> = {
  api: AddOffsetsToTxn,
  min: 0,
  max: 4,
  async handle(s, req, ctx) {
    const coordinator = await s.txn.ifPresent();
    if (!coordinator) return { throttleTimeMs: 0, errorCode: TransactionRuntime.unknownId(req.transactionalId) };
    await s.txn.settled(req.transactionalId);
    const code = await s.txn.run(req.transactionalId, coordinator.addOffsets(req.transactionalId, req.producerId, req.producerEpoch, req.groupId));
    return { throttleTimeMs: 0, errorCode: fencedErrorForVersion(code, 'AddOffsetsToTxn', ctx.version) };
  },
};
