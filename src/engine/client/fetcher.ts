/**
 * The consumers' Fetch loop over a set of assigned partitions, with our protocol client: one
 * request per leader, and the next one goes out as soon as an answer arrives (positions move by
 * the batch headers), so the broker reads while the caller prints — the Java consumer's fetch
 * prefetching. OFFSET_OUT_OF_RANGE resets the position by `reset` (auto.offset.reset);
 * leadership errors refresh the metadata and fetch again.
 *
 *   const f = new Fetcher(cluster, { maxWaitMs: 500, reset: 'earliest' });
 *   await f.assign([{ topic, partition, offset }]);
 *   const parts = await f.fetch();          // [{ topic, partition, position, records }]
 *   for (const p of parts) await readRecords(p.records, p.position, cursor, visit);
 *
 * `fetch()` answers with what a response held (possibly nothing, after maxWaitMs); callers
 * decide how far they read (a visitor may stop mid-batch) and keep their own consumed offsets.
 */
import type { Cluster } from './cluster.js';
import { isConnectionLost } from './errors.js';
import { ErrorCode, errorName } from '../protocol/error-codes.js';
import { Fetch } from '../protocol/messages/01-fetch.js';
import type { Element, RequestInput } from '../protocol/schema.js';
import { describeTopics, listOffsets, leaderOf, EARLIEST, LATEST, type TopicInfo } from './partitions.js';
import { nextOffsetAfter, type AbortedTransaction } from './record-reader.js';

export interface FetcherOptions {
  /** fetch.max.wait.ms */
  maxWaitMs?: number;
  /** fetch.max.bytes */
  maxBytes?: number;
  /** max.partition.fetch.bytes */
  partitionMaxBytes?: number;
  /** 0 read_uncommitted, 1 read_committed */
  isolationLevel?: number;
  /** auto.offset.reset ('none': a partition without a position is an error, as in Kafka) */
  reset?: 'earliest' | 'latest' | 'none';
}

export interface FetchedPartition {
  topic: string;
  partition: number;
  /** The offset this data was fetched from: records below it are to be skipped. */
  position: number;
  records: Buffer;
  /** read_committed: the aborted transactions to drop while reading (readRecords' `aborted`). */
  abortedTransactions?: readonly AbortedTransaction[];
}

/** One partition's answer from a fetch: its position, error code and the record bytes. */
interface PartitionFetch {
  a: Assigned;
  position: number;
  code: number;
  records: Buffer | null;
  aborted?: readonly AbortedTransaction[];
}

type FetchPartitionRequest = Element<Element<RequestInput<typeof Fetch>['topics']>['partitions']>;

export class FetchError extends Error {
  constructor(
    readonly topic: string,
    readonly partition: number,
    readonly errorCode: number,
  ) {
    super(`Fetch from ${topic}-${partition} failed: ${errorName(errorCode)}`);
    this.name = 'FetchError';
  }
}

export class OffsetResetError extends Error {
  constructor(
    readonly topic: string,
    readonly partition: number,
    readonly errorCode: number,
  ) {
    super(`ListOffsets for ${topic}-${partition} failed: ${errorName(errorCode)}`);
    this.name = 'OffsetResetError';
  }
}

/**
 * auto.offset.reset=none and a partition without a position (no committed offset) or out of
 * range: Kafka's NoOffsetForPartitionException / OffsetOutOfRangeException texts
 * (clients/src/main/java/org/apache/kafka/clients/consumer/NoOffsetForPartitionException.java).
 */
export class NoResetPolicyError extends Error {
  constructor(parts: Array<{ topic: string; partition: number }>, outOfRange: boolean) {
    const names = parts.map((p) => `${p.topic}-${p.partition}`).join(', ');
    super(outOfRange ? `Offsets out of range with no configured reset policy for partitions: [${names}]` : `Undefined offset with no reset policy for partitions: [${names}]`);
    this.name = 'NoResetPolicyError';
  }
}

/** NOT_LEADER_OR_FOLLOWER, UNKNOWN_TOPIC_OR_PARTITION, LEADER_NOT_AVAILABLE, FENCED/UNKNOWN_LEADER_EPOCH, UNKNOWN_TOPIC_ID...: ask for metadata again. */
const { NOT_LEADER_OR_FOLLOWER: NOT_LEADER, OFFSET_OUT_OF_RANGE } = ErrorCode;
const REFRESH: ReadonlySet<number> = new Set([
  ErrorCode.UNKNOWN_TOPIC_OR_PARTITION,
  ErrorCode.LEADER_NOT_AVAILABLE,
  NOT_LEADER,
  ErrorCode.FENCED_LEADER_EPOCH,
  ErrorCode.UNKNOWN_LEADER_EPOCH,
  ErrorCode.UNKNOWN_TOPIC_ID,
]);

