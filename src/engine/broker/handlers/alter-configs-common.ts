import { ConfigTypeId, ResourceType } from '../../protocol/config-resources.js';
import { ErrorCode } from '../../protocol/error-codes.js';
import { validateTopicConfig } from '../../log/topic-config.js';
import type { BrokerServices } from '../services.js';
import type { RequestContext } from '../handler.js';
import { DYNAMIC_BROKER_CONFIGS, GROUP_CONFIGS } from '../configs.js';
import { UNKNOWN_TOPIC_MESSAGE } from '../topics.js';

export interface AlterResult {
  errorCode: number;
  errorMessage: string | null;
  resourceType: number;
  resourceName: string;
}

/**
 * Applies a complete new override set to one resource, computed by the caller from either the
 * legacy AlterConfigs (replace everything) or IncrementalAlterConfigs (set/delete/append/subtract).
 */
export async function applyConfigs(
  s: BrokerServices,
  r: { readonly resourceType: number; readonly resourceName: string },
  compute: (current: Readonly<Record<string, string>>) => Record<string, string> | string,
  validateOnly: boolean,
): Promise<AlterResult> {
  const base = { resourceType: r.resourceType, resourceName: r.resourceName };
  const fail = (errorCode: number, errorMessage: string) => ({ ...base, errorCode, errorMessage });
  switch (r.resourceType) {
    case ResourceType.TOPIC: {
      const topic = s.log.topic(r.resourceName);
      if (!topic) return fail(ErrorCode.UNKNOWN_TOPIC_OR_PARTITION, UNKNOWN_TOPIC_MESSAGE);
      const next = compute(topic.configs);
      if (typeof next === 'string') return fail(ErrorCode.INVALID_CONFIG, next);
      for (const [k, v] of Object.entries(next)) {
        const problem = validateTopicConfig(k, v);
        if (problem) return fail(ErrorCode.INVALID_CONFIG, problem);
      }
      if (!validateOnly) await s.log.alterTopicConfig(topic.name, next);
      return { ...base, errorCode: 0, errorMessage: null };
    }
    case ResourceType.BROKER: {
      if (r.resourceName !== '' && r.resourceName !== String(s.nodeId)) {
        return fail(ErrorCode.INVALID_REQUEST, `Unexpected broker id, expected ${s.nodeId} or empty string, but received ${r.resourceName}`);
      }
      // "" is the cluster-wide default entity (--broker-defaults), the node id this broker only.
      const scope = r.resourceName === '' ? 'default' : 'broker';
      const next = compute(s.dynamicConfigs.broker(scope));
      if (typeof next === 'string') return fail(ErrorCode.INVALID_CONFIG, next);
      for (const [k, v] of Object.entries(next)) {
        if (!DYNAMIC_BROKER_CONFIGS.has(k)) return fail(ErrorCode.INVALID_CONFIG, `Cannot update these configs dynamically: Set(${k})`);
        if (!/^-?\d+$/.test(v) && !/cleanup|type|enable/.test(k)) return fail(ErrorCode.INVALID_CONFIG, `Invalid value ${v} for configuration ${k}: Not a number of type LONG`);
      }
      if (!validateOnly) {
        await s.dynamicConfigs.setBroker(scope, next, s.settings);
        // Topic configs inherit from broker settings: recompute them so the change applies now.
        s.log.applyBrokerSettings(s.settings.toObject());
      }
      return { ...base, errorCode: 0, errorMessage: null };
    }
    case ResourceType.GROUP: {
      const next = compute(s.dynamicConfigs.group(r.resourceName));
      if (typeof next === 'string') return fail(ErrorCode.INVALID_CONFIG, next);
      for (const [k, v] of Object.entries(next)) {
        if (!(k in GROUP_CONFIGS)) return fail(ErrorCode.INVALID_CONFIG, `Unknown group config name: ${k}`);
        if (GROUP_CONFIGS[k]!.type === ConfigTypeId.INT && !/^\d+$/.test(v)) return fail(ErrorCode.INVALID_CONFIG, `Invalid value ${v} for configuration ${k}: Not a number of type INT`);
      }
      if (!validateOnly) await s.dynamicConfigs.setGroup(r.resourceName, next);
      return { ...base, errorCode: 0, errorMessage: null };
    }
    default:
      return fail(ErrorCode.INVALID_REQUEST, `Unsupported resource type ${r.resourceType}`);
  }
}

const RESOURCE_NAMES: Readonly<Record<number, string>> = { [ResourceType.TOPIC]: 'topic', [ResourceType.BROKER]: 'broker', [ResourceType.GROUP]: 'group' };

/** INVALID_CONFIG answers go to the broker's log too (refusal-log.ts): an unknown name or a bad value. */
export function refuseInvalidConfigs(ctx: RequestContext, results: readonly AlterResult[]): void {
  for (const r of results) {
    if (r.errorCode !== ErrorCode.INVALID_CONFIG) continue;
    const what = RESOURCE_NAMES[r.resourceType] ?? `resource type ${r.resourceType}`;
    ctx.refused(r.errorCode, `${what} '${r.resourceName}': ${r.errorMessage ?? 'invalid config'}`);
  }
}
