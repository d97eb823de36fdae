/**
 * The jars of one Kafka version, from the cache or downloaded into it, with what the user sees:
 * a progress line redrawn in place on a terminal, one line at the start and at the end otherwise.
 * Nothing is printed when everything is cached already (offline use).
 */
import type { Io } from '../../cli/io.js';
import { CommandError } from '../../cli/errors.js';
import { DownloadError, ensureArtifacts } from './download.js';
import { cacheDir, loadArtifactList, mavenRepo } from './context.js';
import type { ArtifactList } from './artifacts.js';

const mb = (n: number) => (n / 1e6).toFixed(1);

export async function kafkaJars(version: string, io: Io): Promise<{ list: ArtifactList; jars: string[] }> {
  const list = await loadArtifactList(version);
  const cache = cacheDir(io.env);
  const repo = mavenRepo(io.env);
  const tty = Boolean(io.stderr.isTTY) && !io.env.CI;
  let lastDraw = 0;
  let fetched: { files: number; bytes: number } | undefined;
  const started = Date.now();
  try {
    const jars = await ensureArtifacts(list, {
      cacheDir: cache,
      repo,
      onStart: (files, bytes) => {
        fetched = { files, bytes };
        io.stderr.write(`Downloading Apache Kafka ${version} from ${repo ?? 'Maven Central'}: ${files} jars, ${mb(bytes)} MB, into ${cache}\n`);
      },
      onProgress: (p) => {
        if (!tty) return;
        const now = Date.now();
        if (now - lastDraw < 100 && p.doneFiles < p.totalFiles) return;
        lastDraw = now;
        const pct = p.totalBytes ? Math.floor((100 * p.doneBytes) / p.totalBytes) : 100;
        io.stderr.write(`\r\x1b[K  ${pct}%  ${mb(p.doneBytes)}/${mb(p.totalBytes)} MB  (${p.doneFiles}/${p.totalFiles} jars)`);
      },
      onRetry: (a, reason) => {
        io.stderr.write(`${tty ? '\r\x1b[K' : ''}Retrying ${a.artifact}-${a.version}.jar: ${reason}\n`);
      },
    });
    if (fetched) {
      if (tty) io.stderr.write('\r\x1b[K');
      io.stderr.write(`Downloaded and verified ${fetched.files} jars (${mb(fetched.bytes)} MB) in ${((Date.now() - started) / 1000).toFixed(1)} s\n`);
    }
    return { list, jars };
  } catch (err) {
    if (tty) io.stderr.write('\r\x1b[K');
    if (err instanceof DownloadError) throw new CommandError(`${err.message}. Check the network (or MQ_MAVEN_REPO) and run the command again: verified jars are kept.`);
    throw err;
  }
}
