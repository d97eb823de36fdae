/**
 * `mq-broker start` in the foreground: lock the data directory, start the broker, publish
 * broker.json, and shut down cleanly on SIGINT/SIGTERM.
 */
import { ReportableError } from '../errors.js';
import type { EngineIo } from '../io.js';
import { BrokerLockedError, acquireLock, removeBrokerInfo, writeBrokerInfo } from '../local-broker.js';
import { MQ_VERSION } from '../../version.js';
import { ownPid, shutdownSignal } from '../os-process.js';
import { Broker, streamLogger } from './broker.js';
import type { LogLevel } from './log-level.js';
import { BrokerSettings } from './config.js';
import { brokerConfigProblem } from './config-defs.js';

export interface ForegroundOptions {
  dataDir: string;
  host: string;
  /** undefined: 9092 when free, else any free port. */
  port: number | undefined;
  overrides: [string, string][];
  configFile?: string;
  /** --log-level; without it MQ_DEBUG=1 means debug, as it always has, and otherwise info. */
  logLevel?: LogLevel;
  io: EngineIo;
}

export async function runForeground(opts: ForegroundOptions): Promise<void> {
  let release: () => void;
  try {
    release = acquireLock(opts.dataDir);
  } catch (err) {
    if (err instanceof BrokerLockedError) throw new ReportableError(err.message);
    throw err;
  }
  const logger = streamLogger(opts.io.stderr, opts.logLevel ?? (opts.io.env.MQ_DEBUG ? 'debug' : 'info'));
  let broker: Broker;
  try {
    const settings = BrokerSettings.fromSources(opts.configFile, opts.overrides);
    const problem = brokerConfigProblem(Object.entries(settings.explicit()));
    if (problem) throw new ReportableError(problem);
    const start = (port: number) => Broker.start({ dataDir: opts.dataDir, host: opts.host, port, settings, logger, fsync: settings.bool('mq.fsync', false) });
    if (opts.port === undefined) {
      try {
        broker = await start(9092);
      } catch (err) {
        if ((err as NodeJS.ErrnoException).code !== 'EADDRINUSE') throw err;
        broker = await start(0);
      }
    } else {
      try {
        broker = await start(opts.port);
      } catch (err) {
        if ((err as NodeJS.ErrnoException).code === 'EADDRINUSE') throw new ReportableError(`Cannot listen on ${opts.host}:${opts.port}: the address is already in use`);
        throw err;
      }
    }
  } catch (err) {
    release();
    throw err;
  }
  writeBrokerInfo(opts.dataDir, {
    version: 1,
    pid: ownPid(),
    host: broker.host,
    port: broker.port,
    mqVersion: MQ_VERSION,
    startedAt: new Date().toISOString(),
    dataDir: opts.dataDir,
  });
  logger.info(`mq broker ${MQ_VERSION} listening on ${broker.address} (data dir ${opts.dataDir}, cluster id ${broker.services.clusterId})`);
  logger.info(`received ${await shutdownSignal()}, shutting down`);
  try {
    await broker.close();
    logger.info('shut down cleanly');
  } finally {
    removeBrokerInfo(opts.dataDir);
    release();
  }
}
