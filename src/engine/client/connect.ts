/**
 * Choosing the cluster a command talks to, and opening clients to it.
 *
 *   const session = await openSession({ bootstrapServer, dataDir, configFiles: [path], clientId: 'mq-topics' }, io);
 *   const cluster = await session.cluster();   // our protocol client (cluster.ts)
 *   ... ; await session.close();
 *   try { ... } catch (err) { throw session.error(err) }   // -> ReportableError with one line
 *
 * Target, in order: --bootstrap-server (alias --broker-list), the context --context / MQ_CONTEXT
 * names (contexts.ts), `bootstrap.servers` in the properties files given (--command-config,
 * --producer.config, --consumer.config), MQ_BOOTSTRAP_SERVER, the current context of
 * ~/.config/mq/config (mq-config use-context). When none is given: the local broker of the data directory (--data-dir, MQ_DATA_DIR, XDG default),
 * started in the background if it is not running, with one stderr line saying where and how to
 * stop it. Two commands auto-starting at once share one broker (local-broker.ts holds the lock).
 *
 * A remote address that nobody answers on fails within seconds with
 * `Could not connect to host:port (connection refused). Is a Kafka broker running there? ...`.
 */
import net from 'node:net';
import { homedir } from 'node:os';
import { resolveDataDir, type BrokerInfo } from '../data-dir.js';
import { ReportableError } from '../errors.js';
import type { EngineIo } from '../io.js';
import { Cluster, parseHostPort } from './cluster.js';
import { chooseContext, type ChosenContext } from './contexts.js';
import { DEFAULT_SETUP_TIMEOUT_MS, type ConnectionOptions } from './connection.js';
import { connectionHint, toReportableError, type BootstrapSource } from './errors.js';
import { loadClientProperties, translateSecurity, type SecuritySettings } from './security.js';

export interface SessionOptions {
  /** --bootstrap-server / --broker-list value (comma-separated host:port list). */
  bootstrapServer?: string;
  dataDir?: string;
  /** Properties files (--command-config, --producer.config, ...); later files win per key. */
  configFiles?: readonly string[];
  /** Extra properties (e.g. --producer-property); they win over the files. */
  properties?: ReadonlyMap<string, string>;
  clientId?: string;
  /** --verbose: the client logs connections, requests, answers and retries to stderr. */
  verbose?: boolean;
  /** Request timeout for both clients (default 30 s). */
  requestTimeoutMs?: number;
  /** The flag `bootstrapServer` came from, for the hint when it cannot be reached (default --bootstrap-server). */
  bootstrapFlag?: string;
}

export interface Target {
  /** host:port list. */
  brokers: string[];
  /** True when the user named the cluster; false for the local broker. */
  remote: boolean;
  security: SecuritySettings;
  /** All properties from the files (and `properties`), for tools that pass more on to clients. */
  properties: Map<string, string>;
  /** Set for the local broker. */
  local?: { dataDir: string; broker: BrokerInfo; started: boolean };
  /** Where `brokers` came from (remote targets). */
  source?: BootstrapSource;
}

/**
 * Kafka's ToolsUtils.validateBootstrapServer: every entry must be host:port. Kafka's messages,
 * as usage errors.
 */
export function validateBootstrapServer(value: string): string[] {
  if (value.trim() === '') throw new ReportableError('Error while validating the bootstrap address', { usage: true });
  const list = value.split(',').map((s) => s.trim()).filter((s) => s !== '');
  if (list.length === 0) throw new ReportableError('Error while validating the bootstrap address', { usage: true });
  for (const a of list) {
    try {
      parseHostPort(a);
    } catch {
      throw new ReportableError('Please provide valid host:port like host1:9091,host2:9092', { usage: true });
    }
  }
  return list;
}

function tildify(path: string): string {
  const home = homedir();
  return path === home || path.startsWith(home + '/') ? '~' + path.slice(home.length) : path;
}

