/**
 * librdkafka's transactional producer (confluent-kafka-python 1.7.0 on librdkafka 2.0.2) against
 * mq's transaction coordinator: commit, abort, send_offsets_to_transaction, and fencing by a
 * second producer of the same transactional.id, checked in the partition's markers and the
 * group's committed offset.
 */
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestBroker, type TestBroker } from '../helpers/broker.js';
import { createTopics, kafkaClient } from '../helpers/kafkajs.js';
import { randomGroup, randomTopic } from '../helpers/names.js';
import { readStoredBatches } from '../helpers/segments.js';
import { decodeControlBatch } from '../../src/engine/protocol/control-batch.js';
import { describeFailure, haveConfluentKafka, jsonLines, runFixture } from './peers.js';

let tb: TestBroker;
beforeAll(async () => {
  tb = await startTestBroker({ settings: { 'transaction.state.log.num.partitions': '3' } });
});
afterAll(async () => tb?.stop());

describe.skipIf(!haveConfluentKafka)('confluent-kafka transactional producer', () => {
  it('commits, aborts, sends offsets and is fenced by a second producer of its transactional.id', async () => {
    const topic = randomTopic('cktxn');
    const group = randomGroup('cktxn');
    await createTopics(tb.bootstrap, [{ topic }]);
    const r = await runFixture('ck_txn.py', [tb.bootstrap, topic, `tx-${topic}`, group], { timeoutMs: 90_000 });
    expect(r.code, describeFailure(r)).toBe(0);
    const steps = jsonLines<{ step: string; error?: string | null; fatal?: boolean }>(r.stdout);
    expect(steps.map((s) => s.step)).toEqual(['init', 'commit', 'abort', 'offsets', 'second-init', 'fenced', 'second-commit']);
    // librdkafka names the fencing error of InitProducerId v4+/EndTxn v3+ _FENCED (PRODUCER_FENCED) and makes it fatal.
    const fenced = steps.find((s) => s.step === 'fenced')!;
    expect(fenced.error).toMatch(/FENCED|INVALID_PRODUCER_EPOCH/);
    expect(fenced.fatal).toBe(true);

    const types: string[] = [];
    for (const b of await readStoredBatches(tb.dataDir, topic, 0)) {
      if (!b.control) continue;
      const bytes = await readFile(join(tb.dataDir, 'logs', `${topic}-0`, b.file));
      types.push(`${b.baseOffset}:${decodeControlBatch(bytes, b.position).controlType === 1 ? 'COMMIT' : 'ABORT'}`);
    }
    // c0-c2 at 0-2, COMMIT 3; a0-a1 at 4-5, ABORT 6; x at 7, COMMIT 8; the fenced producer's
    // batch is refused (never stored); the second producer's record at 9, its COMMIT at 10.
    expect(types).toEqual(['3:COMMIT', '6:ABORT', '8:COMMIT', '10:COMMIT']);
    const data = (await readStoredBatches(tb.dataDir, topic, 0)).filter((b) => !b.control);
    expect(data.flatMap((b) => Array.from({ length: b.recordCount }, (_, i) => Number(b.baseOffset) + i))).toEqual([0, 1, 2, 4, 5, 7, 9]);

    const admin = kafkaClient(tb.bootstrap).admin();
    await admin.connect();
    try {
      expect(await admin.fetchOffsets({ groupId: group, topics: [topic] })).toMatchObject([{ topic, partitions: [{ partition: 0, offset: '42' }] }]);
    } finally {
      await admin.disconnect();
    }
  });
});
