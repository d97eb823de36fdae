/**
 * mq-broker start | stop | status: runs and manages the local broker of a data directory.
 */
import { Command, Option } from 'commander';
import { CommandError, ExitCode, UsageError } from '../../cli/errors.js';
import { createOutput } from '../../cli/output.js';
import { systemIo, type Io } from '../../cli/io.js';
import { runProgram } from '../../cli/run.js';
import { resolveDataDir, readBrokerInfo } from '../../engine/data-dir.js';
import { processAlive } from '../../engine/os-process.js';
import { parseKeyValue, PropertiesError, readPropertiesFile } from '../../engine/config/properties.js';
import { MQ_VERSION } from '../../version.js';
import { LOG_LEVELS, type LogLevel } from '../../engine/broker/log-level.js';
import { brokerConfigProblem } from '../../engine/broker/config-defs.js';
import { withSharedOptions } from '../shared/tool-program.js';

const collect = (value: string, previous: string[]): string[] => [...previous, value];

export interface StartOptions {
  dataDir?: string;
  listen?: string;
  override: string[];
  config?: string;
  daemon?: boolean;
  logLevel?: LogLevel;
}

/** What each subcommand runs with; tests pass their own runner to see what argv parses to. */
export type BrokerCommand =
  | { command: 'start'; opts: StartOptions }
  | { command: 'stop'; opts: { dataDir?: string } }
  | { command: 'status'; opts: { dataDir?: string; output?: string } };
export type Runner = (c: BrokerCommand) => Promise<void>;

export function parseListen(listen: string | undefined): { host: string; port: number | undefined } {
  if (!listen) return { host: '127.0.0.1', port: undefined };
  const m = /^(?:\[([^\]]+)\]|([^:]*)):(\d+)$/.exec(listen.replace(/^[A-Z_]+:\/\//, ''));
  if (!m) throw new UsageError(`Invalid --listen '${listen}': expected HOST:PORT, e.g. 127.0.0.1:9092`);
  const port = Number(m[3]);
  if (port > 65535) throw new UsageError(`Invalid --listen '${listen}': port must be 0-65535`);
  return { host: m[1] ?? (m[2] || '127.0.0.1'), port };
}

async function start(opts: StartOptions, io: Io): Promise<void> {
  const dataDir = resolveDataDir(opts.dataDir, io.env);
  const listen = parseListen(opts.listen);
  const overrides = opts.override.map((o) => {
    try {
      return parseKeyValue(o);
    } catch (err) {
      throw new UsageError(`Invalid --override '${o}': expected key=value`);
    }
  });
  const fileProps: [string, string][] = [];
  if (opts.config) {
    // Checked here so a daemon start fails in the terminal, not only in broker.log.
    try {
      fileProps.push(...readPropertiesFile(opts.config));
    } catch (err) {
      if (err instanceof PropertiesError) throw new CommandError(`Cannot read broker properties: ${err.message}`);
      throw err;
    }
  }
  // The effective values (an --override wins over the file), checked as KafkaConfig's ConfigDef does.
  const problem = brokerConfigProblem(new Map([...fileProps, ...overrides]));
  if (problem) throw new CommandError(problem);
  if (opts.daemon) {
    const { startDaemon, findRunningBroker } = await import('../../engine/local-broker.js');
    const running = await findRunningBroker(dataDir);
    if (running) throw new CommandError(`An mq broker is already running for ${dataDir} (pid ${running.pid}, ${running.host}:${running.port})`);
    const info = await startDaemon(dataDir, { env: io.env, listen: opts.listen, overrides: opts.override, config: opts.config, logLevel: opts.logLevel });
    createOutput(io).status(`mq broker started in the background on ${info.host}:${info.port} (pid ${info.pid}, data dir ${dataDir}); stop it with: mq-broker stop --data-dir ${dataDir}`);
    return;
  }
  const { runForeground } = await import('../../engine/broker/run.js');
  await runForeground({ dataDir, host: listen.host, port: listen.port, overrides, configFile: opts.config, logLevel: opts.logLevel, io });
}

async function stop(opts: { dataDir?: string }, io: Io): Promise<void> {
  const dataDir = resolveDataDir(opts.dataDir, io.env);
  const { stopBroker } = await import('../../engine/local-broker.js');
  const info = await stopBroker(dataDir);
  const out = createOutput(io);
  if (!info) {
    out.status(`No mq broker is running for ${dataDir}`);
    return;
  }
  out.status(`Stopped mq broker (pid ${info.pid}, ${info.host}:${info.port})`);
}

async function status(opts: { dataDir?: string; output?: string }, io: Io): Promise<void> {
  const dataDir = resolveDataDir(opts.dataDir, io.env);
  const info = await readBrokerInfo(dataDir);
  const { findRunningBroker } = await import('../../engine/local-broker.js');
  const running = info && processAlive(info.pid) ? await findRunningBroker(dataDir) : null;
  const out = createOutput(io, { format: opts.output });
  if (out.json) out.document({ running: Boolean(running), dataDir, ...(running ?? {}) });
  else if (running) out.line(`mq broker is running on ${running.host}:${running.port} (pid ${running.pid}, version ${running.mqVersion}, data dir ${dataDir})`);
  else out.line(`No mq broker is running for ${dataDir}`);
  if (!running) throw new CommandError('', ExitCode.NOT_RUNNING);
}

export function brokerProgram(io: Io, runner?: Runner): Command {
  const run: Runner =
    runner ??
    ((c) => {
      if (c.command === 'start') return start(c.opts, io);
      if (c.command === 'stop') return stop(c.opts, io);
      return status(c.opts, io);
    });
  const program = new Command('mq-broker')
    .description('Run and manage the local Kafka-compatible broker of a data directory')
    .version(MQ_VERSION, '--version', 'Print the version and exit')
    .helpOption('-h, --help', 'Print usage information');
  const dataDirOption = () => new Option('--data-dir <dir>', 'data directory (default: $MQ_DATA_DIR, $XDG_DATA_HOME/mq or ~/.local/share/mq)');
  program
    .command('start')
    .description('Start the broker (in the foreground unless --daemon)')
    .addOption(dataDirOption())
    .option('--listen <host:port>', 'address to listen on (default: 127.0.0.1:9092, or a free port if 9092 is taken)')
    .option('--config <server.properties>', 'Kafka-style broker properties file')
    .option('--override <key=value>', 'broker property, e.g. num.partitions=3 (repeatable)', collect, [])
    .option('--daemon', 'run in the background; logs go to <data-dir>/broker.log')
    .addOption(
      new Option('--log-level <level>', 'what the broker logs: debug adds every connection opened and closed; info (the default) adds refused requests; warn only problems')
        .choices(LOG_LEVELS),
    )
    .action((opts: StartOptions) => run({ command: 'start', opts }));
  program
    .command('stop')
    .description('Stop the broker running for the data directory')
    .addOption(dataDirOption())
    .action((opts: { dataDir?: string }) => run({ command: 'stop', opts }));
  program
    .command('status')
    .description('Say whether a broker runs for the data directory (exit 3 if not)')
    .addOption(dataDirOption())
    .addOption(new Option('--output <format>', 'output format').choices(['text', 'json']))
    .action((opts: { dataDir?: string; output?: string }) => run({ command: 'status', opts }));
  return program;
}

export async function main(argv: string[], io: Io = systemIo()): Promise<number> {
  return runProgram(withSharedOptions(brokerProgram(io), io), argv, io);
}
