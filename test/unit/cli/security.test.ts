/**
 * Kafka client properties -> TLS/SASL settings for kafkajs and our protocol client.
 */
import { describe, expect, it } from 'vitest';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  loadClientProperties,
  parseJaasConfig,
  SecurityConfigError,
  translateSecurity,
} from '../../../src/engine/client/security.js';
import { toKafkaJsSecurity } from '../../helpers/kafkajs.js';

const dir = mkdtempSync(join(tmpdir(), 'mq-sec-'));
const file = (name: string, text: string | Buffer) => {
  const p = join(dir, name);
  writeFileSync(p, text);
  return p;
};
const props = (o: Record<string, string>) => new Map(Object.entries(o));
const PLAIN = 'org.apache.kafka.common.security.plain.PlainLoginModule required username="alice" password="alice-secret";';
const SCRAM = 'org.apache.kafka.common.security.scram.ScramLoginModule required username="bob" password="b=c";';

describe('translateSecurity', () => {
  it('PLAINTEXT by default: no TLS, no SASL', () => {
    expect(translateSecurity(props({}))).toEqual({ protocol: 'PLAINTEXT' });
    expect(toKafkaJsSecurity(translateSecurity(props({ 'security.protocol': 'plaintext' })))).toEqual({});
  });

  it('SSL with no stores uses the system CAs (kafkajs ssl: true)', () => {
    const s = translateSecurity(props({ 'security.protocol': 'SSL' }));
    expect(s.ssl).toEqual({});
    expect(toKafkaJsSecurity(s)).toEqual({ ssl: true });
  });

  it('PEM trust store file, PEM key store file with key password', () => {
    const ca = file('ca.pem', '-----BEGIN CERTIFICATE-----\nCA\n-----END CERTIFICATE-----\n');
    const ks = file('client.pem', '-----BEGIN ENCRYPTED PRIVATE KEY-----\nK\n-----END ENCRYPTED PRIVATE KEY-----\n-----BEGIN CERTIFICATE-----\nC\n-----END CERTIFICATE-----\n');
    const s = translateSecurity(props({
      'security.protocol': 'SSL',
      'ssl.truststore.type': 'PEM',
      'ssl.truststore.location': ca,
      'ssl.keystore.type': 'PEM',
      'ssl.keystore.location': ks,
      'ssl.key.password': 'kp',
    }));
    expect(s.ssl!.ca).toContain('CA');
    expect(s.ssl!.cert).toContain('BEGIN CERTIFICATE');
    expect(s.ssl!.key).toContain('PRIVATE KEY');
    expect(s.ssl!.passphrase).toBe('kp');
  });

  it('inline PEM: ssl.truststore.certificates, ssl.keystore.certificate.chain + ssl.keystore.key', () => {
    const s = translateSecurity(props({
      'security.protocol': 'SSL',
      'ssl.truststore.type': 'PEM',
      'ssl.truststore.certificates': '-----BEGIN CERTIFICATE-----\nX\n-----END CERTIFICATE-----',
      'ssl.keystore.type': 'PEM',
      'ssl.keystore.certificate.chain': '-----BEGIN CERTIFICATE-----\nY\n-----END CERTIFICATE-----',
      'ssl.keystore.key': '-----BEGIN PRIVATE KEY-----\nZ\n-----END PRIVATE KEY-----',
    }));
    expect(s.ssl).toMatchObject({ ca: expect.stringContaining('X'), cert: expect.stringContaining('Y'), key: expect.stringContaining('Z') });
    expect(() => translateSecurity(props({ 'security.protocol': 'SSL', 'ssl.keystore.key': 'k' }))).toThrow(/must be given together/);
  });

  it('a PKCS12 key store becomes pfx with its password; a PKCS12 trust store must be a real PKCS#12 file', () => {
    const ks = file('client.p12', Buffer.from([4, 5, 6]));
    const s = translateSecurity(props({
      'security.protocol': 'SSL',
      'ssl.keystore.type': 'PKCS12',
      'ssl.keystore.location': ks,
      'ssl.keystore.password': 'kp',
    }));
    expect(s.ssl!.pfx).toEqual([{ buf: Buffer.from([4, 5, 6]), passphrase: 'kp' }]);
    // Trust stores are read by pkcs12.ts (test/unit/client/pkcs12.test.ts), not handed to pfx.
    const ts = file('trust.p12', Buffer.from([1, 2, 3]));
    expect(() => translateSecurity(props({
      'security.protocol': 'SSL', 'ssl.truststore.type': 'PKCS12', 'ssl.truststore.location': ts, 'ssl.truststore.password': 'tp',
    }))).toThrow(`Cannot read ssl.truststore.location ${ts}: not a PKCS#12 file`);
  });

  it('JKS stores fail with the keytool conversion command', () => {
    const jks = file('kafka.client.truststore.jks', 'x');
    const run = () => translateSecurity(props({ 'security.protocol': 'SSL', 'ssl.truststore.location': jks, 'ssl.truststore.password': 'p' }));
    expect(run).toThrow(SecurityConfigError);
    expect(run).toThrow(`keytool -importkeystore -srckeystore ${jks} -destkeystore ${jks.replace(/\.jks$/, '')}.p12 -deststoretype PKCS12`);
    expect(() => translateSecurity(props({ 'security.protocol': 'SSL', 'ssl.keystore.type': 'JKS', 'ssl.keystore.location': jks }))).toThrow(/JKS store/);
  });

  it('missing store file: one clear line', () => {
    expect(() => translateSecurity(props({ 'security.protocol': 'SSL', 'ssl.truststore.type': 'PEM', 'ssl.truststore.location': '/nope/ca.pem' }))).toThrow(
      'Cannot read ssl.truststore.location /nope/ca.pem: no such file',
    );
  });

  it('an empty ssl.endpoint.identification.algorithm turns hostname checks off', () => {
    const s = translateSecurity(props({ 'security.protocol': 'SSL', 'ssl.endpoint.identification.algorithm': '' }));
    expect(s.ssl!.checkServerIdentity!('x', {} as never)).toBeUndefined();
    expect(translateSecurity(props({ 'security.protocol': 'SSL', 'ssl.endpoint.identification.algorithm': 'https' })).ssl!.checkServerIdentity).toBeUndefined();
  });

  it('SASL_PLAINTEXT + PLAIN', () => {
    const s = translateSecurity(props({ 'security.protocol': 'SASL_PLAINTEXT', 'sasl.mechanism': 'PLAIN', 'sasl.jaas.config': PLAIN }));
    expect(s).toEqual({ protocol: 'SASL_PLAINTEXT', sasl: { mechanism: 'plain', username: 'alice', password: 'alice-secret' } });
    expect(toKafkaJsSecurity(s)).toEqual({ sasl: { mechanism: 'plain', username: 'alice', password: 'alice-secret' } });
  });

  it('SASL_SSL + SCRAM-SHA-256 / SCRAM-SHA-512', () => {
    for (const m of ['SCRAM-SHA-256', 'SCRAM-SHA-512']) {
      const s = translateSecurity(props({ 'security.protocol': 'SASL_SSL', 'sasl.mechanism': m, 'sasl.jaas.config': SCRAM }));
      expect(toKafkaJsSecurity(s)).toEqual({ ssl: true, sasl: { mechanism: m.toLowerCase(), username: 'bob', password: 'b=c' } });
    }
  });

  it('SASL errors: unsupported mechanism, missing jaas, wrong module, missing password', () => {
    expect(() => translateSecurity(props({ 'security.protocol': 'SASL_PLAINTEXT' }))).toThrow(/Unsupported sasl.mechanism GSSAPI/);
    expect(() => translateSecurity(props({ 'security.protocol': 'SASL_PLAINTEXT', 'sasl.mechanism': 'PLAIN' }))).toThrow(/needs sasl.jaas.config/);
    expect(() => translateSecurity(props({ 'security.protocol': 'SASL_PLAINTEXT', 'sasl.mechanism': 'PLAIN', 'sasl.jaas.config': SCRAM }))).toThrow(/PlainLoginModule/);
    expect(() =>
      translateSecurity(props({ 'security.protocol': 'SASL_PLAINTEXT', 'sasl.mechanism': 'PLAIN', 'sasl.jaas.config': 'org.apache.kafka.common.security.plain.PlainLoginModule required username="a";' })),
    ).toThrow(/username="..." and password="..."/);
  });

  it('an unknown security.protocol is refused; unknown keys are ignored', () => {
    expect(() => translateSecurity(props({ 'security.protocol': 'TLS' }))).toThrow(/security.protocol/);
    expect(translateSecurity(props({ 'acks': 'all', 'foo.bar': 'x' }))).toEqual({ protocol: 'PLAINTEXT' });
  });
});

