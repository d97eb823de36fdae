/**
 * What every tool's program gets on top of its own options (each tool's main hooks it in):
 *
 *   runProgram(withSharedOptions(topicsProgram(io), io), argv, io)
 *
 * - long options by unambiguous prefix, `--zookeeper` refused with a note (option-prefixes.ts);
 * - `--completion bash|zsh|fish`: the completion script (completion.ts);
 * - `--complete-topics` / `--complete-groups` (hidden): names for those scripts (live-names.ts).
 *
 * The completion flags come first on the line and are answered before commander parses it (a
 * partly typed line would not parse). They are options too, so commander knows them; --help
 * lists --completion and hides the other two.
 */
import { type Command, Option } from 'commander';
import type { Io } from '../../cli/io.js';
import { createOutput } from '../../cli/output.js';
import { UsageError } from '../../cli/errors.js';
import { completionScript, SHELLS, type Shell } from './completion.js';
import { liveNames } from './live-names.js';
import { acceptPrefixes } from './option-prefixes.js';

export function withSharedOptions(program: Command, io: Io): Command {
  program
    .addOption(new Option('--completion <shell>', `Print the shell completion script (bash, zsh or fish), e.g. source <(${program.name()} --completion bash)`).choices(SHELLS))
    .addOption(new Option('--complete-topics', 'list topic names for shell completion').hideHelp())
    .addOption(new Option('--complete-groups', 'list group names for shell completion').hideHelp());
  acceptPrefixes(program);
  const parseAsync = program.parseAsync.bind(program);
  program.parseAsync = async (argv, options) => {
    const [first, ...rest] = argv ?? [];
    if (first === '--complete-topics' || first === '--complete-groups') {
      await createOutput(io).write(await liveNames(first === '--complete-topics' ? 'topics' : 'groups', rest, io));
      return program;
    }
    const at = (argv ?? []).findIndex((a) => a === '--completion' || a.startsWith('--completion='));
    if (at >= 0) {
      const flag = argv![at]!;
      const shell = flag === '--completion' ? argv![at + 1] : flag.slice('--completion='.length);
      if (!SHELLS.includes(shell as Shell)) throw new UsageError(`--completion takes one of: ${SHELLS.join(', ')}`);
      await createOutput(io).write(completionScript(program, shell as Shell));
      return program;
    }
    return parseAsync(argv, options);
  };
  return program;
}
