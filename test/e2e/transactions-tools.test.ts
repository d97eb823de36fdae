/**
 * The built tools over a partition with transactions (data produced over the wire, markers
 * appended as the coordinator does): mq-console-consumer --isolation-level as Kafka's flag,
 * mq-dump-log printing control records and the .txnindex as kafka-dump-log does, and
 * mq-get-offsets counting offsets the way Kafka does (markers occupy offsets).
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestBroker, type TestBroker } from '../helpers/broker.js';
import { createTopics } from '../helpers/kafkajs.js';
import { rawRequest } from '../helpers/raw.js';
import { run } from '../helpers/proc.js';
import { makeBatch } from '../unit/log/batch-builder.js';
import { Produce } from '../../src/engine/protocol/messages/00-produce.js';
import { InitProducerId } from '../../src/engine/protocol/messages/22-init-producer-id.js';
import { RAW_TXN_SETTINGS, RAW_TXN_ID } from '../helpers/transactions.js';

const root = join(import.meta.dirname, '../..');
const tool = (name: string, args: string[]) => run(process.execPath, [join(root, 'bin', `${name}.js`), ...args], { env: { MQ_DEBUG: undefined, NO_COLOR: '1' } });

const dir = mkdtempSync(join(tmpdir(), 'mq-e2e-txn-'));
const dataDir = join(dir, 'data');
const T0 = 1_700_000_000_000;
let b: TestBroker;
const pids: number[] = [];

async function produce(records: Buffer): Promise<void> {
  const r = await rawRequest(b.bootstrap, Produce, 9, { transactionalId: RAW_TXN_ID, acks: -1, timeoutMs: 5000, topicData: [{ name: 'tx', partitionData: [{ index: 0, records }] }] });
  expect(r.responses[0]!.partitionResponses[0]!.errorCode).toBe(0);
}

/** 0 a | 1-2 A: a1 a2 | 3 B: b1 | 4 COMMIT A | 5 ABORT B (coordinator epoch 3) | 6 z */
beforeAll(async () => {
  b = await startTestBroker({ dataDir, settings: RAW_TXN_SETTINGS });
  await createTopics(b.bootstrap, [{ topic: 'tx', numPartitions: 1 }]);
  for (let i = 0; i < 2; i++) {
    const r = await rawRequest(b.bootstrap, InitProducerId, 4, { transactionalId: null, transactionTimeoutMs: 60000, producerId: -1, producerEpoch: -1 });
    pids.push(r.producerId);
  }
  const [a, bb] = pids as [number, number];
  const txn = (pid: number, values: string[]) =>
    makeBatch(
      values.map((value) => ({ value, timestamp: T0 })),
      { producerId: pid, producerEpoch: 0, baseSequence: 0, transactional: true },
    );
  await produce(makeBatch([{ value: 'a', timestamp: T0 }]));
  await produce(txn(a, ['a1', 'a2']));
  await produce(txn(bb, ['b1']));
  const log = b.broker.services.log.partition('tx', 0)!;
  await log.appendMarker({ producerId: a, producerEpoch: 0, type: 'COMMIT', coordinatorEpoch: 0, timestamp: T0 + 1 });
  await log.appendMarker({ producerId: bb, producerEpoch: 0, type: 'ABORT', coordinatorEpoch: 3, timestamp: T0 + 2 });
  await produce(makeBatch([{ value: 'z', timestamp: T0 }]));
});
afterAll(async () => {
  await b?.stop();
  rmSync(dir, { recursive: true, force: true });
});

const consume = (...extra: string[]) => tool('mq-console-consumer', ['--bootstrap-server', b.bootstrap, '--topic', 'tx', '--from-beginning', ...extra]);

describe('mq-console-consumer --isolation-level', () => {
  it('read_committed prints the committed records only; read_uncommitted (the default) prints every data record; markers never', async () => {
    const committed = await consume('--isolation-level', 'read_committed', '--max-messages', '4');
    expect(committed.code, committed.stderr).toBe(0);
    expect(committed.stdout).toBe('a\na1\na2\nz\n');
    const viaProperty = await consume('--consumer-property', 'isolation.level=read_committed', '--max-messages', '4');
    expect(viaProperty.stdout).toBe('a\na1\na2\nz\n');
    const all = await consume('--max-messages', '5');
    expect(all.stdout).toBe('a\na1\na2\nb1\nz\n');
  });

  it("refuses a bad value with Kafka's message", async () => {
    const r = await consume('--isolation-level', 'read_most', '--max-messages', '1');
    expect(r.code).not.toBe(0);
    expect(r.stderr).toContain('Invalid value read_most for configuration isolation.level: String must be one of: read_committed, read_uncommitted');
  });
});

describe('mq-dump-log and mq-get-offsets over transactional data', () => {
  const segment = (suffix: string) => join(dataDir, 'logs', 'tx-0', `00000000000000000000${suffix}`);

  it('counts the markers as offsets, as Kafka does', async () => {
    const r = await tool('mq-get-offsets', ['--bootstrap-server', b.bootstrap, '--topic', 'tx']);
    expect(r.stdout.trim()).toBe('tx:0:7');
  });

  it("prints control batches and their records as kafka-dump-log does, and the .txnindex's aborted transaction", async () => {
    const shallow = await tool('mq-dump-log', ['--files', segment('.log')]);
    const batches = shallow.stdout.split('\n').filter((l) => l.startsWith('baseOffset:'));
    expect(batches).toHaveLength(6);
    expect(batches[3]).toMatch(new RegExp(`^baseOffset: 4 lastOffset: 4 count: 1 baseSequence: -1 lastSequence: -1 producerId: ${pids[0]} producerEpoch: 0 .* isTransactional: true isControl: true `));
    expect(batches[1]).toMatch(/isTransactional: true isControl: false/);
    const deep = await tool('mq-dump-log', ['--files', segment('.log'), '--print-data-log']);
    const records = deep.stdout.split('\n').filter((l) => l.startsWith('|'));
    expect(records).toEqual([
      `| offset: 0 CreateTime: ${T0} keySize: -1 valueSize: 1 sequence: -1 headerKeys: [] payload: a`,
      `| offset: 1 CreateTime: ${T0} keySize: -1 valueSize: 2 sequence: 0 headerKeys: [] payload: a1`,
      `| offset: 2 CreateTime: ${T0} keySize: -1 valueSize: 2 sequence: 1 headerKeys: [] payload: a2`,
      `| offset: 3 CreateTime: ${T0} keySize: -1 valueSize: 2 sequence: 0 headerKeys: [] payload: b1`,
      `| offset: 4 CreateTime: ${T0 + 1} keySize: 4 valueSize: 6 sequence: -1 headerKeys: [] endTxnMarker: COMMIT coordinatorEpoch: 0`,
      `| offset: 5 CreateTime: ${T0 + 2} keySize: 4 valueSize: 6 sequence: -1 headerKeys: [] endTxnMarker: ABORT coordinatorEpoch: 3`,
      `| offset: 6 CreateTime: ${T0} keySize: -1 valueSize: 1 sequence: -1 headerKeys: [] payload: z`,
    ]);
    expect(deep.stderr).not.toContain('Non-consecutive');
    // The .txnindex is written with the segment's other indexes (at roll or clean close).
    await b.restart();
    const idx = await tool('mq-dump-log', ['--files', segment('.txnindex')]);
    expect(idx.code, idx.stderr).toBe(0);
    expect(idx.stdout).toBe(`Dumping ${segment('.txnindex')}\nversion: 0 producerId: ${pids[1]} firstOffset: 3 lastOffset: 5 lastStableOffset: 6\n`);
  });
});
