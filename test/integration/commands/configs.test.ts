/**
 * mq-configs against an in-process broker: describe (dynamic, --all), alter add/delete, JSON.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { writeFileSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { captureIo } from '../../../src/cli/io.js';
import { main } from '../../../src/commands/configs/index.js';
import { startTestBroker, type TestBroker } from '../../helpers/broker.js';
import { randomTopic } from '../../helpers/names.js';
import { createTopics } from '../../helpers/kafkajs.js';

let b: TestBroker;
beforeAll(async () => {
  b = await startTestBroker();
});
afterAll(async () => {
  await b?.stop();
});

async function configs(args: string[]) {
  const cap = captureIo({ env: {} });
  const code = await main([...args, '--bootstrap-server', b.bootstrap], cap.io);
  return { code, stdout: cap.stdout(), stderr: cap.stderr() };
}

describe('mq-configs', () => {
  it('alters and describes topic configs with Kafka\'s lines', async () => {
    const t = randomTopic('cfg');
    await createTopics(b.bootstrap, [{ topic: t }]);
    let r = await configs(['--describe', '--entity-type', 'topics', '--entity-name', t]);
    expect(r).toEqual({ code: 0, stdout: `Dynamic configs for topic ${t} are:\n`, stderr: '' });

    r = await configs(['--alter', '--topic', t, '--add-config', 'retention.ms=1000,cleanup.policy=[compact,delete]']);
    expect(r).toEqual({ code: 0, stdout: `Completed updating config for topic ${t}.\n`, stderr: '' });

    r = await configs(['--describe', '--topic', t]);
    expect(r.code).toBe(0);
    const lines = r.stdout.split('\n');
    expect(lines[0]).toBe(`Dynamic configs for topic ${t} are:`);
    expect(lines[1]).toBe(
      `  cleanup.policy=compact,delete sensitive=false synonyms={DYNAMIC_TOPIC_CONFIG:cleanup.policy=compact,delete, DEFAULT_CONFIG:log.cleanup.policy=delete}`,
    );
    // log.retention.ms has no default of its own (log.retention.hours has), so Kafka lists no DEFAULT_CONFIG synonym.
    expect(lines[2]).toBe('  retention.ms=1000 sensitive=false synonyms={DYNAMIC_TOPIC_CONFIG:retention.ms=1000}');
    expect(lines.length).toBe(4);

    r = await configs(['--describe', '--topic', t, '--output', 'json']);
    const doc = JSON.parse(r.stdout);
    expect(doc.entities[0].entityName).toBe(t);
    expect(doc.entities[0].configs.map((c: { name: string; value: string }) => `${c.name}=${c.value}`)).toEqual(['cleanup.policy=compact,delete', 'retention.ms=1000']);

    r = await configs(['--alter', '--topic', t, '--delete-config', 'retention.ms']);
    expect(r.code).toBe(0);
    r = await configs(['--alter', '--topic', t, '--delete-config', 'retention.ms']);
    expect(r).toMatchObject({ code: 1, stdout: '', stderr: 'Invalid config(s): retention.ms\n' });

    r = await configs(['--describe', '--topic', t, '--all']);
    expect(r.stdout.split('\n')[0]).toBe(`All configs for topic ${t} are:`);
    const names = r.stdout.trim().split('\n').slice(1).map((l) => l.trim().split('=')[0]);
    expect(names).toEqual([...names].sort());
    expect(names).toContain('retention.ms');
  });

  it('reads --add-config-file', async () => {
    const t = randomTopic('cfgf');
    await createTopics(b.bootstrap, [{ topic: t }]);
    const dir = mkdtempSync(join(tmpdir(), 'mq-cfg-'));
    writeFileSync(join(dir, 'c.properties'), 'retention.ms = 2000\n');
    const r = await configs(['--alter', '--topic', t, '--add-config-file', join(dir, 'c.properties')]);
    expect(r.code).toBe(0);
    const d = await configs(['--describe', '--topic', t]);
    expect(d.stdout).toContain('  retention.ms=2000 sensitive=false');
  });

  it('describes brokers', async () => {
    const r = await configs(['--describe', '--entity-type', 'brokers']);
    expect(r.code).toBe(0);
    expect(r.stdout).toContain('Dynamic configs for broker 1 are:\n');
    expect(r.stdout).toContain('Default configs for brokers in the cluster are:\n');
  });
});
