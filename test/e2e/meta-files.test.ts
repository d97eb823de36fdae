/**
 * Issue 12 item 5: damaged metadata files stop `mq-broker start` (and a tool that auto-starts
 * the local broker) with one line naming the file, the problem and the recovery, exit 1; no path
 * outside the data directory is ever created; a partition directory meta does not list is set
 * aside, never adopted by a new topic of the same name.
 */
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { run, runOk } from '../helpers/proc.js';

const bin = (tool: string) => join(import.meta.dirname, `../../bin/${tool}.js`);
const bases: string[] = [];
afterAll(async () => {
  for (const b of bases) {
    await run(process.execPath, [bin('mq-broker'), 'stop', '--data-dir', join(b, 'data')]);
    rmSync(b, { recursive: true, force: true });
  }
});

interface Env {
  /** The directory that holds the data directory (and nothing else). */
  base: string;
  dir: string;
  env: Record<string, string>;
}

const tool = (e: Env, name: string, args: string[], stdin?: string) => run(process.execPath, [bin(name), '--data-dir', e.dir, ...args], { env: e.env, stdin });

/** A data directory with topic t (2 partitions) and a few records, the broker stopped. */
async function populated(): Promise<Env> {
  const base = mkdtempSync(join(tmpdir(), 'mq-e2e-meta-'));
  bases.push(base);
  const e: Env = { base, dir: join(base, 'data'), env: { HOME: join(base, 'data', 'home'), NO_COLOR: '1', MQ_BOOTSTRAP_SERVER: '', MQ_DATA_DIR: '' } };
  await runOk(process.execPath, [bin('mq-topics'), '--data-dir', e.dir, '--create', '--topic', 't', '--partitions', '2', '--config', 'retention.ms=123456789'], { env: e.env });
  await runOk(process.execPath, [bin('mq-console-producer'), '--data-dir', e.dir, '--topic', 't'], { env: e.env, stdin: 'one\ntwo\nthree\n' });
  await runOk(process.execPath, [bin('mq-broker'), 'stop', '--data-dir', e.dir], { env: e.env });
  return e;
}

const metaFile = (e: Env, name: string) => join(e.dir, 'meta', name);

/** `mq-broker start` in the foreground must refuse at once, with exactly this one line. */
async function refusedStart(e: Env): Promise<string> {
  const r = await run(process.execPath, [bin('mq-broker'), 'start', '--data-dir', e.dir, '--listen', '127.0.0.1:0'], { env: e.env });
  expect(r.timedOut).toBe(false);
  expect(r.code).toBe(1);
  expect(r.stderr.split('\n').filter(Boolean)).toHaveLength(1);
  expect(r.stderr).not.toMatch(/unexpected error|report it as a bug/);
  return r.stderr.trim();
}

