/**
 * mq-delete-records: Kafka's kafka-delete-records (DeleteRecordsCommand): moves partitions' log
 * start offsets forward to the offsets in a JSON file.
 */
import { Command } from 'commander';
import { systemIo, type Io } from '../../cli/io.js';
import { runProgram } from '../../cli/run.js';
import { withSharedOptions } from '../shared/tool-program.js';
import { MQ_VERSION } from '../../version.js';
import { addConnectionOptions, addOutputOptions } from '../shared/options.js';
import type { DeleteRecordsOptions } from './run.js';

/** Runs the tool with its options; tests pass their own to see what argv parses to. */
export type Runner = (opts: DeleteRecordsOptions) => Promise<void>;

export function deleteRecordsProgram(io: Io, runner?: Runner): Command {
  const program = new Command('mq-delete-records')
    .description('This tool helps to delete records of the given partitions down to the specified offset.')
    .version(MQ_VERSION, '--version', 'Display the mq version.')
    .helpOption('-h, --help', 'Print usage information.')
    .allowExcessArguments(false);
  addConnectionOptions(program, { configHelp: 'A property file containing configs to be passed to Admin Client.' });
  program.option(
    '--offset-json-file <file>',
    'REQUIRED: The JSON file with offset per partition. The format to use is: {"partitions": [{"topic": "foo", "partition": 1, "offset": 1}], "version":1} '
      + '(offset -1 deletes up to the high watermark)',
  );
  addOutputOptions(program);
  program.action(async (opts: DeleteRecordsOptions) => {
    if (runner) return runner(opts);
    const { runDeleteRecords } = await import('./run.js');
    await runDeleteRecords(opts, io);
  });
  return program;
}

export async function main(argv: string[], io: Io = systemIo()): Promise<number> {
  return runProgram(withSharedOptions(deleteRecordsProgram(io), io), argv, io);
}
