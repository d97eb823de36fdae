import { Metadata } from '../../protocol/messages/03-metadata.js';
import type { Element, ResponseInput } from '../../protocol/schema.js';
import { ErrorCode } from '../../protocol/error-codes.js';
import type { Handler } from '../handler.js';
import type { BrokerServices } from '../services.js';
import { autoCreateTopic, OPERATIONS_NOT_REQUESTED, topicMetadata } from '../topics.js';

const ZERO_UUID = '00000000000000000000000000000000';

/**
 * Metadata. v0 lists every topic for an empty list (kafka-python 2.0.2 probes with it); v1+ uses
 * null for "all" and empty for "none". Unknown topics are auto-created when the broker allows it
 * and the request does (v4+ allowAutoTopicCreation; always for older versions).
 */
type TopicAnswer = Element<ResponseInput<typeof Metadata>['topics']>;

export const metadata: Handler<BrokerServices, typeof Metadata> = {
  api: Metadata,
  min: 0,
  max: 12,
  async handle(s, req, ctx) {
    const all = req.topics === null || (ctx.version === 0 && req.topics.length === 0);
    const topics: TopicAnswer[] = [];
    if (all) {
      for (const t of s.log.topics()) topics.push(topicMetadata(s, t, req.includeTopicAuthorizedOperations));
    } else {
      for (const wanted of req.topics ?? []) {
        let name: string | null = wanted.name;
        // A lookup by id is one with a non-zero topic id, whatever the name says: the Java admin
        // client (kafka-topics --describe --topic-id) sends the name field's default "" rather
        // than null, and Kafka itself only looks at the id (MetadataRequest.topicIds()).
        if (name === null || (wanted.topicId !== undefined && wanted.topicId !== ZERO_UUID)) {
          const byId = s.log.topics().find((t) => t.id === wanted.topicId);
          if (!byId) {
            topics.push({ errorCode: ErrorCode.UNKNOWN_TOPIC_ID, name: null, topicId: wanted.topicId, partitions: [] });
            continue;
          }
          name = byId.name;
        }
        let topic = s.log.topic(name);
        if (!topic && (ctx.version < 4 || req.allowAutoTopicCreation) && s.settings.bool('auto.create.topics.enable', true)) {
          const created = await autoCreateTopic(s, name);
          if (typeof created === 'number') {
            topics.push({ errorCode: created, name, isInternal: false, partitions: [] });
            continue;
          }
          topic = created;
        }
        if (!topic) {
          topics.push({ errorCode: ErrorCode.UNKNOWN_TOPIC_OR_PARTITION, name, isInternal: false, partitions: [] });
          continue;
        }
        topics.push(topicMetadata(s, topic, req.includeTopicAuthorizedOperations));
      }
    }
    return {
      throttleTimeMs: 0,
      brokers: [{ nodeId: s.nodeId, host: s.advertised.host, port: s.advertised.port, rack: null }],
      clusterId: s.clusterId,
      controllerId: s.nodeId,
      topics,
      clusterAuthorizedOperations: OPERATIONS_NOT_REQUESTED,
    };
  },
};
