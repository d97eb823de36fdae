/**
 * Every handler the broker registers. This list is what ApiVersions advertises.
 */
import { register, type RegisteredHandler } from '../handler.js';
import type { BrokerServices } from '../services.js';
import { produce } from './00-produce.js';
import { fetch } from './01-fetch.js';
import { listOffsets } from './02-list-offsets.js';
import { metadata } from './03-metadata.js';
import { offsetCommit } from './08-offset-commit.js';
import { offsetFetch } from './09-offset-fetch.js';
import { findCoordinator } from './10-find-coordinator.js';
import { joinGroup } from './11-join-group.js';
import { heartbeat } from './12-heartbeat.js';
import { leaveGroup } from './13-leave-group.js';
import { syncGroup } from './14-sync-group.js';
import { describeGroups } from './15-describe-groups.js';
import { listGroups } from './16-list-groups.js';
import { apiVersions } from './18-api-versions.js';
import { createTopics } from './19-create-topics.js';
import { deleteTopics } from './20-delete-topics.js';
import { deleteRecords } from './21-delete-records.js';
import { initProducerId } from './22-init-producer-id.js';
import { offsetForLeaderEpoch } from './23-offset-for-leader-epoch.js';
import { addPartitionsToTxn } from './24-add-partitions-to-txn.js';
import { addOffsetsToTxn } from './25-add-offsets-to-txn.js';
import { endTxn } from './26-end-txn.js';
import { txnOffsetCommit } from './28-txn-offset-commit.js';
import { writeTxnMarkers } from './27-write-txn-markers.js';
import { describeConfigs } from './32-describe-configs.js';
import { alterConfigs } from './33-alter-configs.js';
import { describeLogDirs } from './35-describe-log-dirs.js';
import { createPartitions } from './37-create-partitions.js';
import { deleteGroups } from './42-delete-groups.js';
import { incrementalAlterConfigs } from './44-incremental-alter-configs.js';
import { offsetDelete } from './47-offset-delete.js';
import { describeCluster } from './60-describe-cluster.js';
import { describeProducers } from './61-describe-producers.js';
import { describeTransactions } from './65-describe-transactions.js';
import { listTransactions } from './66-list-transactions.js';
import { describeTopicPartitions } from './75-describe-topic-partitions.js';

export const handlers: readonly RegisteredHandler<BrokerServices>[] = [
  register(produce),
  register(fetch),
  register(listOffsets),
  register(metadata),
  register(offsetCommit),
  register(offsetFetch),
  register(findCoordinator),
  register(joinGroup),
  register(heartbeat),
  register(leaveGroup),
  register(syncGroup),
  register(describeGroups),
  register(listGroups),
  register(apiVersions),
  register(createTopics),
  register(deleteTopics),
  register(deleteRecords),
  register(initProducerId),
  register(offsetForLeaderEpoch),
  register(addPartitionsToTxn),
  register(addOffsetsToTxn),
  register(endTxn),
  register(txnOffsetCommit),
  register(writeTxnMarkers),
  register(describeConfigs),
  register(alterConfigs),
  register(describeLogDirs),
  register(createPartitions),
  register(deleteGroups),
  register(incrementalAlterConfigs),
  register(offsetDelete),
  register(describeCluster),
  register(describeProducers),
  register(describeTransactions),
  register(listTransactions),
  register(describeTopicPartitions),
];
