/**
 * The transaction coordinator at work (Kafka's TransactionCoordinator with its
 * TransactionStateManager and TransactionMarkerChannelManager): the pure state machine of
 * src/engine/txn, its records appended to `__transaction_state` in the same log engine as every
 * topic, and the markers it asks for written into the partitions of each transaction.
 *
 * - Each operation's records go to the partition of its transactional id; the answer waits until
 *   they are in the log (as durable as any acknowledged produce); a failed append reverts the
 *   transition and answers Kafka's error for it.
 * - After a Prepare* record: the client is answered, then every partition gets its marker (the
 *   group coordinator takes the one for `__consumer_offsets`), then Complete* is written. A
 *   marker that cannot be written is retried; a restart finds the transaction still Prepare* and
 *   writes its markers again.
 * - On start (or when the topic is first needed) every partition of `__transaction_state` is
 *   replayed; prepared transactions are completed; ongoing ones are left to the timeout.
 * - Every transaction.abort.timed.out.transaction.cleanup.interval.ms, transactions older than
 *   their timeout are fenced and aborted; every
 *   transaction.remove.expired.transaction.cleanup.interval.ms, ids unused for
 *   transactional.id.expiration.ms are removed with a tombstone.
 */
import type { Clock, Timer } from '../clock.js';
import type { GroupCoordinator } from '../group/index.js';
import { LogError } from '../log/errors.js';
import type { LogDir } from '../log/log-dir.js';
import { ErrorCode } from '../protocol/error-codes.js';
import type { TransactionCoordinator, MarkerJob, TxnResult } from '../txn/coordinator.js';
import { decodeTxnLogBatches, encodeTxnLogBatch } from '../txn/log-batch.js';
import { metadataFromRecord, type TxnLogRecord } from '../txn/metadata.js';
import { partitionFor } from '../txn/partition-for.js';
import { loadCoordinator } from '../txn/replay.js';
import { isEpochExhausted } from '../txn/state.js';
import type { BrokerSettings } from './config.js';
import { TRANSACTION_STATE_TOPIC, ensureInternalTopic } from './internal-topics.js';
import type { Logger } from './server.js';

export const CONSUMER_OFFSETS_TOPIC = '__consumer_offsets';

export interface TxnRuntimeDeps {
  log: LogDir;
  groups: GroupCoordinator;
  settings: BrokerSettings;
  clock: Clock;
  logger: Logger;
  allocateProducerId(): Promise<number>;
}

const READ_CHUNK = 1 << 20;
/** How long a marker or Complete* write that failed waits before the next try. */
const RETRY_BACKOFF_MS = 100;
/** How long a request waits for the previous transaction's markers before answering CONCURRENT_TRANSACTIONS. */
const COMPLETION_WAIT_MS = 5_000;

export class TransactionRuntime {
  private coordinator: TransactionCoordinator | null = null;
  private loading: Promise<TransactionCoordinator> | null = null;
  private partitions = 0;
  private timer: Timer | null = null;
  private expiryTimer: Timer | null = null;
  private closed = false;
  private readonly background = new Set<Promise<void>>();
  /** Per transactional id, the markers and Complete* record being written. */
  private readonly completing = new Map<string, Promise<void>>();
  /** Producer ids fetched for the operation about to run (the state machine allocates synchronously). */
  private prefetched: number[] = [];

  constructor(private readonly d: TxnRuntimeDeps) {}

  /** `offsets.topic.num.partitions`: AddOffsetsToTxn adds the group's partition of it. */
  get offsetsPartitions(): number {
    return this.d.settings.number('offsets.topic.num.partitions', 50);
  }

  offsetsPartitionFor(groupId: string): number {
    return partitionFor(groupId, this.offsetsPartitions);
  }

  /** The `__transaction_state` partition of a transactional id. */
  partitionFor(transactionalId: string): number {
    return partitionFor(transactionalId, this.partitions);
  }

  /** At broker start: loads the state now if the topic exists (a fresh broker creates it on first need). */
  async start(): Promise<void> {
    if (this.d.log.topic(TRANSACTION_STATE_TOPIC.name)) await this.ready();
  }

  /** The coordinator, creating and loading `__transaction_state` first if needed. */
  ready(): Promise<TransactionCoordinator> {
    // A failed load (the topic could not be created or read) is tried again by the next request.
    this.loading ??= this.load().catch((err: unknown) => {
      this.loading = null;
      throw err;
    });
    return this.loading;
  }

  /**
   * The coordinator if the topic exists (loading it then), else null: reads, and operations on an
   * id that must already exist, never create the topic.
   */
  async ifPresent(): Promise<TransactionCoordinator | null> {
    if (this.loading) return this.loading;
    return this.d.log.topic(TRANSACTION_STATE_TOPIC.name) ? this.ready() : null;
  }

  /** What the coordinator answers for an id it has never seen (no topic yet means no ids yet). */
  static unknownId(transactionalId: string): number {
    return transactionalId === '' ? ErrorCode.INVALID_REQUEST : ErrorCode.INVALID_PRODUCER_ID_MAPPING;
  }

