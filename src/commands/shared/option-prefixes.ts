/**
 * Long options by unambiguous prefix, as jopt-simple parses them when abbreviations are allowed
 * (`new OptionParser()`; joptsimple.AbbreviationMap) and as argparse4j does for
 * kafka-producer-perf-test: `mq-topics --describe --top t --partition 3` is `--topic t
 * --partitions 3`. An exact name always wins over the names it prefixes (mq-console-consumer's
 * `--partition` stays `--partition`). commander knows no prefixes, so argv is rewritten before
 * commander reads it; an ambiguous prefix is an error naming the candidates, except that a
 * singular means its plural (`--partition` is `--partitions` though
 * `--partition-size-limit-per-response` shares the prefix: jopt-simple would refuse it), and a
 * prefix of an option that every other candidate extends means that option.
 *
 * Kafka's tools today construct `new OptionParser(false)` (server-common's
 * CommandDefaultOptions: allowCommandOptionAbbreviation defaults to false); mq accepts prefixes
 * for every tool, which accepts everything Kafka accepts and more.
 *
 * `--zookeeper` is refused with a note: Kafka removed it with ZooKeeper (KIP-500), and mq never
 * had one.
 */
import type { Command, Option } from 'commander';
import { UsageError } from '../../cli/errors.js';

/** mq's completion flags: hidden, and never candidates for a prefix (they would make Kafka's prefixes ambiguous). */
export const INTERNAL_FLAGS: ReadonlySet<string> = new Set(['--completion', '--complete-topics', '--complete-groups']);

export const ZOOKEEPER_NOTE =
  'Note: mq does not need ZooKeeper (nor does Kafka since KIP-500): use --bootstrap-server host:port, or leave it out to use the local mq broker.';

/** The long options `cmd` takes (hidden aliases included, mq's completion flags not). */
export function longOptions(cmd: Command): Option[] {
  return cmd.options.filter((o) => o.long !== undefined && !INTERNAL_FLAGS.has(o.long));
}

/** The option a long name or unambiguous prefix means; throws UsageError when ambiguous, undefined when unknown. */
export function resolveLong(names: readonly string[], name: string): string | undefined {
  if (names.includes(name)) return name;
  const candidates = names.filter((n) => n.startsWith(name));
  // The singular of a plural option means the plural even when a longer option shares the prefix:
  // kafka-topics' `--partition 3` is `--partitions 3`, not `--partition-size-limit-per-response`.
  if (candidates.length > 1 && candidates.includes(`${name}s`)) return `${name}s`;
  // When every candidate extends the shortest one, the shortest is meant: `--bootstrap` is
  // `--bootstrap-server`, not mq-topics' own `--bootstrap-server-to`, so mq's additions never make
  // a prefix of Kafka's options ambiguous.
  const shortest = candidates.reduce((a, b) => (b.length < a.length ? b : a), candidates[0] ?? '');
  if (candidates.length > 1 && candidates.every((c) => c.startsWith(shortest))) return shortest;
  if (candidates.length > 1) throw new UsageError(`Option ${name} is ambiguous; possibilities: ${candidates.join(', ')}`);
  return candidates[0];
}

/**
 * argv with each long option written in full. Values of options that take one are left alone
 * (`--topic --parti` names a topic), as is everything after `--`. Unknown options pass through
 * for commander to report.
 */
export function expandPrefixes(cmd: Command, args: readonly string[]): string[] {
  const options = longOptions(cmd);
  const names = [...options.map((o) => o.long!), '--help'];
  const out: string[] = [];
  for (let i = 0; i < args.length; i++) {
    const arg = args[i]!;
    if (arg === '--') {
      out.push(...args.slice(i));
      break;
    }
    if (!arg.startsWith('--')) {
      out.push(arg);
      continue;
    }
    const eq = arg.indexOf('=');
    const name = eq < 0 ? arg : arg.slice(0, eq);
    if (name === '--zookeeper') throw new UsageError(`--zookeeper is not a recognized option\n${ZOOKEEPER_NOTE}`);
    const full = resolveLong(names, name) ?? name;
    out.push(eq < 0 ? full : full + arg.slice(eq));
    const option = options.find((o) => o.long === full);
    if (option?.required && eq < 0 && i + 1 < args.length) out.push(args[++i]!);
  }
  return out;
}

/**
 * Makes `cmd` (and its subcommands) accept prefixes. commander has no hook that runs before it
 * reads options (preAction and preSubcommand come after), so each leaf command's parseOptions is
 * wrapped. A command with subcommands hands unknown options on to them and is left as it is.
 */
export function acceptPrefixes(cmd: Command): Command {
  if (cmd.commands.length > 0) {
    cmd.commands.forEach(acceptPrefixes);
    return cmd;
  }
  const parse = cmd.parseOptions.bind(cmd);
  cmd.parseOptions = (argv: string[]) => parse(expandPrefixes(cmd, argv));
  return cmd;
}
