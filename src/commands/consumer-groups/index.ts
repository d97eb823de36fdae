/**
 * mq-consumer-groups: Kafka's kafka-consumer-groups flags. The body (run.ts) loads lazily.
 */
import { Command, Option } from 'commander';
import { systemIo, type Io } from '../../cli/io.js';
import { runProgram } from '../../cli/run.js';
import { collect } from '../shared/options.js';
import { MQ_VERSION } from '../../version.js';
import type { GroupsOptions } from './options.js';
import { withSharedOptions } from '../shared/tool-program.js';

/** Runs the tool with its options; tests pass their own to see what argv parses to. */
export type Runner = (opts: GroupsOptions) => Promise<void>;

export function groupsProgram(io: Io, runner?: Runner): Command {
  return new Command('mq-consumer-groups')
    .description('This tool helps to list all consumer groups, describe a consumer group, delete consumer group info, or reset consumer group offsets.')
    .version(MQ_VERSION, '--version', 'Display mq version.')
    .helpOption('-h, --help', 'Print usage information.')
    .option('--bootstrap-server <servers>', 'The server(s) to connect to (default: $MQ_BOOTSTRAP_SERVER, or the local mq broker)')
    .option('--command-config <file>', 'Property file containing configs to be passed to Admin Client.')
    .option('--data-dir <dir>', 'data directory of the local broker (default: $MQ_DATA_DIR, $XDG_DATA_HOME/mq or ~/.local/share/mq)')
    .option('--list', 'List all consumer groups.')
    .option('--describe', 'Describe consumer group and list offset lag (number of messages not yet processed) related to given group.')
    .option('--delete', 'Pass in groups to delete topic partition offsets and ownership information over the entire consumer group.')
    .option('--reset-offsets', 'Reset offsets of consumer group. Supports one consumer group at the time, and instances should be inactive.')
    .option('--delete-offsets', 'Delete offsets of consumer group. Supports one consumer group at the time, and multiple topics.')
    .option('--undo-reset', 'mq: restore the offsets the newest --reset-offsets --execute or --delete-offsets of --group replaced (with --dry-run: only show them).')
    .option('--reset-history', 'mq: list the journal of offset resets and deletions (of --group, or of every group).')
    .option('--group <group>', 'The consumer group we wish to act on (repeatable).', collect, [])
    .option('--all-groups', 'Apply to all consumer groups.')
    .option('--topic <topic>', 'The topic whose consumer group information should be deleted or reset: t or t:0,1,2 (repeatable).', collect, [])
    .option('--all-topics', 'Consider all topics assigned to a group in the reset-offsets process.')
    .option('--timeout <ms>', 'The timeout that can be set for some use cases (default: 5000).')
    .option('--members', 'Describe members of the group.')
    .option('--offsets', 'Describe the group and list all topic partitions in the group along with their offset lag. This is the default sub-action.')
    .option('--state [states]', 'With --describe: the group state. With --list: show the state and filter by the given states (comma-separated).')
    .option('--type [types]', 'With --list: show the group type and filter by the given types (consumer, classic).')
    .option('--verbose', 'Provide additional information, if any, when describing the group (the member assignments).')
    .option('--dry-run', 'Only show results without executing changes on Consumer Groups.')
    .option('--execute', 'Execute operation.')
    .option('--export', 'Export operation execution to a CSV file.')
    .option('--to-earliest', 'Reset offsets to earliest offset.')
    .option('--to-latest', 'Reset offsets to latest offset.')
    .option('--to-current', 'Reset offsets to current offset.')
    .option('--to-offset <offset>', 'Reset offsets to a specific offset.')
    .option('--shift-by <n>', 'Reset offsets shifting current offset by n, where n can be positive or negative.')
    .option('--to-datetime <datetime>', "Reset offsets to offset from datetime. Format: 'YYYY-MM-DDTHH:mm:SS.sss'")
    .option('--by-duration <duration>', "Reset offsets to offset by duration from current timestamp. Format: 'PnDTnHnMnS'")
    .option('--from-file <file>', 'Reset offsets to values defined in CSV file.')
    .addOption(new Option('--output <format>', "output format: 'text' (Kafka's) or 'json' (list, describe, reset, delete, delete-offsets, undo-reset, reset-history)").choices(['text', 'json']).default('text'))
    .option('--no-color', 'never use colour (also NO_COLOR=1)')
    .action(async (opts: GroupsOptions) => {
      if (runner) return runner(opts);
      const { run } = await import('./run.js');
      await run(opts, io);
    });
}

export async function main(argv: string[], io: Io = systemIo()): Promise<number> {
  return runProgram(withSharedOptions(groupsProgram(io), io), argv, io);
}
