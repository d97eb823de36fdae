import { ConfigSource, ConfigTypeId, ResourceType } from '../../protocol/config-resources.js';
import { DescribeConfigs } from '../../protocol/messages/32-describe-configs.js';
import type { Element, RequestOf, ResponseInput } from '../../protocol/schema.js';
import { ErrorCode } from '../../protocol/error-codes.js';
import type { Handler } from '../handler.js';
import type { BrokerServices } from '../services.js';
import { describeBrokerConfigs, describeTopicConfigs, GROUP_CONFIGS, type ConfigEntry } from '../configs.js';
import { UNKNOWN_TOPIC_MESSAGE } from '../topics.js';

/**
 * DescribeConfigs v0-4 for topics (the full Kafka topic config set, as librdkafka's tests and
 * kafka-configs --all expect), the broker (node id or "" for cluster defaults) and groups.
 */
type Resource = Element<RequestOf<typeof DescribeConfigs>['resources']>;
type ResourceAnswer = Element<ResponseInput<typeof DescribeConfigs>['results']>;

export const describeConfigs: Handler<BrokerServices, typeof DescribeConfigs> = {
  api: DescribeConfigs,
  min: 0,
  max: 4,
  handle(s, req, ctx) {
    const flags = { includeSynonyms: req.includeSynonyms, includeDocumentation: req.includeDocumentation };
    const results = req.resources.map((r) => describeResource(s, r, flags, ctx.version));
    return { throttleTimeMs: 0, results };
  },
};

/** includeSynonyms / includeDocumentation are request-level fields, not per resource. */
function describeResource(s: BrokerServices, r: Resource, flags: { includeSynonyms: boolean; includeDocumentation: boolean }, version: number): ResourceAnswer {
  const base = { resourceType: r.resourceType, resourceName: r.resourceName };
  const keys = r.configurationKeys;
  // isDefault is a v0 field; v1+ say the same through configSource.
  const ok = (configs: ConfigEntry[]) => ({
    ...base,
    errorCode: 0,
    errorMessage: null,
    configs: configs.map((c) => ({ ...c, isDefault: version === 0 && c.isDefault, synonyms: flags.includeSynonyms ? c.synonyms : [] })),
  });
  switch (r.resourceType) {
    case ResourceType.TOPIC: {
      const topic = s.log.topic(r.resourceName);
      if (!topic) return { ...base, errorCode: ErrorCode.UNKNOWN_TOPIC_OR_PARTITION, errorMessage: UNKNOWN_TOPIC_MESSAGE, configs: [] };
      return ok(describeTopicConfigs(s, topic.configs, keys, flags.includeSynonyms, flags.includeDocumentation));
    }
    case ResourceType.BROKER: {
      if (r.resourceName !== '' && r.resourceName !== String(s.nodeId)) {
        return { ...base, errorCode: ErrorCode.INVALID_REQUEST, errorMessage: `Unexpected broker id, expected ${s.nodeId} or empty string, but received ${r.resourceName}`, configs: [] };
      }
      return ok(describeBrokerConfigs(s, keys, r.resourceName !== ''));
    }
    case ResourceType.GROUP: {
      const values = s.dynamicConfigs.group(r.resourceName);
      const entries: ConfigEntry[] = Object.entries(GROUP_CONFIGS)
        .filter(([name]) => !keys || keys.includes(name))
        .map(([name, d]) =>
          entry(name, values[name] ?? d.default, values[name] !== undefined ? ConfigSource.GROUP_CONFIG : ConfigSource.DEFAULT_CONFIG, d.type),
        );
      return ok(entries);
    }
    default:
      return { ...base, errorCode: ErrorCode.INVALID_REQUEST, errorMessage: `Unsupported resource type ${r.resourceType}`, configs: [] };
  }
}

function entry(name: string, value: string, configSource: number, configType: number = ConfigTypeId.STRING): ConfigEntry {
  return {
    name,
    value,
    readOnly: false,
    isDefault: configSource === ConfigSource.DEFAULT_CONFIG,
    configSource,
    isSensitive: false,
    synonyms: [{ name, value, source: configSource }],
    configType,
    documentation: null,
  };
}
