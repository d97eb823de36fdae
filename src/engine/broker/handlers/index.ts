/**
 * Every handler the broker registers. This list is what ApiVersions advertises.
 */
import { register, type RegisteredHandler } from '../handler.js';
import type { BrokerServices } from '../services.js';
import { produce } from './00-produce.js';
import { fetch } from './01-fetch.js';
import { listOffsets } from './02-list-offsets.js';
import { metadata } from './03-metadata.js';
import { apiVersions } from './18-api-versions.js';
import { createTopics } from './19-create-topics.js';
import { deleteTopics } from './20-delete-topics.js';
import { deleteRecords } from './21-delete-records.js';
import { initProducerId } from './22-init-producer-id.js';
import { offsetForLeaderEpoch } from './23-offset-for-leader-epoch.js';
import { describeConfigs } from './32-describe-configs.js';
import { alterConfigs } from './33-alter-configs.js';
import { createPartitions } from './37-create-partitions.js';
import { incrementalAlterConfigs } from './44-incremental-alter-configs.js';
import { describeCluster } from './60-describe-cluster.js';
import { describeTopicPartitions } from './75-describe-topic-partitions.js';
import { groupHandlers } from './groups.js';

export const handlers: readonly RegisteredHandler<BrokerServices>[] = [
  register(produce),
  register(fetch),
  register(listOffsets),
  register(metadata),
  register(apiVersions),
  register(createTopics),
  register(deleteTopics),
  register(deleteRecords),
  register(initProducerId),
  register(offsetForLeaderEpoch),
  register(describeConfigs),
  register(alterConfigs),
  register(createPartitions),
  register(incrementalAlterConfigs),
  register(describeCluster),
  register(describeTopicPartitions),
  ...groupHandlers,
];
