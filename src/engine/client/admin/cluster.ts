/**
 * The cluster's brokers as the admin client sees them: DescribeCluster (KIP-700) where the broker
 * offers it, else Metadata.
 *
 *   const live = new Set(await liveBrokers(cluster));   // node ids
 */
import type { Cluster } from '../cluster.js';
import { ErrorCode } from '../../protocol/error-codes.js';
import { DescribeCluster } from '../../protocol/messages/60-describe-cluster.js';

/** DescribeClusterRequest.endpointType: brokers (KIP-919), not controllers. */
const BROKER_ENDPOINTS = 1;

/** Node ids of the live brokers: DescribeCluster where supported, else Metadata. */
export async function liveBrokers(cluster: Cluster): Promise<number[]> {
  const c = cluster.any();
  if (c.supports(DescribeCluster.apiKey)) {
    const res = await c.request(DescribeCluster, { includeClusterAuthorizedOperations: false, endpointType: BROKER_ENDPOINTS });
    if (res.errorCode === ErrorCode.NONE) return res.brokers.map((b) => b.brokerId);
  }
  const md = await cluster.metadata([]);
  return md.brokers.map((b) => b.nodeId);
}
