/**
 * Found against real Apache Kafka (test/reference/suite-a-mq-on-kafka.test.ts): an SSL listener
 * with ssl.client.auth=required rejecting a client without certificate made every mq command print
 * OpenSSL's multi-line dump ("805C...:error:0A000412:SSL routines:ssl3_read_bytes:sslv3 alert bad
 * certificate:../deps/openssl/..."). Now one line that says what to set.
 */
import { readFileSync } from 'node:fs';
import { once } from 'node:events';
import type { AddressInfo } from 'node:net';
import * as tls from 'node:tls';
import { describe, expect, it } from 'vitest';
import { ProtocolConnection } from '../../../src/engine/client/connection.js';

describe('TLS errors', () => {
  it('a listener that requires a client certificate: one line that says so', async () => {
    const fx = (name: string): Buffer => readFileSync(new URL(`./pkcs12-fixtures/${name}`, import.meta.url));
    const server = tls.createServer({ cert: fx('server.pem'), key: fx('server.key'), ca: fx('ca.pem'), requestCert: true, rejectUnauthorized: true }, (s) => s.end());
    server.on('tlsClientError', () => undefined);
    server.listen(0, '127.0.0.1');
    await once(server, 'listening');
    try {
      const { port } = server.address() as AddressInfo;
      const err = await ProtocolConnection.open('127.0.0.1', port, {
        security: { protocol: 'SSL', ssl: { ca: fx('ca.pem').toString('utf8') } },
        requestTimeoutMs: 5000,
      }).then(
        (c) => {
          c.close();
          return undefined;
        },
        (e: Error) => e,
      );
      expect(err).toBeInstanceOf(Error);
      expect(err!.message).not.toContain('\n');
      expect(err!.message).toMatch(/^Could not connect to 127\.0\.0\.1:\d+ \(TLS handshake failed: the broker rejected the client certificate \((tlsv13 alert certificate required|sslv3 alert bad certificate|.*alert.*)\); does the listener require one \(ssl\.client\.auth\)\? Set ssl\.keystore\.location to a key store the broker trusts\)$/);
    } finally {
      server.close();
    }
  });
});
