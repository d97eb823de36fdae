/**
 * The metadata validators (issue 12 item 5): what each file must look like, and the refusal's
 * wording (file, JSON path, recovery).
 */
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { describe, expect, it } from 'vitest';
import {
  MetaFileError,
  RECOVERY,
  SchemaProblem,
  clusterFile,
  dynamicConfigsFile,
  producerIdsFile,
  readMetaFile,
  topicsFile,
  type Check,
} from '../../../src/engine/log/meta-files.js';
import { partitionDir } from '../../../src/engine/log/file-names.js';

function problem<T>(check: Check<T>, value: unknown): string {
  try {
    check(value, '$');
  } catch (e) {
    if (e instanceof SchemaProblem) return e.message;
    throw e;
  }
  return 'valid';
}

const topic = { name: 't', id: '0123456789abcdef0123456789abcdef', partitions: 2, configs: { 'retention.ms': '1000' } };

describe('topics.json', () => {
  it('accepts what the broker writes', () => {
    expect(topicsFile({ version: 1, topics: [topic] }, '$')).toEqual({ version: 1, topics: [topic] });
    expect(topicsFile({ version: 1, topics: [] }, '$')).toEqual({ version: 1, topics: [] });
  });

  it.each([
    [{}, '$.version: is missing'],
    [{ version: 1 }, '$.topics: is missing'],
    [[], '$: expected an object, found an array'],
    [{ version: 2, topics: [] }, '$.version: format version 2 is newer than this broker reads (1); start a newer mq'],
    [{ version: 1, topics: { t: topic } }, '$.topics: expected an array, found an object'],
    [{ version: 1, topics: [{ ...topic, partitions: '2' }] }, '$.topics[0].partitions: expected an integer, found the string "2"'],
    [{ version: 1, topics: [{ ...topic, partitions: 0 }] }, '$.topics[0].partitions: expected an integer from 1 to 1000000, found 0'],
    [{ version: 1, topics: [{ ...topic, id: 'x' }] }, '$.topics[0].id: expected a topic id of 32 hex digits, found the string "x"'],
    [{ version: 1, topics: [{ ...topic, configs: { 'retention.ms': 5 } }] }, '$.topics[0].configs["retention.ms"]: expected a string, found number 5'],
    [{ version: 1, topics: [topic, { ...topic, id: 'f'.repeat(32) }] }, "$.topics[1].name: topic 't' is listed twice"],
    [
      { version: 1, topics: [{ ...topic, name: '../../escape' }] },
      "$.topics[0].name: not a legal topic name: '../../escape' contains one or more characters other than ASCII alphanumerics, '.', '_' and '-'",
    ],
    [{ version: 1, topics: [{ ...topic, name: '..' }] }, "$.topics[0].name: not a legal topic name: '..' is not allowed"],
  ])('refuses %j: %s', (value, message) => {
    expect(problem(topicsFile, value)).toBe(message);
  });
});

describe('the other meta files', () => {
  it('cluster.json', () => {
    expect(problem(clusterFile, { version: 1, clusterId: 'AbC-_123', nodeId: 1 })).toBe('valid');
    expect(problem(clusterFile, { version: 1, clusterId: '', nodeId: 1 })).toBe('$.clusterId: expected a cluster id, found the string ""');
    expect(problem(clusterFile, { version: 1, clusterId: 'x', nodeId: -1 })).toBe('$.nodeId: expected an integer from 0 to 2147483647, found -1');
  });

  it('dynamic-configs.json (brokerDefault is optional: older files lack it)', () => {
    expect(problem(dynamicConfigsFile, { version: 1, broker: {}, groups: {} })).toBe('valid');
    expect(problem(dynamicConfigsFile, { version: 1, broker: {}, brokerDefault: [], groups: {} })).toBe('$.brokerDefault: expected an object, found an array');
    expect(problem(dynamicConfigsFile, { version: 1, broker: {}, groups: { g: { 'a.b': null } } })).toBe('$.groups.g["a.b"]: expected a string, found null');
  });

  it('producer-ids.json', () => {
    expect(problem(producerIdsFile, { version: 1, nextBlock: 2000 })).toBe('valid');
    expect(problem(producerIdsFile, { version: 1, nextBlock: 1.5 })).toBe('$.nextBlock: expected an integer, found number 1.5');
  });
});

describe('readMetaFile', () => {
  it('names the file, the problem and the recovery; a missing file is undefined', async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'mq-meta-'));
    try {
      const file = path.join(dir, 'topics.json');
      expect(await readMetaFile(file, topicsFile, RECOVERY.topics)).toBeUndefined();
      fs.writeFileSync(file, '{"version": 1, "topics": [');
      const err = await readMetaFile(file, topicsFile, RECOVERY.topics).catch((e: unknown) => e);
      expect(err).toBeInstanceOf(MetaFileError);
      expect((err as Error).message).toMatch(new RegExp(`^Cannot start the broker: ${file} is not valid JSON \\(.+\\)\\. Restore it from a backup, or move it away`));
      fs.writeFileSync(file, '{"version": 1}');
      await expect(readMetaFile(file, topicsFile, RECOVERY.topics)).rejects.toThrow(`${file} is damaged: at $.topics: is missing. ${RECOVERY.topics}`);
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });
});

describe('partitionDir', () => {
  it('builds no path from an illegal name or outside logs/', () => {
    expect(partitionDir('/d', 't', 0)).toBe(path.join('/d', 'logs', 't-0'));
    expect(() => partitionDir('/d', '../../escape', 0)).toThrow(/illegal topic name/);
    expect(() => partitionDir('/d', '..', 0)).toThrow(/illegal topic name/);
    expect(() => partitionDir('/d', 't', -1)).toThrow(/partition -1/);
  });
});
