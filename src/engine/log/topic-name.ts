/**
 * Topic name rules (Kafka's Topic.java) with the KRaft controller's messages, so CreateTopics
 * answers and the tools print what Kafka prints.
 */
export const MAX_TOPIC_NAME_LENGTH = 249;

const LEGAL = /^[a-zA-Z0-9._-]+$/;

/**
 * Returns the reason a topic name is illegal, worded as the KRaft controller answers CreateTopics
 * (and so as kafka-topics prints it), or undefined if the name is legal.
 */
export function topicNameProblem(name: string): string | undefined {
  const reason = topicNameReason(name);
  return reason === undefined ? undefined : `Topic name is invalid: ${reason}`;
}

function topicNameReason(name: string): string | undefined {
  if (name.length === 0) return 'the empty string is not allowed';
  if (name === '.') return "'.' is not allowed";
  if (name === '..') return "'..' is not allowed";
  if (name.length > MAX_TOPIC_NAME_LENGTH) return `the length of '${name}' is longer than the max allowed length ${MAX_TOPIC_NAME_LENGTH}`;
  if (!LEGAL.test(name)) return `'${name}' contains one or more characters other than ASCII alphanumerics, '.', '_' and '-'`;
  return undefined;
}

export function topicsCollide(a: string, b: string): boolean {
  return a.replaceAll('.', '_') === b.replaceAll('.', '_');
}

/** Kafka's kafka-topics warning when a new name contains '.' or '_'. */
export const COLLISION_WARNING =
  "WARNING: Due to limitations in metric names, topics with a period ('.') or underscore ('_') could collide. To avoid issues it is best to use either, but not both.";

/** Kafka's (KRaft controller) text when a new topic collides with an existing one. */
export function collisionProblem(name: string, existing: Iterable<string>): string | undefined {
  const hits = [...existing].filter((e) => e !== name && topicsCollide(e, name)).sort();
  return hits.length ? `Topic '${name}' collides with existing topic: ${hits[0]}` : undefined;
}

/**
 * Names Kafka reserves for its internal topics (Topic.java INTERNAL_TOPICS, plus the KRaft
 * metadata log). mq keeps group state in its own files, so none of these can be a user topic:
 * CreateTopics refuses them with INVALID_REQUEST in the wording Kafka's ControllerApis uses for
 * __cluster_metadata, and a Metadata auto-create or a produce with INVALID_TOPIC_EXCEPTION, as
 * Kafka's ReplicaManager refuses appends to internal topics from clients.
 */
export const RESERVED_TOPIC_NAMES: ReadonlySet<string> = new Set(['__consumer_offsets', '__transaction_state', '__share_group_state', '__cluster_metadata']);

export function reservedTopicProblem(name: string): string | undefined {
  return RESERVED_TOPIC_NAMES.has(name) ? `Creation of internal topic ${name} is prohibited.` : undefined;
}
