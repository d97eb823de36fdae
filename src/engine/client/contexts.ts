/**
 * Named clusters ("contexts", as kubectl, kafkactl and rpk call them): a bootstrap list and an
 * optional client properties file under a name, and which one is current.
 *
 *   const file = contextsFile(io.env);                  // $XDG_CONFIG_HOME/mq/config or ~/.config/mq/config
 *   const cfg = readContexts(file);                     // { currentContext?, contexts: { prod: {...} } }
 *   await writeContexts(file, { ...cfg, currentContext: 'prod' });
 *   const chosen = chooseContext(io.env);               // MQ_CONTEXT (--context), else the current one
 *
 * The file is JSON, written atomically (temp file, fsync, rename):
 *   {"currentContext": "prod", "contexts": {"prod": {"bootstrapServer": "k1:9092", "commandConfig": "/etc/kafka/client.properties"}}}
 */
import { mkdirSync, readFileSync } from 'node:fs';
import { homedir } from 'node:os';
import { dirname, join } from 'node:path';
import { ReportableError } from '../errors.js';
import { writeJsonAtomic } from '../log/atomic-file.js';

export interface ClusterContext {
  bootstrapServer: string;
  /** A client properties file (security.protocol, sasl.*, ssl.*), as --command-config. */
  commandConfig?: string;
}

export interface ContextsConfig {
  currentContext?: string;
  contexts: Record<string, ClusterContext>;
}

/** $XDG_CONFIG_HOME/mq/config, else ~/.config/mq/config (the XDG base directory default). */
export function contextsFile(env: NodeJS.ProcessEnv): string {
  const base = env.XDG_CONFIG_HOME && env.XDG_CONFIG_HOME.startsWith('/') ? env.XDG_CONFIG_HOME : join(env.HOME || homedir(), '.config');
  return join(base, 'mq', 'config');
}

/** The file's contents; an absent file is no contexts. A file that is not ours fails with one line. */
export function readContexts(file: string): ContextsConfig {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return { contexts: {} };
    throw new ReportableError(`Cannot read ${file}: ${(err as Error).message}`);
  }
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch (err) {
    throw new ReportableError(`${file} is not valid JSON: ${(err as Error).message}`);
  }
  const bad = () => new ReportableError(`${file} is not an mq config file (expected {"currentContext": ..., "contexts": {NAME: {"bootstrapServer": ...}}})`);
  if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) throw bad();
  const { currentContext, contexts } = parsed as { currentContext?: unknown; contexts?: unknown };
  if (currentContext !== undefined && typeof currentContext !== 'string') throw bad();
  if (contexts !== undefined && (typeof contexts !== 'object' || contexts === null || Array.isArray(contexts))) throw bad();
  const out: ContextsConfig = { contexts: {} };
  if (currentContext !== undefined) out.currentContext = currentContext;
  for (const [name, c] of Object.entries((contexts ?? {}) as Record<string, unknown>)) {
    const ctx = c as { bootstrapServer?: unknown; commandConfig?: unknown } | null;
    if (typeof ctx !== 'object' || ctx === null || typeof ctx.bootstrapServer !== 'string') throw bad();
    if (ctx.commandConfig !== undefined && typeof ctx.commandConfig !== 'string') throw bad();
    out.contexts[name] = { bootstrapServer: ctx.bootstrapServer, ...(ctx.commandConfig !== undefined ? { commandConfig: ctx.commandConfig } : {}) };
  }
  return out;
}

export async function writeContexts(file: string, config: ContextsConfig): Promise<void> {
  mkdirSync(dirname(file), { recursive: true });
  await writeJsonAtomic(file, config);
}

/** The built-in context: mq's local broker of the data directory, as with no cluster named at all. */
export const LOCAL_CONTEXT = 'local';

export interface ChosenContext extends ClusterContext {
  name: string;
  file: string;
  /** Named by --context / MQ_CONTEXT, rather than being the current context. */
  explicit: boolean;
  /** The built-in 'local' context (unless the file defines one of that name): bootstrapServer is empty. */
  local: boolean;
}

/**
 * The context a command uses: the one MQ_CONTEXT names (--context sets it), else the current one;
 * undefined when neither. 'local' is built in (mq's local broker). An unknown name fails with one line.
 */
export function chooseContext(env: NodeJS.ProcessEnv): ChosenContext | undefined {
  const file = contextsFile(env);
  const named = env.MQ_CONTEXT || undefined;
  const cfg = readContexts(file);
  const name = named ?? cfg.currentContext;
  if (name === undefined) return undefined;
  const ctx = cfg.contexts[name];
  if (!ctx && name === LOCAL_CONTEXT) return { name, file, explicit: named !== undefined, local: true, bootstrapServer: '' };
  if (!ctx) {
    throw new ReportableError(
      named !== undefined
        ? `No context '${name}' in ${file}; mq-config list-contexts shows the contexts there`
        : `The current context '${name}' is not in ${file}; choose another with mq-config use-context`,
    );
  }
  return { name, file, explicit: named !== undefined, local: false, ...ctx };
}
