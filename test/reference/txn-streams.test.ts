/**
 * Kafka Streams 4.x WordCount with processing.guarantee=exactly_once_v2 over 10,000 lines
 * (test/reference/java/WordCountEos.java): a read_committed reader of the output ends with
 * exactly the true counts and never sees one above them. Runs against each target of
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
import { compileJava, runJavaMain } from './kafka.js';
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
});
