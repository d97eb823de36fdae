/** mq-transactions' flags, and how a failed admin call ends the command (TransactionsCommand.printErrorAndExit). */
import { CommandError } from '../../cli/errors.js';
import { ReportableError } from '../../engine/errors.js';
import type { Session } from '../../engine/client/connect.js';
import { AdminTxnError } from '../../engine/client/admin/transactions.js';
import type { ConnectionFlags } from '../shared/options.js';
import { errorLine } from './format.js';

export interface TransactionsFlags extends ConnectionFlags {
  output?: string;
  color?: boolean;
  durationFilter?: string;
  transactionalIdPattern?: string;
  transactionalId?: string;
  topic?: string;
  partition?: string;
  brokerId?: string;
  startOffset?: string;
  producerId?: string;
  producerEpoch?: string;
  coordinatorEpoch?: string;
  maxTransactionTimeout?: string;
}

/** An admin failure as printErrorAndExit prints it; anything else (a connection failure) as mq reports it. */
export function failWith(message: string, err: unknown, session: Session): never {
  if (err instanceof AdminTxnError) throw new CommandError(errorLine(message, err));
  if (err instanceof CommandError || err instanceof ReportableError) throw err;
  const e = session.error(err);
  throw new CommandError(errorLine(message, e));
}
