import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parseKeyValue, parseProperties, PropertiesError, readPropertiesFile } from '../../../src/engine/config/properties.js';

describe('Java properties parsing', () => {
  it('reads the three separators and skips comments and blank lines', () => {
    const p = parseProperties('# comment\n! also a comment\n\na=1\nb : 2\nc 3\n  d=  4  \n');
    expect([...p]).toEqual([
      ['a', '1'],
      ['b', '2'],
      ['c', '3'],
      ['d', '4  '],
    ]);
  });

  it('joins continuation lines and strips their leading white space', () => {
    const p = parseProperties('sasl.jaas.config=org.apache.kafka.common.security.plain.PlainLoginModule required \\\n    username="u" \\\n    password="p";\n');
    expect(p.get('sasl.jaas.config')).toBe('org.apache.kafka.common.security.plain.PlainLoginModule required username="u" password="p";');
  });

  it('keeps an escaped backslash at the end of a line', () => {
    expect(parseProperties('path=C:\\\\\nnext=1').get('path')).toBe('C:\\');
  });

  it('decodes escapes, including \\uXXXX and escaped separators in keys', () => {
    const p = parseProperties('key\\=with\\:seps=v\\tal\\nue\\u00e9\nx=\\a');
    expect(p.get('key=with:seps')).toBe('v\tal\nueé');
    expect(p.get('x')).toBe('a');
  });

  it('rejects a malformed \\u escape', () => {
    expect(() => parseProperties('a=\\u12')).toThrow(PropertiesError);
  });

  it('lets a later key win and accepts CRLF line endings', () => {
    expect(parseProperties('a=1\r\na=2\r\n').get('a')).toBe('2');
  });

  it('names a missing file in its error', () => {
    const dir = mkdtempSync(join(tmpdir(), 'mq-props-'));
    expect(() => readPropertiesFile(join(dir, 'nope.properties'))).toThrow(/nope.properties \(No such file or directory\)/);
    writeFileSync(join(dir, 'ok.properties'), 'security.protocol=SSL\n');
    expect(readPropertiesFile(join(dir, 'ok.properties')).get('security.protocol')).toBe('SSL');
  });

  it('parses key=value arguments', () => {
    expect(parseKeyValue('num.partitions=3')).toEqual(['num.partitions', '3']);
    expect(parseKeyValue('a=b=c')).toEqual(['a', 'b=c']);
    expect(() => parseKeyValue('novalue')).toThrow(PropertiesError);
  });
});
