import { WriteTxnMarkers } from '../../protocol/messages/27-write-txn-markers.js';
import type { Element, ResponseInput } from '../../protocol/schema.js';
import { ErrorCode } from '../../protocol/error-codes.js';
import type { Handler } from '../handler.js';
import { LogError } from '../../log/errors.js';
import type { BrokerServices } from '../services.js';

type MarkerAnswer = Element<ResponseInput<typeof WriteTxnMarkers>['markers']>;
type TopicAnswer = Element<MarkerAnswer['topics']>;

/**
 * WriteTxnMarkers: writes a COMMIT or ABORT control batch into each named partition this broker
 * leads (KafkaApis.handleWriteTxnMarkersRequest). Kafka's transaction coordinator sends it to
 * the leaders when a transaction ends, and Admin.abortTransaction (KIP-664) sends it to close a
 * hanging transaction. An unknown partition answers UNKNOWN_TOPIC_OR_PARTITION; a failed write
 * the log's error; the other partitions are still written. Kafka 4.0 dropped v0 from its brokers
 * but 3.9's admin client may still send it, so mq keeps 0-1 (v2's transaction version is not
 * kept by mq's log).
 */
export const writeTxnMarkers: Handler<BrokerServices, typeof WriteTxnMarkers> = {
  api: WriteTxnMarkers,
  min: 0,
  max: 1,
  async handle(s, req) {
    const markers: MarkerAnswer[] = [];
    for (const m of req.markers) {
      const topics: TopicAnswer[] = [];
      for (const t of m.topics) {
        const partitions = await Promise.all(
          t.partitionIndexes.map(async (partitionIndex) => {
            const log = s.log.partition(t.name, partitionIndex);
            if (!log) return { partitionIndex, errorCode: ErrorCode.UNKNOWN_TOPIC_OR_PARTITION };
            try {
              await log.appendMarker({
                producerId: m.producerId,
                producerEpoch: m.producerEpoch,
                type: m.transactionResult ? 'COMMIT' : 'ABORT',
                coordinatorEpoch: m.coordinatorEpoch,
                timestamp: s.clock.now(),
              });
              return { partitionIndex, errorCode: ErrorCode.NONE };
            } catch (err) {
              if (!(err instanceof LogError)) throw err;
              return { partitionIndex, errorCode: err.code };
            }
          }),
        );
        topics.push({ name: t.name, partitions });
      }
      markers.push({ producerId: m.producerId, topics });
    }
    return { markers };
  },
};
