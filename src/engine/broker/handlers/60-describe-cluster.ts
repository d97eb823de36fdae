import type { Handler } from '../handler.js';
import type { BrokerServices } from '../services.js';

/** DescribeCluster: one broker, which is also the controller. */
export const describeCluster: Handler<BrokerServices> = {
  apiKey: 60,
  min: 0,
  max: 1,
  handle(s, req) {
    if (req.endpointType !== undefined && req.endpointType > 1) {
      return { throttleTimeMs: 0, errorCode: 42, errorMessage: 'The mq broker only has broker endpoints', endpointType: req.endpointType, clusterId: s.clusterId, controllerId: -1, brokers: [], clusterAuthorizedOperations: -2147483648 };
    }
    return {
      throttleTimeMs: 0,
      errorCode: 0,
      errorMessage: null,
      endpointType: 1,
      clusterId: s.clusterId,
      controllerId: s.nodeId,
      brokers: [{ brokerId: s.nodeId, host: s.advertised.host, port: s.advertised.port, rack: null }],
      clusterAuthorizedOperations: -2147483648,
    };
  },
};
