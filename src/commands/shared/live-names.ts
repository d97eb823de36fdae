/**
 * Topic and group names for shell completion (`mq-topics --complete-topics <words typed>`), from
 * the cluster those words point at: --bootstrap-server (or --broker-list), the properties files
 * (--command-config, --consumer.config, --producer.config), $MQ_BOOTSTRAP_SERVER, else the local
 * broker of --data-dir only when it is already running (completing a word never starts one).
 * Every failure, and anything slower than the timeout, yields no names: a completion script
 * must print nothing rather than an error in the middle of the user's line.
 */
import { resolveDataDir } from '../../engine/data-dir.js';
import type { EngineIo } from '../../engine/io.js';
import type { NameKind } from './completion.js';

const CONFIG_FLAGS = new Set(['--command-config', '--consumer.config', '--producer.config']);

export interface NameQuery {
  bootstrapServer?: string;
  dataDir?: string;
  configFiles: string[];
}

/** The connection flags among the words typed (`--flag value` or `--flag=value`); everything else is ignored. */
export function connectionFlags(words: readonly string[]): NameQuery {
  const q: NameQuery = { configFiles: [] };
  for (let i = 0; i < words.length; i++) {
    const w = words[i]!;
    const eq = w.indexOf('=');
    const flag = eq < 0 ? w : w.slice(0, eq);
    const value = () => (eq < 0 ? words[++i] : w.slice(eq + 1));
    if (flag === '--bootstrap-server' || flag === '--broker-list') q.bootstrapServer = value();
    else if (flag === '--data-dir') q.dataDir = value();
    else if (CONFIG_FLAGS.has(flag)) {
      const v = value();
      if (v) q.configFiles.push(v);
    }
  }
  return q;
}

async function fetchNames(kind: NameKind, q: NameQuery, io: EngineIo, timeoutMs: number): Promise<string[]> {
  const { loadClientProperties } = await import('../../engine/client/security.js');
  let bootstrap = q.bootstrapServer ?? (io.env.MQ_BOOTSTRAP_SERVER || undefined);
  for (const f of q.configFiles) bootstrap ??= loadClientProperties(f).get('bootstrap.servers');
  if (bootstrap === undefined) {
    const { findRunningBroker } = await import('../../engine/local-broker.js');
    const broker = await findRunningBroker(resolveDataDir(q.dataDir, io.env));
    if (!broker) return [];
    bootstrap = `${broker.host}:${broker.port}`;
  }
  const { openSession } = await import('../../engine/client/connect.js');
  const session = await openSession({ bootstrapServer: bootstrap, configFiles: q.configFiles, clientId: 'mq-completion', requestTimeoutMs: timeoutMs }, io);
  try {
    const cluster = await session.cluster();
    if (kind === 'topics') {
      const { listTopicNames } = await import('../../engine/client/admin/topics.js');
      return await listTopicNames(cluster);
    }
    const { listGroups } = await import('../../engine/client/admin/groups.js');
    return (await listGroups(cluster)).map((g) => g.groupId).sort();
  } finally {
    await session.close();
  }
}

/** The names, one a line, or '' on any failure or after `timeoutMs`. */
export async function liveNames(kind: NameKind, words: readonly string[], io: EngineIo, timeoutMs = 1000): Promise<string> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<string[]>((resolve) => {
    timer = setTimeout(() => resolve([]), timeoutMs);
    timer.unref();
  });
  const names = fetchNames(kind, connectionFlags(words), io, timeoutMs).catch((): string[] => []);
  try {
    const list = await Promise.race([names, timeout]);
    return list.map((n) => `${n}\n`).join('');
  } finally {
    clearTimeout(timer);
  }
}
