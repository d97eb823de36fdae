/**
 * mq-config's actions: read the contexts file, change it, print it (engine/client/contexts.ts).
 */
import { resolve } from 'node:path';
import { CommandError, UsageError } from '../../cli/errors.js';
import type { Io } from '../../cli/io.js';
import { createOutput, kafkaTable } from '../../cli/output.js';
import { validateBootstrapServer } from '../../engine/client/connect.js';
import { contextsFile, LOCAL_CONTEXT, readContexts, writeContexts } from '../../engine/client/contexts.js';

export async function setContext(name: string, opts: { bootstrapServer: string; commandConfig?: string }, io: Io): Promise<void> {
  if (name.trim() === '') throw new UsageError('A context needs a name');
  validateBootstrapServer(opts.bootstrapServer);
  const file = contextsFile(io.env);
  const cfg = readContexts(file);
  const existed = name in cfg.contexts;
  // A relative properties path is kept absolute: the tools run from any directory.
  cfg.contexts[name] = { bootstrapServer: opts.bootstrapServer, ...(opts.commandConfig !== undefined ? { commandConfig: resolve(opts.commandConfig) } : {}) };
  await writeContexts(file, cfg);
  createOutput(io).status(`${existed ? 'Replaced' : 'Added'} context '${name}' (${opts.bootstrapServer}).${cfg.currentContext === undefined ? ` Use it with: mq-config use-context ${name}` : ''}`);
}

export async function useContext(name: string, io: Io): Promise<void> {
  const file = contextsFile(io.env);
  const cfg = readContexts(file);
  if (!(name in cfg.contexts) && name !== LOCAL_CONTEXT) {
    throw new CommandError(`No context '${name}' in ${file}; mq-config list-contexts shows the contexts there`);
  }
  cfg.currentContext = name;
  await writeContexts(file, cfg);
  createOutput(io).status(`Switched to context '${name}'.`);
}

export async function deleteContext(name: string, io: Io): Promise<void> {
  const file = contextsFile(io.env);
  const cfg = readContexts(file);
  if (!(name in cfg.contexts)) throw new CommandError(`No context '${name}' in ${file}`);
  delete cfg.contexts[name];
  const wasCurrent = cfg.currentContext === name;
  if (wasCurrent) delete cfg.currentContext;
  await writeContexts(file, cfg);
  createOutput(io).status(`Deleted context '${name}'.${wasCurrent ? ' No context is current now.' : ''}`);
}

export async function listContexts(opts: { output?: string; color?: boolean }, io: Io): Promise<void> {
  const cfg = readContexts(contextsFile(io.env));
  const out = createOutput(io, { format: opts.output, color: opts.color });
  const names = Object.keys(cfg.contexts).sort();
  const local = LOCAL_CONTEXT in cfg.contexts ? [] : [LOCAL_CONTEXT];
  if (out.json) {
    out.document({
      currentContext: cfg.currentContext ?? null,
      contexts: [
        ...local.map((n) => ({ name: n, current: n === cfg.currentContext, bootstrapServer: null, commandConfig: null })),
        ...names.map((n) => {
          const c = cfg.contexts[n]!;
          return { name: n, current: n === cfg.currentContext, bootstrapServer: c.bootstrapServer, commandConfig: c.commandConfig ?? null };
        }),
      ],
    });
    return;
  }
  const mark = (n: string) => (n === cfg.currentContext ? '*' : '');
  const rows = [
    ...local.map((n) => [mark(n), n, "(mq's local broker)", '']),
    ...names.map((n) => [mark(n), n, cfg.contexts[n]!.bootstrapServer, cfg.contexts[n]!.commandConfig ?? '']),
  ];
  const table = kafkaTable(['CURRENT', 'NAME', 'BOOTSTRAP SERVERS', 'COMMAND CONFIG'], rows, { header: (t) => out.colors.out.bold(t) });
  out.lines(table.split('\n').map((l) => l.trimEnd()));
}

export async function currentContext(io: Io): Promise<void> {
  const file = contextsFile(io.env);
  const cfg = readContexts(file);
  if (cfg.currentContext === undefined) throw new CommandError(`No current context in ${file}; set one with mq-config use-context NAME`);
  createOutput(io).line(cfg.currentContext);
}
