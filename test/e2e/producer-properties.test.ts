/**
 * The built mq-console-producer and mq-producer-perf-test with producer properties and line
 * errors, as a user sees them: a value Kafka's ConfigDef refuses fails with Kafka's message on one
 * line and sends nothing; a property mq accepts but does not honour gets one warning naming it;
 * compression.type given as a property is honoured; a bad line typed at a terminal (a
 * pseudo-terminal here) is reported, naming the separator, and reading goes on, while piped input
 * keeps Kafka's stop-on-error.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { run } from '../helpers/proc.js';
import { startTestBroker, type TestBroker } from '../helpers/broker.js';
import { createTopics } from '../helpers/kafkajs.js';
import { randomTopic } from '../helpers/names.js';
import { storedRecords } from '../integration/commands/producer-helpers.js';

const root = fileURLToPath(new URL('../../', import.meta.url));
const bin = (name: string) => join(root, 'bin', `${name}.js`);
const node = process.execPath;
const env = { MQ_BOOTSTRAP_SERVER: '', NO_COLOR: '1' };

let b: TestBroker;
beforeAll(async () => {
  b = await startTestBroker();
});
afterAll(async () => b?.stop());

async function freshTopic(prefix: string): Promise<string> {
  const topic = randomTopic(prefix);
  await createTopics(b.bootstrap, [{ topic, numPartitions: 1 }]);
  return topic;
}

const produce = (topic: string, args: string[], stdin = 'one\ntwo\n') =>
  run(node, [bin('mq-console-producer'), '--bootstrap-server', b.bootstrap, '--topic', topic, ...args], { env, stdin });

const perf = (topic: string, props: string[]) =>
  run(node, [bin('mq-producer-perf-test'), '--bootstrap-server', b.bootstrap, '--topic', topic, '--num-records', '20', '--record-size', '10', '--throughput', '-1', '--producer-props', ...props], {
    env,
  });

const values = async (topic: string) => (await storedRecords(b.dataDir, topic, 0)).map((r) => `${r.key?.toString() ?? 'null'}=${r.value?.toString() ?? 'null'}`);

/** The compression codec (attributes & 7) of every batch in the partition's log. */
function codecs(topic: string): number[] {
  const dir = join(b.dataDir, 'logs', `${topic}-0`);
  const out: number[] = [];
  for (const f of readdirSync(dir).filter((n) => n.endsWith('.log'))) {
    const data = readFileSync(join(dir, f));
    // RecordBatch v2: baseOffset(8) batchLength(4) ... attributes at byte 21.
    for (let at = 0; at + 23 <= data.length; at += 12 + data.readInt32BE(at + 8)) out.push(data.readInt16BE(at + 21) & 7);
  }
  return out;
}

describe('producer properties are checked as Kafka checks them', () => {
  const refused: Array<[string, string[], string]> = [
    ['max.request.size=abc', ['--producer-property', 'max.request.size=abc'], 'Invalid value abc for configuration max.request.size: Not a number of type INT'],
    ['--batch-size -1', ['--batch-size', '-1'], 'Invalid value -1 for configuration batch.size: Value must be at least 0'],
    ['linger.ms=-5', ['--producer-property', 'linger.ms=-5'], 'Invalid value -5 for configuration linger.ms: Value must be at least 0'],
    ['linger.ms=abc', ['--producer-property', 'linger.ms=abc'], 'Invalid value abc for configuration linger.ms: Not a number of type LONG'],
    ['--timeout -1', ['--timeout', '-1'], 'Invalid value -1 for configuration linger.ms: Value must be at least 0'],
    ['retries=99999999999', ['--producer-property', 'retries=99999999999'], 'Invalid value 99999999999 for configuration retries: Not a number of type INT'],
    ['enable.idempotence=maybe', ['--producer-property', 'enable.idempotence=maybe'], 'Invalid value maybe for configuration enable.idempotence: Expected value to be either true or false'],
    ['max.in.flight=0', ['--producer-property', 'max.in.flight.requests.per.connection=0'], 'Invalid value 0 for configuration max.in.flight.requests.per.connection: Value must be at least 1'],
    ['enable.idempotence=true with acks=1', ['--producer-property', 'enable.idempotence=true', '--request-required-acks', '1'], 'Must set acks to all in order to use the idempotent producer. Otherwise we cannot guarantee idempotence.'],
    ['compression.type=brotli', ['--producer-property', 'compression.type=brotli'], 'Invalid value brotli for configuration compression.type: String must be one of: none, gzip, snappy, lz4, zstd'],
  ];
  it.each(refused)('mq-console-producer %s: one line, exit 1, nothing sent', async (_name, args, message) => {
    const topic = await freshTopic('cfg');
    const r = await produce(topic, args);
    expect(r.code).toBe(1);
    expect(r.stderr).toBe(message + '\n');
    expect(await values(topic)).toEqual([]);
  });

  it.each([
    ['linger.ms=abc', 'Invalid value abc for configuration linger.ms: Not a number of type LONG'],
    ['batch.size=-1', 'Invalid value -1 for configuration batch.size: Value must be at least 0'],
    ['max.request.size=abc', 'Invalid value abc for configuration max.request.size: Not a number of type INT'],
  ])('mq-producer-perf-test --producer-props %s: one line, exit 1, nothing sent', async (prop, message) => {
    const topic = await freshTopic('perfcfg');
    const r = await perf(topic, [prop]);
    expect(r.code).toBe(1);
    expect(r.stderr).toBe(message + '\n');
    expect(r.stdout).toBe('');
    expect(await values(topic)).toEqual([]);
  });
});

