// Reference harness: runs real Apache Kafka (broker and console tools) on loopback so that
// compatibility tests can compare mq's behaviour with Kafka's. Java is only the reference peer
// here, never product code. Jars come from scripts/reference/fetch-kafka.sh, which writes
// .tmp/reference/kafka-<version>.classpath.

import { execFile, spawn, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { createConnection, createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import kafkajs from 'kafkajs';

const execFileP = promisify(execFile);

export type KafkaVersion = '3.9' | '4';
export type SecurityProtocol = 'PLAINTEXT' | 'SASL_PLAINTEXT' | 'SSL' | 'SASL_SSL';
export type SaslMechanism = 'PLAIN' | 'SCRAM-SHA-256' | 'SCRAM-SHA-512';

export const REPO_ROOT = fileURLToPath(new URL('../../', import.meta.url));
const HERE = fileURLToPath(new URL('./', import.meta.url));
export const REFERENCE_DIR = join(REPO_ROOT, '.tmp', 'reference');

/** Main classes of the console tools, checked against the jars of 3.9.2 and 4.3.1 (`unzip -l`) and the bin scripts. */
export const TOOL_MAIN_CLASSES: Record<KafkaVersion, Record<KafkaTool, string>> = {
  '3.9': {
    'kafka-topics': 'org.apache.kafka.tools.TopicCommand',
    'kafka-console-producer': 'kafka.tools.ConsoleProducer',
    'kafka-console-consumer': 'org.apache.kafka.tools.consumer.ConsoleConsumer',
    'kafka-consumer-groups': 'org.apache.kafka.tools.consumer.group.ConsumerGroupCommand',
    'kafka-get-offsets': 'org.apache.kafka.tools.GetOffsetShell',
    'kafka-configs': 'kafka.admin.ConfigCommand',
    'kafka-producer-perf-test': 'org.apache.kafka.tools.ProducerPerformance',
    'kafka-consumer-perf-test': 'org.apache.kafka.tools.ConsumerPerformance',
    'kafka-storage': 'kafka.tools.StorageTool',
    'kafka-dump-log': 'kafka.tools.DumpLogSegments',
    'kafka-transactions': 'org.apache.kafka.tools.TransactionsCommand',
  },
  '4': {
    'kafka-topics': 'org.apache.kafka.tools.TopicCommand',
    'kafka-console-producer': 'org.apache.kafka.tools.ConsoleProducer',
    'kafka-console-consumer': 'org.apache.kafka.tools.consumer.ConsoleConsumer',
    'kafka-consumer-groups': 'org.apache.kafka.tools.consumer.group.ConsumerGroupCommand',
    'kafka-get-offsets': 'org.apache.kafka.tools.GetOffsetShell',
    'kafka-configs': 'kafka.admin.ConfigCommand',
    'kafka-producer-perf-test': 'org.apache.kafka.tools.ProducerPerformance',
    'kafka-consumer-perf-test': 'org.apache.kafka.tools.ConsumerPerformance',
    'kafka-storage': 'kafka.tools.StorageTool',
    'kafka-dump-log': 'org.apache.kafka.tools.DumpLogSegments',
    'kafka-transactions': 'org.apache.kafka.tools.TransactionsCommand',
  },
};

export type KafkaTool =
  | 'kafka-topics'
  | 'kafka-console-producer'
  | 'kafka-console-consumer'
  | 'kafka-consumer-groups'
  | 'kafka-get-offsets'
  | 'kafka-configs'
  | 'kafka-producer-perf-test'
  | 'kafka-consumer-perf-test'
  | 'kafka-storage'
  | 'kafka-dump-log'
  | 'kafka-transactions';

// ---------------------------------------------------------------------------------------------
// Process bookkeeping: every JVM runs in its own process group; whatever is still alive when the
// test process exits (a failing test that never reached its afterAll) is killed here.

const liveGroups = new Set<number>();
const tempDirs = new Set<string>();
let exitHookInstalled = false;

function installExitHook(): void {
  if (exitHookInstalled) return;
  exitHookInstalled = true;
  process.on('exit', killEverything);
  // A signal (Ctrl-C, the runner killing its worker) skips 'exit' handlers: clean up, then let the
  // signal do what it would have done without us.
  for (const sig of ['SIGINT', 'SIGTERM', 'SIGHUP'] as const) {
    const onSignal = (): void => {
      killEverything();
      process.off(sig, onSignal);
      if (process.listenerCount(sig) === 0) process.kill(process.pid, sig);
    };
    process.on(sig, onSignal);
  }
}

function killEverything(): void {
  for (const pgid of liveGroups) {
    try {
      process.kill(-pgid, 'SIGKILL');
    } catch {
      /* already gone */
    }
  }
  liveGroups.clear();
  for (const dir of tempDirs) {
    try {
      rmSync(dir, { recursive: true, force: true });
    } catch {
      /* best effort */
    }
  }
  tempDirs.clear();
}

function spawnGroup(cmd: string, args: string[], opts: { cwd?: string; stdio: ('ignore' | 'pipe')[] }): ChildProcess {
  installExitHook();
  const child = spawn(cmd, args, { cwd: opts.cwd, stdio: opts.stdio as never, detached: true });
  const pid = child.pid;
  if (pid !== undefined) {
    liveGroups.add(pid);
    child.once('exit', () => liveGroups.delete(pid));
  }
  return child;
}

function killGroup(child: ChildProcess, signal: NodeJS.Signals): void {
  if (child.pid === undefined || child.exitCode !== null || child.signalCode !== null) return;
  try {
    process.kill(-child.pid, signal);
  } catch {
    /* already gone */
  }
}

function waitExit(child: ChildProcess, timeoutMs: number): Promise<boolean> {
  if (child.exitCode !== null || child.signalCode !== null) return Promise.resolve(true);
  return new Promise((resolve) => {
    const t = setTimeout(() => {
      child.off('exit', onExit);
      resolve(false);
    }, timeoutMs);
    const onExit = (): void => {
      clearTimeout(t);
      resolve(true);
    };
    child.once('exit', onExit);
  });
}

/** SIGTERM the process group, SIGKILL it after `graceMs`, and wait until the JVM is gone. */
async function terminate(child: ChildProcess, graceMs: number): Promise<void> {
  killGroup(child, 'SIGTERM');
  if (!(await waitExit(child, graceMs))) {
    killGroup(child, 'SIGKILL');
    await waitExit(child, 10_000);
  }
}

// ---------------------------------------------------------------------------------------------
// Classpath and JVM options

const classpathCache = new Map<KafkaVersion, string>();

export function kafkaClasspath(version: KafkaVersion): string {
  const cached = classpathCache.get(version);
  if (cached) return cached;
  const file = join(REFERENCE_DIR, `kafka-${version}.classpath`);
  if (!existsSync(file)) {
    throw new Error(`${file} is missing: run scripts/reference/fetch-kafka.sh first`);
  }
  const cp = readFileSync(file, 'utf8').trim();
  classpathCache.set(version, cp);
  return cp;
}

/** The exact Kafka release behind a version key, read from the kafka_2.13 jar name (e.g. '3.9.2'). */
export function kafkaRelease(version: KafkaVersion): string {
  const m = /kafka_2\.13-([0-9][^/:]*)\.jar/.exec(kafkaClasspath(version));
  if (!m?.[1]) throw new Error(`no kafka_2.13 jar on the ${version} classpath`);
  return m[1];
}

const FAST_JVM = ['-Xshare:auto', '-XX:TieredStopAtLevel=1', '-XX:+UseSerialGC', '-Djava.awt.headless=true'];

const cdsCache = new Map<KafkaVersion, string[]>();

/**
 * The class-data-sharing archive built by fetch-kafka.sh (about halves a tool's JVM start), when it
 * is newer than the classpath it was made from. A stale or missing archive means plain -Xshare:auto.
 */
function cdsArgs(version: KafkaVersion): string[] {
  const cached = cdsCache.get(version);
  if (cached) return cached;
  let args: string[] = [];
  const jsa = join(REFERENCE_DIR, `kafka-${version}.jsa`);
  try {
    if (statSync(jsa).mtimeMs >= statSync(join(REFERENCE_DIR, `kafka-${version}.classpath`)).mtimeMs) {
      args = [`-XX:SharedArchiveFile=${jsa}`];
    }
  } catch {
    /* no archive */
  }
  cdsCache.set(version, args);
  return args;
}

function jvmBase(version: KafkaVersion, heapMb: number): string[] {
  return [...FAST_JVM, ...cdsArgs(version), `-Xmx${heapMb}m`];
}

/** Tools log like Kafka's config/tools-log4j(2) files: WARN and above to stderr. */
function toolLogArgs(): string[] {
  return [
    `-Dlog4j.configuration=file:${join(HERE, 'log4j', 'tools-log4j.properties')}`,
    `-Dlog4j2.configurationFile=${join(HERE, 'log4j', 'tools-log4j2.properties')}`,
  ];
}

/** The broker logs at INFO into `<dir>/server.log`, nothing on stdout/stderr. */
function brokerLogArgs(dir: string): string[] {
  return [
    `-Dkafka.logs.dir=${dir}`,
    `-Dlog4j.configuration=file:${join(HERE, 'log4j', 'broker-log4j.properties')}`,
    `-Dlog4j2.configurationFile=${join(HERE, 'log4j', 'broker-log4j2.properties')}`,
  ];
}

// ---------------------------------------------------------------------------------------------
// Tools

export interface ToolResult {
  stdout: string;
  stderr: string;
  /** exit code; null when killed (timeout) */
  code: number | null;
  timedOut: boolean;
  durationMs: number;
}

export interface ToolOptions {
  /** written to the tool's stdin, then stdin is closed; without it stdin is closed at once */
  stdin?: string;
  /** default 60 s; on expiry the process group is killed and `timedOut` is set */
  timeoutMs?: number;
  cwd?: string;
  heapMb?: number;
}

/** Runs one of Kafka's console tools through its main class, like bin/<tool>.sh would. */
export async function runKafkaTool(
  version: KafkaVersion,
  tool: KafkaTool,
  args: string[],
  opts: ToolOptions = {},
): Promise<ToolResult> {
  const mainClass = TOOL_MAIN_CLASSES[version][tool];
  const jvm = [...jvmBase(version, opts.heapMb ?? 256), ...toolLogArgs(), '-cp', kafkaClasspath(version), mainClass];
  return runJava(jvm, args, opts);
}

/**
 * Compiles Java sources (test fixtures such as the transaction proof programs) against a
 * version's Kafka jars into .tmp/reference/classes-<name>-<version>, once per run (again when a
 * source is newer than its classes), and returns the class directory.
 */
export async function compileJava(version: KafkaVersion, name: string, sources: string[]): Promise<string> {
  const out = join(REFERENCE_DIR, `classes-${name}-${version}`);
  const stamp = join(out, '.compiled');
  const newest = Math.max(...sources.map((f) => statSync(f).mtimeMs));
  if (existsSync(stamp) && statSync(stamp).mtimeMs >= newest) return out;
  rmSync(out, { recursive: true, force: true });
  mkdirSync(out, { recursive: true });
  const r = await execFileP('javac', ['-nowarn', '-d', out, '-cp', kafkaClasspath(version), ...sources], { maxBuffer: 16 * 1024 * 1024 });
  if (r.stderr.trim()) process.stderr.write(r.stderr);
  writeFileSync(stamp, '');
  return out;
}

/** Runs a main class of compiled fixtures (compileJava) with the version's Kafka jars, logging as the tools do. */
export async function runJavaMain(
  version: KafkaVersion,
  classDir: string,
  mainClass: string,
  args: string[],
  opts: ToolOptions = {},
): Promise<ToolResult> {
  const jvm = [...jvmBase(version, opts.heapMb ?? 256), ...toolLogArgs(), '-cp', `${kafkaClasspath(version)}:${classDir}`, mainClass];
  return runJava(jvm, args, opts);
}

export interface RunningTool {
  readonly pid: number | undefined;
  /** output so far */
  readonly stdout: string;
  readonly stderr: string;
  /** writes to the tool's stdin (e.g. one producer line at a time) */
  write(text: string): void;
  /** closes stdin (a console producer then flushes and exits) */
  end(): void;
  /** resolves once stdout+stderr match `pattern`; rejects on timeout or if the tool exits first */
  waitFor(pattern: RegExp, timeoutMs?: number): Promise<void>;
  /** resolves when the tool exits on its own */
  exited(): Promise<ToolResult>;
  /** SIGTERM (Kafka's tools close cleanly on it), SIGKILL after `graceMs` (default 10 s) */
  stop(graceMs?: number): Promise<ToolResult>;
}

/**
 * Starts a long-running tool (a console consumer that stays in its group, a producer fed line by
 * line) and hands back control at once. Always stop() it (or let it exit) before the test ends.
 */
export function spawnKafkaTool(
  version: KafkaVersion,
  tool: KafkaTool,
  args: string[],
  opts: { cwd?: string; heapMb?: number } = {},
): RunningTool {
  const mainClass = TOOL_MAIN_CLASSES[version][tool];
  const jvm = [...jvmBase(version, opts.heapMb ?? 256), ...toolLogArgs(), '-cp', kafkaClasspath(version), mainClass];
  return spawnJvm(tool, jvm, args, opts);
}

/** spawnKafkaTool for a main class of compiled fixtures (compileJava): a long-running Java program such as a Streams app. */
export function spawnJavaMain(
  version: KafkaVersion,
  classDir: string,
  mainClass: string,
  args: string[],
  opts: { cwd?: string; heapMb?: number } = {},
): RunningTool {
  const jvm = [...jvmBase(version, opts.heapMb ?? 256), ...toolLogArgs(), '-cp', `${kafkaClasspath(version)}:${classDir}`, mainClass];
  return spawnJvm(mainClass, jvm, args, opts);
}

function spawnJvm(tool: string, jvm: string[], args: string[], opts: { cwd?: string }): RunningTool {
  const started = Date.now();
  const child = spawnGroup('java', [...jvm, ...args], { cwd: opts.cwd, stdio: ['pipe', 'pipe', 'pipe'] });
  let out = '';
  let err = '';
  const listeners = new Set<() => void>();
  const notify = (): void => listeners.forEach((l) => l());
  child.stdout?.setEncoding('utf8').on('data', (s: string) => {
    out += s;
    notify();
  });
  child.stderr?.setEncoding('utf8').on('data', (s: string) => {
    err += s;
    notify();
  });
  child.stdin?.on('error', () => undefined);
  const done = new Promise<ToolResult>((resolve) => {
    child.once('close', (code) => {
      notify();
      resolve({ stdout: out, stderr: err, code, timedOut: false, durationMs: Date.now() - started });
    });
  });
  const isExited = (): boolean => child.exitCode !== null || child.signalCode !== null;
  return {
    get pid() {
      return child.pid;
    },
    get stdout() {
      return out;
    },
    get stderr() {
      return err;
    },
    write: (text) => {
      child.stdin?.write(text);
    },
    end: () => {
      child.stdin?.end();
    },
    waitFor: (pattern, timeoutMs = 60_000) =>
      new Promise<void>((resolve, reject) => {
        const check = (): void => {
          if (pattern.test(out + err)) {
            cleanup();
            resolve();
          } else if (isExited()) {
            cleanup();
            reject(new Error(`${tool} exited before ${pattern}:\n${out}\n${err}`));
          }
        };
        const timer = setTimeout(() => {
          cleanup();
          reject(new Error(`${tool}: no ${pattern} within ${timeoutMs} ms:\n${out}\n${err}`));
        }, timeoutMs);
        const cleanup = (): void => {
          clearTimeout(timer);
          listeners.delete(check);
        };
        listeners.add(check);
        check();
      }),
    exited: () => done,
    stop: async (graceMs = 10_000) => {
      await terminate(child, graceMs);
      return done;
    },
  };
}

async function runJava(jvmArgs: string[], args: string[], opts: ToolOptions): Promise<ToolResult> {
  const started = Date.now();
  const child = spawnGroup('java', [...jvmArgs, ...args], { cwd: opts.cwd, stdio: ['pipe', 'pipe', 'pipe'] });
  const out: Buffer[] = [];
  const err: Buffer[] = [];
  child.stdout?.on('data', (b: Buffer) => out.push(b));
  child.stderr?.on('data', (b: Buffer) => err.push(b));
  child.stdin?.on('error', () => undefined); // tool may exit before reading everything
  child.stdin?.end(opts.stdin ?? '');
  let timedOut = false;
  const timer = setTimeout(() => {
    timedOut = true;
    killGroup(child, 'SIGKILL');
  }, opts.timeoutMs ?? 60_000);
  const code = await new Promise<number | null>((resolve, reject) => {
    child.once('error', reject);
    child.once('close', (c) => resolve(c));
  });
  clearTimeout(timer);
  return {
    stdout: Buffer.concat(out).toString('utf8'),
    stderr: Buffer.concat(err).toString('utf8'),
    code,
    timedOut,
    durationMs: Date.now() - started,
  };
}

// ---------------------------------------------------------------------------------------------
// Cluster

export interface SaslListenerOptions {
  /** default ['PLAIN', 'SCRAM-SHA-512'] */
  mechanisms?: SaslMechanism[];
  /** username → password; default { admin: 'admin-secret', alice: 'alice-secret' } */
  users?: Record<string, string>;
}

export interface SslListenerOptions {
  /** ssl.client.auth on the SSL listener; default 'none' */
  clientAuth?: 'none' | 'requested' | 'required';
}

export interface ListenerOptions {
  /** adds a SASL_PLAINTEXT listener */
  saslPlaintext?: boolean | SaslListenerOptions;
  /** adds an SSL listener, certificates made by the harness (CA + broker cert for 127.0.0.1/localhost) */
  ssl?: boolean | SslListenerOptions;
  /** adds a SASL_SSL listener (uses the SASL users and the SSL certificates) */
  saslSsl?: boolean;
}

export interface StartKafkaOptions {
  version: KafkaVersion;
  nodes?: 1 | 3;
  /** PLAINTEXT is always there (inter-broker listener and bootstrap); these add more */
  listeners?: ListenerOptions;
  /** server.properties entries that win over the harness defaults */
  overrides?: Record<string, string | number | boolean>;
  /** broker heap; default 512 */
  heapMb?: number;
  /** default 90 s */
  readyTimeoutMs?: number;
  /** keep the temp dir after stop() (for debugging) */
  keepDir?: boolean;
}

export interface SslMaterial {
  dir: string;
  /** PEM files for Node clients */
  caPem: string;
  clientCertPem: string;
  clientKeyPem: string;
  /** PKCS12 stores for Java clients / the broker */
  truststoreP12: string;
  brokerKeystoreP12: string;
  clientKeystoreP12: string;
  password: string;
}

export interface KafkaNode {
  id: number;
  /** PLAINTEXT port */
  port: number;
  controllerPort: number;
  ports: Partial<Record<SecurityProtocol, number>>;
  dir: string;
  logFile: string;
  readonly running: boolean;
  readonly pid: number | undefined;
  /** SIGTERM (controlled shutdown), SIGKILL after `graceMs` (default 30 s); resolves when the JVM is gone */
  stop(opts?: { graceMs?: number; signal?: 'SIGTERM' | 'SIGKILL' }): Promise<void>;
  /** starts the node again with the same config, ports and data; resolves when its port answers */
  start(): Promise<void>;
}

export interface KafkaCluster {
  version: KafkaVersion;
  /** exact release, e.g. '3.9.2' */
  release: string;
  clusterId: string;
  /** PLAINTEXT bootstrap list, '127.0.0.1:port[,...]' */
  bootstrap: string;
  bootstraps: Partial<Record<SecurityProtocol, string>>;
  nodes: KafkaNode[];
  dir: string;
  ssl?: SslMaterial;
  users: Record<string, string>;
  saslMechanisms: SaslMechanism[];
  /** how long startKafka took: storage format (all nodes, parallel) and JVM start until all brokers are in Metadata */
  startup: { formatMs: number; startMs: number };
  /**
   * Writes a client properties file for Java tools (--command-config / --producer.config /
   * --consumer.config) and returns its path.
   */
  clientConfig(
    protocol: SecurityProtocol,
    opts?: {
      mechanism?: SaslMechanism;
      user?: string;
      /** SSL: present the harness client certificate (default true) */
      clientCert?: boolean;
      /** more client properties */
      extra?: Record<string, string>;
    },
  ): string;
  /** waits until exactly the running nodes are visible as brokers in Metadata */
  waitForBrokers(count?: number, timeoutMs?: number): Promise<void>;
  stop(): Promise<void>;
}

const DEFAULT_USERS: Record<string, string> = { admin: 'admin-secret', alice: 'alice-secret' };
const STORE_PASSWORD = 'changeit';

/** Ports handed out in this run: the OS may offer a just-closed port again, and two listeners of one broker must differ. */
const handedOut = new Set<number>();

export async function freePort(): Promise<number> {
  for (;;) {
    const port = await anyFreePort();
    if (!handedOut.has(port)) {
      handedOut.add(port);
      return port;
    }
  }
}

function anyFreePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const srv = createServer();
    srv.unref();
    srv.once('error', reject);
    srv.listen(0, '127.0.0.1', () => {
      const addr = srv.address();
      const port = typeof addr === 'object' && addr ? addr.port : 0;
      srv.close(() => resolve(port));
    });
  });
}