  private async load(): Promise<TransactionCoordinator> {
    const topic = await ensureInternalTopic(this.d.log, TRANSACTION_STATE_TOPIC, this.d.settings);
    // An existing topic keeps its partition count: the ids were placed by it.
    this.partitions = topic.partitions;
    const records: TxnLogRecord[] = [];
    for (let p = 0; p < topic.partitions; p++) records.push(...(await this.readPartition(p)));
    const config = {
      transactionMaxTimeoutMs: this.d.settings.number('transaction.max.timeout.ms', 900_000),
      // One leader epoch (0) for every partition of this single broker, so one coordinator epoch.
      coordinatorEpoch: 0,
      // transaction.version 1 is finalized (see ApiVersions): the flexible value, as Kafka writes it.
      logValueVersion: 1 as const,
      offsetsPartitionFor: (g: string) => this.offsetsPartitionFor(g),
    };
    const { coordinator, markers } = loadCoordinator(records, config, this.d.clock, () => this.takeProducerId());
    this.coordinator = coordinator;
    if (markers.length) this.d.logger.info(`Completing ${markers.length} prepared transaction(s) found in ${TRANSACTION_STATE_TOPIC.name}`);
    for (const job of markers) this.completeInBackground(job);
    this.scheduleTimeouts();
    this.scheduleExpiry();
    return coordinator;
  }

  private async readPartition(p: number): Promise<TxnLogRecord[]> {
    const log = this.d.log.partition(TRANSACTION_STATE_TOPIC.name, p);
    if (!log) return [];
    const out: TxnLogRecord[] = [];
    let offset = log.logStartOffset;
    while (offset < log.logEndOffset) {
      const r = await log.read(offset, READ_CHUNK);
      if (r.records.length === 0) break;
      const { records, nextOffset } = decodeTxnLogBatches(r.records);
      // Decoded here, record by record, so a record the coordinator cannot read names its place.
      for (const [i, rec] of records.entries()) {
        try {
          metadataFromRecord(rec);
        } catch (err) {
          throw new Error(`${log.name} (${log.dir}): record ${i} of the batches from offset ${offset} cannot be read: ${(err as Error).message}`, { cause: err });
        }
      }
      out.push(...records);
      if (nextOffset <= offset) throw new Error(`reading ${TRANSACTION_STATE_TOPIC.name}-${p} made no progress at offset ${offset}`);
      offset = nextOffset;
    }
    return out;
  }

  /**
   * Fetches a producer id when the operation may need one (a new transactional id, or an
   * exhausted epoch to rotate): ProducerIdAllocator is asynchronous, the state machine is not.
   */
  async prepareProducerId(transactionalId: string | null): Promise<void> {
    const m = transactionalId === null ? undefined : this.coordinator?.get(transactionalId);
    if (transactionalId !== null && m && !isEpochExhausted(m.producerEpoch)) return;
    this.prefetched.push(await this.d.allocateProducerId());
  }

  private takeProducerId(): number {
    const id = this.prefetched.shift();
    if (id === undefined) throw new Error('no producer id was fetched for this operation');
    return id;
  }

  /**
   * Runs one result of the state machine: appends its records to the transactional id's
   * partition, completes or reverts, answers; then, in the background, its markers.
   */
  async run<T>(transactionalId: string, r: TxnResult<T>): Promise<T> {
    if (r.records.length === 0) {
      r.complete();
      return r.response;
    }
    const code = await this.append(transactionalId, r.records);
    if (code !== ErrorCode.NONE) {
      r.revert();
      return r.onWriteFailure(code);
    }
    r.complete();
    if (r.markers) this.completeInBackground(r.markers);
    return r.response;
  }

  private async append(transactionalId: string, records: readonly TxnLogRecord[]): Promise<number> {
    const log = this.d.log.partition(TRANSACTION_STATE_TOPIC.name, this.partitionFor(transactionalId));
    if (!log) return ErrorCode.UNKNOWN_TOPIC_OR_PARTITION;
    try {
      await log.append(encodeTxnLogBatch(records, this.d.clock.now()));
      return ErrorCode.NONE;
    } catch (err) {
      if (err instanceof LogError) {
        this.d.logger.warn(`Appending to ${log.name} for transactional id ${transactionalId} failed: ${err.message}`);
        return err.code;
      }
      throw err;
    }
  }

  private completeInBackground(job: MarkerJob): void {
    const done = this.finish(job);
    this.completing.set(job.transactionalId, done);
    this.track(
      done.finally(() => {
        if (this.completing.get(job.transactionalId) === done) this.completing.delete(job.transactionalId);
      }),
    );
  }

