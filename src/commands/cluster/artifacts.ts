/**
 * The pinned artifact lists mq-cluster downloads: one JSON file per supported Apache Kafka
 * version under artifacts/, written by scripts/kafka-artifacts.mjs from Maven Central (every jar
 * of the runtime classpath of kafka_2.13 + kafka-tools, with its SHA-256 and size).
 *
 *   const list = parseArtifactList(JSON.parse(text));      // throws on anything malformed
 *   resolveKafkaVersion('3.9', SUPPORTED)                    // '3.9.2'
 *   artifactUrl(list.artifacts[0], 'http://127.0.0.1:8080/maven2')   // MQ_MAVEN_REPO's mirror
 */

export interface Artifact {
  group: string;
  artifact: string;
  version: string;
  classifier?: string;
  /** Where Maven Central serves it. */
  url: string;
  /** Lower-case hex. */
  sha256: string;
  size: number;
}

export interface ArtifactList {
  kafka: string;
  /** Which logging backend the jars carry: reload4j (Kafka 3.x) or log4j2 (4.x); decides the log config written. */
  logging: 'log4j' | 'log4j2';
  artifacts: Artifact[];
}

/** The versions with a list in artifacts/, newest last. */
export const SUPPORTED_KAFKA_VERSIONS: readonly string[] = ['3.9.2', '4.4.0'];

export const MAVEN_CENTRAL = 'https://repo.maven.apache.org/maven2';

const NAME = /^[A-Za-z0-9_.-]+$/;

function fail(what: string): never {
  throw new Error(`Malformed artifact list: ${what}`);
}

/** Checks a parsed list field by field: it decides which files land in the cache and what they must hash to. */
export function parseArtifactList(doc: unknown): ArtifactList {
  if (typeof doc !== 'object' || doc === null) fail('not an object');
  const d = doc as Record<string, unknown>;
  if (typeof d.kafka !== 'string' || !/^\d+\.\d+\.\d+$/.test(d.kafka)) fail('kafka is not a version');
  if (d.logging !== 'log4j' && d.logging !== 'log4j2') fail('logging is neither log4j nor log4j2');
  if (!Array.isArray(d.artifacts) || d.artifacts.length === 0) fail('no artifacts');
  const artifacts = d.artifacts.map((a: unknown, i): Artifact => {
    if (typeof a !== 'object' || a === null) fail(`artifact ${i} is not an object`);
    const r = a as Record<string, unknown>;
    for (const k of ['group', 'artifact', 'version'] as const) {
      // These become path segments in the cache: nothing that could climb out of it.
      if (typeof r[k] !== 'string' || !NAME.test(r[k]) || r[k] === '..' || r[k] === '.') fail(`artifact ${i}: bad ${k}`);
    }
    if (r.classifier !== undefined && (typeof r.classifier !== 'string' || !NAME.test(r.classifier))) fail(`artifact ${i}: bad classifier`);
    if (typeof r.url !== 'string' || !r.url.startsWith(`${MAVEN_CENTRAL}/`)) fail(`artifact ${i}: url is not on Maven Central`);
    if (typeof r.sha256 !== 'string' || !/^[0-9a-f]{64}$/.test(r.sha256)) fail(`artifact ${i}: bad sha256`);
    if (typeof r.size !== 'number' || !Number.isSafeInteger(r.size) || r.size <= 0) fail(`artifact ${i}: bad size`);
    const art: Artifact = {
      group: r.group as string,
      artifact: r.artifact as string,
      version: r.version as string,
      ...(r.classifier !== undefined ? { classifier: r.classifier } : {}),
      url: r.url,
      sha256: r.sha256,
      size: r.size,
    };
    if (r.url !== `${MAVEN_CENTRAL}/${artifactPath(art)}`) fail(`artifact ${i}: url does not match its coordinates`);
    return art;
  });
  return { kafka: d.kafka, logging: d.logging, artifacts };
}

/** The artifact's path in a Maven repository layout (also its path in mq's cache). */
export function artifactPath(a: Pick<Artifact, 'group' | 'artifact' | 'version' | 'classifier'>): string {
  const file = `${a.artifact}-${a.version}${a.classifier ? `-${a.classifier}` : ''}.jar`;
  return `${a.group.split('.').join('/')}/${a.artifact}/${a.version}/${file}`;
}

/** The URL to fetch from: Maven Central, or the repository MQ_MAVEN_REPO names (a mirror, or a test's server). */
export function artifactUrl(a: Artifact, repo: string | undefined): string {
  if (!repo) return a.url;
  return `${repo.replace(/\/+$/, '')}/${artifactPath(a)}`;
}

/**
 * Checks MQ_MAVEN_REPO: HTTPS, or plain HTTP only to this machine (a test's stand-in for Central);
 * the checksums guard the bytes either way, but a remote plain-HTTP repository is refused.
 */
export function checkRepoUrl(repo: string): string {
  let u: URL;
  try {
    u = new URL(repo);
  } catch {
    throw new Error(`MQ_MAVEN_REPO is not a URL: '${repo}'`);
  }
  const local = u.hostname === '127.0.0.1' || u.hostname === 'localhost' || u.hostname === '[::1]';
  if (u.protocol !== 'https:' && !(u.protocol === 'http:' && local)) {
    throw new Error(`MQ_MAVEN_REPO must be an https:// URL (plain http only on localhost): '${repo}'`);
  }
  return repo;
}

/**
 * A --kafka-version as a supported release: the exact version, or a prefix naming a line ('4',
 * '3.9', '4.4') that picks its newest; undefined picks the newest of all.
 */
export function resolveKafkaVersion(asked: string | undefined, supported: readonly string[] = SUPPORTED_KAFKA_VERSIONS): string {
  const sorted = [...supported].sort(compareVersions);
  if (asked === undefined) return sorted[sorted.length - 1]!;
  const want = asked.trim();
  const match = sorted.filter((v) => v === want || v.startsWith(`${want}.`));
  if (match.length === 0) {
    throw new Error(`Kafka ${want} is not one mq-cluster knows: it ships checksums for ${sorted.join(', ')} (--kafka-version 3.9 or 4 picks the newest of that line)`);
  }
  return match[match.length - 1]!;
}

export function compareVersions(a: string, b: string): number {
  const pa = a.split('.').map(Number);
  const pb = b.split('.').map(Number);
  for (let i = 0; i < Math.max(pa.length, pb.length); i++) {
    const d = (pa[i] ?? 0) - (pb[i] ?? 0);
    if (d !== 0) return d;
  }
  return 0;
}

export function totalBytes(list: ArtifactList): number {
  return list.artifacts.reduce((n, a) => n + a.size, 0);
}
