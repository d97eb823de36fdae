/**
 * Kafka's topic selection (TopicFilter.IncludeList): `--topic` is a regular expression matched
 * against the whole name, after Kafka's preprocessing (trim, `,` -> `|`, spaces removed, outer
 * quotes stripped). Internal topics are included unless excluded.
 *
 *   const f = topicFilter('test.*');            // throws UsageError "<re> is an invalid regex."
 *   f.allows('test-1', { excludeInternal: false })
 *   selectTopics(sortedNames, opts.topic, excludeInternal)   // Kafka's doGetTopics
 */
import { CommandError } from '../../cli/errors.js';
import { isInternalTopic } from '../../engine/client/admin/topics.js';

/** Kafka's IncludeList preprocessing. */
export function preprocessTopicRegex(raw: string): string {
  return raw.trim().replace(/,/g, '|').replace(/ /g, '').replace(/^["']/, '').replace(/["']$/, '');
}

/** Java regex syntax that JS lacks or reads differently, mapped where it is simple. */
function javaToJs(re: string): string {
  // Possessive quantifiers (a*+) and atomic groups have no JS form; \Q..\E quotes literally.
  return re.replace(/\\Q([\s\S]*?)(?:\\E|$)/g, (_m, lit: string) => lit.replace(/[.*+?^${}()|[\]\\]/g, '\\$&'));
}

export interface TopicFilter {
  readonly regex: string;
  allows(topic: string, opts?: { excludeInternal?: boolean }): boolean;
}

export function topicFilter(raw: string): TopicFilter {
  const regex = preprocessTopicRegex(raw);
  let re: RegExp;
  try {
    re = new RegExp(`^(?:${javaToJs(regex)})$`, 'u');
  } catch {
    try {
      re = new RegExp(`^(?:${javaToJs(regex)})$`);
    } catch {
      throw new CommandError(`${regex} is an invalid regex.`);
    }
  }
  return {
    regex,
    allows: (topic, opts = {}) => re.test(topic) && !(opts.excludeInternal && isInternalTopic(topic)),
  };
}

/** Kafka's doGetTopics: filter a (sorted) topic list by an optional include regex. */
export function selectTopics(allTopics: readonly string[], include: string | undefined, excludeInternal: boolean): string[] {
  if (include !== undefined) {
    const f = topicFilter(include);
    return allTopics.filter((t) => f.allows(t, { excludeInternal }));
  }
  return allTopics.filter((t) => !(excludeInternal && isInternalTopic(t)));
}
