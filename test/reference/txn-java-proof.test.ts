/**
 * Issue 13's proof with Kafka's Java client (3.9 and 4.x from Maven Central), the fixture
 * test/reference/java/TxnProof.java, against each target of txn-targets.ts (Kafka 4.x and 3.9
 * now; MQ_TXN_TARGETS=mq for mq's broker):
 * - a transactional producer commits and aborts; read_committed sees exactly the committed
 *   records, in order per partition; read_uncommitted sees all of them;
 * - a second producer with the same transactional.id fences the first;
 * - consume-transform-produce with sendOffsetsToTransaction: the output has each input record
 *   once, and the group's committed offsets are where the transactions left them, which
 *   mq-consumer-groups shows with the same LAG as Kafka's kafka-consumer-groups (the commit
 *   markers count in the log end offset, as Kafka counts them).
 *
 *   bash scripts/reference/fetch-kafka.sh && MQ_REFERENCE=1 npx vitest run -c vitest.reference.config.ts test/reference/txn-java-proof.test.ts
 */
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { main as consumerGroups } from '../../src/commands/consumer-groups/index.js';
import { main as getOffsets } from '../../src/commands/get-offsets/index.js';
import { createTopics } from '../helpers/kafkajs.js';
import { randomGroup, randomTopic } from '../helpers/names.js';
import { testIo } from '../integration/commands/producer-helpers.js';
import { compileJava, runJavaMain, runKafkaTool, type KafkaVersion } from './kafka.js';
import { startTarget, toolVersion, txnTargets, type RunningTarget } from './txn-targets.js';

const SOURCE = fileURLToPath(new URL('./java/TxnProof.java', import.meta.url));
const CLIENTS: KafkaVersion[] = ['4', '3.9'];

describe.skipIf(!process.env.MQ_REFERENCE).each(txnTargets())("Kafka's Java client proves transactions against %s", (target) => {
  let t: RunningTarget;
  const classes = new Map<KafkaVersion, string>();
  const proof = async (client: KafkaVersion, args: string[]) => {
    const r = await runJavaMain(client, classes.get(client)!, 'TxnProof', args, { timeoutMs: 120_000 });
    if (r.code !== 0) throw new Error(`TxnProof ${args[0]} (client ${client}) exited ${r.code}:\n${r.stdout}\n${r.stderr}`);
    return r.stdout.split('\n').filter(Boolean);
  };

  beforeAll(async () => {
    for (const v of CLIENTS) classes.set(v, await compileJava(v, 'txn-proof', [SOURCE]));
    t = await startTarget(target);
  });
  afterAll(async () => t?.stop());

  it.each(CLIENTS)('client %s: commits and aborts; read_committed sees exactly the committed records, read_uncommitted all', async (client) => {
    const topic = randomTopic('jtxn');
    await createTopics(t.bootstrap, [{ topic, numPartitions: 3 }]);
    expect(await proof(client, ['produce', t.bootstrap, topic, `java-${topic}`, '6', '50'])).toEqual(['committed 150', 'aborted 150']);
    const values = (lines: string[]) => lines.filter((l) => !l.startsWith('end offsets'));
    const committed = values(await proof(client, ['consume', t.bootstrap, topic, 'read_committed']));
    const all = values(await proof(client, ['consume', t.bootstrap, topic, 'read_uncommitted']));
    const txnOf = (l: string) => Number(/:t(\d+)-/.exec(l)![1]);
    expect(committed.length).toBe(150);
    expect(committed.every((l) => txnOf(l) % 2 === 0)).toBe(true);
    expect(new Set(committed.map((l) => l.split(':')[1])).size).toBe(150);
    expect(all.length).toBe(300);
    // In order: per partition, transaction by transaction, record by record.
    const rank = (l: string) => {
      const [, txn, i] = /:t(\d+)-(\d+)$/.exec(l)!;
      return Number(txn) * 1000 + Number(i);
    };
    for (const lines of [committed, all]) {
      for (const p of ['0', '1', '2']) {
        const ranks = lines.filter((l) => l.startsWith(`${p}:`)).map(rank);
        expect(ranks).toEqual([...ranks].sort((a, b) => a - b));
      }
    }
  });

  it.each(CLIENTS)('client %s: a second producer with the same transactional.id fences the first', async (client) => {
    const topic = randomTopic('jfence');
    await createTopics(t.bootstrap, [{ topic, numPartitions: 1 }]);
    const out = await proof(client, ['fence', t.bootstrap, topic, `java-fence-${topic}`]);
    expect(out[0]).toBe('second committed');
    expect(out[1]).toMatch(/^first fenced: org\.apache\.kafka\.common\.errors\.(ProducerFencedException|InvalidProducerEpochException)$/);
    expect((await proof(client, ['consume', t.bootstrap, topic, 'read_committed'])).filter((l) => !l.startsWith('end offsets'))).toEqual(['0:second']);
  });

  it.each(CLIENTS)('client %s: consume-transform-produce with sendOffsetsToTransaction; the group\'s LAG as Kafka shows it', async (client) => {
    const input = randomTopic('jin');
    const output = randomTopic('jout');
    const group = randomGroup('jctp');
    await createTopics(t.bootstrap, [{ topic: input, numPartitions: 2 }, { topic: output, numPartitions: 2 }]);
    // 3 transactions of 100: the first and third commit (200 records), the second aborts.
    expect(await proof(client, ['produce', t.bootstrap, input, `java-in-${input}`, '3', '100'])).toEqual(['committed 200', 'aborted 100']);
    expect(await proof(client, ['transform', t.bootstrap, input, output, group, `java-ctp-${group}`, '200'])).toEqual(['processed 200', 'transactions some']);
    const transformed = (await proof(client, ['consume', t.bootstrap, output, 'read_committed'])).filter((l) => !l.startsWith('end offsets')).map((l) => l.split(':')[1]);
    const expected = Array.from({ length: 100 }, (_, i) => [`T0-${i}`, `T2-${i}`]).flat();
    expect([...transformed].sort()).toEqual(expected.sort());

    const args = ['--bootstrap-server', t.bootstrap, '--describe', '--group', group];
    const kafka = await runKafkaTool(toolVersion(target), 'kafka-consumer-groups', args);
    expect(kafka.code).toBe(0);
    const io = testIo();
    expect(await consumerGroups(args, io)).toBe(0);
    const rows = (s: string) => s.split('\n').filter((l) => l.includes(input)).map((l) => l.trim().split(/\s+/)).sort();
    expect(rows(io.out())).toEqual(rows(kafka.stdout));
    expect(rows(io.out()).length).toBe(2);

    // The log end offsets count the markers, as Kafka's do (mq-get-offsets = kafka-get-offsets).
    for (const time of ['-1', '-2']) {
      const offsetArgs = ['--bootstrap-server', t.bootstrap, '--topic', input, '--time', time];
      const k = await runKafkaTool(toolVersion(target), 'kafka-get-offsets', offsetArgs);
      const o = testIo();
      expect(await getOffsets(offsetArgs, o)).toBe(0);
      expect(o.out()).toBe(k.stdout);
    }
  });
});
