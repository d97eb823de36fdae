/**
 * The connections to one cluster, as Kafka's clients keep them (NetworkClient with its Metadata):
 * the bootstrap connection (the first address that answers), and one per broker reached later by
 * node id from a Metadata answer or FindCoordinator.
 *
 *   const cluster = await Cluster.connect(['127.0.0.1:9092'], { security });
 *   await cluster.any().request(...)               // the bootstrap connection
 *   await cluster.live()                           // the same, reopened if its broker went away
 *   await cluster.forNode(leaderId)                // connection to a broker by node id (Metadata)
 *   await cluster.coordinator(groupId)             // FindCoordinator, then a connection to it
 *   await cluster.close();
 */
import { ErrorCode, errorName } from '../protocol/error-codes.js';
import { FindCoordinator } from '../protocol/messages/10-find-coordinator.js';
import { Metadata } from '../protocol/messages/03-metadata.js';
import type { RequestInput, ResponseOf } from '../protocol/schema.js';
import { ProtocolConnection, type ConnectionOptions } from './connection.js';
import { KafkaResponseError, ProtocolClientError, throwIfError } from './errors.js';

/** Splits `host:port`, `[v6]:port`. Throws on a missing or bad port. */
export function parseHostPort(s: string): { host: string; port: number } {
  const m = /^(?:\[([^\]]+)\]|([^:\s]+)):(\d+)$/.exec(s.trim());
  if (!m) throw new Error(`Invalid address '${s}': expected host:port`);
  const port = Number(m[3]);
  if (port < 1 || port > 65535) throw new Error(`Invalid address '${s}': the port must be 1-65535`);
  return { host: m[1] ?? m[2]!, port };
}

export interface ClusterOptions extends ConnectionOptions {
  /**
   * Told once per topic the broker created because this client asked for it (a Metadata request
   * allowing auto-creation named a topic that did not exist): a typo creates a topic, so the
   * tools say so.
   */
  onTopicCreated?: (topic: string, partitions: number) => void;
}

export interface NodeInfo {
  nodeId: number;
  host: string;
  port: number;
}

/**
 * A set of connections to one cluster: the bootstrap connection (the first address that
 * answers), plus one per broker reached later by node id.
 */
export class Cluster {
  private byNode = new Map<number, Promise<ProtocolConnection>>();
  private nodes = new Map<number, NodeInfo>();

  /** Topics a Metadata answer showed to exist, and those found absent while asking to auto-create them. */
  private readonly existing = new Set<string>();
  private readonly absent = new Set<string>();

  private constructor(
    private bootstrap: ProtocolConnection,
    private readonly opts: ClusterOptions,
    private readonly addresses: readonly string[],
  ) {}

  static async connect(addresses: readonly string[], opts: ClusterOptions = {}): Promise<Cluster> {
    return new Cluster(await Cluster.openFirst(addresses, opts), opts, addresses);
  }

  private static async openFirst(addresses: readonly string[], opts: ConnectionOptions): Promise<ProtocolConnection> {
    let last: Error | undefined;
    for (const a of addresses) {
      const { host, port } = parseHostPort(a);
      try {
        return await ProtocolConnection.open(host, port, opts);
      } catch (err) {
        last = err as Error;
        if (err instanceof ProtocolClientError && err.code === 'SASL') throw err;
      }
    }
    throw last ?? new Error('no bootstrap servers');
  }

  /** The bootstrap connection. */
  any(): ProtocolConnection {
    return this.bootstrap;
  }

  /**
   * The bootstrap connection, reopened when its broker went away (a stopped Kafka node): the
   * bootstrap addresses are tried first, then the brokers the last Metadata named.
   */
  async live(): Promise<ProtocolConnection> {
    if (!this.bootstrap.closed) return this.bootstrap;
    // one reconnect at a time, shared by concurrent callers
    this.reopening ??= (async () => {
      this.opts.log?.(`the connection to ${this.bootstrap.address} was lost; reconnecting`);
      try {
        const known = this.knownNodes().map((n) => `${n.host.includes(':') ? `[${n.host}]` : n.host}:${n.port}`);
        this.bootstrap = await Cluster.openFirst([...new Set([...this.addresses, ...known])], this.opts);
        return this.bootstrap;
      } finally {
        this.reopening = undefined;
      }
    })();
    return this.reopening;
  }

  private reopening: Promise<ProtocolConnection> | undefined;

