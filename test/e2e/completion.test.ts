/**
 * Shell completion (`<tool> --completion bash|zsh|fish`), through the built bins. bash is run for
 * real: the generated script is sourced and its function called with the variables bash sets for
 * a completion (COMP_LINE, COMP_POINT, COMP_WORDS, COMP_CWORD), and COMPREPLY is what the user
 * would be offered. zsh and fish are run for real when installed; otherwise their scripts'
 * structure is checked (the lines that define options, values and live names).
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { execFileSync } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync, symlinkSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { run, runOk } from '../helpers/proc.js';
import { startTestBroker, type TestBroker } from '../helpers/broker.js';
import { randomGroup, randomTopic } from '../helpers/names.js';

const TOOLS = [
  'mq-topics',
  'mq-console-producer',
  'mq-console-consumer',
  'mq-consumer-groups',
  'mq-get-offsets',
  'mq-configs',
  'mq-producer-perf-test',
  'mq-consumer-perf-test',
  'mq-broker',
];
const node = process.execPath;
const bin = (name: string) => resolve('bin', `${name}.js`);
// The tools under their installed names, as the scripts call them.
const pathDir = mkdtempSync(join(tmpdir(), 'mq-completion-bin-'));
const dataDir = mkdtempSync(join(tmpdir(), 'mq-completion-data-'));
for (const t of TOOLS) symlinkSync(bin(t), join(pathDir, t));
const env = { PATH: `${pathDir}:${process.env.PATH}`, MQ_BOOTSTRAP_SERVER: undefined, MQ_DATA_DIR: dataDir, NO_COLOR: '1' };
const has = (shell: string) => {
  try {
    execFileSync('sh', ['-c', `command -v ${shell}`], { stdio: 'ignore' });
    return true;
  } catch {
    return false;
  }
};

let broker: TestBroker;
beforeAll(async () => {
  broker = await startTestBroker();
});
afterAll(async () => {
  await broker.stop();
  rmSync(pathDir, { recursive: true, force: true });
  rmSync(dataDir, { recursive: true, force: true });
});

/** What bash offers for `line` (the cursor at its end). */
async function complete(line: string): Promise<string[]> {
  const tool = line.split(' ')[0]!;
  const script = [
    `source <(${tool} --completion bash) || exit 9`,
    'COMP_LINE="$1"; COMP_POINT=${#COMP_LINE}',
    'read -ra COMP_WORDS <<< "$COMP_LINE"; [[ $COMP_LINE == *" " ]] && COMP_WORDS+=("")',
    'COMP_CWORD=$((${#COMP_WORDS[@]} - 1))',
    `_${tool.replace(/-/g, '_')}`,
    'printf "%s\\n" "${COMPREPLY[@]}"',
  ].join('\n');
  const r = await runOk('bash', ['-c', script, 'complete', line], { env });
  expect(r.stderr).toBe('');
  return r.stdout.split('\n').filter((l) => l !== '');
}

