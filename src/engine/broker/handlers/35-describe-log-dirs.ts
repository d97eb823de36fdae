/**
 * DescribeLogDirs: the broker's one log directory (`<dataDir>/logs`) with each partition's size
 * on disk (the sum of its segment files, Kafka's UnifiedLog.size) and, from v4 (KIP-827), the
 * volume's total and usable bytes (Kafka reads them with File.getTotalSpace / getUsableSpace; here
 * statfs). A null topic list means every partition; partitions the broker does not have are left
 * out, as Kafka's ReplicaManager.describeLogDirs does.
 */
import { statfs } from 'node:fs/promises';
import path from 'node:path';
import { ErrorCode } from '../../protocol/error-codes.js';
import { DescribeLogDirs } from '../../protocol/messages/35-describe-log-dirs.js';
import type { Element, ResponseInput } from '../../protocol/schema.js';
import { LOGS_DIR } from '../../log/file-names.js';
import type { Handler } from '../handler.js';
import type { BrokerServices } from '../services.js';

type TopicAnswer = Element<Element<ResponseInput<typeof DescribeLogDirs>['results']>['topics']>;

/** The volume's size and free space for unprivileged users, or -1 each when statfs fails. */
async function volume(dir: string): Promise<{ totalBytes: number; usableBytes: number }> {
  try {
    const s = await statfs(dir);
    return { totalBytes: s.blocks * s.bsize, usableBytes: s.bavail * s.bsize };
  } catch {
    return { totalBytes: -1, usableBytes: -1 };
  }
}

export const describeLogDirs: Handler<BrokerServices, typeof DescribeLogDirs> = {
  api: DescribeLogDirs,
  min: 0,
  max: 4,
  async handle(s, req) {
    const every = () => s.log.topics().map((t) => ({ topic: t.name, partitions: Array.from({ length: t.partitions }, (_, i) => i) }));
    const wanted = req.topics ?? every();
    const topics: TopicAnswer[] = [];
    for (const t of wanted) {
      const partitions: Array<Element<TopicAnswer['partitions']>> = [];
      for (const p of t.partitions) {
        const log = s.log.partition(t.topic, p);
        if (!log || log.offline) continue;
        // One replica, so the high watermark is the log end: no lag.
        const offsetLag = Math.max(0, log.logEndOffset - log.highWatermark);
        partitions.push({ partitionIndex: p, partitionSize: log.sizeInBytes, offsetLag, isFutureKey: false });
      }
      if (partitions.length > 0) topics.push({ name: t.topic, partitions });
    }
    const logDir = path.resolve(s.log.dataDir, LOGS_DIR);
    return { throttleTimeMs: 0, errorCode: ErrorCode.NONE, results: [{ errorCode: ErrorCode.NONE, logDir, topics, ...(await volume(logDir)) }] };
  },
};
