import { ApiVersions } from '../../protocol/messages/18-api-versions.js';
import type { Handler } from '../handler.js';
import type { BrokerServices } from '../services.js';

/**
 * The `transaction.version` feature as a Kafka broker reports it (KIP-584 features, KIP-890):
 * supported and finalized at level 1, which is what the coordinator implements (the flexible
 * TransactionLogValue, verification of KIP-890 part 1). Level 2 (part 2: EndTxn v5, an epoch bump
 * per transaction, implicit AddPartitionsToTxn through Produce v12) is not offered, so Kafka 4.x
 * clients use the AddPartitionsToTxn / EndTxn v4 path. The epoch only has to be constant: there is
 * one broker and the level never changes at runtime.
 */
const TRANSACTION_VERSION = 1;
const FEATURES_EPOCH = 1;

/** ApiVersions: the table comes from the registered handlers (see dispatch.ts). */
export const apiVersions: Handler<BrokerServices, typeof ApiVersions> = {
  api: ApiVersions,
  min: 0,
  max: 4,
  handle(services, _req, ctx) {
    const base = { errorCode: 0, apiKeys: services.apiVersions(), throttleTimeMs: 0 };
    if (ctx.version < 3) return base;
    return {
      ...base,
      supportedFeatures: [{ name: 'transaction.version', minVersion: 0, maxVersion: TRANSACTION_VERSION }],
      finalizedFeaturesEpoch: FEATURES_EPOCH,
      finalizedFeatures: [{ name: 'transaction.version', maxVersionLevel: TRANSACTION_VERSION, minVersionLevel: TRANSACTION_VERSION }],
    };
  },
};
