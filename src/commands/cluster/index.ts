/**
 * mq-cluster: a multi-node Apache Kafka (KRaft) cluster on this machine, from Kafka's own jars
 * (downloaded once from Maven Central, checked against pinned SHA-256s), for what mq's one-node
 * broker does not do: replication, failover, ISR.
 *
 *   mq-cluster up [--brokers 3] [--kafka-version V] [--base-port 29092]
 *   mq-cluster status [--output json] | stop-node N | start-node N | kill-node N | logs N | down [--purge]
 *
 * Only the chosen action's module is loaded, so --help answers without reading any of it.
 */
import { Command, Option } from 'commander';
import { systemIo, type Io } from '../../cli/io.js';
import { runProgram } from '../../cli/run.js';
import { MQ_VERSION } from '../../version.js';
import { withSharedOptions } from '../shared/tool-program.js';
import { SUPPORTED_KAFKA_VERSIONS } from './artifacts.js';

const dataDirOption = () => new Option('--data-dir <dir>', 'data directory; the cluster lives in <data-dir>/cluster (default: $MQ_DATA_DIR, $XDG_DATA_HOME/mq or ~/.local/share/mq)');
const timeoutOption = () => new Option('--timeout-ms <ms>', 'how long to wait for the brokers to register (default 120000)');

/** `signal` ends `logs --follow` in tests; from a terminal Ctrl-C (SIGINT) or SIGTERM does. */
export function clusterProgram(io: Io, signal?: AbortSignal): Command {
  const actions = () => import('./actions.js');
  const program = new Command('mq-cluster')
    .description('Run a multi-node Apache Kafka cluster (KRaft) on this machine, no Docker: replication and failover for the mq tools to use')
    .version(MQ_VERSION, '--version', 'Print the version and exit')
    .helpOption('-h, --help', 'Print usage information');
  program
    .command('up')
    .description('Start the cluster (download Kafka the first time), wait until every broker answers, print the bootstrap servers; again: report the running cluster')
    .option('--brokers <n>', 'number of nodes, each broker and controller (1-9)', undefined)
    .option('--kafka-version <version>', `Apache Kafka version: ${SUPPORTED_KAFKA_VERSIONS.join(', ')}, or a line like 3.9 or 4 (default: the newest)`)
    .option('--base-port <port>', 'broker port of node 1; node N listens on base+N-1, its controller on base+100+N-1 (default 29092)')
    .option('--heap-mb <mb>', 'heap of each node (-Xmx; default 256)')
    .addOption(timeoutOption())
    .addOption(dataDirOption())
    .action(async (opts: import('./actions.js').UpOptions) => (await actions()).up(opts, io));
  program
    .command('status')
    .description('Nodes up or down (pid, port), the controller, under-replicated and offline partitions; exit 3 when there is no cluster')
    .addOption(new Option('--output <format>', "output format: 'text' or 'json'").choices(['text', 'json']).default('text'))
    .addOption(dataDirOption())
    .action(async (opts: { dataDir?: string; output?: string }) => (await actions()).status(opts, io));
  program
    .command('stop-node')
    .argument('<n>', 'node number (1 to the number of brokers)')
    .description('Stop node N gracefully (SIGTERM: Kafka moves its leaderships first), SIGKILL after 30 s')
    .addOption(dataDirOption())
    .action(async (n: string, opts: { dataDir?: string }) => (await actions()).stopNodeAction(n, opts, io));
  program
    .command('start-node')
    .argument('<n>', 'node number')
    .description('Start node N again with its data, and wait until it registers')
    .addOption(timeoutOption())
    .addOption(dataDirOption())
    .action(async (n: string, opts: { dataDir?: string; timeoutMs?: string }) => (await actions()).startNodeAction(n, opts, io));
  program
    .command('kill-node')
    .argument('<n>', 'node number')
    .description('Kill node N at once (SIGKILL), as a crash would: watch the other nodes take over its partitions')
    .addOption(dataDirOption())
    .action(async (n: string, opts: { dataDir?: string }) => (await actions()).killNodeAction(n, opts, io));
  program
    .command('logs')
    .argument('<n>', 'node number')
    .description("Print node N's log (server.log, after anything the JVM printed before logging started)")
    .option('--tail <lines>', 'only the last lines (default: all)')
    .option('-f, --follow', 'keep printing what the node logs, until Ctrl-C')
    .addOption(dataDirOption())
    .action(async (n: string, opts: { dataDir?: string; tail?: string; follow?: boolean }) => (await actions()).logs(n, opts, io, signal));
  program
    .command('down')
    .description('Stop every node (SIGTERM, SIGKILL after 30 s); the data stays for the next up unless --purge')
    .option('--purge', 'also remove <data-dir>/cluster: configs, topics, logs (the downloaded jars stay cached)')
    .addOption(dataDirOption())
    .action(async (opts: { dataDir?: string; purge?: boolean }) => (await actions()).down(opts, io));
  program
    .command('fetch')
    .description('Download and verify the jars of a Kafka version into the cache without starting anything (for offline use later)')
    .option('--kafka-version <version>', 'as for up')
    .action(async (opts: { kafkaVersion?: string }) => (await actions()).fetchAction(opts, io));
  return program;
}

export async function main(argv: string[], io: Io = systemIo(), signal?: AbortSignal): Promise<number> {
  return runProgram(withSharedOptions(clusterProgram(io, signal), io), argv, io);
}
