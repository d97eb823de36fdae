/**
 * Sizes on disk: DescribeLogDirs (API 35) to each broker, as Admin.describeLogDirs does
 * (clients/src/main/java/org/apache/kafka/clients/admin/KafkaAdminClient.java describeLogDirs:
 * one request per broker, a null topic list for every partition).
 *
 *   const dirs = await describeLogDirs(cluster, [1, 2, 3]);
 *   dirs.get(1)?.partitions.get('t:0')   // bytes of t-0's replica on broker 1
 */
import type { Cluster } from '../cluster.js';
import { DescribeLogDirs } from '../../protocol/messages/35-describe-log-dirs.js';
import { ErrorCode } from '../../protocol/error-codes.js';

export interface BrokerLogDirs {
  brokerId: number;
  /** The broker's error (a broker that cannot answer DescribeLogDirs, or failed to), else NONE. */
  errorCode: number;
  dirs: Array<{ path: string; errorCode: number; totalBytes: number; usableBytes: number }>;
  /** `topic:partition` -> bytes of that replica (current logs only, not future ones). */
  partitions: Map<string, number>;
  /** The sum of `partitions`. */
  sizeBytes: number;
}

/** DescribeLogDirs for every partition at each of `brokerIds`, in parallel; a broker that fails is reported with its error, not thrown. */
export async function describeLogDirs(cluster: Cluster, brokerIds: readonly number[]): Promise<Map<number, BrokerLogDirs>> {
  const out = new Map<number, BrokerLogDirs>();
  await Promise.all(
    brokerIds.map(async (brokerId) => {
      const entry: BrokerLogDirs = { brokerId, errorCode: ErrorCode.NONE, dirs: [], partitions: new Map(), sizeBytes: 0 };
      out.set(brokerId, entry);
      try {
        const conn = await cluster.forNode(brokerId);
        if (!conn.supports(DescribeLogDirs.apiKey)) {
          entry.errorCode = ErrorCode.UNSUPPORTED_VERSION;
          return;
        }
        const res = await conn.request(DescribeLogDirs, { topics: null });
        if (conn.versionFor(DescribeLogDirs.apiKey) >= 3 && res.errorCode !== ErrorCode.NONE) {
          entry.errorCode = res.errorCode;
          return;
        }
        for (const d of res.results) {
          entry.dirs.push({ path: d.logDir, errorCode: d.errorCode, totalBytes: d.totalBytes, usableBytes: d.usableBytes });
          if (d.errorCode !== ErrorCode.NONE) continue;
          for (const t of d.topics) {
            for (const p of t.partitions) {
              if (p.isFutureKey) continue;
              entry.partitions.set(`${t.name}:${p.partitionIndex}`, p.partitionSize);
              entry.sizeBytes += p.partitionSize;
            }
          }
        }
      } catch {
        entry.errorCode = ErrorCode.NETWORK_EXCEPTION;
      }
    }),
  );
  return out;
}
