// mq-cluster's downloader against a real HTTP server on loopback standing in for Maven Central
// (MQ_MAVEN_REPO's path): corrupted bytes and a transfer cut mid-body are caught and retried, a
// persistent mismatch leaves nothing under the final name, and a cached version is not fetched.
import { createHash, randomBytes } from 'node:crypto';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { MAVEN_CENTRAL, artifactPath, type ArtifactList } from '../../../src/commands/cluster/artifacts.js';
import { cachedPath, DownloadError, ensureArtifacts } from '../../../src/commands/cluster/download.js';

const jar = (name: string, size: number) => {
  const bytes = randomBytes(size);
  const a = { group: 'org.example', artifact: name, version: '1.0' };
  return {
    bytes,
    artifact: { ...a, url: `${MAVEN_CENTRAL}/${artifactPath(a)}`, sha256: createHash('sha256').update(bytes).digest('hex'), size },
  };
};

const A = jar('alpha', 300_000);
const B = jar('beta', 50_000);
const list: ArtifactList = { kafka: '4.4.0', logging: 'log4j2', artifacts: [A.artifact, B.artifact] };
const byPath = new Map([A, B].map((j) => [`/maven2/${artifactPath(j.artifact)}`, j.bytes]));

/** What the server does to the next request for a path: once, then it serves the file. */
type Fault = 'corrupt' | 'cut' | 'always-corrupt';
const faults = new Map<string, Fault>();
const requests: string[] = [];

let server: Server;
let repo: string;
const cacheDirs: string[] = [];
const newCache = () => {
  const d = mkdtempSync(join(tmpdir(), 'mq-cluster-cache-'));
  cacheDirs.push(d);
  return d;
};

