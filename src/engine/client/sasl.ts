/**
 * SASL on a fresh connection, the way Kafka's SaslClientAuthenticator does it
 * (clients/src/main/java/org/apache/kafka/common/security/authenticator/SaslClientAuthenticator.java):
 * SaslHandshake v1 names the mechanism, then the mechanism's messages travel in SaslAuthenticate
 * requests (KIP-152).
 *
 *   await saslAuthenticate(conn, { mechanism: 'scram-sha-512', username, password });   // ProtocolClientError 'SASL'
 *
 * PLAIN sends one message (RFC 4616). SCRAM-SHA-256/512 is RFC 5802 with RFC 7677's hashes, as in
 * clients/src/main/java/org/apache/kafka/common/security/scram/internals/ScramSaslClient.java;
 * ScramClient is the pure part. Not supported: GSSAPI, OAUTHBEARER, and re-authentication
 * (KIP-368) on long-lived connections.
 */
import { createHash, createHmac, pbkdf2Sync, randomBytes } from 'node:crypto';
import { ErrorCode, errorName } from '../protocol/error-codes.js';
import { SaslAuthenticate } from '../protocol/messages/36-sasl-authenticate.js';
import { SaslHandshake } from '../protocol/messages/17-sasl-handshake.js';
import type { ApiSchema, RequestInput, ResponseOf } from '../protocol/schema.js';
import { ProtocolClientError } from './errors.js';
import type { SaslSettings } from './security.js';

/** The part of a connection SASL needs. */
export interface SaslPeer {
  readonly host: string;
  readonly port: number;
  readonly address: string;
  request<A extends ApiSchema>(api: A, body: RequestInput<A>, version?: number): Promise<ResponseOf<A>>;
}

export async function saslAuthenticate(peer: SaslPeer, sasl: SaslSettings): Promise<void> {
  const fail = (reason: string) => new ProtocolClientError(`Authentication failed on ${peer.address}: ${reason}`, peer.host, peer.port, 'SASL');
  const mech = sasl.mechanism.toUpperCase();
  // v1: the mechanism's messages follow in SaslAuthenticate requests, not as raw frames (KIP-152).
  const hs = await peer.request(SaslHandshake, { mechanism: mech }, 1);
  if (hs.errorCode !== ErrorCode.NONE) {
    throw new ProtocolClientError(
      `SASL mechanism ${mech} is not enabled on ${peer.address} (it offers ${hs.mechanisms.join(', ') || 'none'})`,
      peer.host, peer.port, 'SASL');
  }
  const exchange = async (bytes: Buffer): Promise<Buffer> => {
    const r = await peer.request(SaslAuthenticate, { authBytes: bytes });
    if (r.errorCode !== ErrorCode.NONE) throw fail(r.errorMessage || errorName(r.errorCode));
    return r.authBytes;
  };
  if (mech === 'PLAIN') {
    await exchange(Buffer.from(`\0${sasl.username}\0${sasl.password}`, 'utf8'));
    return;
  }
  const scram = new ScramClient(mech === 'SCRAM-SHA-256' ? 'sha256' : 'sha512', sasl.username, sasl.password);
  try {
    const serverFirst = (await exchange(Buffer.from(scram.clientFirst()))).toString('utf8');
    const serverFinal = (await exchange(Buffer.from(scram.clientFinal(serverFirst)))).toString('utf8');
    scram.verifyServerFinal(serverFinal);
  } catch (err) {
    throw err instanceof ScramError ? fail(err.message) : err;
  }
}

/** A SCRAM exchange the server broke off or got wrong; the message is the reason. */
export class ScramError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'ScramError';
  }
}

/**
 * The client side of one SCRAM exchange (RFC 5802 section 3), without I/O:
 * clientFirst() -> server-first -> clientFinal(serverFirst) -> server-final -> verifyServerFinal().
 */
export class ScramClient {
  private clientFirstBare = '';
  private expectedServerSignature = '';

  constructor(
    private readonly hash: 'sha256' | 'sha512',
    private readonly username: string,
    private readonly password: string,
    /** Tests pass RFC 7677's; otherwise random, as ScramSaslClient's ScramFormatter.secureRandomString. */
    private readonly nonce = randomBytes(24).toString('base64'),
  ) {}

  /** "n,,n=<user>,r=<nonce>": no channel binding, the user name escaped (RFC 5802 section 5.1). */
  clientFirst(): string {
    const user = this.username.replace(/=/g, '=3D').replace(/,/g, '=2C');
    this.clientFirstBare = `n=${user},r=${this.nonce}`;
    return `n,,${this.clientFirstBare}`;
  }

  /** The client-final message with its proof, for the server-first message "r=...,s=...,i=...". */
  clientFinal(serverFirst: string): string {
    const attrs = new Map(serverFirst.split(',').map((kv) => [kv[0], kv.slice(2)]));
    const error = attrs.get('e');
    if (error) throw new ScramError(error);
    const serverNonce = attrs.get('r');
    const salt = attrs.get('s');
    const iterations = attrs.get('i');
    if (!serverNonce?.startsWith(this.nonce) || !salt || !iterations) throw new ScramError('malformed SCRAM server message');
    const keyLen = this.hash === 'sha256' ? 32 : 64;
    const salted = pbkdf2Sync(this.password, Buffer.from(salt, 'base64'), Number(iterations), keyLen, this.hash);
    const clientKey = createHmac(this.hash, salted).update('Client Key').digest();
    const storedKey = createHash(this.hash).update(clientKey).digest();
    // "biws" is base64 of the GS2 header "n,,": no channel binding.
    const withoutProof = `c=biws,r=${serverNonce}`;
    const authMessage = `${this.clientFirstBare},${serverFirst},${withoutProof}`;
    const signature = createHmac(this.hash, storedKey).update(authMessage).digest();
    const proof = Buffer.alloc(clientKey.length);
    for (let i = 0; i < proof.length; i++) proof[i] = clientKey[i]! ^ signature[i]!;
    const serverKey = createHmac(this.hash, salted).update('Server Key').digest();
    this.expectedServerSignature = createHmac(this.hash, serverKey).update(authMessage).digest('base64');
    return `${withoutProof},p=${proof.toString('base64')}`;
  }

  /** Checks "v=<server signature>": the server knew the password too. */
  verifyServerFinal(serverFinal: string): void {
    if (serverFinal !== `v=${this.expectedServerSignature}`) throw new ScramError("the server's SCRAM signature does not match");
  }
}
