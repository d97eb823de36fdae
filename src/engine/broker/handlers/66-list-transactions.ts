import { ErrorCode } from '../../protocol/error-codes.js';
import { ListTransactions } from '../../protocol/messages/66-list-transactions.js';
import { stateFromName } from '../../txn/state.js';
import type { Handler } from '../handler.js';
import type { BrokerServices } from '../services.js';

/** ListTransactions v0-1 (state, producer id and, v1+, duration filters). Does not create `__transaction_state`. */
export const listTransactions: Handler<BrokerServices, typeof ListTransactions> = {
  api: ListTransactions,
  min: 0,
  max: 1,
  async handle(s, req) {
    const coordinator = await s.txn.ifPresent();
    const filter = { states: req.stateFilters, producerIds: req.producerIdFilters, durationMs: req.durationFilter };
    if (coordinator) return { throttleTimeMs: 0, ...coordinator.list(filter) };
    const unknownStateFilters = req.stateFilters.filter((n) => stateFromName(n) === undefined);
    return { throttleTimeMs: 0, errorCode: ErrorCode.NONE, unknownStateFilters, transactionStates: [] };
  },
};
