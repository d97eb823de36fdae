import { AddOffsetsToTxn } from '../../protocol/messages/25-add-offsets-to-txn.js';
import { fencedErrorForVersion } from '../../txn/coordinator.js';
import type { Handler } from '../handler.js';
import type { BrokerServices } from '../services.js';

/** AddOffsetsToTxn v0-4: the group's `__consumer_offsets` partition joins the transaction (sendOffsetsToTransaction). */
export const addOffsetsToTxn: Handler<BrokerServices, typeof AddOffsetsToTxn> = {
  api: AddOffsetsToTxn,
  min: 0,
  max: 4,
  async handle(s, req, ctx) {
    const coordinator = await s.txn.ready();
    const code = await s.txn.run(req.transactionalId, coordinator.addOffsets(req.transactionalId, req.producerId, req.producerEpoch, req.groupId));
    return { throttleTimeMs: 0, errorCode: fencedErrorForVersion(code, 'AddOffsetsToTxn', ctx.version) };
  },
};
