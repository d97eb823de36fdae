/**
 * Config administration over our protocol client: DescribeConfigs (with sources and synonyms),
 * the legacy AlterConfigs (a resource's whole dynamic set) and IncrementalAlterConfigs
 * (KIP-339). Broker and broker-logger resources go to that broker; the rest to any broker.
 *
 *   const [cfg] = await describeConfigs(cluster, [{ type: ResourceType.TOPIC, name: 't' }], { synonyms: true });
 *   await incrementalAlterConfigs(conn, { type: ResourceType.TOPIC, name: 't', set: new Map([['retention.ms', '1']]), delete: [] });
 */
import type { Cluster } from '../cluster.js';
import type { ProtocolConnection } from '../connection.js';
import type { ResponseOf } from '../../protocol/schema.js';
import { AlterConfigOp, ResourceType } from '../../protocol/config-resources.js';
import { DescribeConfigs } from '../../protocol/messages/32-describe-configs.js';
import { AlterConfigs } from '../../protocol/messages/33-alter-configs.js';
import { IncrementalAlterConfigs } from '../../protocol/messages/44-incremental-alter-configs.js';

/**
 * Kafka's DescribeConfigsResponse.ConfigSource, by wire id, as the admin client names them
 * (clients/src/main/java/org/apache/kafka/clients/admin/ConfigEntry.java): the names the tools print.
 */
export const ConfigSource = {
  UNKNOWN: 0,
  DYNAMIC_TOPIC_CONFIG: 1,
  DYNAMIC_BROKER_CONFIG: 2,
  DYNAMIC_DEFAULT_BROKER_CONFIG: 3,
  STATIC_BROKER_CONFIG: 4,
  DEFAULT_CONFIG: 5,
  DYNAMIC_BROKER_LOGGER_CONFIG: 6,
  DYNAMIC_CLIENT_METRICS_CONFIG: 7,
  DYNAMIC_GROUP_CONFIG: 8,
} as const;

const sourceNames = new Map<number, string>(Object.entries(ConfigSource).map(([name, id]) => [id, name]));

/** A config source's name as Kafka's ConfigEntry.ConfigSource prints it; undefined for an unknown id. */
export function configSourceName(id: number): string | undefined {
  return sourceNames.get(id);
}

export interface ConfigEntryInfo {
  name: string;
  value: string | null;
  source: number;
  isSensitive: boolean;
  readOnly: boolean;
  synonyms: { name: string; value: string | null; source: number }[];
}

export interface ConfigResourceResult {
  type: number;
  name: string;
  errorCode: number;
  errorMessage: string | null;
  entries: ConfigEntryInfo[];
}

/** A resource's answer to AlterConfigs or IncrementalAlterConfigs. */
export interface AlterConfigsResult {
  type: number;
  name: string;
  errorCode: number;
  errorMessage: string | null;
}

/** DescribeConfigs, sent to the broker that owns each resource (brokers to themselves). */
export async function describeConfigs(
  cluster: Cluster,
  resources: ReadonlyArray<{ type: number; name: string; keys?: string[] | null }>,
  { synonyms = false }: { synonyms?: boolean } = {},
): Promise<ConfigResourceResult[]> {
  const out: ConfigResourceResult[] = [];
  // Broker resources go to that broker; everything else to any broker (Kafka: least loaded).
  const groups = new Map<number | 'any', (typeof resources)[number][]>();
  for (const r of resources) {
    const key: number | 'any' = (r.type === ResourceType.BROKER || r.type === ResourceType.BROKER_LOGGER) && /^\d+$/.test(r.name) ? Number(r.name) : 'any';
    groups.set(key, [...(groups.get(key) ?? []), r]);
  }
  for (const [node, rs] of groups) {
    const conn = node === 'any' ? cluster.any() : await cluster.forNode(node);
    const v = conn.versionFor(DescribeConfigs.apiKey);
    const res = await conn.request(DescribeConfigs, {
      resources: rs.map((r) => ({ resourceType: r.type, resourceName: r.name, configurationKeys: r.keys ?? null })),
      // v0 has no synonyms.
      includeSynonyms: synonyms && v >= 1,
      includeDocumentation: false,
    });
    for (const r of res.results) {
      out.push({
        type: r.resourceType,
        name: r.resourceName,
        errorCode: r.errorCode,
        errorMessage: r.errorMessage,
        entries: r.configs.map((c) => ({
          name: c.name,
          value: c.value,
          // v0 only has isDefault.
          source: v >= 1 ? c.configSource : c.isDefault ? ConfigSource.DEFAULT_CONFIG : ConfigSource.UNKNOWN,
          isSensitive: c.isSensitive,
          readOnly: c.readOnly,
          synonyms: c.synonyms.map((s) => ({ name: s.name, value: s.value, source: s.source })),
        })),
      });
    }
  }
  // Keep the caller's order.
  return resources.map(
    (r) => out.find((o) => o.type === r.type && o.name === r.name) ?? { type: r.type, name: r.name, errorCode: -1, errorMessage: 'no answer', entries: [] },
  );
}

function alterResults(res: ResponseOf<typeof AlterConfigs>  ): AlterConfigsResult[] {
  return res.responses.map((r) => ({ type: r.resourceType, name: r.resourceName, errorCode: r.errorCode, errorMessage: r.errorMessage }));
}

/** True when `conn` can take the legacy AlterConfigs (Kafka 4 removed it). */
export function supportsLegacyAlterConfigs(conn: ProtocolConnection): boolean {
  return conn.supports(AlterConfigs.apiKey);
}

/** The legacy AlterConfigs: `configs` replaces the resource's whole dynamic set. */
export async function alterConfigs(
  conn: ProtocolConnection,
  resource: { type: number; name: string; configs: ReadonlyMap<string, string> },
): Promise<AlterConfigsResult[]> {
  const res = await conn.request(AlterConfigs, {
    resources: [{ resourceType: resource.type, resourceName: resource.name, configs: [...resource.configs].map(([name, value]) => ({ name, value })) }],
    validateOnly: false,
  });
  return alterResults(res);
}

/** IncrementalAlterConfigs: SET each of `set`, then DELETE each of `delete`. */
export async function incrementalAlterConfigs(
  conn: ProtocolConnection,
  resource: { type: number; name: string; set: ReadonlyMap<string, string>; delete: readonly string[] },
): Promise<AlterConfigsResult[]> {
  const res = await conn.request(IncrementalAlterConfigs, {
    resources: [
      {
        resourceType: resource.type,
        resourceName: resource.name,
        configs: [
          ...[...resource.set].map(([name, value]) => ({ name, configOperation: AlterConfigOp.SET, value })),
          ...resource.delete.map((name) => ({ name, configOperation: AlterConfigOp.DELETE, value: null })),
        ],
      },
    ],
    validateOnly: false,
  });
  return alterResults(res);
}
