/**
 * Brings one Kafka version's jars into the cache, from Maven Central (or MQ_MAVEN_REPO), each
 * checked against the pinned size and SHA-256 before it is renamed into place: a file in the
 * cache is whole and verified, a partial one never has its final name.
 *
 *   const jars = await ensureArtifacts(list, { cacheDir, repo, onProgress });   // absolute paths, classpath order
 *
 * A failed attempt (connection dropped mid-body, wrong size, wrong checksum, an HTTP error) removes
 * its .part file and is tried again, up to `attempts` times; the last failure is the one reported.
 * A version already complete in the cache is not fetched again: nothing touches the network.
 */
import { createHash } from 'node:crypto';
import { createWriteStream } from 'node:fs';
import { mkdir, rename, rm, stat } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { artifactPath, artifactUrl, type Artifact, type ArtifactList } from './artifacts.js';

export interface DownloadProgress {
  doneBytes: number;
  totalBytes: number;
  doneFiles: number;
  totalFiles: number;
}

export interface EnsureOptions {
  /** Root of the jar cache (Maven layout under it, shared by versions). */
  cacheDir: string;
  /** MQ_MAVEN_REPO: a repository to fetch from instead of Maven Central. */
  repo?: string;
  /** Tries per file; default 3. */
  attempts?: number;
  /** Files fetched at once; default 4. */
  parallel?: number;
  /** Told once before the first download (what is missing) and after every chunk. */
  onStart?: (missingFiles: number, missingBytes: number) => void;
  onProgress?: (p: DownloadProgress) => void;
  /** Told once per failed attempt that will be retried. */
  onRetry?: (artifact: Artifact, reason: string) => void;
  /** Injected in tests; the global fetch otherwise. */
  fetchImpl?: typeof fetch;
}

export class DownloadError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'DownloadError';
  }
}

export function cachedPath(cacheDir: string, a: Artifact): string {
  return join(cacheDir, ...artifactPath(a).split('/'));
}

async function sizeOf(file: string): Promise<number | undefined> {
  try {
    return (await stat(file)).size;
  } catch {
    return undefined;
  }
}

/**
 * Returns the jars' paths once every one is in the cache. A cached file is trusted by its size:
 * it only got its name after its SHA-256 matched (hashing ~100 MB on every `up` would cost
 * a second for nothing).
 */
export async function ensureArtifacts(list: ArtifactList, opts: EnsureOptions): Promise<string[]> {
  const paths = list.artifacts.map((a) => cachedPath(opts.cacheDir, a));
  const missing: Artifact[] = [];
  for (const [i, a] of list.artifacts.entries()) {
    if ((await sizeOf(paths[i]!)) !== a.size) missing.push(a);
  }
  if (missing.length === 0) return paths;
  const totalBytes = missing.reduce((n, a) => n + a.size, 0);
  opts.onStart?.(missing.length, totalBytes);
  const progress: DownloadProgress = { doneBytes: 0, totalBytes, doneFiles: 0, totalFiles: missing.length };
  const queue = [...missing];
  const worker = async (): Promise<void> => {
    for (let a = queue.shift(); a; a = queue.shift()) {
      await fetchVerified(a, cachedPath(opts.cacheDir, a), opts, (delta) => {
        progress.doneBytes += delta;
        opts.onProgress?.({ ...progress });
      });
      progress.doneFiles++;
      opts.onProgress?.({ ...progress });
    }
  };
  await Promise.all(Array.from({ length: Math.min(opts.parallel ?? 4, missing.length) }, worker));
  return paths;
}

async function fetchVerified(a: Artifact, dest: string, opts: EnsureOptions, onBytes: (delta: number) => void): Promise<void> {
  const url = artifactUrl(a, opts.repo);
  const attempts = opts.attempts ?? 3;
  const part = `${dest}.part`;
  await mkdir(dirname(dest), { recursive: true });
  let last = '';
  for (let attempt = 1; attempt <= attempts; attempt++) {
    let counted = 0;
    try {
      await fetchOnce(url, part, a, opts.fetchImpl ?? fetch, (n) => {
        counted += n;
        onBytes(n);
      });
      await rename(part, dest);
      return;
    } catch (err) {
      // The bytes of a failed attempt do not count towards the progress shown.
      onBytes(-counted);
      await rm(part, { force: true });
      last = err instanceof DownloadError ? err.message : `${url}: ${(err as Error).message}`;
      if (attempt < attempts) opts.onRetry?.(a, last);
    }
  }
  throw new DownloadError(`Could not download ${a.artifact}-${a.version}.jar after ${attempts} attempts: ${last}`);
}

async function fetchOnce(url: string, part: string, a: Artifact, fetchImpl: typeof fetch, onBytes: (n: number) => void): Promise<void> {
  const res = await fetchImpl(url, { redirect: 'follow', signal: AbortSignal.timeout(120_000) });
  if (!res.ok || !res.body) throw new DownloadError(`${url}: HTTP ${res.status}`);
  const hash = createHash('sha256');
  let size = 0;
  const body = Readable.fromWeb(res.body as import('node:stream/web').ReadableStream<Uint8Array>);
  body.on('data', (chunk: Buffer) => {
    size += chunk.length;
    if (size > a.size) body.destroy(new DownloadError(`${url}: more than the ${a.size} bytes pinned`));
    hash.update(chunk);
    onBytes(chunk.length);
  });
  await pipeline(body, createWriteStream(part));
  if (size !== a.size) throw new DownloadError(`${url}: ${size} bytes instead of ${a.size} (the transfer was cut short)`);
  const got = hash.digest('hex');
  if (got !== a.sha256) throw new DownloadError(`${url}: checksum mismatch (SHA-256 ${got}, expected ${a.sha256})`);
}