describe('accepted but not honoured is never silent', () => {
  it('metadata.max.age.ms and an unknown property each get one warning, enable.idempotence=true none (it is honoured); the records are sent', async () => {
    const topic = await freshTopic('warn');
    const r = await produce(topic, ['--producer-property', 'enable.idempotence=true', '--metadata-expiry-ms', '1000', '--producer-property', 'no.such.thing=1']);
    expect(r.code).toBe(0);
    const lines = r.stderr.trimEnd().split('\n');
    expect(lines).toHaveLength(2);
    expect(lines.filter((l) => l.startsWith('WARN metadata.max.age.ms=1000 is accepted but not honoured'))).toHaveLength(1);
    expect(lines).toContain("WARN The configuration 'no.such.thing' was supplied but isn't a known config.");
    expect(await values(topic)).toEqual(['null=one', 'null=two']);
  });

  it('--request-required-acks 0 (honoured now), honoured properties and enable.idempotence=false print nothing', async () => {
    const topic = await freshTopic('warn');
    const zero = await produce(topic, ['--request-required-acks', '0']);
    expect(zero.code).toBe(0);
    expect(zero.stderr).toBe('');
    const quiet = await produce(topic, ['--producer-property', 'linger.ms=5', '--producer-property', 'acks=1', '--producer-property', 'enable.idempotence=false', '--batch-size', '100']);
    expect(quiet.code).toBe(0);
    expect(quiet.stderr).toBe('');
    expect(await values(topic)).toHaveLength(4);
  });

  it('compression.type via --producer-property is honoured (no warning); --compression-codec wins over it', async () => {
    const topic = await freshTopic('codec');
    const gzip = await produce(topic, ['--producer-property', 'compression.type=gzip']);
    expect(gzip).toMatchObject({ code: 0, stderr: '' });
    expect(codecs(topic)).toEqual([1]);
    const lz4 = await produce(topic, ['--producer-property', 'compression.type=gzip', '--compression-codec', 'lz4']);
    expect(lz4).toMatchObject({ code: 0, stderr: '' });
    expect(codecs(topic)).toEqual([1, 3]);
    expect(await values(topic)).toEqual(['null=one', 'null=two', 'null=one', 'null=two']);
  });

  it('mq-producer-perf-test honours enable.idempotence=true without a warning', async () => {
    const topic = await freshTopic('perfwarn');
    const r = await perf(topic, ['enable.idempotence=true']);
    expect(r.code).toBe(0);
    expect(r.stderr).toBe('');
    expect(r.stdout).toMatch(/^20 records sent/m);
    expect(await values(topic)).toHaveLength(20);
  });
});

/**
 * Runs argv with stdin on a pseudo-terminal (python3's pty module): types `typed`, then Ctrl-D.
 * stdout and stderr stay pipes. Exits with the child's code.
 */
const PTY_DRIVER = `
import os, pty, select, subprocess, sys
master, slave = pty.openpty()
child = subprocess.Popen(sys.argv[2:], stdin=slave)
os.close(slave)
os.write(master, sys.argv[1].encode() + b'\\x04')
while child.poll() is None:
    ready, _, _ = select.select([master], [], [], 0.1)
    if ready:
        try:
            os.read(master, 4096)  # the terminal's echo
        except OSError:
            break
sys.exit(child.wait())
`;

describe('a line without the key separator', () => {
  const args = (topic: string, extra: string[] = []) => [bin('mq-console-producer'), '--bootstrap-server', b.bootstrap, '--topic', topic, '--property', 'parse.key=true', ...extra];

  it('typed at a terminal: says which separator is missing and keeps reading', async () => {
    const topic = await freshTopic('tty');
    const r = await run('python3', ['-c', PTY_DRIVER, 'a\tb\nnokey\nc\td\n', node, ...args(topic)], { env });
    expect(r.stderr).toBe("ERROR No key separator (TAB) found on line number 2: 'nokey'. The line was not sent; type key<TAB>value.\n");
    expect(r.code).toBe(0);
    expect(await values(topic)).toEqual(['a=b', 'c=d']);
  });

  it('typed at a terminal with key.separator=: names the separator in quotes', async () => {
    const topic = await freshTopic('tty');
    const r = await run('python3', ['-c', PTY_DRIVER, 'k:v\nplain\n', node, ...args(topic, ['--property', 'key.separator=:'])], { env });
    expect(r.stderr).toBe("ERROR No key separator (':') found on line number 2: 'plain'. The line was not sent; type key:value.\n");
    expect(r.code).toBe(0);
    expect(await values(topic)).toEqual(['k=v']);
  });

  it('typed at a terminal with --input-format json: a line that is not a record is reported, the next is read', async () => {
    const topic = await freshTopic('tty');
    const typed = '{"key":"k1","value":"v1"}\nnot json\n{"key":"k2","value":"v2"}\n';
    const r = await run('python3', ['-c', PTY_DRIVER, typed, node, bin('mq-console-producer'), '--bootstrap-server', b.bootstrap, '--topic', topic, '--input-format', 'json'], { env });
    expect(r.stderr).toMatch(/^ERROR Invalid JSON on line number 2: .*'not json'\. The line was not sent\.\n$/);
    expect(r.code).toBe(0);
    expect(await values(topic)).toEqual(['k1=v1', 'k2=v2']);
  });

  it('piped: Kafka stop-on-error, exit 1, what came before is sent', async () => {
    const topic = await freshTopic('pipe');
    const r = await run(node, args(topic), { env, stdin: 'a\tb\nnokey\nc\td\n' });
    expect(r.code).toBe(1);
    expect(r.stderr).toBe("No key separator found on line number 2: 'nokey'\n");
    expect(await values(topic)).toEqual(['a=b']);
  });
});
