/**
 * Kafka Streams 4.x WordCount with processing.guarantee=exactly_once_v2 over 10,000 lines
 * (test/reference/java/WordCountEos.java): a read_committed reader of the output ends with
 * exactly the true counts and never sees one above them, also when the app and then the broker
 * are killed with SIGKILL mid-stream and started again. Runs against each target of
 * txn-targets.ts (Streams is a 4.x client; MQ_TXN_TARGETS=mq for mq's broker).
 *
 *   bash scripts/reference/fetch-kafka.sh 4 && MQ_REFERENCE=1 npx vitest run -c vitest.reference.config.ts test/reference/txn-streams.test.ts
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { randomTopic } from '../helpers/names.js';
import { compileJava, runJavaMain, spawnJavaMain } from './kafka.js';
import { kafkaClient } from '../helpers/kafkajs.js';
import { waitFor } from '../helpers/wait.js';
import { startTarget, txnTargets, type RunningTarget } from './txn-targets.js';

const SOURCE = fileURLToPath(new URL('./java/WordCountEos.java', import.meta.url));

describe.skipIf(!process.env.MQ_REFERENCE).each(txnTargets())('Kafka Streams exactly_once_v2 WordCount against %s', (target) => {
  let t: RunningTarget;
  let classes: string;
  let stateDir: string;
  beforeAll(async () => {
    classes = await compileJava('4', 'wordcount', [SOURCE]);
    stateDir = mkdtempSync(join(tmpdir(), 'mq-streams-'));
    t = await startTarget(target);
  });
  afterAll(async () => {
    await t?.stop();
    if (stateDir) rmSync(stateDir, { recursive: true, force: true });
  });

  it('counts 10,000 lines exactly', async () => {
    const app = randomTopic('wc');
    const r = await runJavaMain('4', classes, 'WordCountEos', [t.bootstrap, `${app}-in`, `${app}-out`, app, stateDir, '10000'], { timeoutMs: 240_000, heapMb: 256 });
    expect(r.stdout.trim().split('\n').pop(), r.stderr.slice(-3000)).toBe('exact 50 words 10000 lines');
    expect(r.code).toBe(0);
  });

  it('kill -9 of the Streams app, then of the broker, mid-stream; restarted, the counts are still exact', async () => {
    const app = randomTopic('wck');
    const [input, output] = [`${app}-in`, `${app}-out`];
    const dir = join(stateDir, app);
    const setup = await runJavaMain('4', classes, 'WordCountEos', ['setup', t.bootstrap, input, output, '10000'], { timeoutMs: 120_000 });
    expect(setup.stdout.trim(), setup.stderr.slice(-2000)).toBe('setup 10000 lines');
    const run = ['run', t.bootstrap, input, output, app, dir];
    const first = spawnJavaMain('4', classes, 'WordCountEos', run);
    try {
      await first.waitFor(/^running$/m, 120_000);
      // Mid-stream: as soon as the first counts are out (committed or not), the app dies.
      const admin = kafkaClient(t.bootstrap).admin();
      await admin.connect();
      try {
        await waitFor(async () => (await admin.fetchTopicOffsets(output)).some((p) => Number(p.high) > 0), { timeoutMs: 60_000, intervalMs: 20 });
      } finally {
        await admin.disconnect();
      }
      process.kill(-first.pid!, 'SIGKILL');
      await first.exited();
    } finally {
      await first.stop(1000);
    }
    await t.killAndRestart();
    const second = spawnJavaMain('4', classes, 'WordCountEos', run);
    try {
      const v = await runJavaMain('4', classes, 'WordCountEos', ['verify', t.bootstrap, output, `${app}-verify`, '10000'], { timeoutMs: 240_000 });
      expect(v.stdout.trim().split('\n').pop(), `${v.stderr.slice(-2000)}\napp: ${second.stdout.slice(-2000)} ${second.stderr.slice(-2000)}`).toBe('exact 50 words 10000 lines');
      expect(v.code).toBe(0);
    } finally {
      await second.stop();
    }
  });
});
