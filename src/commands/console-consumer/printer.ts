import { CommandError } from '../../cli/errors.js';
import type { OutBuffer } from '../../cli/out-buffer.js';
import { type Output, type RecordSink } from '../../cli/output.js';
import { type AssignedConsumer } from '../../engine/client/consumer.js';
import type { Taken } from '../../engine/client/consumer-poll.js';
import { type FetchedPartition } from '../../engine/client/fetcher.js';
import { RecordCursor, readRecords } from '../../engine/client/record-reader.js';

/**
 * Renders records into the record sink and takes them for the poll loop: one reused cursor and
 * visitor, nothing allocated per record. A record that fails to render leaves nothing behind; it
 * is skipped (--skip-message-on-error) or ends the consumer.
 */
export class Printer {
  /** Records printed. */
  count = 0;
  /** Records read (a search counts the ones it did not print). */
  scanned = 0;
  private readonly cursor = new RecordCursor();
  /** The partition being read: where consumption got to, and how many more records it may take. */
  private at = 0;
  private budget = 0;
  private stopped = false;
  /** The end (exclusive) of the partition being read, and whether it was reached. */
  private end = Infinity;
  private ended = false;
  private readonly visit = (c: RecordCursor): boolean => {
    if (c.offset >= this.end) {
      this.ended = true;
      return false;
    }
    if (this.budget <= 0) {
      this.stopped = true;
      return false;
    }
    if (c.timestamp < this.fromTime || c.timestamp > this.toTime) {
      // Inside the range's offsets but written out of timestamp order: not in the range (range.ts).
      this.at = c.offset + 1;
      return true;
    }
    this.scanned++;
    if (this.filter !== null && !this.filter(c)) {
      this.at = c.offset + 1;
      return true;
    }
    if (!this.add(c)) {
      this.stopped = true;
      return false;
    }
    this.at = c.offset + 1;
    if (this.budget <= 0) {
      this.stopped = true;
      return false;
    }
    return true;
  };

  constructor(
    private readonly out: Output,
    private readonly sink: RecordSink,
    private readonly render: (out: OutBuffer, r: RecordCursor) => void,
    private readonly skipOnError: boolean,
    private readonly filter: ((c: RecordCursor) => boolean) | null,
    /** A range read: each partition's end, and the consumer to stop fetching a partition that reached it. */
    private readonly range: { ends: Map<string, number>; consumer: AssignedConsumer } | null,
    /** --from-time / --to-time (epoch ms): a record's own timestamp must be inside. */
    private readonly fromTime = -Infinity,
    private readonly toTime = Infinity,
  ) {}

  /** Every partition of a range read reached its end. */
  get done(): boolean {
    return this.range !== null && this.range.ends.size === 0;
  }

  get closed(): boolean {
    return this.sink.closed;
  }

  /** Prints one record; false when the consumer must stop (stdout closed). */
  private add(r: RecordCursor): boolean {
    if (this.sink.closed) return false;
    const buf = this.sink.buffer;
    const mark = buf.at;
    try {
      this.render(buf, r);
    } catch (err) {
      buf.at = mark; // nothing of a record that failed
      if (this.skipOnError) {
        this.out.status(`ERROR Error processing message, skipping this message: ${(err as Error).message}`);
        return true;
      }
      throw new CommandError(`ERROR Error processing message, terminating consumer process: ${(err as Error).message}`);
    }
    this.count++;
    this.budget--;
    return true;
  }

  /** The poll loop's `take`: prints a partition's records from its fetch position on. */
  readonly take = async (part: FetchedPartition, budget: number): Promise<Taken> => {
    this.cursor.topic = part.topic;
    this.cursor.partition = part.partition;
    this.at = part.position;
    this.budget = budget;
    this.stopped = false;
    this.ended = false;
    const k = `${part.topic}:${part.partition}`;
    this.end = this.range?.ends.get(k) ?? Infinity;
    const before = this.count;
    const r = await readRecords(part.records, part.position, this.cursor, this.visit, part.abortedTransactions);
    if (!r.stopped && r.next > this.at) this.at = Math.min(r.next, this.end);
    if (this.range && (this.ended || this.at >= this.end)) {
      this.range.ends.delete(k);
      this.range.consumer.fetcher.unassign(part.topic, part.partition);
    }
    return { records: this.count - before, next: this.at, stop: this.stopped || this.done };
  };

  flush(): Promise<void> {
    return this.sink.flush();
  }
}