const key = (topic: string, partition: number) => `${topic}:${partition}`;

interface Assigned {
  topic: string;
  partition: number;
  position: number;
}

export class Fetcher {
  private assigned: Assigned[] = [];
  private byKey = new Map<string, Assigned>();
  private topics = new Map<string, TopicInfo>();
  private pending: Promise<FetchedPartition[]> | null = null;
  /** Bumped by assign(): answers to requests of an older assignment are dropped. */
  private epoch = 0;
  private readonly o: Required<FetcherOptions>;

  constructor(
    private readonly cluster: Cluster,
    opts: FetcherOptions = {},
  ) {
    this.o = {
      maxWaitMs: opts.maxWaitMs ?? 500,
      maxBytes: opts.maxBytes ?? 52428800,
      partitionMaxBytes: opts.partitionMaxBytes ?? 1048576,
      isolationLevel: opts.isolationLevel ?? 0,
      reset: opts.reset ?? 'latest',
    };
  }

  get partitions(): ReadonlyArray<{ topic: string; partition: number }> {
    return this.assigned;
  }

  /** Metadata of the assigned topics (leaders), as last fetched. */
  get metadata(): Map<string, TopicInfo> {
    return this.topics;
  }

  /**
   * Replaces the assignment. `offset` undefined = by `reset` (ListOffsets); an in-flight request
   * of the old assignment is forgotten.
   */
  async assign(list: Array<{ topic: string; partition: number; offset?: number }>, topics?: Map<string, TopicInfo>): Promise<void> {
    this.epoch++;
    this.pending = null;
    this.assigned = list.map((x) => ({ topic: x.topic, partition: x.partition, position: x.offset ?? -1 }));
    this.byKey = new Map(this.assigned.map((a) => [key(a.topic, a.partition), a]));
    const names = [...new Set(list.map((x) => x.topic))];
    this.topics = topics ?? (names.length > 0 ? await describeTopics(this.cluster, names) : new Map<string, TopicInfo>());
    const unknown = this.assigned.filter((a) => a.position < 0);
    if (unknown.length > 0) {
      const reset = this.o.reset;
      if (reset === 'none') throw new NoResetPolicyError(unknown, false);
      await this.resetPositions(unknown, reset);
    }
  }

  /**
   * Stops fetching one partition, keeping the others' positions and any request in flight (its
   * answer for this partition is dropped): a consumer that read a partition to the end of a range.
   */
  unassign(topic: string, partition: number): void {
    const a = this.byKey.get(key(topic, partition));
    if (!a) return;
    this.byKey.delete(key(topic, partition));
    this.assigned = this.assigned.filter((x) => x !== a);
  }

  /** Next offset to fetch for a partition (undefined when not assigned). */
  position(topic: string, partition: number): number | undefined {
    return this.byKey.get(key(topic, partition))?.position;
  }

  /** Moves partitions to the offset `which` says (ListOffsets at their leaders). */
  async resetPositions(parts: Array<{ topic: string; partition: number }>, which: 'earliest' | 'latest'): Promise<void> {
    const ans = await listOffsets(this.cluster, this.topics, parts, which === 'earliest' ? EARLIEST : LATEST, this.o.isolationLevel);
    for (const p of parts) {
      const a = ans.get(key(p.topic, p.partition))!;
      if (a.errorCode !== ErrorCode.NONE) throw new OffsetResetError(p.topic, p.partition, a.errorCode);
      const s = this.byKey.get(key(p.topic, p.partition));
      if (s) s.position = a.offset;
    }
  }

  /**
   * The next answer: the prefetched one when there is one, else a new request (waiting up to
   * `maxWaitMs` for data). The request after it is sent before this resolves, unless the answer
   * already covers `want` records.
   */
  async fetch(maxWaitMs = this.o.maxWaitMs, want = Infinity): Promise<FetchedPartition[]> {
    const epoch = this.epoch;
    const answer = await (this.pending ?? this.request(maxWaitMs));
    this.pending = null;
    if (epoch !== this.epoch) return [];
    // No prefetch when the answer holds all the caller wants (--max-messages): a Fetch left
    // waiting on the broker would hold up the LeaveGroup/commit behind it on the connection.
    let offsets = 0;
    for (const p of answer) offsets += (this.position(p.topic, p.partition) ?? p.position) - p.position;
    if (answer.length > 0 && this.assigned.length > 0 && offsets < want) {
      // Prefetch with a short wait: data is probably flowing.
      const next = this.request(maxWaitMs);
      next.catch(() => {});
      this.pending = next;
    }
    return answer;
  }

