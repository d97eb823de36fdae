/**
 * mq-transactions without a broker: argv -> (command, flags), kafka-transactions.sh's tables
 * (ToolsUtils.prettyPrintTable: padded cells, each followed by a tab), its rows, error lines and
 * argparse4j's number conversions; and mq-producer-perf-test's transaction settings as
 * ProducerPerformance's ConfigPostProcessor resolves them.
 */
import { describe, expect, it } from 'vitest';
import { captureIo } from '../../../src/cli/io.js';
import { UsageError } from '../../../src/cli/errors.js';
import { main, transactionsProgram } from '../../../src/commands/transactions/index.js';
import type { TransactionsAction, TransactionsFlags } from '../../../src/commands/transactions/run.js';
import { describeRow, errorLine, hangingRows, javaNumber, javaStringHash, kafkaPartitionOrder, listRows, prettyPrintTable, producerRows } from '../../../src/commands/transactions/format.js';
import { plan } from '../../../src/commands/producer-perf-test/run.js';

async function parse(argv: string[]): Promise<{ action: TransactionsAction; flags: TransactionsFlags }> {
  let got: { action: TransactionsAction; flags: TransactionsFlags } | undefined;
  const program = transactionsProgram(captureIo().io, async (action, flags) => {
    got = { action, flags };
  });
  await program.parseAsync(argv, { from: 'user' });
  if (!got) throw new Error('no command ran');
  return got;
}

describe('mq-transactions argv', () => {
  it.each<[string[], TransactionsAction, Partial<TransactionsFlags>]>([
    [['--bootstrap-server', 'h:9092', 'list'], 'list', { bootstrapServer: 'h:9092' }],
    [['list', '--duration-filter', '60000', '--transactional-id-pattern', 'app-.*'], 'list', { durationFilter: '60000', transactionalIdPattern: 'app-.*' }],
    [['--output', 'json', 'describe', '--transactional-id', 'tx'], 'describe', { output: 'json', transactionalId: 'tx' }],
    [['describe-producers', '--topic', 't', '--partition', '3', '--broker-id', '2'], 'describe-producers', { topic: 't', partition: '3', brokerId: '2' }],
    [['abort', '--topic', 't', '--partition', '0', '--start-offset', '42'], 'abort', { topic: 't', partition: '0', startOffset: '42' }],
    [
      ['abort', '--topic', 't', '--partition', '0', '--producer-id', '7', '--producer-epoch', '1', '--coordinator-epoch', '-1'],
      'abort',
      { producerId: '7', producerEpoch: '1', coordinatorEpoch: '-1' },
    ],
    [['find-hanging', '--broker-id', '1', '--max-transaction-timeout', '5'], 'find-hanging', { brokerId: '1', maxTransactionTimeout: '5' }],
    [['forceTerminateTransaction', '--transactionalId', 'tx'], 'forceTerminateTransaction', { transactionalId: 'tx' }],
  ])('%j', async (argv, action, expected) => {
    const got = await parse(argv);
    expect(got.action).toBe(action);
    expect(got.flags).toMatchObject(expected);
  });

  it('refuses a describe without --transactional-id and an unknown command: one line, exit 1, nothing run', async () => {
    for (const [argv, message] of [
      [['describe'], /required option '--transactional-id <id>' not specified/i],
      [['abortt'], /unknown command 'abortt'/i],
      [['describe-producers', '--topic', 't', '--partition', 'x'], /argument --partition: could not convert 'x' to Integer/],
    ] as const) {
      const c = captureIo();
      expect(await main([...argv, '--bootstrap-server', '127.0.0.1:1'], c.io)).toBe(1);
      expect(c.stderr()).toMatch(message);
      expect(c.stdout()).toBe('');
    }
  });
});

