/**
 * The SCRAM client (src/engine/client/sasl.ts) against RFC 7677's SCRAM-SHA-256 example, the same
 * vector Kafka's ScramFormatterTest.rfc7677Example checks
 * (clients/src/test/java/org/apache/kafka/common/security/scram/internals/ScramFormatterTest.java).
 */
import { describe, expect, it } from 'vitest';
import { ScramClient, ScramError } from '../../../src/engine/client/sasl.js';

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
