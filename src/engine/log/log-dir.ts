/**
 * The data directory, and the façade the broker uses: cluster identity, the topic catalogue
 * (meta/topics.json, replaced atomically), one PartitionLog per partition, background retention,
 * and the clean-shutdown marker that decides whether the next start must recover.
 *
 *   <data-dir>/meta/cluster.json   { version, clusterId, nodeId }
 *   <data-dir>/meta/topics.json    { version, topics: [{ name, id, partitions, configs }] }
 *   <data-dir>/logs/<topic>-<p>/   00000000000000000000.log/.index/.timeindex,
 *                                  partition.metadata, log-start-offset, producer-state.json
 *   <data-dir>/.clean-shutdown     present only while the broker is stopped cleanly
 */
import { randomUUID } from 'node:crypto';
import path from 'node:path';
import { systemClock, type Clock, type Timer } from '../clock.js';
import { writeFileAtomic, writeJsonAtomic, fsyncDir } from './atomic-file.js';
import { LogError } from './errors.js';
import {
  CLEAN_SHUTDOWN_FILE,
  CLUSTER_FILE,
  DELETE_DIR_SUFFIX,
  LOGS_DIR,
  META_DIR,
  PARTITION_METADATA_FILE,
  STRAY_DIR_SUFFIX,
  TOPICS_FILE,
  isPartitionDirName,
  partitionDir,
  partitionDirName,
} from './file-names.js';
import type { FsPort } from './fs-port.js';
import { nodeFs } from './node-fs.js';
import { PartitionLog, type RetentionResult } from './partition-log.js';
import type { LogLogger } from './partition-state.js';
import {
  brokerLogDefaults,
  effectiveConfig,
  logConfigFrom,
  validateTopicConfigs,
  type BrokerLogDefaults,
  type BrokerSettings,
  type EffectiveConfigEntry,
  type LogConfig,
} from './topic-config.js';
import { collisionProblem, topicNameProblem } from './topic-name.js';
import { RECOVERY, clusterFile, readMetaFile, topicsFile, type ClusterFile, type TopicsFile } from './meta-files.js';

export const DATA_DIR_FORMAT_VERSION = 1;

export interface TopicInfo {
  name: string;
  /** 32 hex characters of a random UUID. */
  id: string;
  partitions: number;
  configs: Record<string, string>;
}

export interface LogDirOptions {
  /** Kafka broker properties (log.retention.hours, log.segment.bytes, num.partitions, ...). */
  settings?: BrokerSettings;
  clock?: Clock;
  /** Where recovery reports and background failures go (the broker passes its log). */
  logger: LogLogger;
  /** fdatasync every append before acknowledging it. */
  fsync?: boolean;
  /** The file system under the data directory; the real one unless a test injects another. */
  fs?: FsPort;
}

/** Kafka's Uuid.toString: 22 characters of unpadded base64url. */
function kafkaUuid(): string {
  return Buffer.from(randomUUID().replaceAll('-', ''), 'hex').toString('base64url');
}

export class LogDir {
  readonly dataDir: string;
  readonly clusterId: string;
  readonly nodeId: number;
  readonly defaults: BrokerLogDefaults;
  readonly wasCleanShutdown: boolean;
  private settings: BrokerSettings;
  private readonly clock: Clock;
  private readonly logger: LogLogger;
  private readonly fsync: boolean;
  private readonly fs: FsPort;
  private readonly catalogue = new Map<string, TopicInfo>();
  private readonly logs = new Map<string, PartitionLog[]>();
  private readonly appendListeners = new Set<(topic: string, partition: number, logEndOffset: number) => void>();
  private retentionTimer: Timer | undefined;
  private retentionRunning: Promise<unknown> | undefined;
  /** Catalogue changes are serialised so topics.json is always written from a settled state. */
  private adminChain: Promise<unknown> = Promise.resolve();
  private closed = false;

  private constructor(dataDir: string, cluster: ClusterFile, clean: boolean, o: LogDirOptions) {
    this.dataDir = dataDir;
    this.clusterId = cluster.clusterId;
    this.nodeId = cluster.nodeId;
    this.settings = o.settings ?? {};
    this.defaults = brokerLogDefaults(this.settings);
    this.clock = o.clock ?? systemClock;
    this.logger = o.logger;
    this.fsync = o.fsync ?? false;
    this.fs = o.fs ?? nodeFs;
    this.wasCleanShutdown = clean;
  }

