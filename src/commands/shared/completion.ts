/**
 * Shell completion for every tool, generated from its commander definition:
 *
 *   source <(mq-topics --completion bash)      # or: mq-topics --completion zsh > ~/.zfunc/_mq-topics
 *   mq-topics --completion fish | source
 *
 * The scripts complete long options, the values of options with a fixed set (commander choices,
 * plus the table below: codecs, formatter and reader properties, isolation levels, --time
 * specs...), and topic and group names from the broker in use: they run the tool itself as
 * `mq-topics --complete-topics <the words typed so far>`, which reads only the connection flags
 * from those words, asks the cluster with a short timeout, and prints nothing on any failure. It
 * never starts the local broker: completing a word must not start a daemon.
 */
import type { Command, Option } from 'commander';
import { longOptions } from './option-prefixes.js';

export type NameKind = 'topics' | 'groups';

export interface CompletionOption {
  long: string;
  takesValue: boolean;
  description: string;
  /** Fixed values, if any. */
  values: readonly string[];
  /** Live names from the broker. */
  names?: NameKind;
}

export interface CompletionCommand {
  name: string;
  description: string;
  options: CompletionOption[];
}

export interface CompletionSpec {
  tool: string;
  /** The tool's own options (for a tool with subcommands: --help, --version). */
  options: CompletionOption[];
  subcommands: CompletionCommand[];
}

// DefaultMessageFormatter's properties (tools/.../consumer/DefaultMessageFormatter.java, configure).
const FORMATTER_PROPERTIES = [
  'print.timestamp=true',
  'print.key=true',
  'print.offset=true',
  'print.partition=true',
  'print.headers=true',
  'print.value=false',
  'key.separator=',
  'line.separator=',
  'headers.separator=',
  'null.literal=',
  'key.deserializer=',
  'value.deserializer=',
];
// LineMessageReader's properties (tools/.../LineMessageReader.java, configure).
const READER_PROPERTIES = [
  'parse.key=true',
  'key.separator=',
  'parse.headers=true',
  'headers.delimiter=',
  'headers.separator=',
  'headers.key.separator=',
  'null.marker=',
  'ignore.error=true',
];
const CONSUMER_PROPERTIES = ['auto.offset.reset=earliest', 'auto.offset.reset=latest', 'group.id=', 'client.id=', 'isolation.level=read_committed', 'max.poll.records='];
const PRODUCER_PROPERTIES = ['acks=all', 'acks=1', 'acks=0', 'compression.type=', 'linger.ms=', 'batch.size=', 'client.id=', 'enable.idempotence=false'];
const CODECS = ['none', 'gzip', 'snappy', 'lz4', 'zstd'];
const FORMATTERS = [
  'org.apache.kafka.tools.consumer.DefaultMessageFormatter',
  'org.apache.kafka.tools.consumer.LoggingMessageFormatter',
  'org.apache.kafka.tools.consumer.NoOpMessageFormatter',
];

/** Values by option, for every tool. */
const VALUES: Record<string, readonly string[]> = {
  '--compression-codec': CODECS,
  '--isolation-level': ['read_committed', 'read_uncommitted'],
  '--request-required-acks': ['all', '-1', '0', '1'],
  '--formatter': FORMATTERS,
  // get-offsets' OffsetSpec names (GetOffsetShell.parseOffsetSpec).
  '--time': ['latest', 'earliest', 'max-timestamp', 'earliest-local', 'latest-tiered', '-1', '-2', '-3', '-4', '-5'],
  '--entity-type': ['topics', 'brokers', 'groups', 'broker-loggers'],
  // consumer-groups --state / --type filters (ConsumerGroupState, GroupType).
  '--state': ['Stable', 'Empty', 'PreparingRebalance', 'CompletingRebalance', 'Dead', 'Assigning', 'Reconciling'],
  '--type': ['consumer', 'classic'],
};

/** Values that mean different things per tool. */
const TOOL_VALUES: Record<string, Record<string, readonly string[]>> = {
  'mq-console-consumer': {
    '--offset': ['earliest', 'latest'],
    '--property': FORMATTER_PROPERTIES,
    '--formatter-property': FORMATTER_PROPERTIES,
    '--consumer-property': CONSUMER_PROPERTIES,
    '--command-property': CONSUMER_PROPERTIES,
  },
  'mq-console-producer': {
    '--property': READER_PROPERTIES,
    '--reader-property': READER_PROPERTIES,
    '--producer-property': PRODUCER_PROPERTIES,
    '--command-property': PRODUCER_PROPERTIES,
  },
  'mq-producer-perf-test': { '--producer-props': PRODUCER_PROPERTIES, '--command-property': PRODUCER_PROPERTIES },
};

/** Options whose value is a path: zsh and fish offer files for these only (bash falls back to files for any). */
const FILE_LIKE = /\w[-.]config$|file|dir/;

const TOPIC_OPTIONS = new Set(['--topic', '--topics', '--include', '--whitelist']);
const GROUP_OPTIONS = new Set(['--group']);

