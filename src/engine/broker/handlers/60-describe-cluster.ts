import { ErrorCode } from '../../protocol/error-codes.js';
import { DescribeCluster } from '../../protocol/messages/60-describe-cluster.js';
import type { Handler } from '../handler.js';
import { OPERATIONS_NOT_REQUESTED } from '../topics.js';
import type { BrokerServices } from '../services.js';

/** DescribeCluster: one broker, which is also the controller. */
/** DescribeClusterRequest.endpointType: 1 brokers, 2 controllers (KIP-919). */
const BROKER_ENDPOINTS = 1;

export const describeCluster: Handler<BrokerServices, typeof DescribeCluster> = {
  api: DescribeCluster,
  min: 0,
  max: 1,
  handle(s, req, ctx) {
    if (req.endpointType > BROKER_ENDPOINTS) {
      ctx.refused(ErrorCode.INVALID_REQUEST, `endpoint type ${req.endpointType} (controllers, KIP-919): the mq broker only has broker endpoints`);
      return { throttleTimeMs: 0, errorCode: ErrorCode.INVALID_REQUEST, errorMessage: 'The mq broker only has broker endpoints', endpointType: req.endpointType, clusterId: s.clusterId, controllerId: -1, brokers: [], clusterAuthorizedOperations: OPERATIONS_NOT_REQUESTED };
    }
    return {
      throttleTimeMs: 0,
      errorCode: 0,
      errorMessage: null,
      endpointType: BROKER_ENDPOINTS,
      clusterId: s.clusterId,
      controllerId: s.nodeId,
      brokers: [{ brokerId: s.nodeId, host: s.advertised.host, port: s.advertised.port, rack: null }],
      clusterAuthorizedOperations: OPERATIONS_NOT_REQUESTED,
    };
  },
};
