/**
 * DeleteRecordsCommand's rules (tools/src/main/java/org/apache/kafka/tools/DeleteRecordsCommand.java):
 * the offset JSON file (version 1, a "partitions" list of topic/partition/offset), duplicates
 * refused, then "Executing records delete operation", "Records delete operation completed:" and
 * one `partition: t-0<TAB>low_watermark: N` (or `error: ...`) line per partition.
 */
import { readFileSync } from 'node:fs';
import type { Io } from '../../cli/io.js';
import { javaText } from '../../cli/kafka-text.js';
import { CommandError } from '../../cli/errors.js';
import { createOutput } from '../../cli/output.js';
import { ReportableError } from '../../engine/errors.js';
import { openSession, validateBootstrapServer } from '../../engine/client/connect.js';
import { deleteRecords } from '../../engine/client/admin/offsets.js';
import { ErrorCode, errorName } from '../../engine/protocol/error-codes.js';
import { requireArgument, sessionOptions, type ConnectionFlags } from '../shared/options.js';

export interface DeleteRecordsOptions extends ConnectionFlags {
  offsetJsonFile?: string;
  output?: string;
  color?: boolean;
}

export interface RecordsToDelete {
  topic: string;
  partition: number;
  offset: number;
}

/** Kafka's exception texts for the per-partition errors a user meets here (the admin client's ExecutionException message). */
const PARTITION_ERRORS: ReadonlyMap<number, readonly [string, string]> = new Map([
  [ErrorCode.OFFSET_OUT_OF_RANGE, ['org.apache.kafka.common.errors.OffsetOutOfRangeException', 'The requested offset is not within the range of offsets maintained by the server.']],
  [ErrorCode.UNKNOWN_TOPIC_OR_PARTITION, ['org.apache.kafka.common.errors.UnknownTopicOrPartitionException', 'This server does not host this topic-partition.']],
]);

/** A partition's error: Kafka's exception text with MQ_KAFKA_ERRORS (javaText), else its message or the error's name. */
function partitionError(env: NodeJS.ProcessEnv, code: number): string {
  const known = PARTITION_ERRORS.get(code);
  return known ? javaText(env, known[0], known[1]) : errorName(code);
}

const isInt = (v: unknown): v is number => typeof v === 'number' && Number.isSafeInteger(v);

/** parseOffsetJsonStringWithoutDedup + the duplicate check, with Kafka's messages. */
export function parseOffsetJson(text: string): RecordsToDelete[] {
  let js: unknown;
  try {
    js = JSON.parse(text);
  } catch {
    throw new CommandError('The input string is not a valid JSON');
  }
  if (typeof js !== 'object' || js === null || Array.isArray(js)) throw new CommandError('The input string is not a valid JSON object');
  const doc = js as { version?: unknown; partitions?: unknown };
  const version = doc.version ?? 1;
  if (version !== 1) throw new CommandError(`Not supported version field value ${JSON.stringify(version)}`);
  if (doc.partitions === undefined) throw new CommandError('Missing partitions field');
  if (!Array.isArray(doc.partitions)) throw new CommandError('Expected JSON array for partitions');
  const out: RecordsToDelete[] = [];
  for (const p of doc.partitions as unknown[]) {
    const e = (p ?? {}) as { topic?: unknown; partition?: unknown; offset?: unknown };
    if (typeof e.topic !== 'string') throw new CommandError(`Expected a string topic in ${JSON.stringify(p)}`);
    if (!isInt(e.partition)) throw new CommandError(`Expected an int partition in ${JSON.stringify(p)}`);
    if (!isInt(e.offset)) throw new CommandError(`Expected a long offset in ${JSON.stringify(p)}`);
    out.push({ topic: e.topic, partition: e.partition, offset: e.offset });
  }
  const seen = new Set<string>();
  const dups: string[] = [];
  for (const r of out) {
    const tp = `${r.topic}-${r.partition}`;
    if (seen.has(tp) && !dups.includes(tp)) dups.push(tp);
    seen.add(tp);
  }
  if (dups.length > 0) throw new CommandError(`Offset json file contains duplicate topic partitions: ${dups.join(',')}`);
  return out;
}

export async function runDeleteRecords(opts: DeleteRecordsOptions, io: Io): Promise<void> {
  requireArgument(opts, 'offsetJsonFile');
  if (opts.bootstrapServer !== undefined) validateBootstrapServer(opts.bootstrapServer);
  let text: string;
  try {
    text = readFileSync(opts.offsetJsonFile!, 'utf8');
  } catch (err) {
    throw new CommandError(`${opts.offsetJsonFile} (${(err as NodeJS.ErrnoException).code === 'ENOENT' ? 'No such file or directory' : (err as Error).message})`);
  }
  const wanted = parseOffsetJson(text);
  const out = createOutput(io, { format: opts.output, color: opts.color });
  const session = await openSession(sessionOptions(opts, 'DeleteRecordsCommand'), io);
  try {
    const cluster = await session.cluster();
    if (!out.json) out.line('Executing records delete operation');
    const results = await out.spin('Deleting records', deleteRecords(cluster, wanted));
    // In the file's order (Kafka prints its HashMap's order).
    const key = (r: { topic: string; partition: number }) => `${r.topic}-${r.partition}`;
    const byKey = new Map(results.map((r) => [key(r), r]));
    const ordered = wanted.map((w) => byKey.get(key(w))).filter((r) => r !== undefined);
    if (out.json) {
      out.document({
        partitions: ordered.map((r) =>
          r.errorCode === ErrorCode.NONE
            ? { topic: r.topic, partition: r.partition, lowWatermark: r.lowWatermark }
            : { topic: r.topic, partition: r.partition, error: errorName(r.errorCode) },
        ),
      });
      return;
    }
    out.line('Records delete operation completed:');
    out.lines(
      ordered.map((r) =>
        r.errorCode === ErrorCode.NONE
          ? `partition: ${key(r)}\tlow_watermark: ${r.lowWatermark}`
          : `partition: ${key(r)}\terror: ${partitionError(io.env, r.errorCode)}`,
      ),
    );
  } catch (err) {
    if (err instanceof CommandError || err instanceof ReportableError) throw err;
    throw session.error(err);
  } finally {
    await session.close();
  }
}
