/**
 * How long a client keeps asking for metadata of a topic the broker does not know (yet).
 *
 *   const wait = new TopicWait(cluster);
 *   for (;;) {
 *     const code = ...Metadata answer for the topic...;
 *     if (code === ErrorCode.NONE) break;
 *     const stop = await wait.next(code);     // sleeps and returns null, or says why to give up
 *     if (stop === 'no-auto-create') throw ...does not exist and the broker does not create topics automatically...;
 *     if (stop === 'timeout') throw ...not present in metadata after N ms...;
 *   }
 *
 * Kafka answers UNKNOWN_TOPIC_OR_PARTITION both while it auto-creates a topic and while a topic
 * created a moment ago has not reached this broker's metadata cache (KRaft propagates it
 * asynchronously; on a busy machine that took over a second in the reference suite, and a
 * producer started right after `mq-topics --create` gave up after 200 ms). The Java clients wait
 * up to max.block.ms. Here: after `graceMs` of UNKNOWN answers the broker's
 * auto.create.topics.enable decides: false ends the wait (one clear error, quickly), true or
 * unknown keeps waiting until `timeoutMs`.
 */
import type { Cluster } from '../../engine/client/cluster.js';
import { describeConfigs } from '../../engine/client/admin/configs.js';
import { ResourceType } from '../../engine/protocol/config-resources.js';
import { ErrorCode } from '../../engine/protocol/error-codes.js';

export type TopicWaitStop = 'no-auto-create' | 'timeout';

export class TopicWait {
  private readonly started = Date.now();
  private autoCreate: Promise<boolean | undefined> | undefined;
  private backoff = 50;

  constructor(
    private readonly cluster: Cluster,
    private readonly opts: { timeoutMs?: number; graceMs?: number } = {},
  ) {}

  get elapsedMs(): number {
    return Date.now() - this.started;
  }

  get timeoutMs(): number {
    return this.opts.timeoutMs ?? 60_000;
  }

  /** After an answer with error `code` for the topic: waits a little and returns null, or the reason to stop. */
  async next(code: number): Promise<TopicWaitStop | null> {
    const elapsed = this.elapsedMs;
    if (code === ErrorCode.UNKNOWN_TOPIC_OR_PARTITION && elapsed >= (this.opts.graceMs ?? 1500)) {
      if ((await (this.autoCreate ??= this.brokerAutoCreates())) === false) return 'no-auto-create';
    }
    if (elapsed + this.backoff > this.timeoutMs) return 'timeout';
    await new Promise((r) => setTimeout(r, this.backoff));
    this.backoff = Math.min(this.backoff * 2, 500);
    return null;
  }

  /** auto.create.topics.enable of the bootstrap broker; undefined when it cannot be read. */
  private async brokerAutoCreates(): Promise<boolean | undefined> {
    try {
      const md = await this.cluster.metadata([]);
      const a = this.cluster.any();
      const brokers = md.brokers;
      const self = brokers.find((b) => b.host === a.host && b.port === a.port) ?? brokers[0];
      if (!self) return undefined;
      const [res] = await describeConfigs(this.cluster, [{ type: ResourceType.BROKER, name: String(self.nodeId), keys: ['auto.create.topics.enable'] }]);
      const value = res?.errorCode === ErrorCode.NONE ? res.entries.find((e) => e.name === 'auto.create.topics.enable')?.value : undefined;
      return value === undefined || value === null ? undefined : value.trim().toLowerCase() === 'true';
    } catch {
      return undefined;
    }
  }
}

/** Why waitForPartitions gave up: an invalid name, or TopicWait's reason. */
export class TopicUnavailable extends Error {
  constructor(
    readonly reason: 'invalid' | TopicWaitStop,
    readonly errorCode: number,
    readonly timeoutMs: number,
  ) {
    super(`topic unavailable: ${reason}`);
  }
}

/**
 * The producers' Metadata wait: the topic's partitions (sorted) once each has a leader, asking
 * with auto-creation allowed as the Java producer does; throws TopicUnavailable for the caller's
 * own error text.
 */
export async function waitForPartitions(cluster: Cluster, topic: string, timeoutMs: number): Promise<Array<{ id: number; leader: number }>> {
  const wait = new TopicWait(cluster, { timeoutMs });
  for (;;) {
    const md = await cluster.metadata([topic], { allowAutoTopicCreation: true });
    const t = md.topics[0]!;
    const code = t.errorCode;
    const parts = t.partitions;
    if (code === ErrorCode.NONE && parts.length > 0 && parts.every((p) => p.leaderId >= 0)) {
      return parts.map((p) => ({ id: p.partitionIndex, leader: p.leaderId })).sort((a, b) => a.id - b.id);
    }
    if (code === ErrorCode.INVALID_TOPIC_EXCEPTION) throw new TopicUnavailable('invalid', code, timeoutMs);
    const stop = await wait.next(code);
    if (stop !== null) throw new TopicUnavailable(stop, code, wait.timeoutMs);
  }
}
