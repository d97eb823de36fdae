/**
 * mq-consumer-groups' options: what commander parsed (GroupsOptions), Kafka's argument checks,
 * and the --state/--type lists and --reset-offsets scenario they name. No broker needed.
 */
import { UsageError } from '../../cli/errors.js';
import { parseDateTime, parseDuration, ResetError, type Scenario } from './reset.js';

export interface GroupsOptions {
  bootstrapServer?: string;
  commandConfig?: string;
  dataDir?: string;
  output?: string;
  color?: boolean;
  list?: boolean;
  describe?: boolean;
  delete?: boolean;
  resetOffsets?: boolean;
  deleteOffsets?: boolean;
  undoReset?: boolean;
  resetHistory?: boolean;
  group?: string[];
  allGroups?: boolean;
  topic?: string[];
  allTopics?: boolean;
  timeout?: string;
  members?: boolean;
  offsets?: boolean;
  state?: string | boolean;
  type?: string | boolean;
  verbose?: boolean;
  dryRun?: boolean;
  execute?: boolean;
  export?: boolean;
  toEarliest?: boolean;
  toLatest?: boolean;
  toCurrent?: boolean;
  toOffset?: string;
  shiftBy?: string;
  toDatetime?: string;
  byDuration?: string;
  fromFile?: string;
}

const ACTIONS = ['list', 'describe', 'delete', 'resetOffsets', 'deleteOffsets', 'undoReset', 'resetHistory'] as const;

export type GroupsAction = (typeof ACTIONS)[number];
export const STATES = ['PreparingRebalance', 'CompletingRebalance', 'Stable', 'Dead', 'Empty', 'Assigning', 'Reconciling'];
export const TYPES = ['Consumer', 'Classic', 'Share'];
const SCENARIOS = ['toOffset', 'toDatetime', 'byDuration', 'toEarliest', 'toLatest', 'shiftBy', 'fromFile', 'toCurrent'] as const;
const jopt = (k: string) => `[${k.replace(/[A-Z]/g, (c) => '-' + c.toLowerCase())}]`;

const set = (v: unknown) => v !== undefined && v !== false && !(Array.isArray(v) && v.length === 0);

export function parseList(value: string | boolean | undefined, valid: string[], what: string): string[] {
  if (typeof value !== 'string') return [];
  const items = value.split(',').map((s) => s.trim()).filter(Boolean);
  const out = items.map((s) => valid.find((v) => v.toLowerCase() === s.toLowerCase()));
  if (items.length === 0 || out.some((x) => x === undefined)) {
    throw new UsageError(what === 'state' ? `Invalid state list '${value}'. Valid states are: ${STATES.join(', ')}` : `Invalid types list '${value}'. Valid types are: ${TYPES.join(', ')}`);
  }
  return out as string[];
}

/**
 * ConsumerGroupCommandOptions.checkArgs, with Kafka's messages
 * (tools/src/main/java/org/apache/kafka/tools/consumer/group/ConsumerGroupCommandOptions.java).
 */
