/**
 * Topic name rules with Kafka's exact messages (Topic.java in Kafka 3.x), so CreateTopics answers
 * and the tools print what Kafka prints.
 */
export const MAX_TOPIC_NAME_LENGTH = 249;

const LEGAL = /^[a-zA-Z0-9._-]+$/;

/** Returns Kafka's error text for an illegal topic name, or undefined if the name is legal. */
export function topicNameProblem(name: string): string | undefined {
  if (name.length === 0) return 'Topic name is illegal, it can\'t be empty';
  if (name === '.' || name === '..') return 'Topic name cannot be "." or ".."';
  if (name.length > MAX_TOPIC_NAME_LENGTH) {
    return `Topic name is illegal, it can't be longer than ${MAX_TOPIC_NAME_LENGTH} characters, Topic name: ${name}`;
  }
  if (!LEGAL.test(name)) {
    return `Topic name "${name}" is illegal, it contains a character other than ASCII alphanumerics, '.', '_' and '-'`;
  }
  return undefined;
}

/** Metric names replace '.' with '_', so Kafka treats names equal after that swap as colliding. */
export function hasCollisionChars(name: string): boolean {
  return name.includes('.') || name.includes('_');
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
