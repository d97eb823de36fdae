import { DescribeGroups } from '../../protocol/messages/15-describe-groups.js';
import type { Handler } from '../handler.js';
import type { BrokerServices } from '../services.js';

/** DescribeGroups v0-5. */
export const describeGroups: Handler<BrokerServices, typeof DescribeGroups> = {
  api: DescribeGroups,
  min: 0,
  max: 5,
  handle: (s, req, ctx) => ({ throttleTimeMs: 0, ...s.groups.describeGroups(req, ctx) }),
};
