import { AlterConfigs } from '../../protocol/messages/33-alter-configs.js';
import type { Handler } from '../handler.js';
import type { BrokerServices } from '../services.js';
import { applyConfigs, refuseInvalidConfigs } from './alter-configs-common.js';

/** AlterConfigs (legacy): the given set replaces every override of the resource. */
export const alterConfigs: Handler<BrokerServices, typeof AlterConfigs> = {
  api: AlterConfigs,
  min: 0,
  max: 2,
  async handle(s, req, ctx) {
    const responses = [];
    for (const r of req.resources) {
      const next: Record<string, string> = {};
      for (const c of r.configs) if (c.value !== null) next[c.name] = c.value;
      responses.push(await applyConfigs(s, r, () => next, req.validateOnly));
    }
    refuseInvalidConfigs(ctx, responses);
    return { throttleTimeMs: 0, responses };
  },
};
