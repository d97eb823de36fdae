/**
 * Shared pieces of the consumer-group acceptance tests (issue 4): kafkajs clients with a log
 * tap that records every assignment with its generation, a cleanup stack, produce/offset helpers,
 * and a socket factory whose sockets can all be cut at once to simulate a crashed consumer
 * (no LeaveGroup, no more heartbeats).
 */
import net from 'node:net';
import { afterEach } from 'vitest';
import kafkajs from 'kafkajs';
import type { Consumer, ConsumerConfig, ISocketFactory, Kafka as KafkaType, LogEntry } from 'kafkajs';

const { Kafka, logLevel, AssignerProtocol } = kafkajs;

// ---------------------------------------------------------------------------------------------
// Cleanup

const cleanups: (() => unknown)[] = [];

/** Registers a cleanup; they run in reverse order after each test, errors ignored. */
export function onCleanup(fn: () => unknown): void {
  cleanups.push(fn);
}

/** A cleanup that has not finished after this long is abandoned (a crashed client may never settle). */
const CLEANUP_TIMEOUT_MS = 5000;

afterEach(async () => {
  while (cleanups.length) {
    const fn = cleanups.pop()!;
    let timer: NodeJS.Timeout | undefined;
    const started = Date.now();
    try {
      await Promise.race([
        Promise.resolve().then(fn),
        new Promise((resolve) => {
          timer = setTimeout(resolve, CLEANUP_TIMEOUT_MS);
        }),
      ]);
    } catch {
      // best effort: a consumer that already crashed may fail to disconnect
    } finally {
      clearTimeout(timer);
    }
    if (process.env.MQ_GROUPS_DEBUG && Date.now() - started > 1000) console.error(`cleanup took ${Date.now() - started} ms: ${fn.toString().slice(0, 120)}`);
  }
}, 120_000);

// ---------------------------------------------------------------------------------------------
// Clients

/** One assignment a member received in SyncGroup, as kafkajs logs it ("Received assignment"). */
export interface AssignmentEvent {
  consumer: string;
  memberId: string;
  generationId: number;
  /** topic -> partitions */
  assignment: Record<string, number[]>;
  at: number;
}

export interface KillableSockets {
  factory: ISocketFactory;
  /** Destroys every open socket and refuses new ones: the client can no longer talk to the broker. */
  crash(): void;
  readonly crashed: boolean;
}

export function killableSockets(): KillableSockets {
  const open = new Set<net.Socket>();
  let crashed = false;
  const factory: ISocketFactory = ({ host, port, onConnect }) => {
    const socket = net.connect({ host, port }, crashed ? undefined : onConnect);
    if (crashed) {
      process.nextTick(() => socket.destroy(new Error('simulated crash')));
      return socket;
    }
    socket.setKeepAlive(true, 60_000);
    open.add(socket);
    socket.on('close', () => open.delete(socket));
    return socket;
  };
  return {
    factory,
    crash() {
      crashed = true;
      for (const s of open) s.destroy();
      open.clear();
    },
    get crashed() {
      return crashed;
    },
  };
}

export interface ClientOptions {
  clientId?: string;
  /** Assignment events (with generation) are appended here, from kafkajs' debug log. */
  assignments?: AssignmentEvent[];
  socketFactory?: ISocketFactory;
  /** Consumer retry: restart after a crash? (default true) */
  restartOnFailure?: () => boolean;
}

export function client(bootstrap: string, opts: ClientOptions = {}): KafkaType {
  const clientId = opts.clientId ?? 'groups-test';
  const sink = opts.assignments;
  return new Kafka({
    clientId,
    brokers: [bootstrap],
    logLevel: sink ? logLevel.DEBUG : logLevel.NOTHING,
    logCreator: () => (entry: LogEntry) => {
      if (!sink || entry.log.message !== 'Received assignment') return;
      const log = entry.log as unknown as { memberId: string; generationId: number; memberAssignment: Record<string, number[]> };
      sink.push({ consumer: clientId, memberId: log.memberId, generationId: log.generationId, assignment: log.memberAssignment, at: Date.now() });
    },
    socketFactory: opts.socketFactory,
    retry: {
      retries: 8,
      initialRetryTime: 100,
      maxRetryTime: 1000,
      restartOnFailure: async () => (opts.restartOnFailure ? opts.restartOnFailure() : true),
    },
  });
}