describe('parseJaasConfig', () => {
  it('parses modules, flags, quoted and bare values, comments', () => {
    expect(parseJaasConfig(`/* c */ a.B required // x\n user=u pass="p;=\\"q" ;`)).toEqual([
      { loginModule: 'a.B', flag: 'required', options: { user: 'u', pass: 'p;="q' } },
    ]);
  });
  it("gives Kafka's errors for malformed values", () => {
    expect(() => parseJaasConfig(PLAIN.slice(0, -1))).toThrow('JAAS config entry not terminated by semi-colon');
    expect(() => parseJaasConfig('a.B required username=;')).toThrow("Value not specified for key 'username' in JAAS config");
    expect(() => parseJaasConfig('')).toThrow('Login module not specified in JAAS config');
    expect(() => parseJaasConfig('a.B maybe;')).toThrow(/control flag/);
  });
});

describe('loadClientProperties', () => {
  it('reads Java properties and fails in one line for a missing file', () => {
    const p = file('client.properties', 'security.protocol=SSL\nsasl.jaas.config=a \\\n  b;\n');
    expect(loadClientProperties(p).get('sasl.jaas.config')).toBe('a b;');
    expect(() => loadClientProperties('/nope/client.properties')).toThrow('Cannot read properties file /nope/client.properties (No such file or directory)');
  });
});