beforeAll(async () => {
  server = createServer((req, res) => {
    const path = req.url ?? '';
    requests.push(path);
    const body = byPath.get(path);
    if (!body) {
      res.writeHead(404).end();
      return;
    }
    const fault = faults.get(path);
    if (fault !== 'always-corrupt') faults.delete(path);
    res.writeHead(200, { 'content-length': body.length });
    if (fault === 'corrupt' || fault === 'always-corrupt') {
      const bad = Buffer.from(body);
      bad[1000] = bad[1000]! ^ 0xff;
      res.end(bad);
    } else if (fault === 'cut') {
      // Half the body, then the connection drops, as a network failure would.
      res.write(body.subarray(0, body.length >> 1), () => res.socket?.destroy());
    } else res.end(body);
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  repo = `http://127.0.0.1:${(server.address() as AddressInfo).port}/maven2`;
});

afterAll(async () => {
  await new Promise<void>((r) => server.close(() => r()));
  cacheDirs.forEach((d) => rmSync(d, { recursive: true, force: true }));
});

afterEach(() => {
  faults.clear();
  requests.length = 0;
});

const files = (root: string): string[] =>
  readdirSync(root, { recursive: true, withFileTypes: true }).filter((e) => e.isFile()).map((e) => join(e.parentPath, e.name));

describe('ensureArtifacts', () => {
  it('downloads every jar into the Maven layout, verified, with progress', async () => {
    const cache = newCache();
    const seen: number[] = [];
    const paths = await ensureArtifacts(list, { cacheDir: cache, repo, onProgress: (p) => seen.push(p.doneBytes) });
    expect(paths).toEqual([cachedPath(cache, A.artifact), cachedPath(cache, B.artifact)]);
    expect(paths[0]).toBe(join(cache, 'org', 'example', 'alpha', '1.0', 'alpha-1.0.jar'));
    expect(readFileSync(paths[0]!).equals(A.bytes)).toBe(true);
    expect(readFileSync(paths[1]!).equals(B.bytes)).toBe(true);
    expect(seen[seen.length - 1]).toBe(350_000);
  });

  it('detects a checksum mismatch and retries cleanly', async () => {
    const cache = newCache();
    faults.set(`/maven2/${artifactPath(A.artifact)}`, 'corrupt');
    const retries: string[] = [];
    const paths = await ensureArtifacts(list, { cacheDir: cache, repo, onRetry: (_a, why) => retries.push(why) });
    expect(retries).toEqual([expect.stringMatching(/alpha-1\.0\.jar: checksum mismatch \(SHA-256 [0-9a-f]{64}, expected [0-9a-f]{64}\)$/)]);
    expect(readFileSync(paths[0]!).equals(A.bytes)).toBe(true);
    expect(files(cache).filter((f) => f.endsWith('.part'))).toEqual([]);
  });

  it('detects a transfer cut mid-body and retries cleanly', async () => {
    const cache = newCache();
    faults.set(`/maven2/${artifactPath(A.artifact)}`, 'cut');
    const retries: string[] = [];
    const paths = await ensureArtifacts(list, { cacheDir: cache, repo, onRetry: (_a, why) => retries.push(why) });
    expect(retries).toHaveLength(1);
    expect(retries[0]).toContain('alpha-1.0.jar');
    expect(readFileSync(paths[0]!).equals(A.bytes)).toBe(true);
    expect(requests.filter((r) => r.endsWith('alpha-1.0.jar'))).toHaveLength(2);
  });

  it('gives up after the attempts with the reason, leaving no file under the final name', async () => {
    const cache = newCache();
    faults.set(`/maven2/${artifactPath(A.artifact)}`, 'always-corrupt');
    const err = await ensureArtifacts(list, { cacheDir: cache, repo, attempts: 3 }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(DownloadError);
    expect((err as Error).message).toMatch(/^Could not download alpha-1\.0\.jar after 3 attempts: .*checksum mismatch/);
    expect(existsSync(cachedPath(cache, A.artifact))).toBe(false);
    expect(files(cache).filter((f) => f.endsWith('.part'))).toEqual([]);
    expect(requests.filter((r) => r.endsWith('alpha-1.0.jar'))).toHaveLength(3);
  });

  it('an HTTP error is a failed attempt too', async () => {
    const missing = jar('gamma', 10);
    const err = await ensureArtifacts({ ...list, artifacts: [missing.artifact] }, { cacheDir: newCache(), repo, attempts: 2 }).catch((e: unknown) => e);
    expect((err as Error).message).toMatch(/^Could not download gamma-1\.0\.jar after 2 attempts: .*gamma-1\.0\.jar: HTTP 404$/);
  });

  it('a complete cache asks the network nothing (offline use)', async () => {
    const cache = newCache();
    await ensureArtifacts(list, { cacheDir: cache, repo });
    requests.length = 0;
    let started = false;
    const paths = await ensureArtifacts(list, { cacheDir: cache, repo: 'http://127.0.0.1:1/nothing', onStart: () => (started = true) });
    expect(requests).toEqual([]);
    expect(started).toBe(false);
    expect(dirname(paths[1]!)).toBe(join(cache, 'org', 'example', 'beta', '1.0'));
  });

  it('a leftover .part from an interrupted run is replaced, and a short cached file is fetched again', async () => {
    const cache = newCache();
    await ensureArtifacts(list, { cacheDir: cache, repo });
    const { writeFileSync } = await import('node:fs');
    writeFileSync(cachedPath(cache, B.artifact), 'short');
    writeFileSync(`${cachedPath(cache, A.artifact)}.part`, 'junk');
    rmSync(cachedPath(cache, A.artifact));
    requests.length = 0;
    const paths = await ensureArtifacts(list, { cacheDir: cache, repo });
    expect(requests).toHaveLength(2);
    expect(readFileSync(paths[0]!).equals(A.bytes)).toBe(true);
    expect(readFileSync(paths[1]!).equals(B.bytes)).toBe(true);
    expect(existsSync(`${paths[0]!}.part`)).toBe(false);
  });
});
