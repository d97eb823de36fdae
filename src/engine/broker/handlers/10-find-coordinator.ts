import { ErrorCode } from '../../protocol/error-codes.js';
import { FindCoordinator } from '../../protocol/messages/10-find-coordinator.js';
import type { Handler } from '../handler.js';
import type { BrokerServices } from '../services.js';

const GROUP_KEY = 0;
const TRANSACTION_KEY = 1;

/**
 * FindCoordinator v0-4: this broker coordinates every group and every transactional id. The first
 * lookup of a transactional id creates `__transaction_state` (as Kafka auto-creates its internal
 * topics on the first FindCoordinator) and is answered once its state is loaded.
 */
export const findCoordinator: Handler<BrokerServices, typeof FindCoordinator> = {
  api: FindCoordinator,
  min: 0,
  max: 4,
  async handle(s, req, ctx) {
    const keys = ctx.version >= 4 ? req.coordinatorKeys : [req.key];
    let error: { code: number; message: string } | null = null;
    if (req.keyType === TRANSACTION_KEY) {
      try {
        await s.txn.ready();
      } catch (err) {
        s.logger.warn(`Creating or loading __transaction_state failed: ${(err as Error).message}`);
        error = { code: ErrorCode.COORDINATOR_NOT_AVAILABLE, message: 'The coordinator is not available.' };
      }
    } else if (req.keyType !== GROUP_KEY) {
      error = { code: ErrorCode.INVALID_REQUEST, message: `Unknown coordinator type ${req.keyType}` };
      ctx.refused(error.code, `coordinator key type ${req.keyType} for ${keys.map((k) => `'${k}'`).join(', ')}`);
    }
    const answer = (key: string) =>
      error === null
        ? { key, nodeId: s.nodeId, host: s.advertised.host, port: s.advertised.port, errorCode: ErrorCode.NONE, errorMessage: null }
        : { key, nodeId: -1, host: '', port: -1, errorCode: error.code, errorMessage: error.message };
    if (ctx.version >= 4) return { throttleTimeMs: 0, coordinators: req.coordinatorKeys.map(answer) };
    // Before v4 one coordinator is answered at the top level, without its key.
    const { nodeId, host, port, errorCode, errorMessage } = answer(req.key);
    return { throttleTimeMs: 0, nodeId, host, port, errorCode, errorMessage };
  },
};
