/**
 * `mq-topics --copy` through the built bins: between two topics on one broker and between two
 * in-process brokers, the copy read back record for record (partition, offset, timestamp, key,
 * value, headers); a destination with too few partitions; the JSON summary.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { resolve } from 'node:path';
import { run, runOk } from '../helpers/proc.js';
import { startTestBroker, type TestBroker } from '../helpers/broker.js';
import { randomTopic } from '../helpers/names.js';

const bin = (name: string) => resolve('bin', `${name}.js`);
const node = process.execPath;
const env = { MQ_BOOTSTRAP_SERVER: undefined, NO_COLOR: '1' };

let a: TestBroker;
let b: TestBroker;
beforeAll(async () => {
  [a, b] = await Promise.all([startTestBroker(), startTestBroker()]);
});
afterAll(async () => {
  await Promise.all([a?.stop(), b?.stop()]);
});

const topics = (broker: TestBroker, args: string[]) => run(node, [bin('mq-topics'), '--bootstrap-server', broker.bootstrap, ...args], { env });

/** Records with explicit partitions, old timestamps, headers (one repeated, one null), a null key and non-UTF-8 bytes. */
function seedLines(): string {
  const lines: string[] = [];
  for (let i = 0; i < 30; i++) {
    lines.push(
      JSON.stringify({
        partition: i % 3,
        timestamp: 1_600_000_000_000 + i * 1000,
        key: i % 7 === 0 ? null : `k${i}`,
        value: `v${i}`,
        headers: [
          { key: 'h', value: `x${i}` },
          { key: 'h', value: null },
          { key: 'bin', value: Buffer.from([0xff, 0x00, i]).toString('base64'), valueEncoding: 'base64' },
        ],
      }),
    );
  }
  lines.push(JSON.stringify({ partition: 2, timestamp: 1_600_000_100_000, key: 'raw', value: Buffer.from([0x80, 0x81]).toString('base64'), valueEncoding: 'base64' }));
  return lines.join('\n') + '\n';
}

async function seed(topic: string, configs: string[] = []): Promise<void> {
  await runOk(node, [bin('mq-topics'), '--bootstrap-server', a.bootstrap, '--create', '--topic', topic, '--partitions', '3', ...configs], { env });
  await runOk(node, [bin('mq-console-producer'), '--bootstrap-server', a.bootstrap, '--topic', topic, '--input-format', 'json'], { env, stdin: seedLines() });
}

/** Everything in `topic`, as JSON records without the topic name, in partition/offset order. */
async function readAll(broker: TestBroker, topic: string, count: number): Promise<unknown[]> {
  const r = await runOk(
    node,
    [bin('mq-console-consumer'), '--bootstrap-server', broker.bootstrap, '--topic', topic, '--from-beginning', '--max-messages', String(count), '--timeout-ms', '20000', '--output', 'json'],
    { env },
  );
  const records = r.stdout
    .split('\n')
    .filter(Boolean)
    .map((l) => JSON.parse(l) as { topic?: string; partition: number; offset: number });
  for (const rec of records) delete rec.topic;
  return records.sort((x, y) => x.partition - y.partition || x.offset - y.offset);
}

describe('mq-topics --copy', () => {
  it('copies a topic on one broker: created with the source partition count and configs, every record kept', async () => {
    const src = randomTopic('copy-src');
    const dst = randomTopic('copy-dst');
    await seed(src, ['--config', 'retention.ms=86400000', '--config', 'max.message.bytes=2000000']);
    const r = await topics(a, ['--copy', '--from', src, '--to', dst]);
    expect(r.code).toBe(0);
    expect(r.stdout).toBe(`Copied 31 messages from ${src} to ${dst}\n`);
    expect(r.stderr).toMatch(new RegExp(`^Created topic ${dst} with 3 partitions and configs (retention.ms=86400000,max.message.bytes=2000000|max.message.bytes=2000000,retention.ms=86400000)\\.\n$`));
    const original = await readAll(a, src, 31);
    expect(original).toHaveLength(31);
    expect(await readAll(a, dst, 31)).toEqual(original);
    const described = JSON.parse((await topics(a, ['--describe', '--topic', dst, '--output', 'json'])).stdout);
    expect(described.topics[0]).toMatchObject({ partitionCount: 3, configs: { 'retention.ms': '86400000', 'max.message.bytes': '2000000' } });
  });

  it('copies to another cluster with --bootstrap-server-to, with a JSON summary', async () => {
    const src = randomTopic('copy-x');
    await seed(src);
    const r = await topics(a, ['--copy', '--from', src, '--to', src, '--bootstrap-server-to', b.bootstrap, '--output', 'json']);
    expect(r.code).toBe(0);
    const summary = JSON.parse(r.stdout);
    expect(summary).toEqual({
      from: src,
      to: src,
      otherCluster: true,
      created: true,
      messages: 31,
      partitions: [
        { partition: 0, messages: 10 },
        { partition: 1, messages: 10 },
        { partition: 2, messages: 11 },
      ],
    });
    // The source cluster has one topic of that name, the destination its copy.
    expect(await readAll(b, src, 31)).toEqual(await readAll(a, src, 31));
  });

  it('draws a progress line on a terminal, and clears it before the summary', async () => {
    const src = randomTopic('copy-tty');
    const dst = randomTopic('copy-tty-dst');
    await seed(src);
    // A pseudo-terminal for stdout and stderr (Python's pty module, argv only).
    const inPty = 'import os, pty, sys; sys.exit(os.waitstatus_to_exitcode(pty.spawn(sys.argv[1:])))';
    const r = await run('/usr/bin/python3', ['-c', inPty, node, bin('mq-topics'), '--bootstrap-server', a.bootstrap, '--copy', '--from', src, '--to', dst], {
      env: { ...env, CI: undefined, TERM: 'xterm' },
    });
    expect(r.code).toBe(0);
    const out = r.stdout.replace(/\r\n/g, '\n');
    expect(out).toContain(`\r\u001b[KCopying ${src} to ${dst}: 0 messages (0%)`);
    // The line is cleared, then the summary.
    expect(out.endsWith(`\r\u001b[KCopied 31 messages from ${src} to ${dst}\n`)).toBe(true);
  });

  it('refuses a destination with fewer partitions, and a missing source', async () => {
    const src = randomTopic('copy-few');
    const dst = randomTopic('copy-few-dst');
    await seed(src);
    await runOk(node, [bin('mq-topics'), '--bootstrap-server', a.bootstrap, '--create', '--topic', dst, '--partitions', '2'], { env });
    let r = await topics(a, ['--copy', '--from', src, '--to', dst]);
    expect(r.code).toBe(1);
    expect(r.stdout).toBe('');
    expect(r.stderr).toBe(
      `Topic '${dst}' has 2 partitions and '${src}' has 3: records keep their partitions, so '${dst}' needs at least 3. ` +
        `Add partitions with: mq-topics --alter --topic ${dst} --partitions 3\n`,
    );
    const missing = randomTopic('copy-none');
    r = await topics(a, ['--copy', '--from', missing, '--to', dst]);
    expect(r).toMatchObject({ code: 1, stdout: '', stderr: `Topic '${missing}' does not exist\n` });

    r = await topics(a, ['--copy', '--from', src, '--to', src]);
    expect(r.code).toBe(1);
    expect(r.stderr).toContain('--from and --to name the same topic on the same cluster');
  });
});
