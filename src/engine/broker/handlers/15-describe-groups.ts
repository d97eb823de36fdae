import type { Handler } from '../handler.js';
import type { BrokerServices } from '../services.js';

/** DescribeGroups v0-5. */
export const describeGroups: Handler<BrokerServices> = {
  apiKey: 15,
  min: 0,
  max: 5,
  handle: (s, req, ctx) => ({ throttleTimeMs: 0, ...s.groups.describeGroups({ groups: req.groups, includeAuthorizedOperations: req.includeAuthorizedOperations }, ctx) }),
};
