/**
 * Where the local broker keeps its data, and how commands find the broker that runs there.
 * Order: --data-dir, MQ_DATA_DIR, $XDG_DATA_HOME/mq, ~/.local/share/mq.
 */
import { homedir } from 'node:os';
import { join, resolve } from 'node:path';
import { readFile } from 'node:fs/promises';

export function resolveDataDir(flag: string | undefined, env: NodeJS.ProcessEnv): string {
  if (flag) return resolve(flag);
  if (env.MQ_DATA_DIR) return resolve(env.MQ_DATA_DIR);
  if (env.XDG_DATA_HOME) return join(resolve(env.XDG_DATA_HOME), 'mq');
  return join(homedir(), '.local', 'share', 'mq');
}

/** The contents of <data-dir>/broker.json while a broker runs. */
export interface BrokerInfo {
  version: 1;
  pid: number;
  host: string;
  port: number;
  mqVersion: string;
  startedAt: string;
  dataDir: string;
}

export const BROKER_INFO_FILE = 'broker.json';
export const BROKER_LOCK_FILE = 'broker.lock';
export const BROKER_LOG_FILE = 'broker.log';

export async function readBrokerInfo(dataDir: string): Promise<BrokerInfo | null> {
  try {
    const info = JSON.parse(await readFile(join(dataDir, BROKER_INFO_FILE), 'utf8')) as BrokerInfo;
    return typeof info.pid === 'number' && typeof info.port === 'number' ? info : null;
  } catch {
    return null;
  }
}
