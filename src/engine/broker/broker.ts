/**
 * The broker: storage, group coordinator, dispatcher and TCP server wired together. Start it
 * in-process (tests use port 0 and a temporary directory) or through `mq-broker start`.
 */
import { mkdir } from 'node:fs/promises';
import { systemClock, type Clock } from '../clock.js';
import type { FsPort } from '../log/fs-port.js';
import { LogDir } from '../log/log-dir.js';
import { FileOffsetStore, GroupCoordinator, type GroupCoordinatorConfig } from '../group/index.js';
import { BrokerSettings } from './config.js';
import { DynamicConfigs } from './dynamic-configs.js';
import { Dispatcher } from './dispatch.js';
import { FetchWaiters } from './fetch-waiters.js';
import { handlers } from './handlers/index.js';
import { ProducerIdAllocator } from './producer-ids.js';
import { RefusalLog } from './refusal-log.js';
import { BrokerServer, type Logger, type RequestMemory } from './server.js';
import { LOG_LEVELS, type LogLevel } from './log-level.js';
import type { BrokerServices } from './services.js';
import { TransactionRuntime } from './txn-runtime.js';

/**
 * Kafka's queued.max.request.bytes defaults to -1 (unbounded); mq bounds the memory for requests
 * in flight by default, at the size of one largest request (socket.request.max.bytes' default).
 */
const DEFAULT_QUEUED_MAX_REQUEST_BYTES = 104857600;

export interface BrokerOptions {
  dataDir: string;
  host?: string;
  /** 0 picks a free port. */
  port?: number;
  settings?: BrokerSettings | Iterable<[string, string]>;
  clock?: Clock;
  logger?: Logger;
  /** Cap the advertised max version per API key, to drive clients down older code paths. */
  versionCaps?: Readonly<Record<number, number>>;
  /** fsync every append before acknowledging (survives power loss, not just a killed process). */
  fsync?: boolean;
  /** The file system under the partition logs (tests inject an in-memory one that can fail). */
  logFs?: FsPort;
}

/** Kafka's group.* / offsets.* broker properties, as the coordinator's config. */
function groupConfig(s: BrokerSettings): Partial<GroupCoordinatorConfig> {
  return {
    groupMinSessionTimeoutMs: s.number('group.min.session.timeout.ms', 6000),
    groupMaxSessionTimeoutMs: s.number('group.max.session.timeout.ms', 1_800_000),
    groupInitialRebalanceDelayMs: s.number('group.initial.rebalance.delay.ms', 0),
    groupMaxSize: s.number('group.max.size', 2_147_483_647),
    offsetsRetentionMinutes: s.number('offsets.retention.minutes', 10080),
    offsetsRetentionCheckIntervalMs: s.number('offsets.retention.check.interval.ms', 600_000),
  };
}

export const quietLogger: Logger = { info() {}, warn() {}, debug() {} };

/**
 * Timestamped lines on a stream (the foreground broker's stderr, or its log file as a daemon), from
 * `level` up. `true` is the old debug switch (MQ_DEBUG=1), `false` the default, info.
 */
export function streamLogger(stream: { write(text: string): unknown }, level: LogLevel | boolean = 'info'): Logger {
  const min = level === true ? 'debug' : level === false ? 'info' : level;
  const rank = LOG_LEVELS.indexOf(min);
  const line = (name: string, msg: string) => stream.write(`[${new Date().toISOString()}] ${name} ${msg}\n`);
  return {
    info: (m) => (rank <= 1 ? line('INFO', m) : undefined),
    warn: (m) => line('WARN', m),
    debug: (m) => (rank === 0 ? line('DEBUG', m) : undefined),
  };
}

export class Broker {
  private constructor(
    readonly services: BrokerServices,
    private readonly server: BrokerServer,
    readonly host: string,
    readonly port: number,
  ) {}

  /** The bytes held for requests in flight and the pool's size (queued.max.request.bytes). */
  requestMemory(): RequestMemory {
    return this.server.requestMemory();
  }

  get address(): string {
    return `${this.host}:${this.port}`;
  }

  static async start(opts: BrokerOptions): Promise<Broker> {
    const settings = opts.settings instanceof BrokerSettings ? opts.settings : new BrokerSettings(opts.settings ?? []);
    const clock = opts.clock ?? systemClock;
    const logger = opts.logger ?? quietLogger;
    await mkdir(opts.dataDir, { recursive: true });
    // Every metadata file is read (and checked) before LogDir takes the clean-shutdown marker.
    const dynamicConfigs = await DynamicConfigs.open(opts.dataDir, settings);
    const producerIds = await ProducerIdAllocator.open(opts.dataDir);
    const log = await LogDir.open(opts.dataDir, { settings: settings.toObject(), clock, logger, fsync: opts.fsync, fs: opts.logFs });
    const store = FileOffsetStore.open(opts.dataDir, { logger: (m) => logger.warn(m), fsync: opts.fsync });
    const groups = new GroupCoordinator({ clock, store, config: groupConfig(settings), logger: (m) => logger.warn(m) });
    const fetchWaiters = new FetchWaiters();
    log.onAppend((topic, partition) => fetchWaiters.notify(topic, partition));
    const allocateProducerId = () => producerIds.allocate();
    const txn = new TransactionRuntime({ log, groups, settings, clock, logger, allocateProducerId });
    try {
      await txn.start();
    } catch (err) {
      await txn.close();
      await groups.close();
      await log.close();
      throw err;
    }
    const advertised = { host: opts.host ?? '127.0.0.1', port: opts.port ?? 0 };
    const services: BrokerServices = {
      nodeId: settings.number('node.id', 1),
      clusterId: log.clusterId,
      advertised,
      settings,
      clock,
      logger,
      log,
      groups,
      fetchWaiters,
      dynamicConfigs,
      // The dispatcher is built from these services just below; ApiVersions asks it at request time.
      apiVersions: () => dispatcher.apiVersions(),
      allocateProducerId,
      txn,
    };
    const dispatcher = new Dispatcher(handlers, services, opts.versionCaps, new RefusalLog(logger, () => clock.now()));
    const server = new BrokerServer(dispatcher, {
      maxFrameBytes: settings.number('socket.request.max.bytes', 104857600),
      queuedMaxRequestBytes: settings.number('queued.max.request.bytes', DEFAULT_QUEUED_MAX_REQUEST_BYTES),
      connectionsMaxIdleMs: settings.number('connections.max.idle.ms', 600000),
      logger,
    });
    let bound: { host: string; port: number };
    try {
      bound = await server.listen(advertised.host, opts.port ?? 0);
    } catch (err) {
      await txn.close();
      await groups.close();
      await log.close();
      throw err;
    }
    // Clients must be told the real port, which is only known after listen for port 0.
    advertised.port = bound.port;
    return new Broker(services, server, advertised.host, bound.port);
  }

  /** Clean shutdown: finish in-flight requests, flush logs and offsets, write the clean marker. */
  async close(): Promise<void> {
    this.services.fetchWaiters.wakeAll();
    await this.server.close();
    await this.services.txn.close();
    await this.services.groups.close();
    await this.services.log.close();
  }
}