  /**
   * Waits (at most COMPLETION_WAIT_MS) for the markers of the id's last commit or abort to be
   * written. The next AddPartitionsToTxn / AddOffsetsToTxn / EndTxn / InitProducerId of that id
   * would otherwise get CONCURRENT_TRANSACTIONS for the few milliseconds the markers take: Kafka's
   * Java producer retries that at once, but kafkajs, for one, fails the transaction on it.
   */
  async settled(transactionalId: string): Promise<void> {
    const done = this.completing.get(transactionalId);
    if (!done) return;
    let timer: Timer | undefined;
    const cap = new Promise<void>((resolve) => (timer = this.d.clock.setTimeout(resolve, COMPLETION_WAIT_MS)));
    await Promise.race([done.catch(() => undefined), cap]);
    timer?.cancel();
  }

  /** Markers into every partition of the job, then the Complete* record; retried until done or closed. */
  private async finish(job: MarkerJob): Promise<void> {
    while (!this.closed) {
      try {
        await this.writeMarkers(job);
        break;
      } catch (err) {
        this.d.logger.warn(`Writing ${job.result} markers of transactional id ${job.transactionalId} failed, retrying: ${(err as Error).message}`);
        await this.pause();
      }
    }
    while (!this.closed && this.coordinator) {
      const done = this.coordinator.markersWritten(job);
      if (done.response !== ErrorCode.NONE) return; // the transaction moved on (it cannot, but never loop on it)
      if ((await this.run(job.transactionalId, done)) === ErrorCode.NONE) return;
      await this.pause();
    }
  }

  private async writeMarkers(job: MarkerJob): Promise<void> {
    const commit = job.result === 'COMMIT';
    const timestamp = this.d.clock.now();
    await Promise.all(
      job.partitions.map(async ({ topic, partition }) => {
        if (topic === CONSUMER_OFFSETS_TOPIC) {
          await this.d.groups.completeTxnOffsets((g) => this.offsetsPartitionFor(g) === partition, job.producerId, commit);
          return;
        }
        // A partition deleted since it joined the transaction needs no marker (Kafka drops it too).
        const log = this.d.log.partition(topic, partition);
        if (!log) return;
        try {
          const { producerId, producerEpoch, coordinatorEpoch } = job;
          await log.appendMarker({ producerId, producerEpoch, type: job.result, coordinatorEpoch, timestamp });
        } catch (err) {
          // Only storage trouble is worth retrying; a refusal (a newer epoch is already in that
          // partition) means this marker is obsolete there, as Kafka's marker handler treats it.
          if (err instanceof LogError && err.code !== ErrorCode.KAFKA_STORAGE_ERROR && err.code !== ErrorCode.NOT_LEADER_OR_FOLLOWER) {
            this.d.logger.warn(`Marker of transactional id ${job.transactionalId} refused by ${log.name}: ${err.message}`);
            return;
          }
          throw err;
        }
      }),
    );
  }

  private scheduleTimeouts(): void {
    if (this.closed) return;
    const interval = this.d.settings.number('transaction.abort.timed.out.transaction.cleanup.interval.ms', 10_000);
    this.timer = this.d.clock.setTimeout(() => {
      this.abortTimedOut();
      this.scheduleTimeouts();
    }, interval);
  }

  /** TransactionCoordinator.abortTimedOutTransactions: fence and abort what outlived its timeout. */
  abortTimedOut(): void {
    if (!this.coordinator || this.closed) return;
    for (const r of this.coordinator.abortTimedOutTransactions()) {
      const id = r.markers?.transactionalId;
      if (id === undefined) continue;
      this.d.logger.info(`Aborting transactional id ${id}: it outlived its transaction timeout`);
      this.track(this.run(id, r).then(() => undefined));
    }
  }

  private scheduleExpiry(): void {
    if (this.closed) return;
    const interval = this.d.settings.number('transaction.remove.expired.transaction.cleanup.interval.ms', 3_600_000);
    this.expiryTimer = this.d.clock.setTimeout(() => {
      this.expireTransactionalIds();
      this.scheduleExpiry();
    }, interval);
  }

  /** Transactional ids idle for transactional.id.expiration.ms go: a tombstone each (Kafka's removeExpiredTransactionalIds). */
  expireTransactionalIds(): void {
    if (!this.coordinator || this.closed) return;
    const expirationMs = this.d.settings.number('transactional.id.expiration.ms', 604_800_000);
    for (const { transactionalId, result } of this.coordinator.expireTransactionalIds(expirationMs)) {
      this.d.logger.info(`Expiring transactional id ${transactionalId}: unused for ${expirationMs} ms (transactional.id.expiration.ms)`);
      this.track(this.run(transactionalId, result));
    }
  }

  private pause(): Promise<void> {
    return new Promise((resolve) => this.d.clock.setTimeout(resolve, RETRY_BACKOFF_MS));
  }

  private track(p: Promise<void>): void {
    const q = p.catch((err: unknown) => this.d.logger.warn(`Transaction coordinator: ${String(err)}`)).finally(() => this.background.delete(q));
    this.background.add(q);
  }

  /** Markers under way finish (or give up) before the logs close. */
  async close(): Promise<void> {
    this.closed = true;
    this.timer?.cancel();
    this.expiryTimer?.cancel();
    await Promise.all([...this.background]);
  }
}
