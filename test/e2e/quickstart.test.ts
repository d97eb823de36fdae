/**
 * Kafka's quickstart, in mq, end to end through the built binaries on the embedded broker
 * (auto-started as a daemon for a fresh MQ_DATA_DIR): create a topic, produce keyed lines from a
 * pipe, two consumers of one group share the partitions, describe shows them with offsets and
 * lag, one leaves and the other takes everything, a new group reads it all from the beginning.
 */
import { afterAll, describe, expect, it } from 'vitest';
import { execFileSync, spawn, type ChildProcess } from 'node:child_process';
import { closeSync, constants, mkdtempSync, openSync, rmSync, writeSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { run, runOk, unreadPipeBytes } from '../helpers/proc.js';
import { waitFor } from '../helpers/wait.js';
import { partitionForKey } from '../../src/engine/client/partitioner.js';

const bin = (name: string) => resolve('bin', `${name}.js`);
const dataDir = mkdtempSync(join(tmpdir(), 'mq-quickstart-'));
const env = { MQ_DATA_DIR: dataDir, MQ_BOOTSTRAP_SERVER: undefined, NO_COLOR: '1' };
const node = process.execPath;
const children: ChildProcess[] = [];

function startConsumer(args: string[]) {
  const child = spawn(node, [bin('mq-console-consumer'), ...args], { env: { ...process.env, ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
  children.push(child);
  const state = { out: '', err: '', code: null as number | null, exited: new Promise<number | null>((r) => child.on('exit', (c) => r(c))) };
  child.stdout.on('data', (d) => (state.out += d));
  child.stderr.on('data', (d) => (state.err += d));
  void state.exited.then((c) => (state.code = c));
  return { child, state };
}

const describeJson = async (group: string) => {
  const r = await run(node, [bin('mq-consumer-groups'), '--describe', '--group', group, '--output', 'json'], { env });
  return JSON.parse(r.stdout).groups[0];
};

afterAll(async () => {
  for (const c of children) if (c.exitCode === null) c.kill('SIGKILL');
  await run(node, [bin('mq-broker'), 'stop', '--data-dir', dataDir], { env });
  rmSync(dataDir, { recursive: true, force: true });
});

describe('quickstart', () => {
  it('topic, keyed produce, two consumers in one group, describe, failover, new group from the beginning', async () => {
    const topic = 'quickstart-events';
    const group = 'quickstart-group';
    const created = await runOk(node, [bin('mq-topics'), '--create', '--topic', topic, '--partitions', '3'], { env });
    expect(created.stdout).toBe(`Created topic ${topic}.\n`);
    expect(created.stderr).toMatch(/Started the local mq broker on 127\.0\.0\.1:\d+/);

    const lines = Array.from({ length: 60 }, (_, i) => `user-${i % 10}:event ${i}`);
    const produced = await runOk(node, [bin('mq-console-producer'), '--topic', topic, '--property', 'parse.key=true', '--property', 'key.separator=:'], {
      env,
      stdin: lines.join('\n') + '\n',
    });
    expect(produced.stdout).toBe(''); // no ">" prompt when piped
    const perPartition = [0, 0, 0];
    for (let i = 0; i < 60; i++) perPartition[partitionForKey(Buffer.from(`user-${i % 10}`), 3)]!++;

    const args = ['--topic', topic, '--group', group, '--from-beginning', '--consumer-property', 'auto.commit.interval.ms=200', '--property', 'print.key=true'];
    const a = startConsumer(args);
    const b = startConsumer(args);

    // Both members get partitions and, together, every record.
    const g = await waitFor(
      async () => {
        const d = await describeJson(group);
        const owners = new Set(d.offsets.map((o: { consumerId: string }) => o.consumerId));
        const done = d.state === 'Stable' && owners.size === 2 && d.offsets.length === 3 && d.offsets.every((o: { lag: number }) => o.lag === 0);
        return done ? d : null;
      },
      { timeoutMs: 45000, intervalMs: 300, message: 'two members sharing 3 partitions with lag 0' },
    );
    expect(g.members).toHaveLength(2);
    for (const m of g.members) expect(m.clientId).toBe('console-consumer');
    for (const o of g.offsets) {
      expect(o.logEndOffset).toBe(perPartition[o.partition]);
      expect(o.currentOffset).toBe(perPartition[o.partition]);
    }
    const all = (a.state.out + b.state.out).split('\n').filter(Boolean).sort();
    expect(all).toEqual(lines.map((l) => l.replace(':', '\t')).sort());

    // The text view shows both members, their partitions and the offsets.
    const text = await runOk(node, [bin('mq-consumer-groups'), '--describe', '--group', group], { env });
    const rows = text.stdout.split('\n').filter(Boolean);
    expect(rows[0]).toMatch(/^GROUP +TOPIC +PARTITION  CURRENT-OFFSET  LOG-END-OFFSET  LAG +CONSUMER-ID +HOST +CLIENT-ID$/);
    expect(rows).toHaveLength(4);
    for (const r of rows.slice(1)) {
      const c = r.split(/ +/);
      expect(c[0]).toBe(group);
      expect(c[3]).toBe(String(perPartition[Number(c[2])]));
      expect(c[4]).toBe(String(perPartition[Number(c[2])]));
      expect(c[5]).toBe('0');
      expect(c[6]).toMatch(/^console-consumer-[0-9a-f-]{36}$/);
      expect(c[8]).toBe('console-consumer');
    }

    // Ctrl-C on one consumer: clean exit with the summary; the other takes all three partitions.
    a.child.kill('SIGINT');
    expect(await a.state.exited).toBe(0);
    expect(a.state.err).toMatch(/Processed a total of \d+ messages\n$/);
    await waitFor(
      async () => {
        const d = await describeJson(group);
        return d.state === 'Stable' && d.members.length === 1 && d.members[0].assignment[0]?.partitions.length === 3;
      },
      { timeoutMs: 45000, intervalMs: 300, message: 'the remaining consumer owns all three partitions' },
    );
    b.child.kill('SIGINT');
    expect(await b.state.exited).toBe(0);

    // A new group reads everything from the beginning.
    const fresh = await runOk(node, [bin('mq-console-consumer'), '--topic', topic, '--group', 'fresh-group', '--from-beginning', '--max-messages', '60'], { env, timeoutMs: 60000 });
    expect(fresh.stdout.split('\n').filter(Boolean).sort()).toEqual(lines.map((l) => l.slice(l.indexOf(':') + 1)).sort());
    expect(fresh.stderr).toBe('Processed a total of 60 messages\n');

    const stopped = await runOk(node, [bin('mq-broker'), 'stop', '--data-dir', dataDir], { env });
    expect(stopped.stderr).toMatch(/Stopped mq broker/);
  }, 180_000);

  it('a closed stdout pipe stops the consumer quietly at its next write (exit 0, summary on stderr)', async () => {
    const topic = 'pipe-events';
    await runOk(node, [bin('mq-console-producer'), '--topic', topic], { env, stdin: Array.from({ length: 5000 }, (_, i) => `line ${i}`).join('\n') });
    const c = startConsumer(['--topic', topic, '--from-beginning']);
    await waitFor(() => c.state.out.length > 0, { timeoutMs: 30000 });
    c.child.stdout.destroy();
    // Like `| head`: the consumer notices on its next write.
    await runOk(node, [bin('mq-console-producer'), '--topic', topic], { env, stdin: 'more\n' });
    const code = await Promise.race([c.state.exited, new Promise((r) => setTimeout(() => r('hung'), 20000))]);
    expect(code).toBe(0);
    expect(c.state.err).toMatch(/Unable to write to standard out, closing consumer\.\nProcessed a total of \d+ messages\n$/);
  }, 60_000);

  it('consumer --output json | producer --input-format json copies a topic exactly (group mode, binary bytes, ordered headers)', async () => {
    await runOk(node, [bin('mq-topics'), '--create', '--topic', 'json-src', '--partitions', '2'], { env });
    await runOk(node, [bin('mq-topics'), '--create', '--topic', 'json-copy', '--partitions', '2'], { env });
    const records = [
      { partition: 1, key: '/w==', keyEncoding: 'base64', value: 'v1', headers: [{ key: 'a', value: '1' }, { key: 'b', value: null }, { key: 'a', value: '3' }] },
      { partition: 0, key: null, value: 'gA==', valueEncoding: 'base64', headers: [] },
      { partition: 1, key: 'k', value: null, headers: [{ key: 'bin', value: '//8=', valueEncoding: 'base64' }] },
    ];
    await runOk(node, [bin('mq-console-producer'), '--topic', 'json-src', '--input-format', 'json'], { env, stdin: records.map((r) => JSON.stringify(r)).join('\n') });
    const read = async (topic: string) => {
      const r = await runOk(node, [bin('mq-console-consumer'), '--topic', topic, '--from-beginning', '--max-messages', '3', '--output', 'json'], { env });
      return r.stdout.trim().split('\n').map((l) => JSON.parse(l)).sort((x, y) => x.partition - y.partition || x.offset - y.offset);
    };
    const src = await read('json-src');
    expect(src.map(({ topic: _t, offset: _o, timestamp: _ts, ...rest }) => rest)).toEqual([records[1], records[0], records[2]]);
    const dump = src.map((r) => JSON.stringify(r)).join('\n') + '\n';
    await runOk(node, [bin('mq-console-producer'), '--topic', 'json-copy', '--input-format', 'json'], { env, stdin: dump });
    expect((await read('json-copy')).map((r) => ({ ...r, topic: 'json-src' }))).toEqual(src);
  }, 60_000);

  it('Ctrl-C on the producer sends what was read (buffered within linger.ms), then exits 130', async () => {
    await runOk(node, [bin('mq-topics'), '--create', '--topic', 'sigint-events'], { env });
    // stdin is a FIFO rather than node's socket pair, so the test can see when the producer has read it.
    const fifo = join(dataDir, 'sigint-stdin');
    execFileSync('mkfifo', [fifo]);
    const readEnd = openSync(fifo, constants.O_RDONLY | constants.O_NONBLOCK);
    const writeEnd = openSync(fifo, constants.O_WRONLY);
    const child = spawn(node, [bin('mq-console-producer'), '--topic', 'sigint-events', '--timeout', '60000'], { env: { ...process.env, ...env }, stdio: [readEnd, 'pipe', 'pipe'] });
    closeSync(readEnd);
    children.push(child);
    let err = '';
    child.stderr!.on('data', (d) => (err += d));
    const exited = new Promise<number | null>((r) => child.on('exit', (c) => r(c)));
    writeSync(writeEnd, 'first\nsecond\n');
    // SIGINT once the producer has taken both lines off its stdin (it reads only after connecting); the
    // 60 s linger keeps what it read buffered until the signal. The write end stays open: no EOF.
    await waitFor(() => unreadPipeBytes(fifo) === 0, { timeoutMs: 20_000, message: 'the producer read its stdin' });
    child.kill('SIGINT');
    expect(await exited).toBe(130);
    closeSync(writeEnd);
    expect(err).toBe('');
    const r = await runOk(node, [bin('mq-console-consumer'), '--topic', 'sigint-events', '--from-beginning', '--max-messages', '2'], { env, timeoutMs: 30000 });
    expect(r.stdout).toBe('first\nsecond\n');
  }, 60_000);
});