describe("kafka-transactions.sh's tables", () => {
  it('pads every cell to its column and ends each with a tab, the last one too (ToolsUtils.prettyPrintTable)', () => {
    expect(prettyPrintTable(['A', 'Longer'], [['value', 'x']])).toEqual(['A    \tLonger\t', 'value\tx     \t']);
    expect(prettyPrintTable(['TransactionalId', 'Coordinator'], [])).toEqual(['TransactionalId\tCoordinator\t']);
  });

  it('lists brokers in id order and each broker\'s transactions as it answered', () => {
    const rows = listRows(
      new Map([
        [2, [{ transactionalId: 'b', producerId: 5, state: 'Ongoing' }]],
        [1, [{ transactionalId: 'z', producerId: 9, state: 'CompleteCommit' }, { transactionalId: 'a', producerId: 3, state: 'Empty' }]],
      ]),
    );
    expect(rows).toEqual([
      ['z', '1', '9', 'CompleteCommit'],
      ['a', '1', '3', 'Empty'],
      ['b', '2', '5', 'Ongoing'],
    ]);
  });

  it('describe: None for the start time and duration without an open transaction, partitions joined by commas in Kafka\'s order', () => {
    const base = { coordinatorId: 1, transactionalId: 'tx', producerId: 4, producerEpoch: 2, transactionTimeoutMs: 60000 };
    expect(describeRow({ ...base, state: 'Ongoing', transactionStartTimeMs: 1000, topicPartitions: ['t-0', 't-1'] }, 3500)).toEqual(['1', 'tx', '4', '2', 'Ongoing', '60000', '1000', '2500', 't-1,t-0']);
    expect(describeRow({ ...base, state: 'Empty', transactionStartTimeMs: -1, topicPartitions: [] }, 3500)).toEqual(['1', 'tx', '4', '2', 'Empty', '60000', 'None', 'None', '']);
  });

  it('describe-producers: None without an open transaction; find-hanging: whole minutes since the last write', () => {
    const s = { producerId: 4, producerEpoch: 0, coordinatorEpoch: -1, lastSequence: 9, lastTimestamp: 1_000, currentTransactionStartOffset: -1 };
    expect(producerRows([s, { ...s, currentTransactionStartOffset: 12 }])).toEqual([
      ['4', '0', '-1', '9', '1000', 'None'],
      ['4', '0', '-1', '9', '1000', '12'],
    ]);
    expect(hangingRows([{ topic: 't', partition: 0, producer: { ...s, currentTransactionStartOffset: 12 } }], 1_000 + 179_999)).toEqual([['t', '0', '4', '0', '-1', '12', '1000', '2']]);
  });

  it("prints a transaction's partitions in the order of Java's HashSet, as Kafka's tool does", () => {
    expect(javaStringHash('abc')).toBe(96354);
    expect(javaStringHash('polygenelubricants')).toBe(-2147483648);
    // What kafka-transactions.sh 4.3.1 printed for this transaction (partitions added 0 then 1).
    expect(kafkaPartitionOrder(['txtools-26487-1-b0240ff4-0', 'txtools-26487-1-b0240ff4-1'])).toEqual(['txtools-26487-1-b0240ff4-1', 'txtools-26487-1-b0240ff4-0']);
    // Topic names with dashes: the partition is after the last one.
    expect(kafkaPartitionOrder(['a-b-0'])).toEqual(['a-b-0']);
  });

  it("errors end with Kafka's sentence", () => {
    expect(errorLine('Failed to list transactions', new Error('boom'))).toBe('Failed to list transactions: boom. Enable debug logging for additional detail.');
  });

  it('converts numbers as argparse4j does, with its message', () => {
    expect(javaNumber('--partition', '3', 'Integer')).toBe(3);
    expect(javaNumber('--partition', undefined, 'Integer')).toBeUndefined();
    expect(() => javaNumber('--partition', 'x', 'Integer')).toThrow(new UsageError(`argument --partition: could not convert 'x' to Integer (For input string: "x")`));
    expect(() => javaNumber('--producer-epoch', '40000', 'Short')).toThrow(/could not convert '40000' to Short \(Value out of range/);
  });
});

describe("mq-producer-perf-test's transactions (ProducerPerformance.ConfigPostProcessor)", () => {
  const base = { topic: 't', numRecords: '10', recordSize: '10', throughput: '-1' };
  const print = () => undefined;

  it('are off without any of the three', () => {
    expect(plan(base, print).transaction).toBeUndefined();
  });

  it('--transactional-id wins over transactional.id and the duration defaults to 3000 ms', () => {
    const p = plan({ ...base, transactionalId: 'flag', producerProps: ['transactional.id=prop'] }, print);
    expect(p.transaction).toEqual({ transactionalId: 'flag', durationMs: 3000 });
    expect(p.props.get('transactional.id')).toBe('flag');
    expect(plan({ ...base, producerProps: ['transactional.id=prop'] }, print).transaction).toEqual({ transactionalId: 'prop', durationMs: 3000 });
  });

  it('--transaction-duration-ms alone turns them on with performance-producer-<uuid>', () => {
    const t = plan({ ...base, transactionDurationMs: '100' }, print).transaction!;
    expect(t.durationMs).toBe(100);
    expect(t.transactionalId).toMatch(/^performance-producer-[A-Za-z0-9_-]{22}$/);
  });
});
