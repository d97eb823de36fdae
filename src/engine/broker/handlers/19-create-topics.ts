import { CreateTopics } from '../../protocol/messages/19-create-topics.js';
import type { Element, RequestOf, ResponseInput } from '../../protocol/schema.js';
import { ErrorCode } from '../../protocol/error-codes.js';
import { collisionProblem, reservedTopicProblem, topicNameProblem } from '../../log/topic-name.js';
import { validateTopicConfig } from '../../log/topic-config.js';
import type { Handler } from '../handler.js';
import type { BrokerServices } from '../services.js';
import { describeTopicConfigs } from '../configs.js';

/**
 * CreateTopics v0-7. -1 partitions or replication factor mean the broker defaults at every
 * version (kafkajs sends -1 even at v3). One broker means replication factor 1 only; anything
 * more is refused with the KRaft controller's message, word for word.
 */
type TopicRequest = Element<RequestOf<typeof CreateTopics>['topics']>;
type TopicAnswer = Element<ResponseInput<typeof CreateTopics>['topics']>;

const ZERO_UUID = '00000000000000000000000000000000';

export const createTopics: Handler<BrokerServices, typeof CreateTopics> = {
  api: CreateTopics,
  min: 0,
  max: 7,
  async handle(s, req, ctx) {
    const seen = new Map<string, number>();
    for (const t of req.topics) seen.set(t.name, (seen.get(t.name) ?? 0) + 1);
    const results: TopicAnswer[] = [];
    for (const t of req.topics) {
      if (seen.get(t.name)! > 1) {
        results.push(failure(t.name, ErrorCode.INVALID_REQUEST, `Create topics request from client \`${ctx.header.clientId}\` contains multiple entries for the following topics: ${t.name}`));
        continue;
      }
      const result = await createOne(s, t, req.validateOnly, ctx.version);
      if (result.errorCode === ErrorCode.INVALID_CONFIG) ctx.refused(result.errorCode, `topic '${result.name}': ${result.errorMessage ?? 'invalid config'}`);
      results.push(result);
    }
    return { throttleTimeMs: 0, topics: results };
  },
};

function failure(name: string, errorCode: number, errorMessage: string): TopicAnswer {
  return { name, topicId: ZERO_UUID, errorCode, errorMessage, topicConfigErrorCode: 0, numPartitions: -1, replicationFactor: -1, configs: null };
}

async function createOne(s: BrokerServices, t: TopicRequest, validateOnly: boolean, version: number): Promise<TopicAnswer> {
  const name = t.name;
  const nameProblem = topicNameProblem(name);
  if (nameProblem) return failure(name, ErrorCode.INVALID_TOPIC_EXCEPTION, nameProblem);
  const reserved = reservedTopicProblem(name);
  if (reserved) return failure(name, ErrorCode.INVALID_REQUEST, reserved);
  if (s.log.topic(name)) return failure(name, ErrorCode.TOPIC_ALREADY_EXISTS, `Topic '${name}' already exists.`);
  const collision = collisionProblem(name, s.log.topics().map((x) => x.name));
  if (collision) return failure(name, ErrorCode.INVALID_TOPIC_EXCEPTION, collision);

  const assignments = t.assignments;
  let partitions = t.numPartitions;
  let rf = t.replicationFactor;
  if (assignments.length > 0) {
    if (partitions !== -1 || rf !== -1) {
      return failure(name, ErrorCode.INVALID_REQUEST, 'Both numPartitions or replicationFactor and replicasAssignments were set. Both cannot be used at the same time.');
    }
    for (const a of assignments) {
      const ids = a.brokerIds;
      const unknown = ids.find((id) => id !== s.nodeId);
      if (unknown !== undefined) return failure(name, ErrorCode.INVALID_REPLICA_ASSIGNMENT, `The manual partition assignment includes broker ${unknown}, but no such broker is registered.`);
      if (ids.length === 0) return failure(name, ErrorCode.INVALID_REPLICA_ASSIGNMENT, `The manual partition assignment includes an empty replica list.`);
    }
    const indexes = assignments.map((a) => a.partitionIndex).sort((a, b) => a - b);
    if (indexes.some((p, i) => p !== i)) return failure(name, ErrorCode.INVALID_REPLICA_ASSIGNMENT, 'Partitions should be a consecutive 0-based integer sequence');
    partitions = assignments.length;
    rf = assignments[0]!.brokerIds.length;
  }
  if (partitions === -1) partitions = s.settings.number('num.partitions', 1);
  if (rf === -1) rf = s.settings.number('default.replication.factor', 1);
  if (partitions <= 0) return failure(name, ErrorCode.INVALID_PARTITIONS, 'Number of partitions was set to an invalid non-positive value.');
  if (rf <= 0) return failure(name, ErrorCode.INVALID_REPLICATION_FACTOR, 'Replication factor must be larger than 0, or -1 to use the default value.');
  if (rf > 1) {
    return failure(name, ErrorCode.INVALID_REPLICATION_FACTOR, `Unable to replicate the partition ${rf} time(s): The target replication factor of ${rf} cannot be reached because only 1 broker(s) are registered.`);
  }
  const overrides: Record<string, string> = {};
  for (const c of t.configs) {
    const problem = validateTopicConfig(c.name, c.value);
    if (problem) return failure(name, ErrorCode.INVALID_CONFIG, problem);
    if (c.value !== null) overrides[c.name] = c.value;
  }
  let topicId = ZERO_UUID;
  if (!validateOnly) {
    try {
      topicId = (await s.log.createTopic(name, partitions, overrides)).id;
    } catch (err) {
      if (s.log.topic(name)) return failure(name, ErrorCode.TOPIC_ALREADY_EXISTS, `Topic '${name}' already exists.`);
      throw err;
    }
  }
  return {
    name,
    topicId,
    errorCode: 0,
    errorMessage: null,
    topicConfigErrorCode: 0,
    numPartitions: partitions,
    replicationFactor: rf,
    configs:
      version >= 5
        ? describeTopicConfigs(s, overrides, null, false, false).map((c) => ({
            name: c.name,
            value: c.value,
            readOnly: c.readOnly,
            configSource: c.configSource,
            isSensitive: c.isSensitive,
          }))
        : null,
  };
}
