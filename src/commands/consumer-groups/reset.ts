/**
 * --reset-offsets planning (ConsumerGroupCommand.prepareOffsetsToReset), pure: the scenario and what is known about each
 * partition in, the new offsets and Kafka's warnings out.
 */

export type Scenario =
  | { kind: 'to-earliest' }
  | { kind: 'to-latest' }
  | { kind: 'to-current' }
  | { kind: 'to-offset'; offset: number }
  | { kind: 'shift-by'; shift: number }
  | { kind: 'to-datetime'; timestamp: number }
  | { kind: 'by-duration'; timestamp: number }
  | { kind: 'from-file'; offsets: Map<string, number> };

export interface PartitionState {
  topic: string;
  partition: number;
  committed: number | null;
  earliest: number;
  latest: number;
  /** For to-datetime / by-duration: the first offset at or after the time, or null when none. */
  offsetForTime?: number | null;
}

export class ResetError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'ResetError';
  }
}

export interface PlannedOffset {
  topic: string;
  partition: number;
  offset: number;
}

export interface Plan {
  offsets: PlannedOffset[];
  /** Log WARN lines (stderr). */
  warnings: string[];
  /** Kafka's `\nWarn: ...` lines (on stdout in Kafka; mq prints them on stderr). */
  notices: string[];
}

const tp = (s: PartitionState) => `${s.topic}-${s.partition}`;

function clamp(s: PartitionState, wanted: number, warnings: string[]): number {
  if (wanted > s.latest) {
    warnings.push(`New offset (${wanted}) is higher than latest offset for topic partition ${tp(s)}. Value will be set to ${s.latest}`);
    return s.latest;
  }
  if (wanted < s.earliest) {
    warnings.push(`New offset (${wanted}) is lower than earliest offset for topic partition ${tp(s)}. Value will be set to ${s.earliest}`);
    return s.earliest;
  }
  return wanted;
}

export function planReset(scenario: Scenario, partitions: readonly PartitionState[]): Plan {
  const warnings: string[] = [];
  const notices: string[] = [];
  const offsets = partitions.map((s): PlannedOffset => {
    let offset: number;
    switch (scenario.kind) {
      case 'to-earliest':
        offset = s.earliest;
        break;
      case 'to-latest':
        offset = s.latest;
        break;
      case 'to-current':
        offset = s.committed ?? s.latest;
        break;
      case 'to-offset':
        offset = clamp(s, scenario.offset, warnings);
        break;
      case 'shift-by':
        if (s.committed === null) throw new ResetError(`Cannot shift offset for partition ${tp(s)} since there is no current committed offset`);
        offset = clamp(s, s.committed + scenario.shift, warnings);
        break;
      case 'to-datetime':
      case 'by-duration':
        if (s.offsetForTime === null || s.offsetForTime === undefined || s.offsetForTime < 0) {
          notices.push(`\nWarn: Partition ${s.partition} from topic ${s.topic} is empty. Falling back to latest known offset.`);
          offset = s.latest;
        } else offset = s.offsetForTime;
        break;
      case 'from-file': {
        const v = scenario.offsets.get(`${s.topic}:${s.partition}`);
        offset = v === undefined ? (s.committed ?? s.latest) : clamp(s, v, warnings);
        break;
      }
    }
    return { topic: s.topic, partition: s.partition, offset };
  });
  return { offsets, warnings, notices };
}

/**
 * `yyyy-MM-dd'T'HH:mm:ss.SSS` with an optional zone (Z, +01:00, +0100, +01); UTC without one.
 */
