/**
 * Transaction states as Kafka's TransactionMetadata.scala defines them: the id written to
 * `__transaction_state` (TransactionStatus), the name DescribeTransactions / ListTransactions
 * report, and the states each may be entered from (validPreviousStates).
 */

export const TXN_STATES = ['Empty', 'Ongoing', 'PrepareCommit', 'PrepareAbort', 'CompleteCommit', 'CompleteAbort', 'Dead', 'PrepareEpochFence'] as const;
export type TxnState = (typeof TXN_STATES)[number];

export function stateId(s: TxnState): number {
  return TXN_STATES.indexOf(s);
}

/** TransactionState.fromId: an unknown id is corruption ("Unknown transaction state id"). */
export function stateFromId(id: number): TxnState {
  const s = TXN_STATES[id];
  if (s === undefined) throw new Error(`Unknown transaction state id ${id} from the transaction status message`);
  return s;
}

export function stateFromName(name: string): TxnState | undefined {
  return (TXN_STATES as readonly string[]).includes(name) ? (name as TxnState) : undefined;
}

const VALID_PREVIOUS: Record<TxnState, readonly TxnState[]> = {
  Empty: ['Empty', 'CompleteCommit', 'CompleteAbort'],
  Ongoing: ['Ongoing', 'Empty', 'CompleteCommit', 'CompleteAbort'],
  PrepareCommit: ['Ongoing'],
  PrepareAbort: ['Ongoing', 'PrepareEpochFence'],
  CompleteCommit: ['PrepareCommit'],
  CompleteAbort: ['PrepareAbort'],
  Dead: ['Empty', 'CompleteAbort', 'CompleteCommit'],
  PrepareEpochFence: ['Ongoing'],
};

export function isValidTransition(from: TxnState, to: TxnState): boolean {
  return VALID_PREVIOUS[to].includes(from);
}

/** RecordBatch.NO_PRODUCER_ID / NO_PRODUCER_EPOCH. */
export const NO_PRODUCER_ID = -1;
export const NO_PRODUCER_EPOCH = -1;
const SHORT_MAX = 32767;

/** TransactionMetadata.isEpochExhausted: one epoch is kept in reserve for fencing (KIP-360). */
export function isEpochExhausted(epoch: number): boolean {
  return epoch >= SHORT_MAX - 1;
}

export const MAX_PRODUCER_EPOCH = SHORT_MAX;
