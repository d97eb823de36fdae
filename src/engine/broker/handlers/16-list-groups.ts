import { ListGroups } from '../../protocol/messages/16-list-groups.js';
import type { Handler } from '../handler.js';
import type { BrokerServices } from '../services.js';

/** ListGroups v0-5 (states filter v4+, KIP-518; types filter v5+, KIP-848). */
export const listGroups: Handler<BrokerServices, typeof ListGroups> = {
  api: ListGroups,
  min: 0,
  max: 5,
  handle: (s, req) => ({ throttleTimeMs: 0, ...s.groups.listGroups(req) }),
};