export function parseDateTime(s: string): number {
  const m = /^(\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2}):(\d{2})\.(\d{3})(Z|[+-]\d{2}(?::?\d{2})?)?$/.exec(s.trim());
  if (!m) {
    throw new ResetError(`Error parsing timestamp '${s}': expected yyyy-MM-ddTHH:mm:ss.SSS with an optional zone (Z, +01:00, +0100), e.g. 2024-01-31T12:00:00.000`);
  }
  const [, y, mo, d, h, mi, se, ms, zone] = m;
  let offsetMin = 0;
  if (zone && zone !== 'Z') {
    const sign = zone[0] === '-' ? -1 : 1;
    const digits = zone.slice(1).replace(':', '');
    offsetMin = sign * (Number(digits.slice(0, 2)) * 60 + Number(digits.slice(2, 4) || '0'));
  }
  const t = Date.UTC(Number(y), Number(mo) - 1, Number(d), Number(h), Number(mi), Number(se), Number(ms)) - offsetMin * 60_000;
  const check = new Date(Date.UTC(Number(y), Number(mo) - 1, Number(d)));
  if (check.getUTCMonth() !== Number(mo) - 1 || Number(h) > 23 || Number(mi) > 59 || Number(se) > 59) throw new ResetError(`Error parsing timestamp '${s}': invalid date or time`);
  return t;
}

/** ISO-8601 duration (java.time.Duration.parse): PnDTnHnMn.nS, optionally negative. Milliseconds. */
export function parseDuration(s: string): number {
  const m = /^([-+]?)P(?:([-+]?\d+)D)?(?:T(?:([-+]?\d+)H)?(?:([-+]?\d+)M)?(?:([-+]?\d+(?:[.,]\d{1,9})?)S)?)?$/i.exec(s.trim());
  if (!m || s.trim().toUpperCase().endsWith('T') || !/\d/.test(s)) throw new ResetError(`Text cannot be parsed to a Duration: '${s}' (expected ISO-8601, e.g. PT10M or P1DT2H)`);
  const [, sign, d, h, mi, se] = m;
  const ms = (Number(d ?? 0) * 86400 + Number(h ?? 0) * 3600 + Number(mi ?? 0) * 60) * 1000 + Math.round(Number((se ?? '0').replace(',', '.')) * 1000);
  return sign === '-' ? -ms : ms;
}

/**
 * --from-file CSV: `topic,partition,offset` (one group) or `group,topic,partition,offset`.
 * Returns offsets per group ('' for the 3-column layout).
 */
export function parseResetCsv(text: string, singleGroup: string | null): Map<string, Map<string, number>> {
  const lines = text.split(/\r?\n/).filter((l) => l.trim() !== '');
  const out = new Map<string, Map<string, number>>();
  const threeColumns = singleGroup !== null && lines.length > 0 && lines[0]!.split(',').length === 3;
  lines.forEach((line, i) => {
    const cols = line.split(',').map((c) => c.trim().replace(/^"(.*)"$/, '$1'));
    const want = threeColumns ? 3 : 4;
    if (cols.length !== want) throw new ResetError(`Invalid line ${i + 1} in the reset file: '${line}' (expected ${threeColumns ? 'topic,partition,offset' : 'group,topic,partition,offset'})`);
    const [group, topic, partition, offset] = threeColumns ? [singleGroup, ...cols] : cols;
    if (!/^\d+$/.test(partition!) || !/^-?\d+$/.test(offset!)) throw new ResetError(`Invalid line ${i + 1} in the reset file: '${line}' (partition and offset must be numbers)`);
    const m = out.get(group!) ?? new Map<string, number>();
    m.set(`${topic}:${Number(partition)}`, Number(offset));
    out.set(group!, m);
  });
  return out;
}

/** `t` or `t:0,1,2` (ConsumerGroupCommand's --topic, with its messages). */
export function parseTopicArg(arg: string): { topic: string; partitions: number[] | null } {
  const colon = arg.indexOf(':');
  if (colon < 0) return { topic: arg, partitions: null };
  const topic = arg.slice(0, colon);
  const list = arg.slice(colon + 1);
  if (topic === '' || list === '') throw new ResetError(`Invalid topic arg '${arg}', expected topic name and partitions`);
  const partitions = list.split(',').map((p) => {
    if (!/^\d+$/.test(p.trim())) throw new ResetError(`Invalid partition '${p}' specified in topic arg '${arg}''`);
    return Number(p.trim());
  });
  return { topic, partitions };
}
