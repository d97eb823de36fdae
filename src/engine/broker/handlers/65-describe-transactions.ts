import { DescribeTransactions } from '../../protocol/messages/65-describe-transactions.js';
import { describeTransaction } from '../../txn/queries.js';
import type { Handler } from '../handler.js';
import type { BrokerServices } from '../services.js';

/** DescribeTransactions v0 (kafka-transactions describe). Does not create `__transaction_state`. */
export const describeTransactions: Handler<BrokerServices, typeof DescribeTransactions> = {
  api: DescribeTransactions,
  min: 0,
  max: 0,
  async handle(s, req) {
    const coordinator = await s.txn.ifPresent();
    const transactionStates = req.transactionalIds.map((id) => (coordinator ? coordinator.describe(id) : describeTransaction(id, undefined)));
    return { throttleTimeMs: 0, transactionStates };
  },
};
