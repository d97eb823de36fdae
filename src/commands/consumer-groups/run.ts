/**
 * mq-consumer-groups: --list, --describe (offsets, members, state), --reset-offsets, --delete,
 * --delete-offsets, one module per action (as Kafka's ConsumerGroupCommand has one method each),
 * over engine/client/admin/groups.ts and the consumers' offset functions.
 *
 * Text output is Kafka's (views.ts). Unlike Kafka, which exits 0 after most runtime failures,
 * every failure here (missing group, active group on reset, failed deletion, ...) ends with a
 * non-zero exit code after the same text. Kafka prints its "Error: ..." lines for a missing or
 * active group and for failed deletions on stdout; mq prints them on stderr, so stdout holds
 * only the tables. --undo-reset and --reset-history are mq's own (journal.ts).
 */
import { readFileSync } from 'node:fs';
import type { Io } from '../../cli/io.js';
import { CommandError, ExitCode, UsageError } from '../../cli/errors.js';
import { createOutput } from '../../cli/output.js';
import { openSession } from '../../engine/client/connect.js';
import { clusterId } from '../../engine/client/admin/groups.js';
import type { Ctx } from './context.js';
import { deleteGroups } from './delete.js';
import { deleteOffsets } from './delete-offsets.js';
import { Journal, journalDir } from './journal.js';
import { resetHistory } from './reset-history.js';
import { undoReset } from './undo-reset.js';
import { describe } from './describe.js';
import { list } from './list.js';
import { checkArgs, parseList, scenarioFrom, STATES, TYPES, type GroupsOptions } from './options.js';
import { ResetError, type Scenario } from './reset.js';
import { resetOffsets } from './reset-offsets.js';

export async function run(o: GroupsOptions, io: Io): Promise<void> {
  const action = checkArgs(o);
  const states = action === 'list' ? parseList(o.state, STATES, 'state') : [];
  const types = action === 'list' ? parseList(o.type, TYPES, 'type') : [];
  let timeoutMs = 5000;
  if (o.timeout !== undefined) {
    if (!/^\d+$/.test(o.timeout.trim())) throw new UsageError(`Invalid value '${o.timeout}' for option --timeout: not a non-negative integer`);
    timeoutMs = Number(o.timeout);
  }
  let scenario: Scenario | undefined;
  let fileText: string | undefined;
  if (action === 'resetOffsets') {
    const s = scenarioFrom(o, Date.now());
    if (s.kind === 'from-file-pending') {
      try {
        fileText = readFileSync(s.path, 'utf8');
      } catch (err) {
        throw new CommandError(`Could not read the reset file ${s.path}: ${(err as NodeJS.ErrnoException).code === 'ENOENT' ? 'No such file or directory' : (err as Error).message}`);
      }
    } else scenario = s;
    if (o.group?.some((g) => g.trim() === '')) throw new UsageError('The group id must not be empty');
  }
  const out = createOutput(io, { format: o.output, color: o.color });
  if (action === 'resetOffsets' && !o.dryRun && !o.execute) {
    out.status(
      'WARN: No action will be performed as the --execute option is missing.In a future major release, the default behavior of this command will be to prompt the user before executing the reset rather than doing a dry run. You should add the --dry-run option explicitly if you are scripting this command and want to keep the current default behavior without prompting.',
    );
  }
  const session = await openSession(
    { bootstrapServer: o.bootstrapServer, dataDir: o.dataDir, configFiles: o.commandConfig ? [o.commandConfig] : [], clientId: 'mq-consumer-groups', requestTimeoutMs: Math.max(timeoutMs, 1000) },
    io,
  );
  const header = out.colors.out.level > 0 ? (t: string) => out.colors.out.bold(t) : undefined;
  let failed: boolean;
  try {
    const cluster = await session.cluster();
    let journal: Promise<Journal> | undefined;
    const ctx: Ctx = {
      cluster,
      out,
      failed: false,
      env: io.env,
      header,
      journal: () => (journal ??= clusterId(cluster).then((id) => Journal.in(journalDir(session.target.local, io.env), id))),
    };
    switch (action) {
      case 'list':
        await list(ctx, o, states, types);
        break;
      case 'describe':
        await describe(ctx, o);
        break;
      case 'resetOffsets':
        await resetOffsets(ctx, o, scenario, fileText);
        break;
      case 'delete':
        await deleteGroups(ctx, o);
        break;
      case 'deleteOffsets':
        await deleteOffsets(ctx, o);
        break;
      case 'undoReset':
        await undoReset(ctx, o);
        break;
      case 'resetHistory':
        await resetHistory(ctx, o);
        break;
    }
    failed = ctx.failed;
  } catch (err) {
    if (err instanceof ResetError) throw new CommandError(`\nError: ${err.message}`.trimStart());
    throw session.error(err);
  } finally {
    await session.close();
  }
  if (failed) throw new CommandError('', ExitCode.FAILURE);
}