  static async open(dataDir: string, o: LogDirOptions): Promise<LogDir> {
    const fs = o.fs ?? nodeFs;
    const metaDir = path.join(dataDir, META_DIR);
    await fs.mkdir(metaDir);
    await fs.mkdir(path.join(dataDir, LOGS_DIR));
    const clusterPath = path.join(metaDir, CLUSTER_FILE);
    let cluster = await readMetaFile(clusterPath, clusterFile, RECOVERY.cluster, fs);
    // Read before anything is written or the clean-shutdown marker is taken: a damaged catalogue
    // must stop the start with the data directory exactly as it was.
    const topics = await readMetaFile(path.join(metaDir, TOPICS_FILE), topicsFile, RECOVERY.topics, fs);
    const fresh = !cluster;
    if (!cluster) {
      cluster = { version: DATA_DIR_FORMAT_VERSION, clusterId: kafkaUuid(), nodeId: 1 };
      await writeJsonAtomic(clusterPath, cluster, fs);
    }
    const marker = path.join(dataDir, CLEAN_SHUTDOWN_FILE);
    // No marker: the last stop was not clean (or this is a new directory).
    const clean = fresh || (await fs.exists(marker));
    const dir = new LogDir(dataDir, cluster, clean, o);
    if (!clean) dir.logger.warn(`No clean-shutdown marker in ${dataDir}: recovering logs`);
    await dir.load(topics, clean);
    // From now on a crash must trigger recovery.
    await fs.rm(marker);
    await fsyncDir(dataDir, fs);
    dir.scheduleRetention();
    return dir;
  }

  private async load(file: TopicsFile | undefined, clean: boolean): Promise<void> {
    const logsDir = path.join(this.dataDir, LOGS_DIR);
    const listed = new Set<string>();
    for (const t of file?.topics ?? []) for (let p = 0; p < t.partitions; p++) listed.add(partitionDirName(t.name, p));
    for (const n of await this.fs.readdir(logsDir)) {
      if (n.endsWith(DELETE_DIR_SUFFIX)) await this.fs.rm(path.join(logsDir, n), { recursive: true });
      else if (isPartitionDirName(n) && !listed.has(n)) await this.setAsideStray(n, 'meta/topics.json does not list it');
    }
    for (const t of file?.topics ?? []) {
      this.catalogue.set(t.name, t);
      const parts: PartitionLog[] = [];
      for (let p = 0; p < t.partitions; p++) parts.push(await this.openPartition(t, p, clean));
      this.logs.set(t.name, parts);
    }
  }

  /**
   * A partition directory that the catalogue does not list is never adopted: a topic created
   * later under the same name gets a new id and must not inherit (or serve) its records. Kafka
   * renames such stray logs to `<topic>-<partition>.<id>-stray` and keeps them
   * (LogManager.isStrayKraftReplica, LocalLog.logStrayDirName); so does mq, saying so once.
   */
  private async setAsideStray(name: string, why: string): Promise<void> {
    const logsDir = path.join(this.dataDir, LOGS_DIR);
    const aside = `${name}.${randomUUID().replaceAll('-', '')}${STRAY_DIR_SUFFIX}`;
    await this.fs.rename(path.join(logsDir, name), path.join(logsDir, aside));
    await fsyncDir(logsDir, this.fs);
    this.logger.warn(`Set aside partition directory ${path.join(logsDir, name)} as ${aside}: ${why}; its records are kept there, not served`);
  }

  private configFor(t: TopicInfo): LogConfig {
    return logConfigFrom(effectiveConfig(t.configs, this.settings));
  }

  private async openPartition(t: TopicInfo, p: number, clean: boolean, fresh = false): Promise<PartitionLog> {
    const dir = partitionDir(this.dataDir, t.name, p);
    // A new partition starts empty: whatever sits at its path belongs to no topic we know.
    if (fresh && (await this.fs.exists(dir))) await this.setAsideStray(partitionDirName(t.name, p), `it was in the way of new topic ${t.name} (id ${t.id})`);
    await this.fs.mkdir(dir);
    const meta = path.join(dir, PARTITION_METADATA_FILE);
    if (!(await this.fs.exists(meta))) {
      // Kafka's partition.metadata layout; the version line also versions this directory's files.
      const b64 = Buffer.from(t.id, 'hex').toString('base64url');
      await writeFileAtomic(meta, `version: 0\ntopic_id: ${b64}\n`, this.fs);
    }
    const log = await PartitionLog.open({
      topic: t.name,
      partition: p,
      dir,
      config: this.configFor(t),
      clock: this.clock,
      logger: this.logger,
      fs: this.fs,
      fsync: this.fsync,
      clean,
    });
    log.onAppend((leo) => {
      for (const l of this.appendListeners) l(t.name, p, leo);
    });
    return log;
  }