export function checkArgs(o: GroupsOptions): GroupsAction {
  const given = ACTIONS.filter((a) => set(o[a]));
  if (given.length !== 1) throw new UsageError('Command must include exactly one action: --list, --describe, --delete, --reset-offsets, --delete-offsets');
  const action = given[0]!;
  if (set(o.group) && o.allGroups) throw new UsageError(`Option "[all-groups]" can't be used with option "[group]"`);
  const groupOrAll = set(o.group) || o.allGroups;
  if (set(o.topic) && o.allTopics) throw new UsageError(`Option "[all-topics]" can't be used with option "[topic]"`);
  if (action === 'list') {
    for (const k of ['group', 'allGroups', 'topic', 'allTopics', 'members', 'offsets'] as const) if (set(o[k])) throw new UsageError(`Option "${jopt(k)}" can't be used with option "[list]"`);
  }
  if (action === 'describe') {
    if (!groupOrAll) throw new UsageError('Option [describe] takes one of these options: [all-groups], [group]');
    const views = (['members', 'offsets', 'state'] as const).filter((k) => set(o[k]));
    if (views.length > 1) throw new UsageError('Option [describe] takes at most one of these options: [members], [offsets], [state]');
    if (typeof o.state === 'string') throw new UsageError('Option [describe] does not take a value for [state]');
    if (set(o.topic) || o.allTopics) throw new UsageError(`Option "[${set(o.topic) ? 'topic' : 'all-topics'}]" can't be used with option "[describe]"`);
    if (set(o.type)) throw new UsageError(`Option "[type]" can't be used with option "[describe]"`);
  }
  if (action === 'delete') {
    if (!groupOrAll) throw new UsageError('Option [delete] takes one of these options: [all-groups], [group]');
    if (set(o.topic)) throw new UsageError('The consumer does not support topic-specific offset deletion from a consumer group.');
  }
  if (action === 'deleteOffsets') {
    if (o.group?.length !== 1 || !set(o.topic) || o.allGroups) throw new UsageError('Option [delete-offsets] takes the following options: [topic], [group]');
  }
  if (action === 'undoReset' || action === 'resetHistory') {
    const flag = action === 'undoReset' ? 'undo-reset' : 'reset-history';
    if (action === 'undoReset' && (o.group?.length !== 1 || o.allGroups)) throw new UsageError('Option [undo-reset] takes exactly one [group]');
    if (o.dryRun && o.execute) throw new UsageError(`Option [${flag}] only accepts one of [execute] and [dry-run]`);
    for (const k of [...SCENARIOS, 'topic', 'allTopics', 'export', ...(action === 'resetHistory' ? (['dryRun', 'execute'] as const) : [])] as const) {
      if (set(o[k])) throw new UsageError(`Option "${jopt(k)}" can't be used with option "[${flag}]"`);
    }
  } else if (action === 'resetOffsets') {
    if (o.dryRun && o.execute) throw new UsageError('Option [reset-offsets] only accepts one of [execute] and [dry-run]');
    if (!groupOrAll) throw new UsageError('Option [reset-offsets] takes one of these options: [all-groups], [group]');
    const scenarios = SCENARIOS.filter((k) => set(o[k]));
    const list = `[${SCENARIOS.map(jopt).join(', ')}]`;
    if (scenarios.length === 0) throw new UsageError(`Option '[reset-offsets]' requires one of the following scenarios: ${list}`);
    if (scenarios.length > 1) throw new UsageError(`Option '[reset-offsets]' takes only one of the following scenarios: ${list}`);
    if (!o.fromFile && !set(o.topic) && !o.allTopics) throw new UsageError('One of the reset scopes should be defined: --all-topics, --topic.');
  } else {
    for (const k of [...SCENARIOS, 'dryRun', 'execute', 'export'] as const) {
      if (set(o[k])) throw new UsageError(`Option "${jopt(k)}" can't be used with option "[${action.replace(/[A-Z]/g, (c) => '-' + c.toLowerCase())}]"`);
    }
  }
  if (action !== 'list' && set(o.type)) throw new UsageError(`Option "[type]" can't be used with option "[${action.replace(/[A-Z]/g, (c) => '-' + c.toLowerCase())}]"`);
  if (action !== 'list' && action !== 'describe' && set(o.state)) throw new UsageError(`Option "[state]" can't be used with option "[${action.replace(/[A-Z]/g, (c) => '-' + c.toLowerCase())}]"`);
  return action;
}

/** The --reset-offsets scenario; --from-file is read by the caller. */
export function scenarioFrom(o: GroupsOptions, now: number): Scenario | { kind: 'from-file-pending'; path: string } {
  const int = (v: string, flag: string) => {
    if (!/^[+-]?\d+$/.test(v.trim())) throw new UsageError(`Invalid value '${v}' for option --${flag}: not an integer`);
    return Number(v);
  };
  if (o.toEarliest) return { kind: 'to-earliest' };
  if (o.toLatest) return { kind: 'to-latest' };
  if (o.toCurrent) return { kind: 'to-current' };
  if (o.toOffset !== undefined) return { kind: 'to-offset', offset: int(o.toOffset, 'to-offset') };
  if (o.shiftBy !== undefined) return { kind: 'shift-by', shift: int(o.shiftBy, 'shift-by') };
  try {
    if (o.toDatetime !== undefined) return { kind: 'to-datetime', timestamp: parseDateTime(o.toDatetime) };
    if (o.byDuration !== undefined) return { kind: 'by-duration', timestamp: now - parseDuration(o.byDuration) };
  } catch (err) {
    if (err instanceof ResetError) throw new UsageError(err.message);
    throw err;
  }
  return { kind: 'from-file-pending', path: o.fromFile! };
}
