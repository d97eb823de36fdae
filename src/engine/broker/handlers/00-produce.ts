import { Produce } from '../../protocol/messages/00-produce.js';
import type { Element, ResponseInput } from '../../protocol/schema.js';
import { ErrorCode, errorName } from '../../protocol/error-codes.js';
import { Attr, Compression, Off, checkBatch } from '../../protocol/record-batch.js';
import { validateBatch } from '../../log/batch-validate.js';
import { CloseConnection } from '../dispatch.js';
import { LogError } from '../../log/errors.js';
import type { Handler, RequestContext } from '../handler.js';
import type { BrokerServices } from '../services.js';
import { internalAppendProblem } from '../internal-topics.js';
import { verifyTransactional } from '../txn-verify.js';

/**
 * Produce v3-9. Validates the one RecordBatch per partition (framing, magic, CRC-32C, counts,
 * compression id, then every record: log/batch-validate.ts, decompressing a compressed batch only
 * to check it) and appends the bytes as received. v0-2 are advertised only because librdkafka <= 2.11 refuses to
 * compress unless the Produce range includes 0 (as Kafka 4.x does); they close the connection.
 * Internal topics refuse client appends; a transactional batch is appended only to a partition
 * its transaction holds (KIP-890 part 1, txn-verify.ts).
 */
type PartitionAnswer = Element<Element<ResponseInput<typeof Produce>['responses']>['partitionResponses']>;

export const produce: Handler<BrokerServices, typeof Produce> = {
  api: Produce,
  min: 0,
  max: 9,
  implementedMin: 3,
  async handle(s, req, ctx) {
    const acks = req.acks;
    const responses = await Promise.all(
      req.topicData.map(async (topic) => ({
        name: topic.name,
        partitionResponses: await Promise.all(
          topic.partitionData.map((p) => producePartition(s, topic.name, p.index, p.records, acks, req.transactionalId, ctx)),
        ),
      })),
    );
    if (acks === 0) {
      // No answer for acks=0; on failure Kafka closes the connection so the client notices.
      for (const t of responses) {
        const p = t.partitionResponses.find((q) => q.errorCode !== ErrorCode.NONE);
        if (p) throw new CloseConnection(`acks=0 produce to ${t.name}-${p.index} failed with ${errorName(p.errorCode ?? ErrorCode.NONE)}${p.errorMessage ? `: ${p.errorMessage}` : ''}`);
      }
      return null;
    }
    return { responses, throttleTimeMs: 0 };
  },
};

function fail(index: number, errorCode: number, errorMessage: string | null = null): PartitionAnswer {
  return { index, errorCode, baseOffset: -1, logAppendTimeMs: -1, logStartOffset: -1, recordErrors: [], errorMessage };
}

async function producePartition(
  s: BrokerServices,
  topic: string,
  index: number,
  records: Buffer | null,
  acks: number,
  transactionalId: string | null,
  ctx: RequestContext,
): Promise<PartitionAnswer> {
  const version = ctx.version;
  if (acks !== -1 && acks !== 0 && acks !== 1) return fail(index, ErrorCode.INVALID_REQUIRED_ACKS);
  const log = s.log.partition(topic, index);
  if (!log) return fail(index, ErrorCode.UNKNOWN_TOPIC_OR_PARTITION);
  const internal = internalAppendProblem(topic);
  if (internal) {
    ctx.refused(ErrorCode.INVALID_TOPIC_EXCEPTION, internal);
    return fail(index, ErrorCode.INVALID_TOPIC_EXCEPTION, internal);
  }
  if (!records || records.length === 0) return fail(index, ErrorCode.CORRUPT_MESSAGE, 'no record batch');
  const maxBytes = log.logConfig.maxMessageBytes;
  if (records.length > maxBytes) {
    return fail(index, ErrorCode.MESSAGE_TOO_LARGE, `The request included a message larger than the max message size the server will accept (${maxBytes})`);
  }
  const tp = `${topic}-${index}`;
  // Produce v8 added INVALID_RECORD; before it Kafka's InvalidRecordException reaches the client as CORRUPT_MESSAGE.
  const semantic = version >= 8 ? ErrorCode.INVALID_RECORD : ErrorCode.CORRUPT_MESSAGE;
  // ProduceRequest.validateRecords: v3+ carries exactly one batch of magic 2 (v0/v1 message sets are refused, as in Kafka 4).
  if (records.length > Off.magic && records.readInt8(Off.magic) !== 2) {
    return fail(index, semantic, `Produce requests with version ${version} are only allowed to contain record batches with magic version 2`);
  }
  const check = checkBatch(records);
  if (check.kind !== 'ok') return fail(index, ErrorCode.CORRUPT_MESSAGE, check.kind === 'corrupt' ? check.reason : 'truncated record batch');
  const h = check.header;
  if (h.size !== records.length) {
    return fail(index, semantic, `Produce requests with version ${version} are only allowed to contain exactly one record batch per partition`);
  }
  const compression = h.attributes & Attr.compressionMask;
  if (compression > Compression.zstd) return fail(index, ErrorCode.CORRUPT_MESSAGE, `unknown compression type ${compression}`);
  if (compression === Compression.zstd && version < 7) return fail(index, ErrorCode.UNSUPPORTED_COMPRESSION_TYPE);
  // Only the transaction coordinator writes control batches (PartitionLog.appendMarker); Kafka's LogValidator refuses them from clients.
  if (h.attributes & Attr.control) return fail(index, semantic, `Clients are not allowed to write control records in topic partition ${tp}`);
  if (h.attributes & Attr.timestampTypeLogAppend) return fail(index, ErrorCode.INVALID_TIMESTAMP);
  if (h.attributes & Attr.transactional) {
    const refused = await verifyTransactional(s, transactionalId, topic, index, h.producerId, h.producerEpoch);
    if (refused) return fail(index, refused.code, refused.message);
  }
  // Every record is checked before anything is appended (LogValidator); the bytes are stored as received.
  const cfg = log.logConfig;
  const verdict = await validateBatch(records, h, {
    now: s.clock.now(),
    timestampBeforeMaxMs: cfg.timestampBeforeMaxMs,
    timestampAfterMaxMs: cfg.timestampAfterMaxMs,
    logAppendTime: cfg.logAppendTime,
    compacted: cfg.cleanupPolicy.includes('compact'),
    maxDecompressedBytes: s.settings.number('socket.request.max.bytes', 104857600),
    topicPartition: tp,
  });
  if (!verdict.ok) {
    const code = verdict.kind === 'timestamp' ? ErrorCode.INVALID_TIMESTAMP : semantic;
    ctx.refused(code, `invalid record batch for ${tp}: ${verdict.message}`);
    const recordErrors = verdict.recordErrors.map((e) => ({ batchIndex: e.batchIndex, batchIndexErrorMessage: e.message }));
    return { ...fail(index, code, verdict.message), recordErrors };
  }
  let result;
  try {
    result = await log.append(records);
  } catch (err) {
    // Sequence and epoch problems of idempotent producers, storage failures: a code, not a crash.
    if (err instanceof LogError) return fail(index, err.code, err.message);
    throw err;
  }
  return {
    index,
    errorCode: 0,
    baseOffset: result.baseOffset,
    logAppendTimeMs: result.logAppendTime,
    logStartOffset: result.logStartOffset,
    recordErrors: [],
    errorMessage: null,
  };
}