export const fastConsumer = (groupId: string, extra: Partial<ConsumerConfig> = {}): ConsumerConfig => ({
  groupId,
  sessionTimeout: 6000,
  rebalanceTimeout: 10_000,
  heartbeatInterval: 500,
  maxWaitTimeInMs: 100,
  retry: { retries: 8, initialRetryTime: 100, maxRetryTime: 1000 },
  ...extra,
});

/** The partitions of `topic` in the latest GROUP_JOIN of a consumer (kept current by trackJoins). */
export interface JoinState {
  joins: { memberId: string; partitions: number[]; at: number }[];
  readonly latest: number[] | null;
}

export function trackJoins(consumer: Consumer, topic: string): JoinState {
  const state: JoinState = {
    joins: [],
    get latest() {
      return this.joins.length ? this.joins[this.joins.length - 1]!.partitions : null;
    },
  };
  consumer.on(consumer.events.GROUP_JOIN, (e) => {
    const parts = [...((e.payload.memberAssignment as Record<string, number[]>)[topic] ?? [])].sort((a, b) => a - b);
    state.joins.push({ memberId: e.payload.memberId, partitions: parts, at: Date.now() });
  });
  return state;
}

// ---------------------------------------------------------------------------------------------
// Topics, records, offsets

export async function createTopic(bootstrap: string, topic: string, numPartitions: number): Promise<void> {
  const admin = client(bootstrap).admin();
  await admin.connect();
  try {
    await admin.createTopics({ waitForLeaders: true, topics: [{ topic, numPartitions, replicationFactor: 1 }] });
  } finally {
    await admin.disconnect();
  }
}

/** Sends `value`s to explicit partitions, one request, acks=all. */
export async function produce(bootstrap: string, topic: string, records: { partition: number; value: string }[]): Promise<void> {
  const producer = client(bootstrap).producer({ allowAutoTopicCreation: false });
  await producer.connect();
  try {
    await producer.send({ topic, acks: -1, messages: records.map((r) => ({ partition: r.partition, value: r.value })) });
  } finally {
    await producer.disconnect();
  }
}

/** `count` records round-robin over `partitions` partitions, values `${prefix}-${i}`. */
export function spread(prefix: string, count: number, partitions: number): { partition: number; value: string }[] {
  return Array.from({ length: count }, (_, i) => ({ partition: i % partitions, value: `${prefix}-${i}` }));
}

/** partition -> committed offset (-1 when none) through kafkajs admin.fetchOffsets. */
export async function committed(admin: ReturnType<KafkaType['admin']>, groupId: string, topic: string): Promise<Map<number, number>> {
  const r = await admin.fetchOffsets({ groupId, topics: [topic] });
  return new Map(r[0]!.partitions.map((p) => [p.partition, Number(p.offset)]));
}

/** partition -> log end offset (high watermark). */
export async function logEnd(admin: ReturnType<KafkaType['admin']>, topic: string): Promise<Map<number, number>> {
  const r = await admin.fetchTopicOffsets(topic);
  return new Map(r.map((p) => [p.partition, Number(p.high)]));
}

/** A group as describeGroups reports it, with each member's assignment decoded. */
export async function describeGroup(
  admin: ReturnType<KafkaType['admin']>,
  groupId: string,
): Promise<{ state: string; protocolType: string; protocol: string; members: { memberId: string; clientId: string; assignment: Record<string, number[]> }[] }> {
  const { groups } = await admin.describeGroups([groupId]);
  const g = groups[0]!;
  return {
    state: g.state,
    protocolType: g.protocolType,
    protocol: g.protocol,
    members: g.members.map((m) => ({
      memberId: m.memberId,
      clientId: m.clientId,
      assignment: m.memberAssignment.length ? (AssignerProtocol.MemberAssignment.decode(m.memberAssignment)?.assignment ?? {}) : {},
    })),
  };
}

export function sortedUnion(lists: readonly (readonly number[])[]): number[] {
  return [...new Set(lists.flat())].sort((a, b) => a - b);
}

export const range = (n: number): number[] => Array.from({ length: n }, (_, i) => i);

/** A free TCP port on 127.0.0.1 (closed again before returning). */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const srv = net.createServer();
    srv.on('error', reject);
    srv.listen(0, '127.0.0.1', () => {
      const { port } = srv.address() as net.AddressInfo;
      srv.close(() => resolve(port));
    });
  });
}

/** Seeded PRNG (mulberry32), so a failing randomized run can be replayed. */
export function rng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}
