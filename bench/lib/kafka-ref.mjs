/**
 * Apache Kafka as the reference for the bench scripts: a single-node KRaft broker on loopback and
 * Kafka's own tools, run straight from the jars that scripts/reference/fetch-kafka.sh resolves
 * (.tmp/reference/kafka-<v>.classpath). A small plain-JS counterpart of test/reference/kafka.ts
 * (which is TypeScript and test-only), with one difference that matters for timing: the JVMs get
 * the options Kafka's bin scripts ship with (kafka-run-class.sh, kafka-server-start.sh), not the
 * harness's fast-start flags (C1 only, serial GC), so throughput and start time are what a user
 * of the Kafka distribution sees.
 */
import { spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { REPO_ROOT, run, pinned, track, freePort } from './proc.mjs';
import { nowMs } from './stats.mjs';

export const REFERENCE_DIR = path.join(REPO_ROOT, '.tmp', 'reference');
const LOG4J_DIR = path.join(REPO_ROOT, 'test', 'reference', 'log4j');

/** Main classes of the 4.x tools (as in test/reference/kafka.ts and the bin/*.sh scripts). */
export const TOOL_MAIN = {
  'kafka-topics': 'org.apache.kafka.tools.TopicCommand',
  'kafka-console-producer': 'org.apache.kafka.tools.ConsoleProducer',
  'kafka-console-consumer': 'org.apache.kafka.tools.consumer.ConsoleConsumer',
  'kafka-consumer-groups': 'org.apache.kafka.tools.consumer.group.ConsumerGroupCommand',
  'kafka-producer-perf-test': 'org.apache.kafka.tools.ProducerPerformance',
  'kafka-consumer-perf-test': 'org.apache.kafka.tools.ConsumerPerformance',
  'kafka-storage': 'kafka.tools.StorageTool',
};

/** KAFKA_JVM_PERFORMANCE_OPTS from bin/kafka-run-class.sh (4.x). */
export const KAFKA_JVM_OPTS = [
  '-server',
  '-XX:+UseG1GC',
  '-XX:MaxGCPauseMillis=20',
  '-XX:InitiatingHeapOccupancyPercent=35',
  '-XX:+ExplicitGCInvokesConcurrent',
  '-XX:MaxInlineLevel=15',
  '-Djava.awt.headless=true',
];

/** KAFKA_HEAP_OPTS as each bin script sets it: 512M for perf tests and console tools, 256M otherwise. */
const TOOL_HEAP = {
  'kafka-console-producer': '-Xmx512M',
  'kafka-console-consumer': '-Xmx512M',
  'kafka-producer-perf-test': '-Xmx512M',
  'kafka-consumer-perf-test': '-Xmx512M',
};

/** The classpath of reference version `v` ('4' or '3.9'); throws with the fix when missing. */
export function kafkaClasspath(v = '4') {
  const file = path.join(REFERENCE_DIR, `kafka-${v}.classpath`);
  if (!existsSync(file)) throw new Error(`${file} is missing: run \`bash scripts/reference/fetch-kafka.sh ${v}\` first`);
  return readFileSync(file, 'utf8').trim();
}

/** Exact release behind the classpath, e.g. '4.3.1'. */
export function kafkaRelease(v = '4') {
  return /kafka_2\.13-([0-9][^/:]*)\.jar/.exec(kafkaClasspath(v))?.[1] ?? 'unknown';
}

/** ['java', argv] running `tool` like bin/<tool>.sh would (shipped JVM options and heap, WARN logging to stderr). */
export function kafkaToolCommand(tool, args, v = '4') {
  return [
    'java',
    [
      TOOL_HEAP[tool] ?? '-Xmx256M',
      ...KAFKA_JVM_OPTS,
      `-Dlog4j2.configurationFile=${path.join(LOG4J_DIR, 'tools-log4j2.properties')}`,
      '-cp',
      kafkaClasspath(v),
      TOOL_MAIN[tool],
      ...args,
    ],
  ];
}

/** Runs a Kafka tool to completion with proc.run() options (stdinFile, stdout, cpus, timeoutMs). */
export function runKafkaTool(tool, args, opts = {}) {
  const [cmd, argv] = kafkaToolCommand(tool, args);
  return run(cmd, argv, opts);
}

/**
 * Writes server.properties for a single combined broker+controller node under `dir` (the stock
 * config/server.properties values, as the reference harness uses) and formats its storage with
 * kafka-storage (a JVM of its own, not part of any start time). Resolves { dir, port, formatMs }.
 */
export async function prepareKafka(dir, { overrides = {} } = {}) {
  mkdirSync(dir, { recursive: true });
  const port = await freePort();
  const controllerPort = await freePort();
  const props = {
    'process.roles': 'broker,controller',
    'node.id': '1',
    'controller.quorum.voters': `1@127.0.0.1:${controllerPort}`,
    listeners: `PLAINTEXT://127.0.0.1:${port},CONTROLLER://127.0.0.1:${controllerPort}`,
    'advertised.listeners': `PLAINTEXT://127.0.0.1:${port}`,
    'inter.broker.listener.name': 'PLAINTEXT',
    'controller.listener.names': 'CONTROLLER',
    'listener.security.protocol.map': 'CONTROLLER:PLAINTEXT,PLAINTEXT:PLAINTEXT',
    'log.dirs': path.join(dir, 'data'),
    'num.network.threads': '3',
    'num.io.threads': '8',
    'num.partitions': '1',
    'num.recovery.threads.per.data.dir': '1',
    'offsets.topic.replication.factor': '1',
    'transaction.state.log.replication.factor': '1',
    'transaction.state.log.min.isr': '1',
    'share.coordinator.state.topic.replication.factor': '1',
    'share.coordinator.state.topic.min.isr': '1',
    'log.retention.hours': '168',
    'log.segment.bytes': '1073741824',
    'log.retention.check.interval.ms': '300000',
    'group.initial.rebalance.delay.ms': '0',
    ...overrides,
  };
  const propsFile = path.join(dir, 'server.properties');
  writeFileSync(propsFile, Object.entries(props).map(([k, v]) => `${k}=${v}`).join('\n') + '\n');
  const t0 = nowMs();
  const clusterId = randomBytes(16).toString('base64url');
  const r = await run(
    'java',
    ['-Xmx256M', ...KAFKA_JVM_OPTS, `-Dkafka.logs.dir=${dir}`, `-Dlog4j2.configurationFile=${path.join(LOG4J_DIR, 'broker-log4j2.properties')}`, '-cp', kafkaClasspath(), TOOL_MAIN['kafka-storage'], 'format', '-t', clusterId, '-c', propsFile],
    { stdout: 'pipe', timeoutMs: 60_000 },
  );
  if (r.code !== 0) throw new Error(`kafka-storage format failed (${r.signal ?? r.code}):\n${r.stdout}\n${r.stderr}`);
  return { dir, port, propsFile, formatMs: nowMs() - t0 };
}

/**
 * Spawns `java ... kafka.Kafka server.properties` for a prepared node without waiting (use
 * kafka-wire's waitForApiVersions on `port`). heap: KAFKA_HEAP_OPTS of kafka-server-start.sh,
 * '-Xmx1G -Xms1G' by default. Returns { pid, port, address, spawnedAt, isDead(), logTail(), stop() }.
 */
export function spawnKafka(prepared, { cpus, heap = ['-Xmx1G', '-Xms1G'] } = {}) {
  const { dir, port, propsFile } = prepared;
  const args = [...heap, ...KAFKA_JVM_OPTS, `-Dkafka.logs.dir=${dir}`, `-Dlog4j2.configurationFile=${path.join(LOG4J_DIR, 'broker-log4j2.properties')}`, '-cp', kafkaClasspath(), 'kafka.Kafka', propsFile];
  const [c, a] = pinned(cpus, 'java', args);
  const spawnedAt = nowMs();
  const child = track(spawn(c, a, { stdio: ['ignore', 'ignore', 'pipe'], cwd: dir }));
  let console = '';
  child.stderr.on('data', (d) => (console += d.toString()));
  const exited = new Promise((res) => child.once('exit', (code, signal) => res({ code, signal })));
  const isDead = () => child.exitCode !== null || child.signalCode !== null;
  return {
    pid: child.pid,
    port,
    address: `127.0.0.1:${port}`,
    spawnedAt,
    isDead,
    logTail(lines = 30) {
      let log = '';
      try {
        log = readFileSync(path.join(dir, 'server.log'), 'utf8');
      } catch {
        // No log written yet: the tail is the console output alone.
      }
      return `${console}\n${log.split('\n').slice(-lines).join('\n')}`;
    },
    /** SIGTERM (controlled shutdown), SIGKILL after graceMs; resolves with the exit status. */
    async stop(graceMs = 15_000) {
      if (isDead()) return exited;
      child.kill('SIGTERM');
      const t = setTimeout(() => child.kill('SIGKILL'), graceMs);
      const r = await exited;
      clearTimeout(t);
      return r;
    },
  };
}
