/**
 * PKCS#12 trust stores (Kafka's ssl.truststore.type=PKCS12) read without Node's pfx, which
 * refuses a store without a private key ("Unable to load private key from PFX data"): that was
 * how mq failed against a real Kafka SSL listener with the keytool-made truststore.p12.
 */
import { readFileSync } from 'node:fs';
import { once } from 'node:events';
import type { AddressInfo } from 'node:net';
import * as tls from 'node:tls';
import { describe, expect, it } from 'vitest';
import { Pkcs12Error, pkcs12Certificates } from '../../../src/engine/client/pkcs12.js';
import { SecurityConfigError, translateSecurity } from '../../../src/engine/client/security.js';

const fx = (name: string): string => new URL(`./pkcs12-fixtures/${name}`, import.meta.url).pathname;
const CA = readFileSync(fx('ca.pem'), 'utf8');

describe('pkcs12Certificates', () => {
  it.each([
    ['truststore-keytool.p12', 'keytool (PBES2 AES-256, HmacSHA256 MAC)'],
    ['truststore-openssl-3des.p12', 'pbeWithSHAAnd3-KeyTripleDES-CBC, SHA-1 MAC'],
    ['truststore-openssl-nocrypt.p12', 'unencrypted certificate bags'],
  ])('reads the CA certificate of %s (%s)', (name) => {
    expect(pkcs12Certificates(readFileSync(fx(name)), 'changeit')).toEqual([CA]);
  });

  it('takes the certificates of a key store too (key bags are skipped)', () => {
    const certs = pkcs12Certificates(readFileSync(fx('keystore-openssl.p12')), 'changeit');
    expect(certs).toHaveLength(2);
    expect(certs).toContain(CA);
    expect(certs).toContain(readFileSync(fx('server.pem'), 'utf8'));
  });

  it('a wrong password fails the integrity check; RC2 and non-PKCS#12 files fail in one line', () => {
    expect(() => pkcs12Certificates(readFileSync(fx('truststore-keytool.p12')), 'nope')).toThrow(
      new Pkcs12Error('wrong password (the integrity check failed)'),
    );
    expect(() => pkcs12Certificates(readFileSync(fx('truststore-rc2.p12')), 'changeit')).toThrow(/encrypted with RC2/);
    expect(() => pkcs12Certificates(readFileSync(fx('ca.pem')), 'changeit')).toThrow(/not a PKCS#12 file/);
  });
});

describe('ssl.truststore.type=PKCS12 in client properties', () => {
  const sslProps = (extra: Record<string, string> = {}) =>
    new Map(Object.entries({
      'security.protocol': 'SSL',
      'ssl.truststore.location': fx('truststore-keytool.p12'),
      'ssl.truststore.type': 'PKCS12',
      'ssl.truststore.password': 'changeit',
      ...extra,
    }));

  it('becomes the trusted CA list, and a TLS handshake with a server signed by that CA succeeds', async () => {
    const sec = translateSecurity(sslProps());
    expect(sec.ssl?.ca).toEqual([CA]);
    expect(sec.ssl?.pfx).toBeUndefined();
    const server = tls.createServer({ cert: readFileSync(fx('server.pem')), key: readFileSync(fx('server.key')) }, (s) => s.end());
    server.listen(0, '127.0.0.1');
    await once(server, 'listening');
    try {
      const { port } = server.address() as AddressInfo;
      const sock = tls.connect({ host: '127.0.0.1', port, ...sec.ssl });
      await once(sock, 'secureConnect');
      expect(sock.authorized).toBe(true);
      sock.destroy();
    } finally {
      server.close();
    }
  });

  it('with a PKCS12 key store as well: CA from the trust store, client identity as pfx', () => {
    const sec = translateSecurity(sslProps({
      'ssl.keystore.location': fx('keystore-openssl.p12'),
      'ssl.keystore.type': 'PKCS12',
      'ssl.keystore.password': 'changeit',
    }));
    expect(sec.ssl?.ca).toEqual([CA]);
    expect(sec.ssl?.pfx).toEqual([{ buf: readFileSync(fx('keystore-openssl.p12')), passphrase: 'changeit' }]);
    // Node accepts it (key + chain).
    expect(() => tls.createSecureContext(sec.ssl)).not.toThrow();
  });

  it('a wrong trust store password is one line naming the file', () => {
    const run = () => translateSecurity(sslProps({ 'ssl.truststore.password': 'wrong' }));
    expect(run).toThrow(SecurityConfigError);
    expect(run).toThrow(`Cannot read ssl.truststore.location ${fx('truststore-keytool.p12')}: wrong password (the integrity check failed)`);
  });
});