  /**
   * Metadata for some topics (null = all), remembering broker addresses. Topics are not created
   * by asking, unless `extra` says allowAutoTopicCreation (the field exists from v4; before it, the
   * broker's auto.create.topics.enable alone decided).
   *
   * With auto-creation allowed, topics not yet seen are first asked about without it, so a topic
   * the broker then creates is told to onTopicCreated: mq's broker creates it within the answer,
   * Kafka answers LEADER_NOT_AVAILABLE or UNKNOWN_TOPIC_OR_PARTITION until it is ready, and
   * neither says "created" (KafkaApis.handleTopicMetadataRequest).
   */
  async metadata(topics: string[] | null, extra: Omit<RequestInput<typeof Metadata>, 'topics'> = {}): Promise<ResponseOf<typeof Metadata>> {
    const c = await this.live();
    const v = c.versionFor(Metadata.apiKey);
    const ask = async (autoCreate: Omit<RequestInput<typeof Metadata>, 'topics'>) => {
      const md = await c.request(Metadata, {
        // v0 has no null list: an empty one means every topic there.
        topics: topics === null ? (v >= 1 ? null : []) : topics.map((name) => ({ name })),
        ...(v >= 4 ? { allowAutoTopicCreation: false } : {}),
        ...extra,
        ...autoCreate,
      });
      for (const b of md.brokers) this.nodes.set(b.nodeId, { nodeId: b.nodeId, host: b.host, port: b.port });
      return md;
    };
    const creating = extra.allowAutoTopicCreation === true && v >= 4 && topics !== null && this.opts.onTopicCreated !== undefined;
    if (creating && topics.some((t) => !this.existing.has(t) && !this.absent.has(t))) {
      const before = await ask({ allowAutoTopicCreation: false });
      for (const t of before.topics) {
        if (t.name === null) continue;
        if (t.errorCode === ErrorCode.UNKNOWN_TOPIC_OR_PARTITION) this.absent.add(t.name);
        else if (t.errorCode === ErrorCode.NONE) this.existing.add(t.name);
      }
      if (!topics.some((t) => this.absent.has(t))) return before;
    }
    const md = await ask({});
    for (const t of md.topics) {
      if (t.name === null || t.errorCode !== ErrorCode.NONE) continue;
      if (this.absent.delete(t.name) && creating) this.opts.onTopicCreated?.(t.name, t.partitions.length);
      this.existing.add(t.name);
    }
    return md;
  }

  knownNodes(): NodeInfo[] {
    return [...this.nodes.values()].sort((a, b) => a.nodeId - b.nodeId);
  }

  /** A connection to the broker with this node id (from the last Metadata answer). */
  async forNode(nodeId: number): Promise<ProtocolConnection> {
    if (!this.nodes.has(nodeId)) await this.metadata([]);
    const node = this.nodes.get(nodeId);
    if (!node) throw new KafkaResponseError(ErrorCode.LEADER_NOT_AVAILABLE, `Broker ${nodeId} is not in the cluster metadata`);
    if (node.host === this.bootstrap.host && node.port === this.bootstrap.port && !this.bootstrap.closed) return this.bootstrap;
    let p = this.byNode.get(nodeId);
    // A connection whose broker went away (stopped node, leader moved and came back) is reopened.
    if (p && (await p.then((c) => c.closed, () => true))) p = undefined;
    if (!p) {
      p = ProtocolConnection.open(node.host, node.port, this.opts);
      p.catch(() => this.byNode.delete(nodeId));
      this.byNode.set(nodeId, p);
    }
    return p;
  }

  /** The controller (for admin requests Kafka routes there); falls back to the bootstrap broker. */
  async controller(): Promise<ProtocolConnection> {
    const md = await this.metadata([]);
    const id = md.controllerId;
    return id >= 0 ? this.forNode(id) : this.bootstrap;
  }

  /**
   * FindCoordinator for a group (keyType 0) or transactional id (1). COORDINATOR_NOT_AVAILABLE and
   * COORDINATOR_LOAD_IN_PROGRESS are retried for up to `waitMs`: a fresh Kafka cluster answers so
   * until it has created __consumer_offsets (50 partitions; seconds on a busy machine), and the
   * Java clients keep asking too.
   */
  async coordinator(key: string, keyType = 0, waitMs = 30_000): Promise<ProtocolConnection> {
    const c = await this.live();
    const v = c.versionFor(FindCoordinator.apiKey);
    const deadline = Date.now() + waitMs;
    let r: { errorCode: number; errorMessage: string | null; nodeId: number; host: string; port: number };
    for (let backoff = 100; ; backoff = Math.min(backoff * 2, 1000)) {
      // v4 (KIP-699) asks for a batch of keys and answers per key; before, one key and one answer.
      const res = await c.request(FindCoordinator, v >= 4 ? { keyType, coordinatorKeys: [key] } : { key, keyType });
      const answer = v >= 4 ? res.coordinators[0] : res;
      if (!answer) throw new KafkaResponseError(ErrorCode.COORDINATOR_NOT_AVAILABLE, null, `FindCoordinator ${key}`);
      r = answer;
      const code = r.errorCode;
      if ((code !== ErrorCode.COORDINATOR_LOAD_IN_PROGRESS && code !== ErrorCode.COORDINATOR_NOT_AVAILABLE) || Date.now() + backoff > deadline) break;
      this.opts.log?.(`the coordinator of ${key} is not available yet (${errorName(code)}); retrying in ${backoff} ms`);
      await new Promise((resolve) => setTimeout(resolve, backoff));
    }
    throwIfError(r.errorCode, r.errorMessage, `FindCoordinator ${key}`);
    const info = { nodeId: r.nodeId, host: r.host, port: r.port };
    this.nodes.set(info.nodeId, info);
    return this.forNode(info.nodeId);
  }

  /** A --verbose line about client activity above single requests (a rebalance, say); nothing without --verbose. */
  note(line: string): void {
    this.opts.log?.(line);
  }

  /** Closed by its owner: connections it loses now are the owner's doing, not a broker going away. */
  get isClosed(): boolean {
    return this.shutDown;
  }

  private shutDown = false;

  async close(): Promise<void> {
    this.shutDown = true;
    this.bootstrap.close();
    for (const p of this.byNode.values()) {
      try {
        (await p).close();
      } catch {
        /* never opened */
      }
    }
    this.byNode.clear();
  }
}
