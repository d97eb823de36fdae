import type { Struct } from '../../protocol/codec.js';
import type { Handler } from '../handler.js';
import type { BrokerServices } from '../services.js';
import { TOPIC_CONFIG_BY_NAME, splitList } from '../../log/topic-config.js';
import { applyConfigs } from './alter-configs-common.js';

const SET = 0;
const DELETE = 1;
const APPEND = 2;
const SUBTRACT = 3;

/** IncrementalAlterConfigs: set, delete, append to or subtract from list configs. */
export const incrementalAlterConfigs: Handler<BrokerServices> = {
  apiKey: 44,
  min: 0,
  max: 1,
  async handle(s, req) {
    const responses = [];
    for (const r of req.resources as Struct[]) {
      const compute = (current: Readonly<Record<string, string>>): Record<string, string> | string => {
        const next: Record<string, string> = { ...current };
        for (const c of r.configs as Struct[]) {
          switch (c.configOperation) {
            case SET:
              next[c.name] = c.value ?? '';
              break;
            case DELETE:
              delete next[c.name];
              break;
            case APPEND:
            case SUBTRACT: {
              const def = TOPIC_CONFIG_BY_NAME.get(c.name);
              if (def && def.type !== 'list') return `Config value append is not allowed for config key: ${c.name}`;
              const existing = splitList(next[c.name] ?? def?.default ?? '');
              const items = splitList(c.value ?? '');
              const merged = c.configOperation === APPEND ? [...existing, ...items.filter((i) => !existing.includes(i))] : existing.filter((i) => !items.includes(i));
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
    return { throttleTimeMs: 0, responses };
  },
};