describe('damaged metadata files', () => {
  it('unparsable topics.json: mq-broker start and an auto-starting tool both exit 1 naming the file; nothing is changed', async () => {
    const e = await populated();
    const file = metaFile(e, 'topics.json');
    writeFileSync(file, '{"version": 1, "topics": [{"name": "t", ');
    const line = await refusedStart(e);
    expect(line).toMatch(
      new RegExp(`^Cannot start the broker: ${file} is not valid JSON \\(.+\\)\\. Restore it from a backup, or move it away to start with no topics; the topic directories under logs/ are kept aside, not deleted\\.$`),
    );

    const viaTool = await tool(e, 'mq-topics', ['--list']);
    expect(viaTool.code).toBe(1);
    expect(viaTool.stdout).toBe('');
    expect(viaTool.stderr).toContain(`Could not start the local mq broker for ${e.dir}: the broker exited with code 1: Cannot start the broker: ${file} is not valid JSON`);
    expect(viaTool.stderr).not.toMatch(/report it as a bug/);
    expect(readFileSync(file, 'utf8')).toBe('{"version": 1, "topics": [{"name": "t", ');
    expect(readdirSync(join(e.dir, 'logs')).sort()).toEqual(['t-0', 't-1']);
  }, 60_000);

  it('topics.json of the wrong shape is refused, not read as "no topics"', async () => {
    const e = await populated();
    const file = metaFile(e, 'topics.json');
    const good = JSON.parse(readFileSync(file, 'utf8')) as { version: number; topics: { name: string }[] };
    writeFileSync(file, JSON.stringify({ version: 1, topics: { t: good.topics[0] } }));
    expect(await refusedStart(e)).toContain(`${file} is damaged: at $.topics: expected an array, found an object.`);
    // An auto-create would have adopted t's directories under a new id: it must not get that far.
    const produce = await tool(e, 'mq-console-producer', ['--topic', 't'], 'four\n');
    expect(produce.code).toBe(1);
    expect(produce.stderr).toContain(`${file} is damaged: at $.topics`);
    expect(readdirSync(join(e.dir, 'logs')).sort()).toEqual(['t-0', 't-1']);
  }, 60_000);

  it('a topic name such as ../../escape is refused and nothing is created outside the data directory', async () => {
    const e = await populated();
    const file = metaFile(e, 'topics.json');
    writeFileSync(file, readFileSync(file, 'utf8').replace('"name": "t"', '"name": "../../escape"'));
    expect(await refusedStart(e)).toContain(`${file} is damaged: at $.topics[0].name: not a legal topic name: '../../escape'`);
    const viaTool = await tool(e, 'mq-topics', ['--describe', '--topic', 't']);
    expect(viaTool.code).toBe(1);
    expect(readdirSync(e.base)).toEqual(['data']);
    expect(existsSync(join(e.base, 'escape-0'))).toBe(false);
  }, 60_000);

  it.each([
    ['cluster.json', '{"version": 1, "clusterId": 7, "nodeId": 1}', 'is damaged: at $.clusterId: expected a string, found number 7. Restore it from a backup'],
    ['dynamic-configs.json', '{"version": 1, "broker": {"log.retention.ms": ', 'is not valid JSON'],
    ['dynamic-configs.json', '{"version": 1, "broker": [], "groups": {}}', 'is damaged: at $.broker: expected an object, found an array.'],
    ['producer-ids.json', '{"version": 1, "nextBlock": "1000"}', 'is damaged: at $.nextBlock: expected an integer, found the string "1000".'],
  ])('meta/%s %s: refused with the file named', async (name, content, expected) => {
    const e = await populated();
    writeFileSync(metaFile(e, name), content);
    expect(await refusedStart(e)).toContain(`Cannot start the broker: ${metaFile(e, name)} ${expected}`);
  }, 60_000);

  it('a damaged log-start-offset of a partition is refused with the file named', async () => {
    const e = await populated();
    const file = join(e.dir, 'logs', 't-1', 'log-start-offset');
    writeFileSync(file, '{"version": 1, "logStartOffset": -4}');
    expect(await refusedStart(e)).toContain(`Cannot start the broker: ${file} is damaged: at $.logStartOffset: expected an integer >= 0, found -4. Restore it from a backup`);
  }, 60_000);

  it('a damaged producer-state.json snapshot is rebuilt from the log, with a line saying so', async () => {
    const e = await populated();
    const file = join(e.dir, 'logs', 't-0', 'producer-state.json');
    writeFileSync(file, '{"version": 1, "offset": ');
    const offsets = await runOk(process.execPath, [bin('mq-get-offsets'), '--data-dir', e.dir, '--topic', 't'], { env: e.env });
    expect(offsets.stdout.split('\n').filter(Boolean).reduce((n, l) => n + Number(l.split(':')[2]), 0)).toBe(3);
    expect(readFileSync(join(e.dir, 'broker.log'), 'utf8')).toContain(`${file} is not valid JSON`);
  }, 60_000);

  it('after topics.json is moved away, the old directories are set aside, and a new topic t starts empty with its own id', async () => {
    const e = await populated();
    writeFileSync(join(e.base, 'topics.json.bak'), readFileSync(metaFile(e, 'topics.json')));
    rmSync(metaFile(e, 'topics.json'));
    const list = await runOk(process.execPath, [bin('mq-topics'), '--data-dir', e.dir, '--list'], { env: e.env });
    expect(list.stdout.trim()).toBe('');
    const log = readFileSync(join(e.dir, 'broker.log'), 'utf8');
    expect(log).toMatch(new RegExp(`Set aside partition directory ${join(e.dir, 'logs', 't-0')} as t-0\\.[0-9a-f]{32}-stray: meta/topics.json does not list it`));
    const logs = readdirSync(join(e.dir, 'logs'));
    expect(logs.filter((n) => /^t-[01]\.[0-9a-f]{32}-stray$/.test(n))).toHaveLength(2);

    // The old records are not served under the new topic, and its configs are its own.
    await runOk(process.execPath, [bin('mq-topics'), '--data-dir', e.dir, '--create', '--topic', 't', '--partitions', '2'], { env: e.env });
    const offsets = await runOk(process.execPath, [bin('mq-get-offsets'), '--data-dir', e.dir, '--topic', 't'], { env: e.env });
    expect(offsets.stdout).toBe('t:0:0\nt:1:0\n');
    // Setting aside is done once: a restart neither moves nor loses anything more.
    await runOk(process.execPath, [bin('mq-broker'), 'stop', '--data-dir', e.dir], { env: e.env });
    await runOk(process.execPath, [bin('mq-topics'), '--data-dir', e.dir, '--list'], { env: e.env });
    expect(readdirSync(join(e.dir, 'logs')).sort()).toEqual(logs.concat(['t-0', 't-1']).sort());
  }, 90_000);
});
