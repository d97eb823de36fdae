/**
 * Start the real broker in-process on 127.0.0.1 and a free port, over a temporary data dir.
 *
 *   const b = await startTestBroker();
 *   ... clients connect to b.bootstrap ...
 *   await b.stop();            // closes the broker and removes the temp dir
 *
 * `restart()` closes the broker cleanly and starts it again over the same data dir, on the same
 * port when it is still free (so `bootstrap` usually stays the same); `broker` and `bootstrap`
 * always describe the running instance.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Broker, streamLogger } from '../../src/engine/broker/broker.js';

export interface TestBrokerOptions {
  /** Broker settings (server.properties keys), e.g. `{ 'num.partitions': '3' }`. */
  settings?: Record<string, string>;
  /** Use this data dir (kept on stop) instead of a fresh temporary one (removed on stop). */
  dataDir?: string;
  /** Cap the advertised max version per API key. */
  versionCaps?: Record<number, number>;
}

export interface TestBroker {
  readonly broker: Broker;
  /** `127.0.0.1:<port>` */
  readonly bootstrap: string;
  readonly host: string;
  readonly port: number;
  readonly dataDir: string;
  /** Close the broker (if running) and remove the data dir if this helper created it. Idempotent. */
  stop(): Promise<void>;
  /** Clean close, then start again over the same data dir. Resolves to this same handle. */
  restart(): Promise<TestBroker>;
}

export async function startTestBroker(opts: TestBrokerOptions = {}): Promise<TestBroker> {
  const ownsDir = opts.dataDir === undefined;
  const dataDir = opts.dataDir ?? (await mkdtemp(join(tmpdir(), 'mq-test-broker-')));
  const settings = Object.entries(opts.settings ?? {});
  const boot = (port: number) =>
    // MQ_DEBUG=1 shows the broker's log (internal errors, closed connections) while a test runs.
    Broker.start({ dataDir, host: '127.0.0.1', port, settings, versionCaps: opts.versionCaps, logger: process.env.MQ_DEBUG ? streamLogger(process.stderr, true) : undefined });

  let broker: Broker | undefined;
  try {
    broker = await boot(0);
  } catch (err) {
    if (ownsDir) await rm(dataDir, { recursive: true, force: true });
    throw err;
  }
  let lastPort = broker.port;
  let stopped = false;

  const current = (): Broker => {
    if (!broker) throw new Error('test broker is not running');
    return broker;
  };

  const handle: TestBroker = {
    get broker() {
      return current();
    },
    get bootstrap() {
      return current().address;
    },
    get host() {
      return current().host;
    },
    get port() {
      return current().port;
    },
    dataDir,
    async stop() {
      if (stopped) return;
      stopped = true;
      const b = broker;
      broker = undefined;
      try {
        if (b) await b.close();
      } finally {
        if (ownsDir) await rm(dataDir, { recursive: true, force: true });
      }
    },
    async restart() {
      if (stopped) throw new Error('test broker was stopped');
      const b = broker;
      broker = undefined;
      if (b) await b.close();
      try {
        broker = await boot(lastPort);
      } catch (err) {
        if ((err as NodeJS.ErrnoException).code !== 'EADDRINUSE') throw err;
        broker = await boot(0);
      }
      lastPort = broker.port;
      return handle;
    },
  };
  return handle;
}