function probePort(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const sock = createConnection({ host: '127.0.0.1', port });
    sock.once('connect', () => {
      sock.destroy();
      resolve(true);
    });
    sock.once('error', () => resolve(false));
    sock.setTimeout(1000, () => {
      sock.destroy();
      resolve(false);
    });
  });
}

const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

function tail(file: string, lines = 30): string {
  try {
    return readFileSync(file, 'utf8').split('\n').slice(-lines).join('\n');
  } catch {
    return '(no log)';
  }
}

/** Kafka's Uuid.randomUuid().toString(): 16 random bytes, URL-safe base64 without padding. */
function randomClusterId(): string {
  // base64url may start with '-', which kafka-storage's argument parser takes for an option
  // ("argument --cluster-id/-t: expected one argument"): one in 32 starts failed that way.
  for (;;) {
    const id = randomBytes(16).toString('base64url');
    if (!id.startsWith('-')) return id;
  }
}

function jaasEscape(s: string): string {
  return s.replace(/\\/g, '\\\\').replace(/"/g, '\\"');
}

function propsText(props: Record<string, string>): string {
  return (
    Object.entries(props)
      .map(([k, v]) => `${k}=${v.replace(/\\/g, '\\\\').replace(/\n/g, '\\n')}`)
      .join('\n') + '\n'
  );
}

async function makeSslMaterial(dir: string): Promise<SslMaterial> {
  mkdirSync(dir, { recursive: true });
  const p = (f: string): string => join(dir, f);
  const openssl = (args: string[]): Promise<unknown> => execFileP('openssl', args, { cwd: dir });
  await openssl([
    'req', '-x509', '-newkey', 'rsa:2048', '-nodes', '-keyout', p('ca.key'), '-out', p('ca.pem'), '-days', '3',
    '-subj', '/CN=mq-reference-test-ca',
    '-addext', 'basicConstraints=critical,CA:TRUE', '-addext', 'keyUsage=critical,keyCertSign,cRLSign',
  ]);
  for (const [name, cn] of [['broker', 'localhost'], ['client', 'mq-client']] as const) {
    writeFileSync(
      p(`${name}.ext`),
      `subjectAltName=IP:127.0.0.1,DNS:localhost\nextendedKeyUsage=serverAuth,clientAuth\nbasicConstraints=CA:FALSE\n`,
    );
    await openssl(['req', '-newkey', 'rsa:2048', '-nodes', '-keyout', p(`${name}.key`), '-out', p(`${name}.csr`), '-subj', `/CN=${cn}`]);
    await openssl([
      'x509', '-req', '-in', p(`${name}.csr`), '-CA', p('ca.pem'), '-CAkey', p('ca.key'), '-CAcreateserial',
      '-out', p(`${name}.pem`), '-days', '3', '-extfile', p(`${name}.ext`),
    ]);
    await openssl([
      'pkcs12', '-export', '-in', p(`${name}.pem`), '-inkey', p(`${name}.key`), '-certfile', p('ca.pem'),
      '-name', name, '-out', p(`${name}.p12`), '-passout', `pass:${STORE_PASSWORD}`,
    ]);
  }
  await execFileP('keytool', [
    '-importcert', '-noprompt', '-alias', 'ca', '-file', p('ca.pem'), '-keystore', p('truststore.p12'),
    '-storetype', 'PKCS12', '-storepass', STORE_PASSWORD,
  ]);
  return {
    dir,
    caPem: p('ca.pem'),
    clientCertPem: p('client.pem'),
    clientKeyPem: p('client.key'),
    truststoreP12: p('truststore.p12'),
    brokerKeystoreP12: p('broker.p12'),
    clientKeystoreP12: p('client.p12'),
    password: STORE_PASSWORD,
  };
}

interface NodePlan {
  id: number;
  dir: string;
  dataDir: string;
  controllerPort: number;
  ports: Partial<Record<SecurityProtocol, number>>;
}

/** Starts a KRaft cluster of combined broker+controller nodes on 127.0.0.1. */
export async function startKafka(opts: StartKafkaOptions): Promise<KafkaCluster> {
  const { version } = opts;
  const nodeCount = opts.nodes ?? 1;
  const classpath = kafkaClasspath(version);
  const release = kafkaRelease(version);
  installExitHook();
  const dir = mkdtempSync(join(tmpdir(), `mq-kafka-${version}-`));
  tempDirs.add(dir);

  const nodes: NodeImpl[] = [];
  let stopped = false;
  const stopAll = async (): Promise<void> => {
    if (stopped) return;
    stopped = true;
    // Data is thrown away, so a short grace is enough; no controlled-shutdown dance across nodes.
    await Promise.all(nodes.map((n) => n.stop({ graceMs: 5_000 })));
    if (!opts.keepDir) {
      rmSync(dir, { recursive: true, force: true });
      tempDirs.delete(dir);
    }
  };

  try {
    const l = opts.listeners ?? {};
    const saslOpts: SaslListenerOptions | undefined =
      l.saslPlaintext || l.saslSsl ? (typeof l.saslPlaintext === 'object' ? l.saslPlaintext : {}) : undefined;
    const sslOpts: SslListenerOptions | undefined =
      l.ssl || l.saslSsl ? (typeof l.ssl === 'object' ? l.ssl : {}) : undefined;
    const protocols: SecurityProtocol[] = ['PLAINTEXT'];
    if (l.saslPlaintext) protocols.push('SASL_PLAINTEXT');
    if (l.ssl) protocols.push('SSL');
    if (l.saslSsl) protocols.push('SASL_SSL');
    const users = saslOpts?.users ?? DEFAULT_USERS;
    const mechanisms = saslOpts ? (saslOpts.mechanisms ?? ['PLAIN', 'SCRAM-SHA-512']) : [];
    const ssl = sslOpts ? await makeSslMaterial(join(dir, 'ssl')) : undefined;

    const plans: NodePlan[] = [];
    for (let i = 0; i < nodeCount; i++) {
      const id = i + 1;
      const ports: Partial<Record<SecurityProtocol, number>> = {};
      for (const proto of protocols) ports[proto] = await freePort();
      const nodeDir = join(dir, `node-${id}`);
      mkdirSync(nodeDir, { recursive: true });
      plans.push({ id, dir: nodeDir, dataDir: join(nodeDir, 'data'), controllerPort: await freePort(), ports });
    }
    const voters = plans.map((p) => `${p.id}@127.0.0.1:${p.controllerPort}`).join(',');
    const internalRf = String(Math.min(3, nodeCount));

    for (const plan of plans) {
      const listeners = [
        ...protocols.map((proto) => `${proto}://127.0.0.1:${plan.ports[proto]}`),
        `CONTROLLER://127.0.0.1:${plan.controllerPort}`,
      ];
      const props: Record<string, string> = {
        'process.roles': 'broker,controller',
        'node.id': String(plan.id),
        'controller.quorum.voters': voters,
        listeners: listeners.join(','),
        'advertised.listeners': protocols.map((proto) => `${proto}://127.0.0.1:${plan.ports[proto]}`).join(','),
        'inter.broker.listener.name': 'PLAINTEXT',
        'controller.listener.names': 'CONTROLLER',
        'listener.security.protocol.map':
          'CONTROLLER:PLAINTEXT,PLAINTEXT:PLAINTEXT,SSL:SSL,SASL_PLAINTEXT:SASL_PLAINTEXT,SASL_SSL:SASL_SSL',
        'log.dirs': plan.dataDir,
        // stock config/kraft/server.properties values
        'num.network.threads': '3',
        'num.io.threads': '8',
        'num.partitions': '1',
        'num.recovery.threads.per.data.dir': '1',
        'offsets.topic.replication.factor': internalRf,
        'transaction.state.log.replication.factor': internalRf,
        'transaction.state.log.min.isr': '1',
        'log.retention.hours': '168',
        'log.segment.bytes': '1073741824',
        'log.retention.check.interval.ms': '300000',
        // test speed: no 3 s wait before the first rebalance (Kafka's own ZK sample config sets this too)
        'group.initial.rebalance.delay.ms': '0',
      };
      if (version === '4') {
        props['share.coordinator.state.topic.replication.factor'] = internalRf;
        props['share.coordinator.state.topic.min.isr'] = '1';
      }
      if (saslOpts) {
        props['sasl.enabled.mechanisms'] = mechanisms.join(',');
        for (const proto of ['SASL_PLAINTEXT', 'SASL_SSL'] as const) {
          if (!protocols.includes(proto)) continue;
          const ln = proto.toLowerCase();
          if (mechanisms.includes('PLAIN')) {
            const userEntries = Object.entries(users)
              .map(([u, pw]) => `user_${u}="${jaasEscape(pw)}"`)
              .join(' ');
            props[`listener.name.${ln}.plain.sasl.jaas.config`] =
              `org.apache.kafka.common.security.plain.PlainLoginModule required ${userEntries};`;
          }
          for (const m of mechanisms.filter((x) => x.startsWith('SCRAM'))) {
            props[`listener.name.${ln}.${m.toLowerCase()}.sasl.jaas.config`] =
              'org.apache.kafka.common.security.scram.ScramLoginModule required;';
          }
        }
      }
      if (ssl && sslOpts) {
        props['ssl.keystore.location'] = ssl.brokerKeystoreP12;
        props['ssl.keystore.type'] = 'PKCS12';
        props['ssl.keystore.password'] = ssl.password;
        props['ssl.key.password'] = ssl.password;
        props['ssl.truststore.location'] = ssl.truststoreP12;
        props['ssl.truststore.type'] = 'PKCS12';
        props['ssl.truststore.password'] = ssl.password;
        if (protocols.includes('SSL')) props['listener.name.ssl.ssl.client.auth'] = sslOpts.clientAuth ?? 'none';
      }
      for (const [k, v] of Object.entries(opts.overrides ?? {})) props[k] = String(v);
      writeFileSync(join(plan.dir, 'server.properties'), propsText(props));
    }

    // Format every node's storage (in parallel), SCRAM users added at format time.
    const clusterId = randomClusterId();
    const scramArgs: string[] = [];
    for (const m of mechanisms.filter((x) => x.startsWith('SCRAM'))) {
      for (const [u, pw] of Object.entries(users)) scramArgs.push('--add-scram', `${m}=[name=${u},password=${pw}]`);
    }
    const tFormat = Date.now();
    await Promise.all(
      plans.map(async (plan) => {
        const r = await runJava(
          [...jvmBase(version, 256), ...brokerLogArgs(plan.dir), '-cp', classpath, TOOL_MAIN_CLASSES[version]['kafka-storage']],
          ['format', '-t', clusterId, '-c', join(plan.dir, 'server.properties'), ...scramArgs],
          { timeoutMs: 60_000 },
        );
        if (r.code !== 0) throw new Error(`kafka-storage format failed (node ${plan.id}):\n${r.stdout}\n${r.stderr}`);
      }),
    );

    const formatMs = Date.now() - tFormat;
    const tStart = Date.now();
    for (const plan of plans) nodes.push(new NodeImpl(plan, version, classpath, opts.heapMb ?? 512));
    await Promise.all(nodes.map((n) => n.start()));

    const bootstraps: Partial<Record<SecurityProtocol, string>> = {};
    for (const proto of protocols) bootstraps[proto] = plans.map((p) => `127.0.0.1:${p.ports[proto]}`).join(',');
    const bootstrap = bootstraps.PLAINTEXT ?? '';

    const waitForBrokers = async (count?: number, timeoutMs = opts.readyTimeoutMs ?? 90_000): Promise<void> => {
      const want = count ?? nodes.filter((n) => n.running).length;
      const deadline = Date.now() + timeoutMs;
      let last = 'no answer';
      while (Date.now() < deadline) {
        for (const n of nodes) {
          if (n.exited) throw new Error(`Kafka node ${n.id} exited during start:\n${tail(n.logFile)}`);
        }
        const running = nodes.filter((n) => n.running).map((n) => `127.0.0.1:${n.port}`);
        try {
          const seen = await describeBrokers(running);
          if (seen.length === want) return;
          last = `brokers ${JSON.stringify(seen)}`;
        } catch (e) {
          last = String(e);
        }
        await sleep(250);
      }
      throw new Error(`Kafka ${version}: ${want} broker(s) not visible after ${timeoutMs} ms (${last})`);
    };
    await waitForBrokers(nodeCount);
    const startMs = Date.now() - tStart;

    const configCounter = { n: 0 };
    const cluster: KafkaCluster = {
      version,
      release,
      clusterId,
      bootstrap,
      bootstraps,
      nodes,
      dir,
      ssl,
      users,
      saslMechanisms: mechanisms,
      startup: { formatMs, startMs },
      waitForBrokers,
      stop: stopAll,
      clientConfig(protocol, o = {}) {
        const props: Record<string, string> = { 'security.protocol': protocol };
        if (protocol === 'SSL' || protocol === 'SASL_SSL') {
          if (!ssl) throw new Error('cluster started without SSL');
          props['ssl.truststore.location'] = ssl.truststoreP12;
          props['ssl.truststore.type'] = 'PKCS12';
          props['ssl.truststore.password'] = ssl.password;
          if (protocol === 'SSL' && o.clientCert !== false) {
            props['ssl.keystore.location'] = ssl.clientKeystoreP12;
            props['ssl.keystore.type'] = 'PKCS12';
            props['ssl.keystore.password'] = ssl.password;
            props['ssl.key.password'] = ssl.password;
          }
        }
        if (protocol === 'SASL_PLAINTEXT' || protocol === 'SASL_SSL') {
          const mechanism = o.mechanism ?? mechanisms[0] ?? 'PLAIN';
          const user = o.user ?? Object.keys(users)[0] ?? 'admin';
          const pw = users[user] ?? '';
          const module =
            mechanism === 'PLAIN'
              ? 'org.apache.kafka.common.security.plain.PlainLoginModule'
              : 'org.apache.kafka.common.security.scram.ScramLoginModule';
          props['sasl.mechanism'] = mechanism;
          props['sasl.jaas.config'] = `${module} required username="${jaasEscape(user)}" password="${jaasEscape(pw)}";`;
        }
        Object.assign(props, o.extra ?? {});
        const file = join(dir, `client-${protocol.toLowerCase()}-${++configCounter.n}.properties`);
        writeFileSync(file, propsText(props));
        return file;
      },
    };
    return cluster;
  } catch (e) {
    await stopAll().catch(() => undefined);
    throw e;
  }
}

async function describeBrokers(brokers: string[]): Promise<number[]> {
  if (brokers.length === 0) return [];
  const kafka = new kafkajs.Kafka({
    clientId: 'mq-reference-harness',
    brokers,
    logLevel: kafkajs.logLevel.NOTHING,
    connectionTimeout: 2000,
    requestTimeout: 5000,
    retry: { retries: 0 },
  });
  const admin = kafka.admin();
  try {
    await admin.connect();
    const c = await admin.describeCluster();
    return c.brokers.map((b) => b.nodeId).sort((a, b) => a - b);
  } finally {
    await admin.disconnect().catch(() => undefined);
  }
}

class NodeImpl implements KafkaNode {
  readonly id: number;
  readonly port: number;
  readonly controllerPort: number;
  readonly ports: Partial<Record<SecurityProtocol, number>>;
  readonly dir: string;
  readonly logFile: string;
  private child: ChildProcess | undefined;
  /** set when the JVM exits on its own (not through stop()) */
  exited = false;

  constructor(
    plan: NodePlan,
    private readonly version: KafkaVersion,
    private readonly classpath: string,
    private readonly heapMb: number,
  ) {
    this.id = plan.id;
    this.port = plan.ports.PLAINTEXT ?? 0;
    this.controllerPort = plan.controllerPort;
    this.ports = plan.ports;
    this.dir = plan.dir;
    this.logFile = join(plan.dir, 'server.log');
  }

  get running(): boolean {
    return this.child !== undefined && this.child.exitCode === null && this.child.signalCode === null;
  }

  get pid(): number | undefined {
    return this.running ? this.child?.pid : undefined;
  }

  async start(): Promise<void> {
    if (this.running) return;
    this.exited = false;
    const jvm = [
      ...jvmBase(this.version, this.heapMb),
      '-Xms64m',
      ...brokerLogArgs(this.dir),
      '-cp',
      this.classpath,
      'kafka.Kafka',
      join(this.dir, 'server.properties'),
    ];
    const child = spawnGroup('java', jvm, { cwd: this.dir, stdio: ['ignore', 'pipe', 'pipe'] });
    this.child = child;
    // Broker stdout/stderr should be empty with the file logger; keep whatever appears for diagnosis.
    const console: Buffer[] = [];
    child.stdout?.on('data', (b: Buffer) => console.push(b));
    child.stderr?.on('data', (b: Buffer) => console.push(b));
    let stopping = false;
    child.once('exit', () => {
      if (!stopping) this.exited = true;
      if (console.length > 0) {
        try {
          writeFileSync(join(this.dir, `console-${child.pid}.txt`), Buffer.concat(console));
        } catch {
          /* dir already removed */
        }
      }
    });
    this.markStopping = () => {
      stopping = true;
    };
    const deadline = Date.now() + 90_000;
    while (!(await probePort(this.port))) {
      if (!this.running) {
        throw new Error(
          `Kafka ${this.version} node ${this.id} exited during start:\n${Buffer.concat(console).toString()}\n${tail(this.logFile)}`,
        );
      }
      if (Date.now() > deadline) throw new Error(`Kafka node ${this.id}: port ${this.port} never opened`);
      await sleep(100);
    }
  }

  private markStopping: () => void = () => undefined;

  async stop(opts: { graceMs?: number; signal?: 'SIGTERM' | 'SIGKILL' } = {}): Promise<void> {
    const child = this.child;
    if (!child || !this.running) return;
    this.markStopping();
    if (opts.signal === 'SIGKILL') {
      killGroup(child, 'SIGKILL');
      await waitExit(child, 10_000);
    } else {
      await terminate(child, opts.graceMs ?? 30_000);
    }
  }
}

/** Resident set size of a live process in MiB (Linux /proc), undefined if unknown. */
export function rssMb(pid: number | undefined): number | undefined {
  if (pid === undefined) return undefined;
  try {
    const m = /VmRSS:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
    return m?.[1] ? Math.round(Number(m[1]) / 1024) : undefined;
  } catch {
    return undefined;
  }
}
