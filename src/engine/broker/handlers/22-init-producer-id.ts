import { ErrorCode } from '../../protocol/error-codes.js';
import { InitProducerId } from '../../protocol/messages/22-init-producer-id.js';
import { fencedErrorForVersion } from '../../txn/coordinator.js';
import type { Handler } from '../handler.js';
import type { BrokerServices } from '../services.js';

/**
 * InitProducerId v0-5. Min 0 matters: librdkafka 2.0.2 enables idempotence only if the range
 * contains 0. Without a transactional id: a fresh producer id, or (v3+, KIP-360) the epoch bump
 * of the id the producer names. With one: the transaction coordinator (fencing the previous
 * producer of that id, aborting its open transaction).
 */
export const initProducerId: Handler<BrokerServices, typeof InitProducerId> = {
  api: InitProducerId,
  min: 0,
  max: 5,
  async handle(s, req, ctx) {
    const answer = (r: { errorCode: number; producerId: number; producerEpoch: number }) => ({
      throttleTimeMs: 0,
      ...r,
      errorCode: fencedErrorForVersion(r.errorCode, 'InitProducerId', ctx.version),
    });
    // KafkaApis: (-1, -1) is "none given"; exactly one of them -1 is a malformed request.
    const hasId = req.producerId !== -1;
    const hasEpoch = req.producerEpoch !== -1;
    if (hasId !== hasEpoch) return answer({ errorCode: ErrorCode.INVALID_REQUEST, producerId: -1, producerEpoch: -1 });
    if (req.transactionalId === null) {
      if (hasId) {
        if (req.producerEpoch >= 32766) return answer({ errorCode: 0, producerId: await s.allocateProducerId(), producerEpoch: 0 });
        return answer({ errorCode: 0, producerId: req.producerId, producerEpoch: req.producerEpoch + 1 });
      }
      return answer({ errorCode: 0, producerId: await s.allocateProducerId(), producerEpoch: 0 });
    }
    const id = req.transactionalId;
    // Refused before the first use creates __transaction_state.
    if (id === '') return answer({ errorCode: ErrorCode.INVALID_REQUEST, producerId: -1, producerEpoch: -1 });
    const coordinator = await s.txn.ready();
    await s.txn.settled(id);
    await s.txn.prepareProducerId(id);
    const expected = hasId ? { producerId: req.producerId, producerEpoch: req.producerEpoch } : null;
    return answer(await s.txn.run(id, coordinator.initProducerId(id, req.transactionTimeoutMs, expected)));
  },
};
