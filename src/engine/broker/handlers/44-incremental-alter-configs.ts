import { AlterConfigOp } from '../../protocol/config-resources.js';
import { IncrementalAlterConfigs } from '../../protocol/messages/44-incremental-alter-configs.js';
import type { Handler } from '../handler.js';
import type { BrokerServices } from '../services.js';
import { TOPIC_CONFIG_BY_NAME, splitList } from '../../log/topic-config.js';
import { applyConfigs, refuseInvalidConfigs } from './alter-configs-common.js';

/** IncrementalAlterConfigs: set, delete, append to or subtract from list configs. */
export const incrementalAlterConfigs: Handler<BrokerServices, typeof IncrementalAlterConfigs> = {
  api: IncrementalAlterConfigs,
  min: 0,
  max: 1,
  async handle(s, req, ctx) {
    const responses = [];
    for (const r of req.resources) {
      const compute = (current: Readonly<Record<string, string>>): Record<string, string> | string => {
        const next: Record<string, string> = { ...current };
        for (const c of r.configs) {
          switch (c.configOperation) {
            case AlterConfigOp.SET:
              next[c.name] = c.value ?? '';
              break;
            case AlterConfigOp.DELETE:
              delete next[c.name];
              break;
            case AlterConfigOp.APPEND:
            case AlterConfigOp.SUBTRACT: {
              const def = TOPIC_CONFIG_BY_NAME.get(c.name);
              if (def && def.type !== 'list') return `Config value append is not allowed for config key: ${c.name}`;
              const existing = splitList(next[c.name] ?? def?.default ?? '');
              const items = splitList(c.value ?? '');
              const merged =
                c.configOperation === AlterConfigOp.APPEND
                  ? [...existing, ...items.filter((i) => !existing.includes(i))]
                  : existing.filter((i) => !items.includes(i));
              next[c.name] = merged.join(',');
              break;
            }
            default:
              return `Unknown config operation ${c.configOperation}`;
          }
        }
        return next;
      };
      responses.push(await applyConfigs(s, r, compute, req.validateOnly));
    }
    refuseInvalidConfigs(ctx, responses);
    return { throttleTimeMs: 0, responses };
  },
};
