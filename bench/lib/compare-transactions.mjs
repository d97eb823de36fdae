/**
 * bench:compare's transactional cells (issue 13): kafka-producer-perf-test with --transactional-id and
 * --transaction-duration-ms 100 and 1000 against mq and Apache Kafka side by side, and
 * kafka-consumer-perf-test over the transactional topic with isolation.level read_committed against
 * read_uncommitted on each broker (the read_committed path should stay within 10 % of the other).
 * compare.mjs passes its runners in; the section goes to BENCHMARKS.md as `compare-transactions`, so
 * `npm run bench:compare -- --only transactions` refreshes it without touching the other cells.
 */
import { writeFileSync } from 'node:fs';
import path from 'node:path';
import { mdTable } from './report.mjs';
import { median, num, summary } from './stats.mjs';

export const TXN_DURATIONS = [100, 1000];
export const TXN_GOALS = { produce: 1.0, readCommitted: 0.9 };

/**
 * @param {object} o
 * @param {Array<{name: string, create: Function, del: Function}>} o.brokers
 * @param {number} o.runs
 * @param {{count: number, valueBytes: number}} o.input
 * @param {Function} o.perfProduce (broker, topic, size, count, acks, throughput, extraArgs) => summary
 * @param {Function} o.perfConsume (broker, topic, count, group, consumerConfigFile) => { rps }
 * @param {Function} o.log
 * @param {string} o.dir scratch directory for the consumer config files
 */
export async function measureTransactions({ brokers, runs, input, perfProduce, perfConsume, log, dir }) {
  const produce = [];
  const keep = new Map(); // broker -> topic kept for the consume cells
  for (const d of TXN_DURATIONS) {
    const cell = { duration: d, runs: { mq: [], kafka: [] } };
    produce.push(cell);
    for (let r = 0; r < runs; r++) {
      for (const b of brokers) {
        const topic = `tx-${d}ms-r${r}`;
        await b.create(topic, 1);
        // The topic's offsets include one marker per transaction, so the record count is the tool's own summary
        // (perfProduce checks it), not the end offset.
        const res = await perfProduce(b, topic, input.valueBytes, input.count, 'all', -1, ['--transactional-id', `bench-${d}-${r}`, '--transaction-duration-ms', String(d)]);
        cell.runs[b.name].push(res);
        if (d === TXN_DURATIONS[TXN_DURATIONS.length - 1] && !keep.has(b.name)) keep.set(b.name, topic);
        else await b.del(topic);
        log(`transactional produce ${d} ms run ${r + 1}/${runs} ${b.name}: ${num(res.rps)} rec/s`);
      }
    }
  }
  const consume = [];
  for (const level of ['read_uncommitted', 'read_committed']) {
    const config = path.join(dir, `consumer-${level}.properties`);
    writeFileSync(config, `isolation.level=${level}\n`);
    const cell = { level, runs: { mq: [], kafka: [] } };
    consume.push(cell);
    for (let r = 0; r < runs; r++) {
      for (const b of brokers) {
        const res = await perfConsume(b, keep.get(b.name), input.count, `tx-${level}-r${r}`, config);
        cell.runs[b.name].push(res);
        log(`transactional consume ${level} run ${r + 1}/${runs} ${b.name}: ${num(res.rps)} rec/s`);
      }
    }
  }
  for (const b of brokers) if (keep.has(b.name)) await b.del(keep.get(b.name));
  return { input, produce, consume };
}

function pairedRatio(as, bs) {
  const rs = [];
  for (let i = 0; i < Math.min(as.length, bs.length); i++) rs.push(as[i] / bs[i]);
  return median(rs);
}

const ratio = (x) => (Number.isFinite(x) ? `${x.toFixed(2)}×` : 'n/a');
const yes = (ok) => (ok ? 'yes' : '**no**');

/** The markdown section and the verdicts. */
export function reportTransactions(t, { release, runs, pinText, date, machine }) {
  const verdicts = [];
  const rows = [];
  for (const c of t.produce) {
    const mq = c.runs.mq.map((x) => x.rps);
    const kf = c.runs.kafka.map((x) => x.rps);
    const r = pairedRatio(mq, kf);
    const ok = r >= TXN_GOALS.produce;
    verdicts.push(`transactional produce ${c.duration} ms ${ratio(r)}: ${ok ? 'met' : 'MISSED'}`);
    rows.push([`produce, --transaction-duration-ms ${c.duration}`, summary(mq, num), summary(kf, num), `mq/Kafka ${ratio(r)}`, `≥ ${TXN_GOALS.produce}×`, yes(ok)]);
  }
  const byLevel = Object.fromEntries(t.consume.map((c) => [c.level, c]));
  for (const name of ['mq', 'kafka']) {
    const rc = byLevel.read_committed.runs[name].map((x) => x.rps);
    const ru = byLevel.read_uncommitted.runs[name].map((x) => x.rps);
    const r = pairedRatio(rc, ru);
    const ok = name !== 'mq' || r >= TXN_GOALS.readCommitted;
    if (name === 'mq') verdicts.push(`mq read_committed/read_uncommitted ${ratio(r)}: ${ok ? 'met' : 'MISSED'}`);
    rows.push([`consume read_committed vs read_uncommitted on ${name === 'mq' ? 'mq' : `Kafka ${release}`}`, summary(rc, num), summary(ru, num), `committed/uncommitted ${ratio(r)}`, name === 'mq' ? `≥ ${TXN_GOALS.readCommitted}×` : '', name === 'mq' ? yes(ok) : '']);
  }
  const cc = (lvl) => pairedRatio(byLevel[lvl].runs.mq.map((x) => x.rps), byLevel[lvl].runs.kafka.map((x) => x.rps));
  rows.push(['consume read_committed, mq vs Kafka', summary(byLevel.read_committed.runs.mq.map((x) => x.rps), num), summary(byLevel.read_committed.runs.kafka.map((x) => x.rps), num), `mq/Kafka ${ratio(cc('read_committed'))}`, '', '']);
  const md = `## bench:compare — transactions

\`npm run bench:compare -- --only transactions\` (${date}; ${machine}). Both brokers up at once, ${pinText};
${runs} run(s) per cell alternating mq, Kafka. Produce: \`kafka-producer-perf-test --topic <t> --num-records ${t.input.count}
--record-size ${t.input.valueBytes} --throughput -1 --transactional-id <id> --transaction-duration-ms <100|1000>
--producer-props bootstrap.servers=<addr> acks=all\` on a fresh 1-partition topic, records/s from its summary.
Consume: \`kafka-consumer-perf-test --topic <the 1000 ms topic> --num-records ${t.input.count} --group <new>
--consumer.config <isolation.level=read_committed|read_uncommitted>\`, fetch.nMsg.sec. For the consume rows the
two columns are read_committed and read_uncommitted.

${mdTable(['Cell', 'mq (or read_committed)', `Kafka ${release} (or read_uncommitted)`, 'Ratio', 'Goal', 'Met'], rows, ['l', 'r', 'r', 'r', 'l', 'l'])}`;
  return { md, verdicts };
}
