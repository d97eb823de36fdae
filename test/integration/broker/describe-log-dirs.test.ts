/**
 * DescribeLogDirs (API 35) at every version the broker advertises: the one log directory, each
 * partition's size equal to its segment files on disk, the volume's sizes from v4, a null topic
 * list for every partition; and the admin client's describeLogDirs over it.
 */
import { readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestBroker, type TestBroker } from '../../helpers/broker.js';
import { rawRequest } from '../../helpers/raw.js';
import { Cluster } from '../../../src/engine/client/cluster.js';
import { describeLogDirs } from '../../../src/engine/client/admin/log-dirs.js';
import { createTopic } from '../../../src/engine/client/admin/topics.js';
import { produceRecords } from '../../../src/engine/client/produce-records.js';
import { partitionDir } from '../../../src/engine/log/file-names.js';
import { DescribeLogDirs } from '../../../src/engine/protocol/messages/35-describe-log-dirs.js';

let tb: TestBroker;
let cluster: Cluster;
beforeAll(async () => {
  tb = await startTestBroker();
  cluster = await Cluster.connect([tb.bootstrap]);
  expect((await createTopic(cluster.any(), { name: 'dld', partitions: 2, configs: new Map() })).errorCode).toBe(0);
  const records = Array.from({ length: 20 }, (_, i) => ({ key: null, value: Buffer.alloc(100, i), headers: [], timestamp: Date.now() }));
  await produceRecords(cluster, 'dld', 1, records);
});
afterAll(async () => {
  await cluster?.close();
  await tb?.stop();
});

/** Bytes of the partition's segment files (*.log), as Kafka's UnifiedLog.size counts them. */
const onDisk = (p: number) => readdirSync(partitionDir(tb.dataDir, 'dld', p)).filter((f) => f.endsWith('.log')).reduce((n, f) => n + statSync(join(partitionDir(tb.dataDir, 'dld', p), f)).size, 0);

describe('DescribeLogDirs', () => {
  it.each([0, 1, 2, 3, 4])('v%i answers the log directory with each partition size', async (v) => {
    const r = await rawRequest(tb.bootstrap, DescribeLogDirs, v, { topics: [{ topic: 'dld', partitions: [0, 1, 7] }, { topic: 'nope', partitions: [0] }] });
    expect(r.results).toHaveLength(1);
    const dir = r.results[0]!;
    expect(dir.errorCode).toBe(0);
    expect(dir.logDir).toBe(join(tb.dataDir, 'logs'));
    expect(dir.topics).toEqual([
      {
        name: 'dld',
        partitions: [
          { partitionIndex: 0, partitionSize: 0, offsetLag: 0, isFutureKey: false },
          { partitionIndex: 1, partitionSize: onDisk(1), offsetLag: 0, isFutureKey: false },
        ],
      },
    ]);
    expect(onDisk(1)).toBeGreaterThan(2000);
    if (v >= 4) {
      expect(dir.totalBytes).toBeGreaterThan(0);
      expect(dir.usableBytes).toBeGreaterThan(0);
      expect(dir.usableBytes).toBeLessThanOrEqual(dir.totalBytes);
    } else expect(dir.totalBytes).toBe(-1);
  });

  it('a null topic list describes every partition', async () => {
    const r = await rawRequest(tb.bootstrap, DescribeLogDirs, 4, { topics: null });
    expect(r.results[0]!.topics.map((t) => `${t.name}:${t.partitions.map((p) => p.partitionIndex).join(',')}`)).toEqual(['dld:0,1']);
  });

  it("the admin client's describeLogDirs sums each broker's partitions", async () => {
    const dirs = await describeLogDirs(cluster, [1]);
    const b = dirs.get(1)!;
    expect(b.errorCode).toBe(0);
    expect(b.partitions.get('dld:1')).toBe(onDisk(1));
    expect(b.sizeBytes).toBe(onDisk(0) + onDisk(1));
    expect(b.dirs[0]!.totalBytes).toBeGreaterThan(0);
  });
});
