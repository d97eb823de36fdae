/**
 * Numbers the config APIs (DescribeConfigs, AlterConfigs, IncrementalAlterConfigs) carry, as
 * Kafka defines them: resource types (clients/.../common/config/ConfigResource.java), config
 * sources and types (clients/.../common/requests/DescribeConfigsResponse.java) and the
 * incremental operations (clients/.../clients/admin/AlterConfigOp.java).
 */
export const ResourceType = { TOPIC: 2, BROKER: 4, BROKER_LOGGER: 8, GROUP: 32 } as const;

export const ConfigSource = {
  DYNAMIC_TOPIC_CONFIG: 1,
  DYNAMIC_BROKER_CONFIG: 2,
  DYNAMIC_DEFAULT_BROKER_CONFIG: 3,
  STATIC_BROKER_CONFIG: 4,
  DEFAULT_CONFIG: 5,
  GROUP_CONFIG: 8,
} as const;

/** DescribeConfigsResponse.ConfigType ids. */
export const ConfigTypeId = { BOOLEAN: 1, STRING: 2, INT: 3, SHORT: 4, LONG: 5, DOUBLE: 6, LIST: 7, CLASS: 8, PASSWORD: 9 } as const;

/** IncrementalAlterConfigs' configOperation (AlterConfigOp.OpType). */
export const AlterConfigOp = { SET: 0, DELETE: 1, APPEND: 2, SUBTRACT: 3 } as const;
