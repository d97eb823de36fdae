/**
 * The built bins end to end (argv arrays, after `npm run build`): auto-starting the local broker
 * of a fresh --data-dir (one stderr line), reusing it, two parallel commands sharing one broker;
 * --help/--version/exit codes; the engine's errors as one line; piping; a refused remote failing fast.
 */
import { afterAll, describe, expect, it } from 'vitest';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import net from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { run } from '../../helpers/proc.js';
import { randomTopic } from '../../helpers/names.js';

const root = fileURLToPath(new URL('../../../', import.meta.url));
const bin = (name: string) => join(root, 'bin', `${name}.js`);
const node = process.execPath;
const dirs: string[] = [];
const env = { MQ_BOOTSTRAP_SERVER: '', NO_COLOR: '1' };

afterAll(async () => {
  for (const d of dirs) {
    await run(node, [bin('mq-broker'), 'stop', '--data-dir', d]);
    rmSync(d, { recursive: true, force: true });
  }
});

function freshDir(): string {
  const d = mkdtempSync(join(tmpdir(), 'mq-auto-'));
  dirs.push(d);
  return d;
}

describe('local broker auto-start', () => {
  it('starts a daemon broker once, says so on one line, and reuses it', async () => {
    const d = freshDir();
    const t = randomTopic('auto');
    const first = await run(node, [bin('mq-topics'), '--create', '--topic', t, '--data-dir', d], { env });
    expect(first.code).toBe(0);
    expect(first.stdout).toBe(`Created topic ${t}.\n`);
    const lines = first.stderr.trim().split('\n');
    expect(lines).toHaveLength(1);
    expect(lines[0]).toMatch(new RegExp(`^Started the local mq broker on 127\\.0\\.0\\.1:\\d+ \\(data dir .+\\); stop it with: mq-broker stop --data-dir ${d.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}$`));
    const info = JSON.parse(readFileSync(join(d, 'broker.json'), 'utf8'));
    expect(lines[0]).toContain(`127.0.0.1:${info.port}`);

    const second = await run(node, [bin('mq-topics'), '--list', '--data-dir', d], { env });
    expect(second).toMatchObject({ code: 0, stdout: `${t}\n`, stderr: '' });
    expect(JSON.parse(readFileSync(join(d, 'broker.json'), 'utf8')).pid).toBe(info.pid);
  });

  it('two commands started at once share one broker', async () => {
    const d = freshDir();
    const [a, b] = await Promise.all([
      run(node, [bin('mq-topics'), '--create', '--topic', 'par-a', '--data-dir', d], { env }),
      run(node, [bin('mq-topics'), '--create', '--topic', 'par-b', '--data-dir', d], { env }),
    ]);
    expect([a.code, b.code]).toEqual([0, 0]);
    // Exactly one of them started the broker and says so; the other just used it.
    const said = [a, b].map((r) => r.stderr.split('\n').filter((l) => l.startsWith('Started the local mq broker')).length);
    expect(said.sort()).toEqual([0, 1]);
    const list = await run(node, [bin('mq-topics'), '--list', '--data-dir', d], { env });
    expect(list).toMatchObject({ code: 0, stdout: 'par-a\npar-b\n', stderr: '' });
    const status = await run(node, [bin('mq-broker'), 'status', '--data-dir', d]);
    expect(status.code).toBe(0);
  });

  it('MQ_DATA_DIR selects the data directory too', async () => {
    const d = freshDir();
    const r = await run(node, [bin('mq-get-offsets'), '--topic-partitions', 'nothing-here'], { env: { ...env, MQ_DATA_DIR: d } });
    expect(r.stderr).toMatch(/^Started the local mq broker on .*\nError occurred: Could not match any topic-partitions with the specified filters\n$/);
    expect(r.code).toBe(1);
  });
});

describe('bins', () => {
  it('--help prints to stdout and exits 0; --version prints the version', async () => {
    for (const tool of ['mq-topics', 'mq-configs', 'mq-get-offsets']) {
      const h = await run(node, [bin(tool), '--help']);
      expect(h.code).toBe(0);
      expect(h.stdout).toMatch(new RegExp(`^Usage: ${tool} \\[options\\]`));
      expect(h.stdout).toContain('--bootstrap-server <servers>');
      expect(h.stderr).toBe('');
      const v = await run(node, [bin(tool), '--version']);
      expect(v).toMatchObject({ code: 0, stdout: `${JSON.parse(readFileSync(join(root, 'package.json'), 'utf8')).version}\n` });
    }
  });

  it('usage errors exit 1 with a pointer to --help', async () => {
    const r = await run(node, [bin('mq-topics'), '--list', '--describe']);
    expect(r).toMatchObject({ code: 1, stdout: '' });
    expect(r.stderr).toBe("mq-topics: Command must include exactly one action: --list, --describe, --create, --alter or --delete\nSee 'mq-topics --help'.\n");
  });

  it('a refused remote fails within seconds with one line', async () => {
    const started = Date.now();
    const r = await run(node, [bin('mq-configs'), '--describe', '--topic', 'x', '--bootstrap-server', '127.0.0.1:1']);
    expect(Date.now() - started).toBeLessThan(5000);
    expect(r).toMatchObject({
      code: 1,
      stdout: '',
      stderr: 'Could not connect to 127.0.0.1:1 (connection refused). Is a Kafka broker running there? Leave out --bootstrap-server to use the local mq broker.\n',
    });
  });

  it("the engine's usage errors (a bad bootstrap address) get the pointer to --help too", async () => {
    for (const tool of ['mq-topics', 'mq-get-offsets']) {
      const r = await run(node, [bin(tool), ...(tool === 'mq-topics' ? ['--list'] : []), '--bootstrap-server', 'localhost'], { env });
      expect(r).toMatchObject({ code: 1, stdout: '', stderr: `${tool}: Please provide valid host:port like host1:9091,host2:9092\nSee '${tool} --help'.\n` });
    }
  });

  it('mq-broker start on a port in use fails with one line and exit 1', async () => {
    const busy = net.createServer();
    await new Promise<void>((resolve) => busy.listen(0, '127.0.0.1', resolve));
    const { port } = busy.address() as net.AddressInfo;
    try {
      const r = await run(node, [bin('mq-broker'), 'start', '--data-dir', freshDir(), '--listen', `127.0.0.1:${port}`], { env });
      expect(r).toMatchObject({ code: 1, stdout: '', stderr: `Cannot listen on 127.0.0.1:${port}: the address is already in use\n` });
    } finally {
      await new Promise((resolve) => busy.close(resolve));
    }
  });

  it('output piped into a reader that stops early ends quietly', async () => {
    const d = freshDir();
    const r = await run('sh', ['-c', `"${node}" "${bin('mq-topics')}" --list --data-dir "${d}" --exclude-internal | head -c 0; echo "exit=\${PIPESTATUS:-ok}"`], { env });
    expect(r.code).toBe(0);
    expect(r.stderr).not.toMatch(/EPIPE|Error/);
  });
});