function shortDescription(o: Option): string {
  const first = o.description.split(/(?<=\.)\s/)[0] ?? '';
  const line = first.replace(/\s+/g, ' ').trim();
  return line.length > 70 ? line.slice(0, 67) + '...' : line;
}

function describeOptions(tool: string, cmd: Command): CompletionOption[] {
  const options: CompletionOption[] = longOptions(cmd)
    .filter((o) => !o.hidden)
    .map((o) => {
      const long = o.long!;
      const takesValue = o.required || o.optional;
      const values = o.argChoices ?? TOOL_VALUES[tool]?.[long] ?? VALUES[long] ?? [];
      const names: NameKind | undefined =
        !takesValue ? undefined
        : TOPIC_OPTIONS.has(long) || (tool === 'mq-configs' && long === '--entity-name') ? 'topics'
        : GROUP_OPTIONS.has(long) ? 'groups'
        : undefined;
      return { long, takesValue, description: shortDescription(o), values, ...(names ? { names } : {}) };
    });
  options.push({ long: '--help', takesValue: false, description: 'Print usage information.', values: [] });
  return options;
}

/** What the scripts complete, read off the commander program. */
export function completionSpec(program: Command): CompletionSpec {
  const tool = program.name();
  return {
    tool,
    options: describeOptions(tool, program),
    subcommands: program.commands.map((c) => ({ name: c.name(), description: c.description(), options: describeOptions(tool, c) })),
  };
}

/** A shell function name from a tool name: mq-topics -> _mq_topics. */
function fn(tool: string): string {
  return '_' + tool.replace(/[^A-Za-z0-9]/g, '_');
}

const sq = (s: string): string => `'${s.replace(/'/g, `'\\''`)}'`;

function bashArms(sub: string, options: readonly CompletionOption[], nameFn: string): string[] {
  return options
    .filter((o) => o.takesValue)
    .map((o) => {
      const vals = o.names ? `"$(${nameFn} --complete-${o.names})"` : sq(o.values.join(' '));
      return `    ${sub}:${o.long}) takes=1; vals=${vals};;`;
    });
}

export function bashScript(spec: CompletionSpec): string {
  const f = fn(spec.tool);
  const names = `${f}_names`;
  const all = (opts: readonly CompletionOption[]) => opts.map((o) => o.long).join(' ');
  const arms = [...bashArms('', spec.options, names), ...spec.subcommands.flatMap((c) => bashArms(c.name, c.options, names))];
  const optionLists = spec.subcommands.length
    ? [
        `    case "$sub" in`,
        ...spec.subcommands.map((c) => `      ${c.name}) opts=${sq(all(c.options))};;`),
        `      *) opts=${sq([...spec.subcommands.map((c) => c.name), ...spec.options.map((o) => o.long)].join(' '))};;`,
        `    esac`,
      ]
    : [`    opts=${sq(all(spec.options))}`];
  return `# bash completion for ${spec.tool}; generated by: ${spec.tool} --completion bash
# Use: source <(${spec.tool} --completion bash)   (or save it into ~/.local/share/bash-completion/completions/${spec.tool})

# Topic or group names from the broker the typed words point at (--bootstrap-server, --command-config, --data-dir...).
${names}() {
  local -a t=()
  command -v timeout >/dev/null 2>&1 && t=(timeout 2)
  "\${t[@]}" "$_mq_tool" "$1" "\${_mq_words[@]:1:\${#_mq_words[@]}-2}" 2>/dev/null
}

