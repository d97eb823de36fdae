/**
 * mq-dashboard: a web dashboard of the cluster every other tool would use (the local broker of
 * the data directory, started when needed, or --bootstrap-server / --context / --command-config),
 * its topics, messages, consumer groups and their lag over time. Prints the URL and serves until
 * SIGINT/SIGTERM. Nothing else loads this code: the other tools start as fast as before.
 */
import { Command } from 'commander';
import { systemIo, type Io } from '../../cli/io.js';
import { runInterruptible } from '../../cli/run.js';
import { MQ_VERSION } from '../../version.js';
import { addConnectionOptions } from '../shared/options.js';
import { withSharedOptions } from '../shared/tool-program.js';
import type { DashboardCliOptions } from './run.js';

export type Runner = (opts: DashboardCliOptions) => Promise<void>;

export function dashboardProgram(io: Io, signal: AbortSignal, runner?: Runner): Command {
  const program = new Command('mq-dashboard')
    .description('A web dashboard of the cluster: brokers, topics, messages, consumer groups and their lag over time.')
    .version(MQ_VERSION, '--version', 'Display the mq version.')
    .helpOption('-h, --help', 'Print usage information.')
    .allowExcessArguments(false);
  addConnectionOptions(program);
  program
    .option('--listen <host:port>', 'address to serve on (beyond loopback needs --auth); a free port when this one is taken', '127.0.0.1:8080')
    .option('--open', 'open the dashboard in the browser')
    .option('--read-only', 'refuse every action (create, delete, produce, reset offsets) on the server')
    .option('--refresh-ms <ms>', 'sampling interval in milliseconds', '2000')
    .option('--auth <token|user:password>', 'require this token (the printed URL carries it) or HTTP Basic user:password');
  program.action(async (opts: DashboardCliOptions) => {
    if (runner) return runner(opts);
    const { runDashboard } = await import('./run.js');
    await runDashboard(opts, io, signal);
  });
  return program;
}

export async function main(argv: string[], io: Io = systemIo(), signal?: AbortSignal): Promise<number> {
  return runInterruptible((sig) => withSharedOptions(dashboardProgram(io, sig), io), argv, io, signal);
}