/** Decides the target; may start the local broker (printing one line on stderr). */
async function resolveTarget(opts: SessionOptions, io: EngineIo): Promise<Target> {
  const properties = new Map<string, string>();
  /** The last file that sets bootstrap.servers (later files win). */
  let fromFile: string | undefined;
  for (const f of opts.configFiles ?? []) {
    try {
      const file = loadClientProperties(f);
      if (file.has('bootstrap.servers')) fromFile = f;
      for (const [k, v] of file) properties.set(k, v);
    } catch (err) {
      throw toReportableError(err);
    }
  }
  for (const [k, v] of opts.properties ?? []) properties.set(k, v);
  let source: BootstrapSource | undefined;
  let bootstrap: string | undefined;
  // Without --bootstrap-server: a context named by --context / MQ_CONTEXT, bootstrap.servers in the
  // properties, MQ_BOOTSTRAP_SERVER, the current context; then the local broker.
  const context = opts.bootstrapServer === undefined ? chooseContext(io.env) : undefined;
  const useContext = (ctx: ChosenContext) => {
    bootstrap = ctx.bootstrapServer;
    source = { kind: 'context', name: ctx.name, file: ctx.file };
    if (ctx.commandConfig !== undefined) {
      let own: Map<string, string>;
      try {
        own = loadClientProperties(ctx.commandConfig);
      } catch (err) {
        throw toReportableError(err);
      }
      // The context's file is read first: the tool's own files and properties win.
      for (const [k, v] of own) if (!properties.has(k)) properties.set(k, v);
    }
  };
  if (opts.bootstrapServer !== undefined) {
    bootstrap = opts.bootstrapServer;
    source = { kind: 'flag', flag: opts.bootstrapFlag ?? '--bootstrap-server' };
  } else if (context?.explicit) {
    if (!context.local) useContext(context);
  } else if (properties.get('bootstrap.servers') !== undefined) {
    bootstrap = properties.get('bootstrap.servers');
    source = fromFile !== undefined && !opts.properties?.has('bootstrap.servers') ? { kind: 'file', path: fromFile } : { kind: 'flag', flag: 'bootstrap.servers' };
  } else if (io.env.MQ_BOOTSTRAP_SERVER) {
    bootstrap = io.env.MQ_BOOTSTRAP_SERVER;
    source = { kind: 'env', name: 'MQ_BOOTSTRAP_SERVER' };
  } else if (context && !context.local) {
    useContext(context);
  }
  if (bootstrap !== undefined) {
    const brokers = validateBootstrapServer(bootstrap);
    let security: SecuritySettings;
    try {
      security = translateSecurity(properties);
    } catch (err) {
      throw toReportableError(err);
    }
    return { brokers, remote: true, security, properties, source };
  }
  const dataDir = resolveDataDir(opts.dataDir, io.env);
  const { findRunningBroker, startDaemon } = await import('../local-broker.js');
  let broker = await findRunningBroker(dataDir);
  let started = false;
  if (!broker) {
    let daemon;
    try {
      daemon = await startDaemon(dataDir, { env: io.env });
    } catch (err) {
      throw new ReportableError(`Could not start the local mq broker for ${dataDir}: ${err instanceof Error ? err.message : String(err)}`);
    }
    broker = daemon;
    // Two commands may race to start it; only the one whose child won says so.
    started = daemon.startedHere;
    const defaultDir = resolveDataDir(undefined, { ...io.env, MQ_DATA_DIR: undefined });
    const stop = dataDir === defaultDir && !io.env.MQ_DATA_DIR ? 'mq-broker stop' : `mq-broker stop --data-dir ${dataDir}`;
    if (started) io.stderr.write(`Started the local mq broker on ${broker.host}:${broker.port} (data dir ${tildify(dataDir)}); stop it with: ${stop}\n`);
  }
  return {
    brokers: [`${broker.host}:${broker.port}`],
    remote: false,
    security: { protocol: 'PLAINTEXT' },
    properties,
    local: { dataDir, broker, started },
  };
}

