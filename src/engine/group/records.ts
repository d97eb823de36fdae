/**
 * What the group coordinator persists, and the port it persists through. The entries are our
 * stand-in for the records Kafka's coordinator writes to __consumer_offsets (OffsetCommitKey /
 * OffsetCommitValue, GroupMetadataKey / GroupMetadataValue and their tombstones, see
 * group-coordinator/src/main/resources/common/message/*.json); the port is "append these
 * records, resolve when durable" (Kafka's coordinator-common PartitionWriter), so the file of
 * offset-store.ts can later be replaced by a topic without touching the coordinator.
 */

export interface StoredOffset {
  group: string;
  topic: string;
  partition: number;
  offset: number;
  leaderEpoch: number;
  metadata: string;
  commitTimestamp: number;
  expireTimestamp: number | null;
}

/**
 * What survives a restart of a group besides its offsets: its protocol type (so it lists as a
 * consumer group) and when it became empty (the base of offset expiry). `emptySince` null means
 * the group had members when this was written; after a restart it counts as empty from then.
 */
export interface StoredGroup {
  group: string;
  protocolType: string | null;
  emptySince: number | null;
}

export type StoreEntry =
  | ({ type: 'offset' } & StoredOffset)
  | { type: 'offset-delete'; group: string; topic: string; partition: number }
  | ({ type: 'group' } & StoredGroup)
  /** Removes the group record and every offset of the group written before it. */
  | { type: 'group-delete'; group: string }
  /**
   * An offset of a TxnOffsetCommit: pending for (group, producer) until the transaction ends
   * (Kafka writes it to __consumer_offsets as a transactional record of that producer).
   */
  | ({ type: 'txn-offset'; producerId: number } & StoredOffset)
  /** The transaction's marker reached the group: its pending offsets become committed (commit) or go (abort). */
  | { type: 'txn-end'; group: string; producerId: number; commit: boolean };

export type PendingTxnOffset = StoredOffset & { producerId: number };

export interface StoreSnapshot {
  groups: StoredGroup[];
  offsets: StoredOffset[];
  /** Offsets of transactions not ended yet (absent in snapshots from before transactions). */
  pendingTxnOffsets?: PendingTxnOffset[];
}

/** The coordinator's persistence port. One append at a time: the caller waits for each before the next. */
export interface OffsetStore {
  /** The state to start from (the replayed log). */
  load(): StoreSnapshot;
  /**
   * Makes the entries durable as one unit (at least handed to the OS; fsynced in fsync mode) and
   * resolves then; rejects on I/O failure, in which case none of them may be replayed later.
   */
  append(entries: readonly StoreEntry[]): Promise<void>;
  /** Releases the store; called once no append is in flight. */
  close(): Promise<void>;
}

/**
 * Whether a committed transaction's offset replaces the one the group has. Kafka keeps the most
 * recent commit by record offset in __consumer_offsets (OffsetMetadataManager.
 * replayEndTransactionMarker); groups/offsets.log entries carry no record offset, so the commit
 * time stands in for it (a tie goes to the transaction).
 */
export function transactionalOffsetWins(pendingCommitTimestamp: number, existingCommitTimestamp: number | undefined): boolean {
  return existingCommitTimestamp === undefined || pendingCommitTimestamp >= existingCommitTimestamp;
}

/** Replays entries into the latest state; shared by the file store and the in-memory one. */
export class StoreState {
  private readonly groups = new Map<string, StoredGroup>();
  private readonly offsets = new Map<string, Map<string, StoredOffset>>();
  /** group -> producer id -> partition key -> pending offset. */
  private readonly pending = new Map<string, Map<number, Map<string, PendingTxnOffset>>>();

  apply(e: StoreEntry): void {
    switch (e.type) {
      case 'offset': {
        const { type: _t, ...o } = e;
        let g = this.offsets.get(o.group);
        if (!g) this.offsets.set(o.group, (g = new Map<string, StoredOffset>()));
        g.set(key(o.topic, o.partition), o);
        break;
      }
      case 'offset-delete': {
        const g = this.offsets.get(e.group);
        g?.delete(key(e.topic, e.partition));
        if (g?.size === 0) this.offsets.delete(e.group);
        break;
      }
      case 'group': {
        const { type: _t, ...g } = e;
        this.groups.set(g.group, g);
        break;
      }
      case 'group-delete':
        this.groups.delete(e.group);
        this.offsets.delete(e.group);
        this.pending.delete(e.group);
        break;
      case 'txn-offset': {
        const { type: _t, ...o } = e;
        let g = this.pending.get(o.group);
        if (!g) this.pending.set(o.group, (g = new Map<number, Map<string, PendingTxnOffset>>()));
        let p = g.get(o.producerId);
        if (!p) g.set(o.producerId, (p = new Map<string, PendingTxnOffset>()));
        p.set(key(o.topic, o.partition), o);
        break;
      }
      case 'txn-end': {
        const g = this.pending.get(e.group);
        const p = g?.get(e.producerId);
        if (!g || !p) break;
        g.delete(e.producerId);
        if (g.size === 0) this.pending.delete(e.group);
        if (!e.commit) break;
        for (const { producerId: _p, ...o } of p.values()) {
          const existing = this.offsets.get(o.group)?.get(key(o.topic, o.partition));
          if (transactionalOffsetWins(o.commitTimestamp, existing?.commitTimestamp)) this.apply({ type: 'offset', ...o });
        }
        break;
      }
    }
  }

  snapshot(): StoreSnapshot {
    const offsets: StoredOffset[] = [];
    for (const g of this.offsets.values()) offsets.push(...g.values());
    const pendingTxnOffsets: PendingTxnOffset[] = [];
    for (const g of this.pending.values()) for (const p of g.values()) pendingTxnOffsets.push(...p.values());
    return { groups: [...this.groups.values()], offsets, pendingTxnOffsets };
  }

  /** The minimal entry list that rebuilds this state. */
  entries(): StoreEntry[] {
    const s = this.snapshot();
    return [
      ...s.groups.map((g): StoreEntry => ({ type: 'group', ...g })),
      ...s.offsets.map((o): StoreEntry => ({ type: 'offset', ...o })),
      ...(s.pendingTxnOffsets ?? []).map((o): StoreEntry => ({ type: 'txn-offset', ...o })),
    ];
  }
}

function key(topic: string, partition: number): string {
  return `${partition}\u0000${topic}`;
}

/** For unit tests of the coordinator: same replay semantics, no files. */
export class MemoryOffsetStore implements OffsetStore {
  readonly written: StoreEntry[] = [];
  /** How many appends reached the store (failed ones included); one per group-commit batch. */
  appends = 0;
  private readonly state = new StoreState();
  /** Set to make the next append fail, as a failing disk would. */
  failNextAppend: Error | null = null;

  constructor(initial: readonly StoreEntry[] = []) {
    for (const e of initial) this.state.apply(e);
  }

  load(): StoreSnapshot {
    return this.state.snapshot();
  }

  async append(entries: readonly StoreEntry[]): Promise<void> {
    this.appends++;
    if (this.failNextAppend) {
      const err = this.failNextAppend;
      this.failNextAppend = null;
      throw err;
    }
    for (const e of entries) {
      this.written.push(e);
      this.state.apply(e);
    }
  }

  async close(): Promise<void> {}
}
