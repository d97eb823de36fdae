/**
 * SASL in our client (src/engine/client/sasl.ts): the SCRAM client against RFC 7677's
 * SCRAM-SHA-256 example, the same vector Kafka's ScramFormatterTest.rfc7677Example checks
 * (clients/src/test/java/org/apache/kafka/common/security/scram/internals/ScramFormatterTest.java),
 * and the SaslHandshake/SaslAuthenticate exchange against a scripted peer (the mq broker has no SASL).
 */
import { afterEach, describe, expect, it } from 'vitest';
import { ProtocolConnection } from '../../../src/engine/client/connection.js';
import { ScramClient, ScramError } from '../../../src/engine/client/sasl.js';
import type { SaslSettings } from '../../../src/engine/client/security.js';
import type { Struct } from '../../helpers/struct.js';
import { ErrorCode } from '../../../src/engine/protocol/error-codes.js';
import { Heartbeat } from '../../../src/engine/protocol/messages/12-heartbeat.js';
import { startFakeKafka, type FakeKafka } from './fake-kafka.js';

const clientNonce = 'rOprNGfwEbeRWgbNEkqO';
const serverFirst = 'r=rOprNGfwEbeRWgbNEkqO%hvYDpWUa2RaTCAfuxFIlj)hNlF$k0,s=W22ZaJ0SNY7soEsUEjb6gQ==,i=4096';

describe('ScramClient', () => {
  it("produces RFC 7677's client messages and accepts its server signature", () => {
    const scram = new ScramClient('sha256', 'user', 'pencil', clientNonce);
    expect(scram.clientFirst()).toBe('n,,n=user,r=rOprNGfwEbeRWgbNEkqO');
    expect(scram.clientFinal(serverFirst)).toBe(
      'c=biws,r=rOprNGfwEbeRWgbNEkqO%hvYDpWUa2RaTCAfuxFIlj)hNlF$k0,p=dHzbZapWIk4jUhN+Ute9ytag9zjfMHgsqmmiz7AndVQ=',
    );
    expect(() => scram.verifyServerFinal('v=6rriTRBi23WpRR/wtup+mMhUZUn/dB5nLTJRsjl95G4=')).not.toThrow();
  });

  it('refuses a server signature that does not match (a server that does not know the password)', () => {
    const scram = new ScramClient('sha256', 'user', 'pencil', clientNonce);
    scram.clientFirst();
    scram.clientFinal(serverFirst);
    expect(() => scram.verifyServerFinal('v=AAAATRBi23WpRR/wtup+mMhUZUn/dB5nLTJRsjl95G4=')).toThrow("the server's SCRAM signature does not match");
  });

  it('escapes = and , in the user name (RFC 5802 section 5.1)', () => {
    expect(new ScramClient('sha512', 'a=b,c', 'p', 'n0nce').clientFirst()).toBe('n,,n=a=3Db=2Cc,r=n0nce');
  });

  it("reports the server's error attribute, and a server nonce that does not extend ours", () => {
    const scram = new ScramClient('sha512', 'user', 'pencil', clientNonce);
    scram.clientFirst();
    expect(() => scram.clientFinal('e=unknown-user')).toThrow(new ScramError('unknown-user'));
    expect(() => scram.clientFinal('r=someoneElse,s=W22ZaJ0SNY7soEsUEjb6gQ==,i=4096')).toThrow('malformed SCRAM server message');
    expect(() => scram.clientFinal(`r=${clientNonce}x,i=4096`)).toThrow('malformed SCRAM server message');
  });
});

