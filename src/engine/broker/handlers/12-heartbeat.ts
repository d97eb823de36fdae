import { Heartbeat } from '../../protocol/messages/12-heartbeat.js';
import type { Handler } from '../handler.js';
import type { BrokerServices } from '../services.js';

/** Heartbeat v0-4. */
export const heartbeat: Handler<BrokerServices, typeof Heartbeat> = {
  api: Heartbeat,
  min: 0,
  max: 4,
  handle: (s, req) => ({ throttleTimeMs: 0, ...s.groups.heartbeat(req) }),
};
