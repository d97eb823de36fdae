// npm run soak: the reliability suite (test/reliability) at its full counts, then a summary on stdout
// and the figures written into RELIABILITY.md (between the markers, so the text around them stays).
//
// Every count is an environment variable; set one to run smaller (the figures say what ran):
//   MQ_SOAK_KILL_CYCLES=200       kill -9 cycles under an idempotent acks=all producer
//   MQ_SOAK_OFFSET_CYCLES=20      kill -9 cycles under a stream of offset commits
//   MQ_SOAK_FUZZ_SECONDS=600      hostile bytes (MQ_SOAK_FUZZ_PARALLEL=16 connections at a time)
//   MQ_SOAK_LOAD_PRODUCERS=20 MQ_SOAK_LOAD_CONSUMERS=20 MQ_SOAK_LOAD_GROUPS=5 MQ_SOAK_LOAD_SECONDS=180
//   MQ_SOAK_ABANDON_ROUNDS=50     rounds of 10 abandoned unfinished frames (the broker's accounting)
//   MQ_SOAK_RSS_ROUNDS=20         rounds of 10 connections each sending 30 MiB of an unfinished frame (RSS)
//   MQ_SOAK_DAMAGE_ITERATIONS=2000 randomized torn and corrupt tails (test/integration/log/damage-fuzz.test.ts)
// `npm run build` runs first (the suite spawns bin/mq-broker.js). Exits 1 when a test failed.
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

const root = join(import.meta.dirname, '..');
const defaults = {
  MQ_SOAK_KILL_CYCLES: '200',
  MQ_SOAK_OFFSET_CYCLES: '20',
  MQ_SOAK_FUZZ_SECONDS: '600',
  MQ_SOAK_FUZZ_PARALLEL: '16',
  MQ_SOAK_LOAD_PRODUCERS: '20',
  MQ_SOAK_LOAD_CONSUMERS: '20',
  MQ_SOAK_LOAD_GROUPS: '5',
  MQ_SOAK_LOAD_SECONDS: '180',
  MQ_SOAK_ABANDON_ROUNDS: '50',
  MQ_SOAK_RSS_ROUNDS: '20',
  MQ_SOAK_DAMAGE_ITERATIONS: '2000',
};

// The randomized damage test of the log (torn tails, bit flips in offsets, lengths, CRC-covered bytes and
// index files, then every batch read back): 6 rounds in npm test, MQ_SOAK_ITERATIONS rounds here
// (about 150 a minute on this machine); MQ_DAMAGE_SEED replays one seed.
const DAMAGE_TEST = process.env.MQ_SOAK_DAMAGE_TEST ?? 'test/integration/log/damage-fuzz.test.ts';
const DAMAGE_ENV = process.env.MQ_SOAK_DAMAGE_ENV ?? 'MQ_SOAK_ITERATIONS';

const env = { ...process.env };
for (const [k, v] of Object.entries(defaults)) if (env[k] === undefined || env[k] === '') env[k] = v;
const work = mkdtempSync(join(tmpdir(), 'mq-soak-'));
const figuresFile = join(work, 'figures.jsonl');
const resultsFile = join(work, 'vitest.json');
env.MQ_RELIABILITY_REPORT = figuresFile;

const files = ['test/reliability'];
const damageRuns = DAMAGE_TEST !== null && DAMAGE_ENV !== null;
if (damageRuns) {
  env[DAMAGE_ENV] = env.MQ_SOAK_DAMAGE_ITERATIONS;
  files.push(DAMAGE_TEST);
}

const started = new Date();
const t0 = Date.now();
// The reliability project, plus r-log's damage test from whichever project holds it.
// One file at a time: ten minutes of fuzzing next to the 20/20/5 load on 2 cores would measure neither.
const args = ['vitest', 'run', ...files, '--no-file-parallelism', '--reporter=default', '--reporter=json', `--outputFile.json=${resultsFile}`];
console.error(`soak: npx ${args.join(' ')}`);
const run = spawnSync('npx', args, { cwd: root, env, stdio: 'inherit' });
const minutes = ((Date.now() - t0) / 60000).toFixed(1);

const figures = existsSync(figuresFile)
  ? readFileSync(figuresFile, 'utf8').split('\n').filter(Boolean).map((l) => JSON.parse(l))
  : [];
const results = existsSync(resultsFile) ? JSON.parse(readFileSync(resultsFile, 'utf8')) : null;
const tests = (results?.testResults ?? []).flatMap((f) => f.assertionResults.map((a) => ({ title: a.title, status: a.status })));
rmSync(work, { recursive: true, force: true });

const counts = Object.keys(defaults).map((k) => `${k}=${env[k]}`).join(' ');
const reduced = Object.keys(defaults).filter((k) => Number(env[k]) < Number(defaults[k]));
const lines = [];
if (reduced.length > 0) lines.push(`**Reduced run** (${reduced.join(', ')} below the full soak): it shows the script works, not the full figures.`, '');
lines.push(`Run ${started.toISOString()} on ${process.platform} node ${process.version}, ${minutes} min, with ${counts}.`);
lines.push('');
lines.push('| Test | Result |');
lines.push('|---|---|');
for (const t of tests) lines.push(`| ${t.title} | ${t.status} |`);
if (!damageRuns) lines.push('| randomized torn and corrupt tails (r-log) | not run: the hook in scripts/soak.mjs is not filled in yet |');
lines.push('');
for (const f of figures) {
  const { name, ...rest } = f;
  lines.push(`- **${name}**: ${Object.entries(rest).map(([k, v]) => `${k} ${v}`).join(', ')}`);
}
const section = lines.join('\n');
console.log(section);

const doc = join(root, 'RELIABILITY.md');
const BEGIN = '<!-- soak:begin (written by npm run soak) -->';
const END = '<!-- soak:end -->';
const text = readFileSync(doc, 'utf8');
const a = text.indexOf(BEGIN);
const b = text.indexOf(END);
if (a < 0 || b < a) {
  console.error(`soak: ${doc} has no ${BEGIN} ... ${END} markers; figures not written`);
  process.exit(1);
}
writeFileSync(doc, `${text.slice(0, a + BEGIN.length)}\n${section}\n${text.slice(b)}`);
console.error(`soak: figures written to RELIABILITY.md`);
const failed = run.status !== 0 || tests.length === 0 || tests.some((t) => t.status === 'failed');
process.exit(failed ? 1 : 0);
