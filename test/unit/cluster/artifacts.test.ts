import { readFileSync, readdirSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import {
  artifactPath,
  artifactUrl,
  checkRepoUrl,
  parseArtifactList,
  resolveKafkaVersion,
  SUPPORTED_KAFKA_VERSIONS,
  totalBytes,
} from '../../../src/commands/cluster/artifacts.js';

const DIR = new URL('../../../src/commands/cluster/artifacts/', import.meta.url);
const good = () => ({
  kafka: '4.4.0',
  logging: 'log4j2',
  artifacts: [
    {
      group: 'org.apache.kafka',
      artifact: 'kafka-clients',
      version: '4.4.0',
      url: 'https://repo.maven.apache.org/maven2/org/apache/kafka/kafka-clients/4.4.0/kafka-clients-4.4.0.jar',
      sha256: 'a'.repeat(64),
      size: 10,
    },
  ],
});

describe('the shipped artifact lists', () => {
  const files = readdirSync(DIR).filter((f) => f.endsWith('.json'));

  it('exist for every supported version, 3.9.x and 4.x among them', () => {
    expect(files.sort()).toEqual(SUPPORTED_KAFKA_VERSIONS.map((v) => `kafka-${v}.json`).sort());
    expect(SUPPORTED_KAFKA_VERSIONS.some((v) => v.startsWith('3.9.'))).toBe(true);
    expect(SUPPORTED_KAFKA_VERSIONS.some((v) => v.startsWith('4.'))).toBe(true);
  });

  it.each(files)('%s parses and holds the broker, the tools, the clients and a logging backend', (f) => {
    const list = parseArtifactList(JSON.parse(readFileSync(new URL(f, DIR), 'utf8')));
    const names = list.artifacts.map((a) => a.artifact);
    expect(names).toEqual(expect.arrayContaining(['kafka_2.13', 'kafka-tools', 'kafka-clients', 'kafka-raft', 'scala-library', 'slf4j-api']));
    expect(names).toContain(list.logging === 'log4j' ? 'reload4j' : 'log4j-core');
    expect(names).not.toContain('connect-runtime');
    expect(list.artifacts.every((a) => a.version !== '' && a.url.endsWith(`/${artifactPath(a)}`))).toBe(true);
    // A laptop download: tens of MB, not hundreds.
    expect(totalBytes(list)).toBeGreaterThan(20e6);
    expect(totalBytes(list)).toBeLessThan(120e6);
  });
});

describe('parseArtifactList refuses what could hurt the cache', () => {
  it('accepts a well-formed list', () => {
    expect(parseArtifactList(good()).artifacts[0]!.size).toBe(10);
  });

  it.each([
    ['a path-climbing group', (d: ReturnType<typeof good>) => (d.artifacts[0]!.group = '..')],
    ['a slash in the artifact', (d: ReturnType<typeof good>) => (d.artifacts[0]!.artifact = 'a/b')],
    ['a URL off Maven Central', (d: ReturnType<typeof good>) => (d.artifacts[0]!.url = 'https://example.org/x.jar')],
    ['a URL that does not match its coordinates', (d: ReturnType<typeof good>) => (d.artifacts[0]!.url = d.artifacts[0]!.url.replace('4.4.0/', '4.3.0/'))],
    ['a short checksum', (d: ReturnType<typeof good>) => (d.artifacts[0]!.sha256 = 'abc')],
    ['an upper-case checksum', (d: ReturnType<typeof good>) => (d.artifacts[0]!.sha256 = 'A'.repeat(64))],
    ['a zero size', (d: ReturnType<typeof good>) => (d.artifacts[0]!.size = 0)],
    ['an unknown logging backend', (d: ReturnType<typeof good>) => (d.logging = 'logback')],
    ['no artifacts', (d: ReturnType<typeof good>) => (d.artifacts = [])],
  ])('%s', (_name, spoil) => {
    const d = good();
    spoil(d);
    expect(() => parseArtifactList(d)).toThrow(/^Malformed artifact list/);
  });
});

describe('resolveKafkaVersion', () => {
  const supported = ['3.9.2', '4.3.1', '4.4.0'];
  it('defaults to the newest, and picks the newest of a line', () => {
    expect(resolveKafkaVersion(undefined, supported)).toBe('4.4.0');
    expect(resolveKafkaVersion('4', supported)).toBe('4.4.0');
    expect(resolveKafkaVersion('3.9', supported)).toBe('3.9.2');
    expect(resolveKafkaVersion('4.3.1', supported)).toBe('4.3.1');
  });

  it('names what it ships when asked for something else', () => {
    expect(() => resolveKafkaVersion('3.8', supported)).toThrow('Kafka 3.8 is not one mq-cluster knows: it ships checksums for 3.9.2, 4.3.1, 4.4.0');
    // '4.4' is a line, not a prefix of '4.40.0'
    expect(() => resolveKafkaVersion('4.4', ['4.40.0'])).toThrow(/not one mq-cluster knows/);
  });
});

describe('where jars come from', () => {
  const a = parseArtifactList(good()).artifacts[0]!;
  it('Maven Central unless MQ_MAVEN_REPO names another repository (same layout)', () => {
    expect(artifactUrl(a, undefined)).toBe(a.url);
    expect(artifactUrl(a, 'http://127.0.0.1:8081/maven2/')).toBe('http://127.0.0.1:8081/maven2/org/apache/kafka/kafka-clients/4.4.0/kafka-clients-4.4.0.jar');
  });

  it('MQ_MAVEN_REPO: https anywhere, plain http only on this machine', () => {
    expect(checkRepoUrl('https://mirror.example/maven2')).toBe('https://mirror.example/maven2');
    expect(checkRepoUrl('http://127.0.0.1:9/m')).toBe('http://127.0.0.1:9/m');
    expect(() => checkRepoUrl('http://mirror.example/maven2')).toThrow('MQ_MAVEN_REPO must be an https:// URL (plain http only on localhost)');
    expect(() => checkRepoUrl('not a url')).toThrow("MQ_MAVEN_REPO is not a URL: 'not a url'");
  });
});
