import { ErrorCode } from '../../protocol/error-codes.js';
import type { Handler } from '../handler.js';
import type { BrokerServices } from '../services.js';

const GROUP_KEY = 0;

/** FindCoordinator v0-4: this broker coordinates every group. Transactions (key type 1) are not offered. */
export const findCoordinator: Handler<BrokerServices> = {
  apiKey: 10,
  min: 0,
  max: 4,
  handle(s, req, ctx) {
    const answer = (key: string) =>
      req.keyType === GROUP_KEY || req.keyType === undefined
        ? { key, nodeId: s.nodeId, host: s.advertised.host, port: s.advertised.port, errorCode: 0, errorMessage: null }
        : { key, nodeId: -1, host: '', port: -1, errorCode: ErrorCode.INVALID_REQUEST, errorMessage: 'The mq broker does not support transactions' };
    if (ctx.version >= 4) return { throttleTimeMs: 0, coordinators: (req.coordinatorKeys as string[]).map(answer) };
    return { throttleTimeMs: 0, ...answer(req.key) };
  },
};