describe('bash', () => {
  it('every tool prints a script bash accepts, registering its function', async () => {
    for (const t of TOOLS) {
      const r = await runOk(node, [bin(t), '--completion', 'bash'], { env });
      expect(r.stdout).toContain(`complete -o default -F _${t.replace(/-/g, '_')} ${t}\n`);
      await runOk('bash', ['-n'], { stdin: r.stdout });
    }
  });

  it('completes options, the exact name and longer ones alike', async () => {
    expect(await complete('mq-topics --desc')).toEqual(['--describe']);
    expect(await complete('mq-topics --parti')).toEqual(['--partitions', '--partition-for-key', '--partition-size-limit-per-response']);
    expect(await complete('mq-consumer-groups --to-')).toEqual(['--to-earliest', '--to-latest', '--to-current', '--to-offset', '--to-datetime']);
    expect(await complete('mq-console-consumer --from')).toEqual(['--from-beginning', '--from-time']);
  });

  it('works from COMP_WORDS and COMP_CWORD alone, as a caller without COMP_LINE sets them', async () => {
    const script = 'source <(mq-topics --completion bash); COMP_WORDS=(mq-topics --list --desc); COMP_CWORD=2; _mq_topics; echo "${COMPREPLY[@]}"';
    expect((await runOk('bash', ['-c', script], { env })).stdout).toBe('--describe\n');
    const empty = 'source <(mq-topics --completion bash); COMP_WORDS=(mq-topics --output ""); COMP_CWORD=2; _mq_topics; echo "${COMPREPLY[@]}"';
    expect((await runOk('bash', ['-c', empty], { env })).stdout).toBe('text json\n');
  });

  it("completes a tool's subcommands, then the subcommand's options", async () => {
    expect(await complete('mq-broker st')).toEqual(['start', 'stop', 'status']);
    expect(await complete('mq-broker start --d')).toEqual(['--data-dir', '--daemon']);
    expect(await complete('mq-broker status --o')).toEqual(['--output']);
  });

  it('completes fixed values: choices, codecs, reset modes, formatter and reader properties, --opt=value', async () => {
    expect(await complete('mq-topics --output ')).toEqual(['text', 'json']);
    expect(await complete('mq-topics --output=j')).toEqual(['json']);
    expect(await complete('mq-console-producer --topic t --compression-codec ')).toEqual(['none', 'gzip', 'snappy', 'lz4', 'zstd']);
    expect(await complete('mq-console-consumer --offset ')).toEqual(['earliest', 'latest']);
    expect(await complete('mq-console-consumer --isolation-level read_c')).toEqual(['read_committed']);
    expect(await complete('mq-console-consumer --property print.t')).toEqual(['print.timestamp=true']);
    // bash splits the word at '=', so the answer is the part after it.
    expect(await complete('mq-console-consumer --property print.key=t')).toEqual(['true']);
    expect(await complete('mq-console-producer --property parse.')).toEqual(['parse.key=true', 'parse.headers=true']);
    expect(await complete('mq-get-offsets --time earl')).toEqual(['earliest', 'earliest-local']);
    expect(await complete('mq-consumer-groups --list --state S')).toEqual(['Stable']);
  });

  it('completes live topic and group names from the broker the line names', async () => {
    const topics = [randomTopic('compl-a'), randomTopic('compl-b')].sort();
    for (const t of topics) await runOk(node, [bin('mq-topics'), '--bootstrap-server', broker.bootstrap, '--create', '--topic', t], { env });
    const group = randomGroup('compl');
    await runOk(node, [bin('mq-console-producer'), '--bootstrap-server', broker.bootstrap, '--topic', topics[0]!], { env, stdin: 'one\n' });
    await runOk(
      node,
      [bin('mq-console-consumer'), '--bootstrap-server', broker.bootstrap, '--topic', topics[0]!, '--group', group, '--from-beginning', '--max-messages', '1'],
      { env },
    );

    const offered = await complete(`mq-topics --describe --bootstrap-server ${broker.bootstrap} --topic compl-`);
    expect(offered).toEqual(topics);
    expect(await complete(`mq-console-consumer --bootstrap-server=${broker.bootstrap} --topic ${topics[1]!.slice(0, -3)}`)).toEqual([topics[1]]);
    expect(await complete(`mq-consumer-groups --bootstrap-server ${broker.bootstrap} --describe --group compl`)).toEqual([group]);
    // MQ_BOOTSTRAP_SERVER is the broker in use too.
    const viaEnv = await runOk(node, [bin('mq-topics'), '--complete-topics'], { env: { ...env, MQ_BOOTSTRAP_SERVER: broker.bootstrap } });
    expect(viaEnv.stdout.split('\n')).toEqual(expect.arrayContaining(topics));
  });

  it('prints nothing, fast, when there is no broker; never starts the local one', async () => {
    const refused = await run(node, [bin('mq-topics'), '--complete-topics', '--bootstrap-server', '127.0.0.1:1'], { env, timeoutMs: 5000 });
    expect(refused).toMatchObject({ code: 0, stdout: '', stderr: '', timedOut: false });
    const local = await run(node, [bin('mq-consumer-groups'), '--complete-groups', '--data-dir', dataDir], { env, timeoutMs: 5000 });
    expect(local).toMatchObject({ code: 0, stdout: '', stderr: '', timedOut: false });
    expect(existsSync(join(dataDir, 'broker.json'))).toBe(false);
    expect(await complete('mq-topics --bootstrap-server 127.0.0.1:1 --topic ')).toEqual([]);
  });
});

describe('zsh and fish', () => {
  it('zsh: a #compdef function with _arguments specs for options, values and live names', async () => {
    const s = (await runOk(node, [bin('mq-topics'), '--completion', 'zsh'], { env })).stdout;
    expect(s.startsWith('#compdef mq-topics\n')).toBe(true);
    expect(s).toContain("    '--describe[List details for the given topics.]' \\\n");
    expect(s).toMatch(/\n {4}'--output=\[output format\\: [^\n]*\]:output:\(text json\)' \\\n/);
    expect(s).toContain("'--topic=[The topic to create, alter, describe or delete.]:topic:{_mq_names mq-topics --complete-topics}'");
    expect(s).toContain("'--command-config=[Property file containing configs to be passed to the admin client.]:command-config:_files'");
    expect(s).toContain('compdef _mq_topics mq-topics');
    const b = (await runOk(node, [bin('mq-broker'), '--completion', 'zsh'], { env })).stdout;
    expect(b).toContain("local -a subcommands=('start:Start the broker (in the foreground unless --daemon)'");
    expect(b).toContain('    start) _arguments -s \\\n');
    if (has('zsh')) await runOk('zsh', ['-n', '-c', s]);
  });

  it('fish: complete lines for options, values and live names', async () => {
    const s = (await runOk(node, [bin('mq-console-consumer'), '--completion', 'fish'], { env })).stdout;
    expect(s).toContain("complete -c mq-console-consumer -l from-beginning -d 'If the consumer does not already have an established offset to cons...'\n");
    expect(s).toContain("complete -c mq-console-consumer -l offset -x -a 'earliest latest' -d");
    expect(s).toContain("complete -c mq-console-consumer -l topic -x -a '(__mq_names mq-console-consumer --complete-topics)' -d 'The topic to consume on.'\n");
    expect(s).toContain("complete -c mq-console-consumer -l group -x -a '(__mq_names mq-console-consumer --complete-groups)'");
    expect(s).toContain('complete -c mq-console-consumer -l consumer.config -r -F -d');
    const b = (await runOk(node, [bin('mq-broker'), '--completion', 'fish'], { env })).stdout;
    expect(b).toContain("complete -c mq-broker -n __fish_use_subcommand -a start -d 'Start the broker (in the foreground unless --daemon)'\n");
    expect(b).toContain("complete -c mq-broker -n '__fish_seen_subcommand_from start' -l daemon -d");
    if (has('fish')) await runOk('fish', ['--no-execute', '-c', s]);
  });

  it('--completion names the shells it knows', async () => {
    const r = await run(node, [bin('mq-topics'), '--completion', 'tcsh'], { env });
    expect(r).toMatchObject({ code: 1, stdout: '', stderr: "mq-topics: --completion takes one of: bash, zsh, fish\nSee 'mq-topics --help'.\n" });
  });
});
