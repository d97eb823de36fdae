#!/usr/bin/env node
// Writes the pinned artifact list mq-cluster downloads for one Apache Kafka version:
//
//   node scripts/kafka-artifacts.mjs 4.4.0        -> src/commands/cluster/artifacts/kafka-4.4.0.json
//   node scripts/kafka-artifacts.mjs --check      -> regenerates every shipped list and fails on a difference
//
// Maven (a developer's tool here, never needed at run time) resolves the runtime classpath of
// kafka_2.13 + kafka-tools (without Kafka Connect's runtime, which only connect-plugin-path uses)
// plus the logging binding Kafka's own distribution ships for that line (reload4j for 3.x, log4j2
// for 4.x). Every jar's SHA-1 is checked against the .sha1 Maven Central published next to it, then
// its SHA-256 and size are pinned: mq-cluster verifies both after downloading.
import { execFileSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

const ROOT = fileURLToPath(new URL('../', import.meta.url));
const OUT_DIR = join(ROOT, 'src', 'commands', 'cluster', 'artifacts');
const CENTRAL = 'https://repo.maven.apache.org/maven2';
const DEP_PLUGIN = 'org.apache.maven.plugins:maven-dependency-plugin:3.6.1';

function loggingDeps(version) {
  if (version.startsWith('3.')) {
    return [
      ['org.slf4j', 'slf4j-reload4j', '1.7.36'],
      ['ch.qos.reload4j', 'reload4j', '1.2.25'],
    ];
  }
  return [['org.apache.logging.log4j', 'log4j-slf4j-impl', '2.25.4']];
}

function pom(version) {
  const dep = ([g, a, v], extra = '') =>
    `    <dependency><groupId>${g}</groupId><artifactId>${a}</artifactId><version>${v}</version>${extra}</dependency>`;
  const noConnect =
    '<exclusions><exclusion><groupId>org.apache.kafka</groupId><artifactId>connect-runtime</artifactId></exclusion></exclusions>';
  return `<?xml version="1.0" encoding="UTF-8"?>
<project xmlns="http://maven.apache.org/POM/4.0.0">
  <modelVersion>4.0.0</modelVersion>
  <groupId>mq.cluster</groupId>
  <artifactId>kafka-artifacts</artifactId>
  <version>1</version>
  <packaging>pom</packaging>
  <dependencies>
${dep(['org.apache.kafka', 'kafka_2.13', version])}
${dep(['org.apache.kafka', 'kafka-tools', version], noConnect)}
${loggingDeps(version).map((d) => dep(d)).join('\n')}
  </dependencies>
</project>
`;
}

function sha(algo, file) {
  return createHash(algo).update(readFileSync(file)).digest('hex');
}

function generate(version) {
  const work = mkdtempSync(join(tmpdir(), 'mq-kafka-artifacts-'));
  try {
    writeFileSync(join(work, 'pom.xml'), pom(version));
    const list = join(work, 'deps.txt');
    try {
      execFileSync(
        'mvn',
        ['-B', '-q', '-Dstyle.color=never', '-f', join(work, 'pom.xml'), `${DEP_PLUGIN}:list`, `-DoutputFile=${list}`,
          '-DincludeScope=runtime', '-DoutputAbsoluteArtifactFilename=true', '-DexcludeTransitive=false'],
        { stdio: ['ignore', 'pipe', 'pipe'] },
      );
    } catch (err) {
      // Maven's own output only when it failed (it says which artifact it could not resolve).
      process.stderr.write(`${err.stdout ?? ''}${err.stderr ?? ''}`);
      throw new Error(`mvn could not resolve Kafka ${version}'s classpath`, { cause: err });
    }
    const artifacts = [];
    for (const raw of readFileSync(list, 'utf8').split('\n')) {
      // group:artifact:type[:classifier]:version:scope:/abs/path  (the path may hold no colon on Linux)
      const line = raw.trim().replace(/\s+--.*$/, '');
      const m = /^([^:\s]+):([^:\s]+):jar(?::([^:\s]+))?:([^:\s]+):(compile|runtime):(\/.+)$/.exec(line);
      if (!m) continue;
      const [, group, artifact, classifier, v, , file] = m;
      const name = `${artifact}-${v}${classifier ? `-${classifier}` : ''}.jar`;
      const path = `${group.replace(/\./g, '/')}/${artifact}/${v}/${name}`;
      const published = existsSync(`${file}.sha1`) ? readFileSync(`${file}.sha1`, 'utf8').trim().split(/\s+/)[0] : undefined;
      if (!published) throw new Error(`${name}: Maven left no .sha1 beside ${file}`);
      if (published.toLowerCase() !== sha('sha1', file)) throw new Error(`${name}: SHA-1 differs from the .sha1 Maven Central published`);
      artifacts.push({
        group, artifact, version: v, ...(classifier ? { classifier } : {}),
        url: `${CENTRAL}/${path}`, sha256: sha('sha256', file), size: statSync(file).size,
      });
    }
    if (!artifacts.some((a) => a.artifact === 'kafka_2.13') || !artifacts.some((a) => a.artifact === 'kafka-tools')) {
      throw new Error(`Kafka ${version}: the resolved classpath lacks kafka_2.13 or kafka-tools`);
    }
    artifacts.sort((a, b) => `${a.group}:${a.artifact}`.localeCompare(`${b.group}:${b.artifact}`));
    return { kafka: version, logging: version.startsWith('3.') ? 'log4j' : 'log4j2', artifacts };
  } finally {
    rmSync(work, { recursive: true, force: true });
  }
}

const text = (doc) => JSON.stringify(doc, null, 2) + '\n';
const args = process.argv.slice(2);
if (args[0] === '--check') {
  let bad = 0;
  for (const f of readdirSync(OUT_DIR).filter((n) => /^kafka-.+\.json$/.test(n))) {
    const version = f.slice('kafka-'.length, -'.json'.length);
    const fresh = text(generate(version));
    if (fresh !== readFileSync(join(OUT_DIR, f), 'utf8')) {
      console.error(`${f}: differs from what Maven Central resolves now (run: node scripts/kafka-artifacts.mjs ${version})`);
      bad++;
    } else console.log(`${f}: matches Maven Central`);
  }
  process.exit(bad ? 1 : 0);
}
if (args.length === 0 || !args.every((v) => /^\d+\.\d+\.\d+$/.test(v))) {
  console.error('usage: node scripts/kafka-artifacts.mjs <kafka-version>... | --check');
  process.exit(2);
}
for (const version of args) {
  const doc = generate(version);
  const file = join(OUT_DIR, `kafka-${version}.json`);
  writeFileSync(file, text(doc));
  const mb = doc.artifacts.reduce((n, a) => n + a.size, 0) / 1e6;
  console.log(`${file}: ${doc.artifacts.length} jars, ${mb.toFixed(1)} MB`);
}