describe('SASL on a new connection', () => {
  let fake: FakeKafka | undefined;
  afterEach(async () => {
    await fake?.close();
    fake = undefined;
  });

  /** A peer offering `mechanisms`; `authenticate` answers each SaslAuthenticate. */
  async function saslPeer(mechanisms: string[], authenticate: (bytes: Buffer, round: number) => Struct): Promise<{ fake: FakeKafka; seen: string[] }> {
    const seen: string[] = [];
    let round = 0;
    fake = await startFakeKafka({ 17: 1, 36: 2, 12: 4 }, (apiKey, version, body) => {
      if (apiKey === 17) {
        seen.push(`handshake v${version} ${body.mechanism as string}`);
        const ok = mechanisms.includes(body.mechanism as string);
        return { errorCode: ok ? ErrorCode.NONE : ErrorCode.UNSUPPORTED_SASL_MECHANISM, mechanisms };
      }
      if (apiKey === 36) {
        seen.push(`authenticate ${(body.authBytes as Buffer).toString('utf8').replace(/\0/g, '|')}`);
        return { sessionLifetimeMs: 0, ...authenticate(body.authBytes as Buffer, round++) };
      }
      if (apiKey === 12) return { throttleTimeMs: 0, errorCode: ErrorCode.NONE };
      throw new Error(`unexpected API ${apiKey}`);
    });
    return { fake, seen };
  }

  const open = (f: FakeKafka, sasl: SaslSettings) => ProtocolConnection.open(f.host, f.port, { security: { protocol: 'SASL_PLAINTEXT', sasl } });

  it('PLAIN: one SaslAuthenticate with NUL-separated credentials after SaslHandshake v1, then requests flow', async () => {
    const { fake, seen } = await saslPeer(['PLAIN'], () => ({ errorCode: ErrorCode.NONE, errorMessage: null, authBytes: Buffer.alloc(0) }));
    const conn = await open(fake, { mechanism: 'plain', username: 'alice', password: 's3cret' });
    try {
      expect(seen).toEqual(['handshake v1 PLAIN', 'authenticate |alice|s3cret']);
      expect((await conn.request(Heartbeat, { groupId: 'g', generationId: 1, memberId: 'm', groupInstanceId: null })).errorCode).toBe(ErrorCode.NONE);
    } finally {
      conn.close();
    }
  });

  it("reports the broker's message when it refuses the credentials", async () => {
    const { fake } = await saslPeer(['PLAIN'], () => ({
      errorCode: ErrorCode.SASL_AUTHENTICATION_FAILED, errorMessage: 'Invalid username or password', authBytes: Buffer.alloc(0),
    }));
    await expect(open(fake, { mechanism: 'plain', username: 'alice', password: 'wrong' })).rejects.toMatchObject({
      code: 'SASL',
      message: `Authentication failed on ${fake.address}: Invalid username or password`,
    });
  });

  it('names the mechanisms the broker offers when ours is not one of them', async () => {
    const { fake, seen } = await saslPeer(['PLAIN'], () => {
      throw new Error('no SaslAuthenticate expected');
    });
    await expect(open(fake, { mechanism: 'scram-sha-256', username: 'u', password: 'p' })).rejects.toMatchObject({
      code: 'SASL',
      message: `SASL mechanism SCRAM-SHA-256 is not enabled on ${fake.address} (it offers PLAIN)`,
    });
    expect(seen).toEqual(['handshake v1 SCRAM-SHA-256']);
  });

  it('SCRAM: refuses a server whose final signature is wrong, after both rounds', async () => {
    const { fake, seen } = await saslPeer(['SCRAM-SHA-512'], (bytes, round) => {
      const nonce = /r=([^,]+)/.exec(bytes.toString('utf8'))![1]!;
      const answer = round === 0 ? `r=${nonce}server,s=${Buffer.from('salt').toString('base64')},i=4096` : 'v=bm90IHRoZSBzaWduYXR1cmU=';
      return { errorCode: ErrorCode.NONE, errorMessage: null, authBytes: Buffer.from(answer) };
    });
    await expect(open(fake, { mechanism: 'scram-sha-512', username: 'u', password: 'p' })).rejects.toMatchObject({
      code: 'SASL',
      message: `Authentication failed on ${fake.address}: the server's SCRAM signature does not match`,
    });
    expect(seen).toHaveLength(3);
    expect(seen[1]).toMatch(/^authenticate n,,n=u,r=\S+$/);
    expect(seen[2]).toMatch(/^authenticate c=biws,r=\S+server,p=\S+$/);
  });
});
