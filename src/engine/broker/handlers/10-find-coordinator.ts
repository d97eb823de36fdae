import { ErrorCode } from '../../protocol/error-codes.js';
import { FindCoordinator } from '../../protocol/messages/10-find-coordinator.js';
import type { Handler } from '../handler.js';
import type { BrokerServices } from '../services.js';

const GROUP_KEY = 0;

/** FindCoordinator v0-4: this broker coordinates every group. Transactions (key type 1) are not offered. */
export const findCoordinator: Handler<BrokerServices, typeof FindCoordinator> = {
  api: FindCoordinator,
  min: 0,
  max: 4,
  handle(s, req, ctx) {
    if (req.keyType !== GROUP_KEY) {
      const keys = ctx.version >= 4 ? req.coordinatorKeys : [req.key];
      ctx.refused(ErrorCode.INVALID_REQUEST, `coordinator key type ${req.keyType} (transaction) for ${keys.map((k) => `'${k}'`).join(', ')}: the mq broker does not support transactions`);
    }
    const answer = (key: string) =>
      req.keyType === GROUP_KEY
        ? { key, nodeId: s.nodeId, host: s.advertised.host, port: s.advertised.port, errorCode: ErrorCode.NONE, errorMessage: null }
        : { key, nodeId: -1, host: '', port: -1, errorCode: ErrorCode.INVALID_REQUEST, errorMessage: 'The mq broker does not support transactions' };
    if (ctx.version >= 4) return { throttleTimeMs: 0, coordinators: req.coordinatorKeys.map(answer) };
    // Before v4 one coordinator is answered at the top level, without its key.
    const { nodeId, host, port, errorCode, errorMessage } = answer(req.key);
    return { throttleTimeMs: 0, nodeId, host, port, errorCode, errorMessage };
  },
};
