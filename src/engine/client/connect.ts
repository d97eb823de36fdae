/**
 * Choosing the cluster a command talks to, and opening clients to it.
 *
 *   const session = await openSession({ bootstrapServer, dataDir, configFiles: [path], clientId: 'mq-topics' }, io);
 *   const cluster = await session.cluster();   // our protocol client (engine/client/protocol-client.ts)
 *   ... ; await session.close();
 *   try { ... } catch (err) { throw session.error(err) }   // -> CommandError with one line
 *
 * Target, in order: --bootstrap-server (alias --broker-list), `bootstrap.servers` in the properties
 * files given (--command-config, --producer.config, --consumer.config), MQ_BOOTSTRAP_SERVER. When
 * none is given: the local broker of the data directory (--data-dir, MQ_DATA_DIR, XDG default),
 * started in the background if it is not running, with one stderr line saying where and how to
 * stop it. Two commands auto-starting at once share one broker (local-broker.ts holds the lock).
 *
 * A remote address that nobody answers on fails within seconds with
 * `Could not connect to host:port (connection refused). Is a Kafka broker running there? ...`.
 */
import net from 'node:net';
import { homedir } from 'node:os';
import type { Io } from '../../cli/io.js';
import { CommandError, UsageError } from '../../cli/errors.js';
import { resolveDataDir, type BrokerInfo } from '../data-dir.js';
import { Cluster, parseHostPort, type ConnectionOptions } from './protocol-client.js';
import { loadClientProperties, translateSecurity, type SecuritySettings } from './security.js';
import { toCommandError } from './errors.js';

export interface SessionOptions {
  /** --bootstrap-server / --broker-list value (comma-separated host:port list). */
  bootstrapServer?: string;
  dataDir?: string;
  /** Properties files (--command-config, --producer.config, ...); later files win per key. */
  configFiles?: readonly string[];
  /** Extra properties (e.g. --producer-property); they win over the files. */
  properties?: ReadonlyMap<string, string>;
  clientId?: string;
  /** --verbose: accepted by every tool; our protocol client has nothing extra to log today. */
  verbose?: boolean;
  /** Request timeout for both clients (default 30 s). */
  requestTimeoutMs?: number;
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
}

/**
 * Kafka's ToolsUtils.validateBootstrapServer: every entry must be host:port. Kafka's messages,
 * thrown as usage errors.
 */
export function validateBootstrapServer(value: string): string[] {
  if (value.trim() === '') throw new UsageError('Error while validating the bootstrap address');
  const list = value.split(',').map((s) => s.trim()).filter((s) => s !== '');
  if (list.length === 0) throw new UsageError('Error while validating the bootstrap address');
  for (const a of list) {
    try {
      parseHostPort(a);
    } catch {
      throw new UsageError('Please provide valid host:port like host1:9091,host2:9092');
    }
  }
  return list;
}

function tildify(path: string): string {
  const home = homedir();
  return path === home || path.startsWith(home + '/') ? '~' + path.slice(home.length) : path;
}

/** Decides the target; may start the local broker (printing one line on stderr). */
export async function resolveTarget(opts: SessionOptions, io: Io): Promise<Target> {
  const properties = new Map<string, string>();
  for (const f of opts.configFiles ?? []) {
    try {
      for (const [k, v] of loadClientProperties(f)) properties.set(k, v);
    } catch (err) {
      throw toCommandError(err);
    }
  }
  for (const [k, v] of opts.properties ?? []) properties.set(k, v);
  const bootstrap = opts.bootstrapServer ?? properties.get('bootstrap.servers') ?? (io.env.MQ_BOOTSTRAP_SERVER || undefined);
  if (bootstrap !== undefined) {
    const brokers = validateBootstrapServer(bootstrap);
    let security: SecuritySettings;
    try {
      security = translateSecurity(properties);
    } catch (err) {
      throw toCommandError(err);
    }
    return { brokers, remote: true, security, properties };
  }
  const dataDir = resolveDataDir(opts.dataDir, io.env);
  const { findRunningBroker, startDaemon } = await import('../local-broker.js');
  let broker = await findRunningBroker(dataDir);
  let started = false;
  if (!broker) {
    let daemon;
    try {
      daemon = await startDaemon(dataDir);
    } catch (err) {
      throw new CommandError(`Could not start the local mq broker for ${dataDir}: ${(err as Error).message}`);
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
    ? ' Is a Kafka broker running there? Leave out --bootstrap-server to use the local mq broker.'
    : ` The local mq broker stopped answering; restart it with: mq-broker start --daemon --data-dir ${target.local?.dataDir}`;
  throw new CommandError(`${first!.message}.${hint}`);
}

export class Session {
  private clusterP: Promise<Cluster> | undefined;
  private checked: Promise<void> | undefined;

  constructor(
    readonly target: Target,
    private readonly opts: SessionOptions,
    private readonly io: Io,
  ) {}

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
      };
      try {
        return await Cluster.connect(this.target.brokers, copts);
      } catch (err) {
        throw this.error(err);
      }
    })();
    return this.clusterP;
  }

  /** Maps any client failure to a one-line CommandError (with the local-broker hint for remotes). */
  error(err: unknown): Error {
    return toCommandError(err, { remote: this.target.remote });
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
export async function openSession(opts: SessionOptions, io: Io): Promise<Session> {
  const target = await resolveTarget(opts, io);
  return new Session(target, opts, io);
}