${f}() {
  local line="\${COMP_LINE:0:COMP_POINT}" cur prev opt sub="" pre="" vals="" takes="" opts p
  local -a _mq_words
  # Without COMP_LINE (a caller that sets only COMP_WORDS and COMP_CWORD), the words up to the cursor's.
  [[ -z \${COMP_LINE+set} ]] && line="\${COMP_WORDS[*]:0:COMP_CWORD+1}"
  read -ra _mq_words <<< "$line"
  [[ -z $line || $line =~ [[:space:]]$ ]] && _mq_words+=("")
  local n=\${#_mq_words[@]}
  local _mq_tool="\${_mq_words[0]:-${spec.tool}}"
  cur="\${_mq_words[n-1]}"
  prev=""; (( n > 1 )) && prev="\${_mq_words[n-2]}"
${spec.subcommands.length ? '  (( n > 2 )) && sub="${_mq_words[1]}"\n' : ''}  if [[ $cur == --*=* ]]; then opt="\${cur%%=*}"; pre="$opt="; cur="\${cur#*=}"; else opt="$prev"; fi
  case "$sub:$opt" in
${arms.join('\n')}
  esac
  COMPREPLY=()
  if [[ -n $takes || -n $pre ]]; then
    COMPREPLY=($(compgen -W "$vals" -- "$cur"))
    # bash splits words at '=' (COMP_WORDBREAKS): answer for the part after the last '='.
    if [[ $COMP_WORDBREAKS == *=* ]]; then
      [[ $cur == *=* ]] && { p="\${cur%=*}="; COMPREPLY=("\${COMPREPLY[@]#"$p"}"); }
    elif [[ -n $pre ]]; then
      COMPREPLY=("\${COMPREPLY[@]/#/$pre}")
    fi
    [[ \${#COMPREPLY[@]} -eq 1 && \${COMPREPLY[0]} == *= ]] && compopt -o nospace 2>/dev/null
    return 0
  fi
  if [[ $cur == -* || -z $cur${spec.subcommands.length ? ' || n -eq 2' : ''} ]]; then
${optionLists.join('\n')}
    COMPREPLY=($(compgen -W "$opts" -- "$cur"))
  fi
  return 0
}
complete -o default -F ${f} ${spec.tool}
`;
}

/** zsh _arguments text: [ ] : and \\ are special in the description. */
const zdesc = (s: string): string => s.replace(/[\\[\]:']/g, (c) => (c === "'" ? `'\\''` : `\\${c}`));

function zshSpecs(tool: string, options: readonly CompletionOption[]): string[] {
  return options.map((o) => {
    const head = o.takesValue ? `${o.long}=[${zdesc(o.description)}]` : `${o.long}[${zdesc(o.description)}]`;
    if (!o.takesValue) return `'${head}'`;
    const action =
      o.names ? `{_mq_names ${tool} --complete-${o.names}}`
      : o.values.length ? `(${o.values.map((v) => v.replace(/([\\ ()'])/g, '\\$1')).join(' ')})`
      : FILE_LIKE.test(o.long) ? '_files'
      : ' ';
    return `'${head}:${o.long.slice(2)}:${action.replace(/'/g, `'\\''`)}'`;
  });
}

export function zshScript(spec: CompletionSpec): string {
  const f = fn(spec.tool);
  const body = spec.subcommands.length
    ? `  local -a subcommands=(${spec.subcommands.map((c) => `${sq(`${c.name}:${c.description.replace(/:/g, '\\:')}`)}`).join(' ')})
  if (( CURRENT == 2 )); then
    _describe command subcommands
    return
  fi
  case $words[2] in
${spec.subcommands
  .map((c) => `    ${c.name}) _arguments -s \\\n${zshSpecs(spec.tool, c.options).map((s) => `      ${s}`).join(' \\\n')} ;;`)
  .join('\n')}
  esac`
    : `  _arguments -s \\\n${zshSpecs(spec.tool, spec.options).map((s) => `    ${s}`).join(' \\\n')}`;
  return `#compdef ${spec.tool}
# zsh completion for ${spec.tool}; generated by: ${spec.tool} --completion zsh
# Use: ${spec.tool} --completion zsh > "\${fpath[1]}/_${spec.tool}"   (or: source <(${spec.tool} --completion zsh))

# Topic or group names from the broker the typed words point at.
(( $+functions[_mq_names] )) || _mq_names() {
  local tool=$1 flag=$2
  local -a names
  names=(\${(f)"$($tool $flag \${words[2,CURRENT-1]} 2>/dev/null)"})
  compadd -a names
}

${f}() {
${body}
}

if [[ $zsh_eval_context[-1] == loadautofunc ]]; then
  ${f} "$@"
else
  compdef ${f} ${spec.tool}
fi
`;
}

function fishLines(tool: string, options: readonly CompletionOption[], condition?: string): string[] {
  return options.map((o) => {
    const parts = [`complete -c ${tool}`];
    if (condition) parts.push(`-n ${sq(condition)}`);
    parts.push(`-l ${o.long.slice(2)}`);
    if (o.names) parts.push('-x', `-a ${sq(`(__mq_names ${tool} --complete-${o.names})`)}`);
    else if (o.values.length) parts.push('-x', `-a ${sq(o.values.join(' '))}`);
    else if (o.takesValue) parts.push(...(FILE_LIKE.test(o.long) ? ['-r', '-F'] : ['-x']));
    parts.push(`-d ${sq(o.description)}`);
    return parts.join(' ');
  });
}

export function fishScript(spec: CompletionSpec): string {
  const t = spec.tool;
  const lines = spec.subcommands.length
    ? [
        `complete -c ${t} -f`,
        ...spec.subcommands.map((c) => `complete -c ${t} -n __fish_use_subcommand -a ${c.name} -d ${sq(c.description)}`),
        ...fishLines(t, spec.options, '__fish_use_subcommand'),
        ...spec.subcommands.flatMap((c) => fishLines(t, c.options, `__fish_seen_subcommand_from ${c.name}`)),
      ]
    : [`complete -c ${t} -f`, ...fishLines(t, spec.options)];
  return `# fish completion for ${t}; generated by: ${t} --completion fish
# Use: ${t} --completion fish | source   (or save it as ~/.config/fish/completions/${t}.fish)

# Topic or group names from the broker the typed words point at.
function __mq_names
    set -l words (commandline -opc)
    $argv[1] $argv[2] $words[2..-1] 2>/dev/null
end

${lines.join('\n')}
`;
}

export const SHELLS = ['bash', 'zsh', 'fish'] as const;
export type Shell = (typeof SHELLS)[number];

export function completionScript(program: Command, shell: Shell): string {
  const spec = completionSpec(program);
  return shell === 'bash' ? bashScript(spec) : shell === 'zsh' ? zshScript(spec) : fishScript(spec);
}
