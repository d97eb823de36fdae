import { EndTxn } from '../../protocol/messages/26-end-txn.js';
import { fencedErrorForVersion } from '../../txn/coordinator.js';
import type { Handler } from '../handler.js';
import type { BrokerServices } from '../services.js';
import { TransactionRuntime } from '../txn-runtime.js';

/**
 * EndTxn v0-4: commit or abort. Answered once PrepareCommit / PrepareAbort is in
 * `__transaction_state`; the markers follow. v5 (transaction version 2, an epoch bump on every
 * end) is not offered: ApiVersions finalizes transaction.version 1.
 */
export const endTxn: Handler<BrokerServices, typeof EndTxn> = {
  api: EndTxn,
  min: 0,
  max: 4,
  async handle(s, req, ctx) {
    const coordinator = await s.txn.ifPresent();
    if (!coordinator) return { throttleTimeMs: 0, errorCode: TransactionRuntime.unknownId(req.transactionalId) };
    await s.txn.settled(req.transactionalId);
    const r = await s.txn.run(req.transactionalId, coordinator.endTxn(req.transactionalId, req.producerId, req.producerEpoch, req.committed ? 'COMMIT' : 'ABORT'));
    return { throttleTimeMs: 0, errorCode: fencedErrorForVersion(r.errorCode, 'EndTxn', ctx.version) };
  },
};
