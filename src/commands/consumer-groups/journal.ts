/**
 * The offset-reset journal: every `--reset-offsets --execute` and `--delete-offsets` appends the
 * committed offsets it replaced, so `--undo-reset` can put them back (no Kafka tool keeps one).
 *
 * One JSON Lines file per cluster, named by its cluster id (KIP-78): `<data-dir>/journal/` for
 * the local broker (the journal goes with its data), `$XDG_STATE_HOME/mq/journal/` (default
 * `~/.local/state/mq/journal/`) for a cluster named with --bootstrap-server, following the XDG
 * base directory rule that state which is not data lives in the state directory.
 *
 *   const j = journalFor(session.target, env, clusterId);
 *   await j.append({ time, group, action: 'reset', offsets: [{ topic, partition, before, after }] });
 */
import { appendFile, mkdir, readFile, rename, writeFile } from 'node:fs/promises';
import { homedir } from 'node:os';
import { join, resolve } from 'node:path';

export interface JournalOffset {
  topic: string;
  partition: number;
  /** The committed offset before the change; null when the partition had none. */
  before: number | null;
  /** The committed offset after it; null when it was deleted. */
  after: number | null;
}

export interface JournalEntry {
  /** ISO-8601, UTC. */
  time: string;
  group: string;
  action: 'reset' | 'delete-offsets';
  offsets: JournalOffset[];
  /** When --undo-reset restored it. */
  undone?: string;
}

/** The journal directory: the local broker's data dir, else the user's state directory. */
export function journalDir(local: { dataDir: string } | undefined, env: NodeJS.ProcessEnv): string {
  if (local) return join(local.dataDir, 'journal');
  const state = env.XDG_STATE_HOME ? resolve(env.XDG_STATE_HOME) : join(env.HOME || homedir(), '.local', 'state');
  return join(state, 'mq', 'journal');
}

export class Journal {
  constructor(readonly file: string) {}

  static in(dir: string, clusterId: string | null): Journal {
    // Kafka's cluster ids are URL-safe base64; anything else is escaped rather than trusted as a path.
    return new Journal(join(dir, `${encodeURIComponent(clusterId ?? 'unknown-cluster')}.jsonl`));
  }

  async read(): Promise<JournalEntry[]> {
    let text: string;
    try {
      text = await readFile(this.file, 'utf8');
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code === 'ENOENT') return [];
      throw err;
    }
    const out: JournalEntry[] = [];
    for (const line of text.split('\n')) {
      if (line.trim() === '') continue;
      try {
        out.push(JSON.parse(line) as JournalEntry);
      } catch {
        // A line cut short by a crash while appending: skip it, keep the rest.
      }
    }
    return out;
  }

  async append(entry: JournalEntry): Promise<void> {
    await mkdir(join(this.file, '..'), { recursive: true });
    await appendFile(this.file, JSON.stringify(entry) + '\n', { mode: 0o600 });
  }

  /** Rewrites the file (temp file, then rename over it: a crash leaves the old or the new one). */
  async replace(entries: readonly JournalEntry[]): Promise<void> {
    const tmp = `${this.file}.tmp`;
    await writeFile(tmp, entries.map((e) => JSON.stringify(e) + '\n').join(''), { mode: 0o600 });
    await rename(tmp, this.file);
  }
}