/** TCP reachability of at least one bootstrap address, so a dead address fails fast and clearly. */
async function preflight(target: Target, timeoutMs = 3000): Promise<void> {
  let first: Error | undefined;
  for (const a of target.brokers) {
    const { host, port } = parseHostPort(a);
    const err = await new Promise<Error | null>((resolve) => {
      const s = net.connect({ host, port });
      const timer = setTimeout(() => {
        s.destroy();
        resolve(new Error(`Could not connect to ${a} (no answer within ${timeoutMs / 1000} s)`));
      }, timeoutMs);
      s.once('connect', () => {
        clearTimeout(timer);
        s.destroy();
        resolve(null);
      });
      s.once('error', (e: NodeJS.ErrnoException) => {
        clearTimeout(timer);
        s.destroy();
        const reason =
          e.code === 'ECONNREFUSED' ? 'connection refused'
          : e.code === 'ENOTFOUND' || e.code === 'EAI_AGAIN' ? 'unknown host'
          : e.code === 'EHOSTUNREACH' || e.code === 'ENETUNREACH' ? 'host unreachable'
          : e.message;
        resolve(new Error(`Could not connect to ${a} (${reason})`));
      });
    });
    if (!err) return;
    first ??= err;
  }
  const hint = target.remote
    ? ` ${connectionHint(target.source)}`
    : ` The local mq broker stopped answering; restart it with: mq-broker start --daemon --data-dir ${target.local?.dataDir}`;
  throw new ReportableError(`${first!.message}.${hint}`);
}

export class Session {
  private clusterP: Promise<Cluster> | undefined;
  private checked: Promise<void> | undefined;

  constructor(
    readonly target: Target,
    private readonly opts: SessionOptions,
    private readonly io: EngineIo,
  ) {}

  /**
   * How long opening a connection may take (TCP, TLS, the first answer, SASL): --connect-timeout-ms
   * (which reaches the engine as MQ_CONNECT_TIMEOUT_MS), else socket.connection.setup.timeout.ms from
   * the properties, else Kafka's default of 10 s.
   */
  get setupTimeoutMs(): number {
    const given = this.io.env.MQ_CONNECT_TIMEOUT_MS || this.target.properties.get('socket.connection.setup.timeout.ms');
    const n = given === undefined ? NaN : Number(given.trim());
    return Number.isInteger(n) && n > 0 ? n : DEFAULT_SETUP_TIMEOUT_MS;
  }

  /** --verbose lines on stderr. */
  private log(line: string): void {
    this.io.stderr.write(`[mq client] ${line}\n`);
  }

  /** The line announcing a topic the broker created because a client asked for it (issue: a typo creates a topic). */
  private announceCreated(topic: string, partitions: number): void {
    const how = this.target.remote
      ? 'the broker auto-creates topics; auto.create.topics.enable=false in its server.properties turns that off'
      : "mq's local broker auto-creates topics; turn that off with: mq-configs --alter --entity-type brokers --entity-default " +
        '--add-config auto.create.topics.enable=false';
    this.io.stderr.write(`Created topic '${topic}' with ${partitions} partition(s) because it did not exist (${how})\n`);
  }

  /** Fails fast (one line) when no bootstrap address accepts TCP connections. */
  reachable(): Promise<void> {
    return (this.checked ??= preflight(this.target));
  }

  /** Our protocol client, connected to the first bootstrap address that answers. */
  cluster(): Promise<Cluster> {
    this.clusterP ??= (async () => {
      await this.reachable();
      const copts: ConnectionOptions = {
        security: this.target.security,
        clientId: this.opts.clientId ?? 'mq',
        requestTimeoutMs: this.opts.requestTimeoutMs,
        setupTimeoutMs: this.setupTimeoutMs,
        onSlowSetup: this.io.waiting ? (address) => this.io.waiting!(`waiting for ${address} to answer`) : undefined,
        log: this.opts.verbose ? (line) => this.log(line) : undefined,
      };
      try {
        return await Cluster.connect(this.target.brokers, { ...copts, onTopicCreated: (topic, n) => this.announceCreated(topic, n) });
      } catch (err) {
        throw this.error(err);
      }
    })();
    return this.clusterP;
  }

  /** Maps any client failure to a one-line ReportableError (with the local-broker hint for remotes). */
  error(err: unknown): Error {
    return toReportableError(err, { remote: this.target.remote, source: this.target.source });
  }

  async close(): Promise<void> {
    const c = this.clusterP;
    this.clusterP = undefined;
    if (c) {
      try {
        await (await c).close();
      } catch {
        /* never connected */
      }
    }
  }
}

/** Resolves the target (maybe starting the local broker) and returns a session for it. */
export async function openSession(opts: SessionOptions, io: EngineIo): Promise<Session> {
  const target = await resolveTarget(opts, io);
  return new Session(target, opts, io);
}