  /** One Fetch per leader; positions advance past the complete batches each answer holds. */
  private async request(maxWaitMs: number): Promise<FetchedPartition[]> {
    const epoch = this.epoch;
    const byLeader = new Map<number, Assigned[]>();
    for (const a of this.assigned) {
      const leader = leaderOf(this.topics, a.topic, a.partition);
      let list = byLeader.get(leader);
      if (!list) byLeader.set(leader, (list = []));
      list.push(a);
    }
    const answers = await Promise.all([...byLeader].map(([leader, parts]) => this.fetchFrom(leader, parts, maxWaitMs)));
    if (epoch !== this.epoch) return [];
    const out: FetchedPartition[] = [];
    const resets: Assigned[] = [];
    let refresh = false;
    for (const list of answers) {
      for (const { a, position, code, records, aborted } of list) {
        if (this.byKey.get(key(a.topic, a.partition)) !== a) continue; // unassigned while in flight
        if (code === OFFSET_OUT_OF_RANGE) resets.push(a);
        else if (REFRESH.has(code)) refresh = true;
        else if (code !== ErrorCode.NONE) throw new FetchError(a.topic, a.partition, code);
        else if (records && records.length > 0) {
          if (a.position === position) a.position = nextOffsetAfter(records, position);
          // Under read_committed an answer always has the list (maybe empty); a broker that sends none filters nothing.
          const part: FetchedPartition = { topic: a.topic, partition: a.partition, position, records };
          if (this.o.isolationLevel === 1) part.abortedTransactions = aborted ?? [];
          out.push(part);
        }
      }
    }
    if (resets.length > 0) {
      const reset = this.o.reset;
      if (reset === 'none') throw new NoResetPolicyError(resets, true);
      await this.resetPositions(resets, reset);
    }
    if (refresh) {
      await new Promise((r) => setTimeout(r, 100));
      try {
        if (epoch === this.epoch) this.topics = await describeTopics(this.cluster, [...this.topics.keys()]);
      } catch (err) {
        // The broker asked may be the one that went away: keep the old leaders, ask again next round.
        if (!isConnectionLost(err) || this.cluster.isClosed) throw err;
      }
    }
    return out;
  }

  private async fetchFrom(leader: number, parts: Assigned[], maxWaitMs: number): Promise<PartitionFetch[]> {
    if (leader < 0) return parts.map((a) => ({ a, position: a.position, code: 5, records: null }));
    try {
      return await this.fetchFromLeader(leader, parts, maxWaitMs);
    } catch (err) {
      // The leader's broker went away (stopped, restarting): answer as NOT_LEADER_OR_FOLLOWER so
      // the metadata is refreshed and the partitions are fetched from their new leader.
      // (Not when the owner closed the cluster: then the fetch is over, as before.)
      if (isConnectionLost(err) && !this.cluster.isClosed) return parts.map((a) => ({ a, position: a.position, code: NOT_LEADER, records: null }));
      throw err;
    }
  }

  private async fetchFromLeader(leader: number, parts: Assigned[], maxWaitMs: number): Promise<PartitionFetch[]> {
    const conn = await this.cluster.forNode(leader);
    const positions = parts.map((a) => a.position);
    const topics = new Map<string, FetchPartitionRequest[]>();
    parts.forEach((a, i) => {
      let list = topics.get(a.topic);
      if (!list) topics.set(a.topic, (list = []));
      list.push({
        partition: a.partition,
        currentLeaderEpoch: -1,
        fetchOffset: positions[i]!,
        lastFetchedEpoch: -1,
        logStartOffset: -1,
        partitionMaxBytes: this.o.partitionMaxBytes,
      });
    });
    const res = await conn.request(Fetch, {
      replicaId: -1,
      maxWaitMs,
      minBytes: 1,
      maxBytes: this.o.maxBytes,
      isolationLevel: this.o.isolationLevel,
      sessionId: 0,
      sessionEpoch: -1,
      topics: [...topics].map(([topic, partitions]) => ({ topic, partitions })),
      forgottenTopicsData: [],
      rackId: '',
    });
    const out: PartitionFetch[] = [];
    for (const t of res.responses) {
      // Fetch up to v12 names topics; mq negotiates no higher.
      const topic = t.topic;
      for (const pr of t.partitions) {
        const i = parts.findIndex((a) => a.topic === topic && a.partition === pr.partitionIndex);
        if (i < 0) continue;
        out.push({ a: parts[i]!, position: positions[i]!, code: pr.errorCode, records: pr.records, aborted: pr.abortedTransactions ?? undefined });
      }
    }
    return out;
  }
}
