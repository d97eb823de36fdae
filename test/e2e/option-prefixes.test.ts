/**
 * Long options by unambiguous prefix, as jopt-simple accepts them with abbreviations on (the
 * built bins, against a test broker): `--partition 3` is kafka-topics' `--partitions 3`, an
 * exact name wins over longer ones it prefixes, an ambiguous prefix names the candidates, a near
 * miss gets "Did you mean", and `--zookeeper` is refused with a one-line note.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { join, resolve } from 'node:path';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { run, runOk } from '../helpers/proc.js';
import { startTestBroker, type TestBroker } from '../helpers/broker.js';
import { randomTopic } from '../helpers/names.js';

const bin = (name: string) => resolve('bin', `${name}.js`);
const node = process.execPath;
const env = { MQ_BOOTSTRAP_SERVER: undefined, NO_COLOR: '1' };
let broker: TestBroker;
const mq = (tool: string, args: string[]) => run(node, [bin(tool), ...args], { env });

beforeAll(async () => {
  broker = await startTestBroker();
});
afterAll(async () => {
  await broker.stop();
});

describe('prefixes of long options', () => {
  it('mq-topics --cr --topic T --partition 3 --replication 1 creates three partitions; --desc --topic=T describes it', async () => {
    const t = randomTopic('prefix');
    const created = await mq('mq-topics', ['--bootstrap', broker.bootstrap, '--cr', '--topic', t, '--partition', '3', '--replication', '1']);
    expect(created).toMatchObject({ code: 0, stdout: `Created topic ${t}.\n`, stderr: '' });
    const described = await mq('mq-topics', ['--bootstrap-server=' + broker.bootstrap, '--desc', `--topic=${t}`]);
    expect(described.code).toBe(0);
    expect(described.stdout).toContain(`Topic: ${t}\t`);
    expect(described.stdout).toContain('PartitionCount: 3\t');
  });

  it('an exact name wins over the longer options it prefixes (--delete, not --delete-config; --topic, not --topic-id)', async () => {
    const t = randomTopic('exact');
    await runOk(node, [bin('mq-topics'), '--bootstrap-server', broker.bootstrap, '--create', '--topic', t], { env });
    const deleted = await mq('mq-topics', ['--bootstrap-server', broker.bootstrap, '--delete', '--topic', t]);
    expect(deleted).toMatchObject({ code: 0, stderr: '' });
    const listed = await mq('mq-topics', ['--bootstrap-server', broker.bootstrap, '--list']);
    expect(listed.stdout.split('\n')).not.toContain(t);
  });

  it("an option's value is never expanded: --topic --desc names the topic '--desc'", async () => {
    const created = await mq('mq-topics', ['--bootstrap-server', broker.bootstrap, '--create', '--topic', '--desc']);
    expect(created).toMatchObject({ code: 0, stdout: 'Created topic --desc.\n' });
  });

  it('mq-console-consumer --partition stays --partition (its own option); --max-m and --from-b are prefixes', async () => {
    const t = randomTopic('cons');
    await runOk(node, [bin('mq-topics'), '--bootstrap-server', broker.bootstrap, '--create', '--topic', t, '--partitions', '2'], { env });
    await runOk(node, [bin('mq-console-producer'), '--bootstrap-server', broker.bootstrap, '--topic', t, '--prop', 'parse.key=true'], {
      env,
      stdin: 'a\tzero\n',
    });
    // Where key "a" went decides which partition holds the record; read both and find it in one.
    const reads = await Promise.all(
      ['0', '1'].map((p) =>
        mq('mq-console-consumer', ['--bootstrap-server', broker.bootstrap, '--topic', t, '--partition', p, '--offset', 'earliest', '--timeout-ms', '1500', '--max-m', '1']),
      ),
    );
    expect(reads.map((r) => r.code)).toEqual([0, 0]);
    expect(reads.map((r) => r.stdout).sort()).toEqual(['', 'zero\n']);
  });

  it('subcommands take prefixes too: mq-broker status --out json', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'mq-prefix-'));
    try {
      const r = await mq('mq-broker', ['status', '--data', dir, '--out', 'json']);
      expect(r.code).toBe(3);
      expect(JSON.parse(r.stdout)).toEqual({ running: false, dataDir: dir });
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});

describe('what a prefix cannot mean', () => {
  it('an ambiguous prefix is an error naming the candidates', async () => {
    const r = await mq('mq-topics', ['--create', '--topic', 'x', '--rep', '1']);
    expect(r).toMatchObject({
      code: 1,
      stdout: '',
      stderr: "mq-topics: Option --rep is ambiguous; possibilities: --replication-factor, --replica-assignment\nSee 'mq-topics --help'.\n",
    });
    const groups = await mq('mq-consumer-groups', ['--reset-offsets', '--group', 'g', '--to-', '3']);
    expect(groups.code).toBe(1);
    expect(groups.stderr).toBe(
      'mq-consumer-groups: Option --to- is ambiguous; possibilities: --to-earliest, --to-latest, --to-current, --to-offset, --to-datetime\n' +
        "See 'mq-consumer-groups --help'.\n",
    );
    const broker = await mq('mq-broker', ['start', '--da', '/tmp/x']);
    expect(broker.stderr).toBe("mq-broker: Option --da is ambiguous; possibilities: --data-dir, --daemon\nSee 'mq-broker --help'.\n");
  });

  it('a near miss gets "Did you mean"; an unrelated name keeps Kafka\'s message alone', async () => {
    const r = await mq('mq-topics', ['--create', '--topic', 'x', '--partitons', '3']);
    expect(r).toMatchObject({ code: 1, stderr: "mq-topics: --partitons is not a recognized option. Did you mean --partitions?\nSee 'mq-topics --help'.\n" });
    const c = await mq('mq-console-consumer', ['--topic', 'x', '--from-begining']);
    expect(c.stderr).toBe("mq-console-consumer: --from-begining is not a recognized option. Did you mean --from-beginning?\nSee 'mq-console-consumer --help'.\n");
    const u = await mq('mq-topics', ['--list', '--frobnicate']);
    expect(u.stderr).toBe("mq-topics: --frobnicate is not a recognized option\nSee 'mq-topics --help'.\n");
  });

  it('--zookeeper is refused with a one-line note that mq needs no ZooKeeper', async () => {
    const note =
      'Note: mq does not need ZooKeeper (nor does Kafka since KIP-500): use --bootstrap-server host:port, or leave it out to use the local mq broker.\n';
    const r = await mq('mq-topics', ['--list', '--zookeeper', 'localhost:2181']);
    expect(r).toMatchObject({ code: 1, stdout: '', stderr: `mq-topics: --zookeeper is not a recognized option\n${note}See 'mq-topics --help'.\n` });
    const c = await mq('mq-configs', ['--zookeeper=localhost:2181', '--describe', '--entity-type', 'topics']);
    expect(c).toMatchObject({ code: 1, stderr: `mq-configs: --zookeeper is not a recognized option\n${note}See 'mq-configs --help'.\n` });
  });
});
