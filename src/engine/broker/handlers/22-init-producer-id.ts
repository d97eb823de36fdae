import { ErrorCode } from '../../protocol/error-codes.js';
import { InitProducerId } from '../../protocol/messages/22-init-producer-id.js';
import type { Handler } from '../handler.js';
import type { BrokerServices } from '../services.js';

/**
 * InitProducerId for idempotent producers. Min 0 matters: librdkafka 2.0.2 enables idempotence
 * only if the range contains 0. Transactions are not supported, so a transactional id is refused.
 * v3+ may name an existing producer to bump its epoch.
 */
export const initProducerId: Handler<BrokerServices, typeof InitProducerId> = {
  api: InitProducerId,
  min: 0,
  max: 4,
  async handle(s, req, ctx) {
    if (req.transactionalId !== null && req.transactionalId !== '') {
      ctx.refused(ErrorCode.INVALID_REQUEST, `transactional id '${req.transactionalId}': transactions are not supported by the mq broker`);
      return { throttleTimeMs: 0, errorCode: ErrorCode.INVALID_REQUEST, producerId: -1, producerEpoch: -1 };
    }
    if (req.producerId >= 0 && req.producerEpoch >= 0) {
      if (req.producerEpoch >= 32766) {
        return { throttleTimeMs: 0, errorCode: 0, producerId: await s.allocateProducerId(), producerEpoch: 0 };
      }
      return { throttleTimeMs: 0, errorCode: 0, producerId: req.producerId, producerEpoch: req.producerEpoch + 1 };
    }
    return { throttleTimeMs: 0, errorCode: 0, producerId: await s.allocateProducerId(), producerEpoch: 0 };
  },
};