  private async saveCatalogue(): Promise<void> {
    const topics = [...this.catalogue.values()].sort((a, b) => a.name.localeCompare(b.name));
    await writeJsonAtomic(path.join(this.dataDir, META_DIR, TOPICS_FILE), { version: DATA_DIR_FORMAT_VERSION, topics } satisfies TopicsFile, this.fs);
  }

  private admin<T>(fn: () => Promise<T>): Promise<T> {
    const r = this.adminChain.then(fn);
    this.adminChain = r.catch(() => undefined);
    return r;
  }

  // ---- queries ----------------------------------------------------------------------------

  topics(): TopicInfo[] {
    return [...this.catalogue.values()].map((t) => ({ ...t, configs: { ...t.configs } }));
  }

  topic(name: string): TopicInfo | undefined {
    const t = this.catalogue.get(name);
    return t && { ...t, configs: { ...t.configs } };
  }

  partition(topic: string, index: number): PartitionLog | undefined {
    return this.logs.get(topic)?.[index];
  }

  /** Every topic config with its effective value and where it came from (for DescribeConfigs). */
  describeConfig(topic: string): Map<string, EffectiveConfigEntry> | undefined {
    const t = this.catalogue.get(topic);
    return t && effectiveConfig(t.configs, this.settings);
  }

  /** Called with (topic, partition, logEndOffset) after data reaches a partition: wakes fetches. */
  onAppend(listener: (topic: string, partition: number, logEndOffset: number) => void): () => void {
    this.appendListeners.add(listener);
    return () => this.appendListeners.delete(listener);
  }

  // ---- topic administration ---------------------------------------------------------------

  /**
   * Creates a topic. Throws LogError with Kafka's error and text: INVALID_TOPIC_EXCEPTION,
   * TOPIC_ALREADY_EXISTS, INVALID_PARTITIONS, INVALID_CONFIG.
   */
  createTopic(name: string, partitions: number = this.defaults.numPartitions, configs: Record<string, string> = {}): Promise<TopicInfo> {
    return this.admin(async () => {
      const bad = topicNameProblem(name);
      if (bad) throw new LogError('INVALID_TOPIC_EXCEPTION', bad);
      if (this.catalogue.has(name)) throw new LogError('TOPIC_ALREADY_EXISTS', `Topic '${name}' already exists.`);
      const collides = collisionProblem(name, this.catalogue.keys());
      if (collides) throw new LogError('INVALID_TOPIC_EXCEPTION', collides);
      if (!Number.isInteger(partitions) || partitions < 1) throw new LogError('INVALID_PARTITIONS', 'Number of partitions must be larger than 0.');
      const configProblem = validateTopicConfigs(configs);
      if (configProblem) throw new LogError('INVALID_CONFIG', configProblem);
      const t: TopicInfo = { name, id: randomUUID().replaceAll('-', ''), partitions, configs: { ...configs } };
      const parts: PartitionLog[] = [];
      for (let p = 0; p < partitions; p++) parts.push(await this.openPartition(t, p, true, true));
      this.catalogue.set(name, t);
      this.logs.set(name, parts);
      await this.saveCatalogue();
      return { ...t, configs: { ...t.configs } };
    });
  }

  /** Deletes a topic and its files. */
  deleteTopic(name: string): Promise<void> {
    return this.admin(async () => {
      const t = this.catalogue.get(name);
      if (!t) throw new LogError('UNKNOWN_TOPIC_OR_PARTITION', 'This server does not host this topic-partition.');
      this.catalogue.delete(name);
      const parts = this.logs.get(name) ?? [];
      this.logs.delete(name);
      await this.saveCatalogue();
      for (let p = 0; p < parts.length; p++) {
        await parts[p]!.delete();
        // Renamed first so a crash in the middle leaves a directory open() knows to finish off.
        const dir = partitionDir(this.dataDir, name, p);
        const doomed = `${dir}.${t.id}${DELETE_DIR_SUFFIX}`;
        await this.fs.rename(dir, doomed).catch(() => undefined);
        await this.fs.rm(doomed, { recursive: true });
      }
    });
  }

  /** CreatePartitions: grows a topic to `newCount` partitions (Kafka's error texts). */
  createPartitions(name: string, newCount: number): Promise<TopicInfo> {
    return this.admin(async () => {
      const t = this.catalogue.get(name);
      if (!t) throw new LogError('UNKNOWN_TOPIC_OR_PARTITION', 'This server does not host this topic-partition.');
      if (newCount < t.partitions) {
        throw new LogError('INVALID_PARTITIONS', `The topic ${name} currently has ${t.partitions} partition(s); ${newCount} would not be an increase.`);
      }
      if (newCount === t.partitions) throw new LogError('INVALID_PARTITIONS', `Topic already has ${t.partitions} partition(s).`);
      const parts = this.logs.get(name)!;
      for (let p = t.partitions; p < newCount; p++) parts.push(await this.openPartition(t, p, true, true));
      t.partitions = newCount;
      await this.saveCatalogue();
      return { ...t, configs: { ...t.configs } };
    });
  }

  /**
   * Takes new broker settings (a dynamic broker config changed, e.g. log.retention.ms) and
   * re-derives every topic's effective config from them, so the change applies at once.
   */
  applyBrokerSettings(settings: BrokerSettings): void {
    this.settings = settings;
    for (const t of this.catalogue.values()) {
      const cfg = this.configFor(t);
      for (const log of this.logs.get(t.name) ?? []) log.setConfig(cfg);
    }
  }

  /** Replaces the topic's override set (AlterConfigs semantics) and applies it to open logs. */
  alterTopicConfig(name: string, overrides: Record<string, string>): Promise<TopicInfo> {
    return this.admin(async () => {
      const t = this.catalogue.get(name);
      if (!t) throw new LogError('UNKNOWN_TOPIC_OR_PARTITION', 'This server does not host this topic-partition.');
      const problem = validateTopicConfigs(overrides);
      if (problem) throw new LogError('INVALID_CONFIG', problem);
      t.configs = { ...overrides };
      const cfg = this.configFor(t);
      for (const log of this.logs.get(name) ?? []) log.setConfig(cfg);
      await this.saveCatalogue();
      return { ...t, configs: { ...t.configs } };
    });
  }

  // ---- retention --------------------------------------------------------------------------

  private scheduleRetention(): void {
    if (this.closed) return;
    this.retentionTimer = this.clock.setTimeout(() => {
      this.retentionRunning = this.runRetention()
        .catch((e) => this.logger.warn(`Retention check failed: ${String(e)}`))
        .finally(() => this.scheduleRetention());
    }, this.defaults.retentionCheckIntervalMs);
  }

  /** One retention pass over every partition (what the background timer runs). */
  async runRetention(): Promise<Map<string, RetentionResult>> {
    const out = new Map<string, RetentionResult>();
    for (const [topic, parts] of [...this.logs]) {
      for (let p = 0; p < parts.length; p++) {
        const r = await parts[p]!.applyRetention();
        if (r.deletedSegments) out.set(`${topic}-${p}`, r);
      }
    }
    return out;
  }

  // ---- shutdown ---------------------------------------------------------------------------

  /**
   * Clean shutdown: flush and close every partition, then write the marker. With a partition
   * offline after a storage failure there is no marker, so the next start recovers every log,
   * as Kafka writes its clean-shutdown file only for log directories still online
   * (LogManager.shutdown in core/src/main/scala/kafka/log/LogManager.scala).
   */
  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    this.retentionTimer?.cancel();
    await this.retentionRunning;
    await this.adminChain;
    let offline = false;
    for (const parts of this.logs.values()) {
      for (const log of parts) {
        await log.close();
        offline ||= log.offline;
      }
    }
    if (offline) {
      this.logger.warn(`Not writing the clean-shutdown marker in ${this.dataDir}: a partition is offline after a storage failure`);
      return;
    }
    await writeFileAtomic(path.join(this.dataDir, CLEAN_SHUTDOWN_FILE), JSON.stringify({ version: DATA_DIR_FORMAT_VERSION }) + '\n', this.fs);
  }

  /** Test hook: stop as if killed (no flush, no marker); written data stays in the files. */
  async abandon(): Promise<void> {
    this.closed = true;
    this.retentionTimer?.cancel();
    for (const parts of this.logs.values()) for (const log of parts) await log.abandon();
  }
}
