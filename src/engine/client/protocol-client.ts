/**
 * Our own Kafka protocol client, for the APIs kafkajs lacks or hides (IncrementalAlterConfigs,
 * OffsetDelete, DescribeCluster, ListGroups with filters, DescribeGroups v5, topic ids in
 * Metadata, broker error messages from CreateTopics, Fetch without a group, ...). It speaks the
 * same codec as the broker (engine/protocol).
 *
 *   const conn = await ProtocolConnection.open('127.0.0.1', 9092, { security, clientId: 'mq-topics' });
 *   const md = await conn.request(3, { topics: null });            // version: min(ours, broker's)
 *   const v = conn.versionFor(44);                                  // negotiated max, or -1
 *   conn.close();
 *
 *   const cluster = await Cluster.connect(['127.0.0.1:9092'], { security });
 *   await cluster.any().request(...)               // the bootstrap connection
 *   await cluster.forNode(leaderId)                // connection to a broker by node id (Metadata)
 *   await cluster.coordinator(groupId)             // FindCoordinator, then a connection to it
 *   await cluster.close();
 *
 * Requests on one connection are pipelined and answered in order (correlation ids are checked).
 * Every request has a timeout (requestTimeoutMs, 30 s by default); connecting has its own
 * (connectTimeoutMs, 5 s). TLS comes from SecuritySettings.ssl (tls.connect options); SASL PLAIN,
 * SCRAM-SHA-256 and SCRAM-SHA-512 via SaslHandshake v1 + SaslAuthenticate. Not supported:
 * GSSAPI, OAUTHBEARER, and re-authentication (KIP-368) on long-lived connections.
 *
 * Failures are ProtocolClientError (connection-level, with host/port and a reason) or
 * KafkaResponseError (an error code in a response; use throwIfError()).
 */
import net from 'node:net';
import tls from 'node:tls';
import { createHash, createHmac, pbkdf2Sync, randomBytes } from 'node:crypto';
import { Reader } from '../protocol/reader.js';
import { Writer } from '../protocol/writer.js';
import { decode, encode, type Struct } from '../protocol/codec.js';
import { isFlexible, readResponseHeader, responseHeaderIsFlexible, writeRequestHeader } from '../protocol/header.js';
import { schemaFor } from '../protocol/messages/index.js';
import { errorName } from '../protocol/error-codes.js';
import type { SecuritySettings } from './security.js';

export class ProtocolClientError extends Error {
  constructor(
    message: string,
    readonly host: string,
    readonly port: number,
    /** ECONNREFUSED, ETIMEDOUT, ENOTFOUND, CLOSED, TLS, SASL, UNSUPPORTED_VERSION, ... */
    readonly code: string,
  ) {
    super(message);
    this.name = 'ProtocolClientError';
  }
}

/** Codes of a connection that went away or never answered: worth a retry after a metadata refresh. */
const CONNECTION_LOST = new Set(['CLOSED', 'ECONNREFUSED', 'ECONNRESET', 'ETIMEDOUT', 'REQUEST_TIMED_OUT', 'EPIPE']);

/** True when `err` says a broker connection was lost (its broker stopped or moved away), not that a request was wrong. */
export function isConnectionLost(err: unknown): boolean {
  return err instanceof ProtocolClientError && CONNECTION_LOST.has(err.code);
}

/** An error code in a response, with Kafka's error name and the broker's message if any. */
export class KafkaResponseError extends Error {
  readonly errorName: string;
  constructor(
    readonly errorCode: number,
    readonly brokerMessage: string | null = null,
    context = '',
  ) {
    super(brokerMessage || `${context}${context ? ': ' : ''}${errorName(errorCode)}`);
    this.errorName = errorName(errorCode);
    this.name = 'KafkaResponseError';
  }
}

export function throwIfError(errorCode: number, errorMessage?: string | null, context = ''): void {
  if (errorCode !== 0) throw new KafkaResponseError(errorCode, errorMessage ?? null, context);
}

export interface ConnectionOptions {
  security?: SecuritySettings;
  clientId?: string;
  connectTimeoutMs?: number;
  requestTimeoutMs?: number;
}

interface Pending {
  correlationId: number;
  apiKey: number;
  version: number;
  resolve: (s: Struct) => void;
  reject: (e: Error) => void;
  timer: NodeJS.Timeout;
}

function firstLine(s: string): string {
  return s.split('\n')[0]!.trim();
}

/** The short reason of an OpenSSL error ('sslv3 alert bad certificate'), not its one-line-per-frame dump. */
function opensslReason(err: NodeJS.ErrnoException): string {
  const reason = (err as { reason?: unknown }).reason;
  if (typeof reason === 'string' && reason) return reason;
  const m = /:SSL routines:[^:]*:([^:]+):/.exec(err.message);
  return m?.[1] ?? firstLine(err.message);
}

function describeSocketError(err: NodeJS.ErrnoException): { code: string; reason: string } {
  switch (err.code) {
    case 'ECONNREFUSED':
      return { code: err.code, reason: 'connection refused' };
    case 'ENOTFOUND':
    case 'EAI_AGAIN':
      return { code: err.code, reason: 'unknown host' };
    case 'ETIMEDOUT':
      return { code: err.code, reason: 'connection timed out' };
    case 'EHOSTUNREACH':
    case 'ENETUNREACH':
      return { code: err.code, reason: 'host unreachable' };
    case 'ECONNRESET':
      return { code: err.code, reason: 'connection reset by peer' };
    default:
      if (err.code?.startsWith('ERR_SSL_') && /ALERT_(BAD_CERTIFICATE|CERTIFICATE_REQUIRED|UNKNOWN_CA|CERTIFICATE_UNKNOWN|HANDSHAKE_FAILURE)$/.test(err.code)) {
        // OpenSSL's text for an alert from the broker is a multi-line dump
        // ("805C...:error:0A000412:SSL routines:ssl3_read_bytes:sslv3 alert bad certificate:../deps/...");
        // say what it means instead.
        return {
          code: 'TLS',
          reason:
            `TLS handshake failed: the broker rejected the client certificate (${opensslReason(err)}); ` +
            'does the listener require one (ssl.client.auth)? Set ssl.keystore.location to a key store the broker trusts',
        };
      }
      if (err.code?.startsWith('ERR_TLS') || err.code?.startsWith('ERR_SSL_') || /certificate|SSL|TLS|self.signed/i.test(err.message)) {
        return { code: 'TLS', reason: `TLS handshake failed: ${err.code?.startsWith('ERR_SSL_') ? opensslReason(err) : firstLine(err.message)}` };
      }
      return { code: err.code ?? 'ERROR', reason: firstLine(err.message) };
  }
}

export class ProtocolConnection {
  private buffer: Buffer = Buffer.alloc(0);
  /** Chunks of a frame still incomplete, joined once it is (a 1 MiB Fetch answer arrives in ~16 chunks: joining on every chunk copied it quadratically). */
  private partial: Buffer[] = [];
  private partialBytes = 0;
  /** Bytes the frame at the head of `buffer`/`partial` needs, 0 when not known yet. */
  private needed = 0;
  private pending: Pending[] = [];
  private nextCorrelationId = 1;
  private closedError: Error | null = null;
  /** apiKey -> broker's max version (after negotiation: min(ours, broker's)). */
  private versions = new Map<number, { min: number; max: number }>();

  private constructor(
    private readonly socket: net.Socket,
    readonly host: string,
    readonly port: number,
    private readonly opts: ConnectionOptions,
  ) {
    socket.on('data', (d: Buffer) => this.onData(d));
    socket.on('error', (err) => this.fail(this.connError(err)));
    socket.on('close', () => this.fail(new ProtocolClientError(`Connection to ${host}:${port} was closed by the broker`, host, port, 'CLOSED')));
  }

  get address(): string {
    return `${this.host}:${this.port}`;
  }

  /** True once the socket failed or was closed; every later request rejects. */
  get closed(): boolean {
    return this.closedError !== null;
  }

  private connError(err: NodeJS.ErrnoException): ProtocolClientError {
    const { code, reason } = describeSocketError(err);
    return new ProtocolClientError(`Could not connect to ${this.host}:${this.port} (${reason})`, this.host, this.port, code);
  }

  static async open(host: string, port: number, opts: ConnectionOptions = {}): Promise<ProtocolConnection> {
    const connectTimeoutMs = opts.connectTimeoutMs ?? 5000;
    const socket = await new Promise<net.Socket>((resolve, reject) => {
      const useTls = Boolean(opts.security?.ssl);
      const s: net.Socket = useTls
        ? tls.connect({ host, port, servername: net.isIP(host) ? undefined : host, ...opts.security!.ssl })
        : net.connect({ host, port });
      const timer = setTimeout(() => {
        s.destroy();
        reject(new ProtocolClientError(`Could not connect to ${host}:${port} (no answer within ${connectTimeoutMs} ms)`, host, port, 'ETIMEDOUT'));
      }, connectTimeoutMs);
      s.once(useTls ? 'secureConnect' : 'connect', () => {
        clearTimeout(timer);
        s.removeAllListeners('error');
        resolve(s);
      });
      s.once('error', (err: NodeJS.ErrnoException) => {
        clearTimeout(timer);
        s.destroy();
        const { code, reason } = describeSocketError(err);
        reject(new ProtocolClientError(`Could not connect to ${host}:${port} (${reason})`, host, port, code));
      });
    });
    socket.setNoDelay(true);
    const conn = new ProtocolConnection(socket, host, port, opts);
    try {
      await conn.negotiate();
      if (opts.security?.sasl) await conn.authenticate();
    } catch (err) {
      conn.close();
      throw err;
    }
    return conn;
  }

  /** ApiVersions: try v3 (flexible); a broker that does not know it answers v0 with its range. */
  private async negotiate(): Promise<void> {
    const ours = schemaFor(18)!;
    let res = await this.send(18, 3, { clientSoftwareName: 'mq', clientSoftwareVersion: '0' });
    if (res.errorCode === 35 /* UNSUPPORTED_VERSION */) {
      const brokerMax = (res.apiKeys as Struct[]).find((k) => k.apiKey === 18)?.maxVersion ?? 0;
      res = await this.send(18, Math.min(brokerMax, 2), {});
    }
    throwIfError(res.errorCode as number, null, 'ApiVersions');
    for (const k of res.apiKeys as Struct[]) {
      const schema = schemaFor(k.apiKey as number);
      if (!schema) continue;
      const max = Math.min(k.maxVersion as number, schema.valid.max);
      const min = Math.max(k.minVersion as number, schema.valid.min);
      if (min <= max) this.versions.set(k.apiKey as number, { min, max });
    }
    void ours;
  }

  private async authenticate(): Promise<void> {
    const sasl = this.opts.security!.sasl!;
    const mech = sasl.mechanism.toUpperCase();
    const hs = await this.request(17, { mechanism: mech }, 1);
    if (hs.errorCode !== 0) {
      throw new ProtocolClientError(
        `SASL mechanism ${mech} is not enabled on ${this.address} (it offers ${(hs.mechanisms as string[]).join(', ') || 'none'})`,
        this.host, this.port, 'SASL');
    }
    const auth = async (bytes: Buffer): Promise<Buffer> => {
      const r = await this.request(36, { authBytes: bytes });
      if (r.errorCode !== 0) {
        throw new ProtocolClientError(
          `Authentication failed on ${this.address}: ${r.errorMessage || errorName(r.errorCode as number)}`, this.host, this.port, 'SASL');
      }
      return r.authBytes as Buffer;
    };
    if (mech === 'PLAIN') {
      await auth(Buffer.from(`\0${sasl.username}\0${sasl.password}`, 'utf8'));
      return;
    }
    // SCRAM (RFC 5802 / 7677).
    const hash = mech === 'SCRAM-SHA-256' ? 'sha256' : 'sha512';
    const keyLen = hash === 'sha256' ? 32 : 64;
    const user = sasl.username.replace(/=/g, '=3D').replace(/,/g, '=2C');
    const nonce = randomBytes(24).toString('base64');
    const clientFirstBare = `n=${user},r=${nonce}`;
    const serverFirst = (await auth(Buffer.from(`n,,${clientFirstBare}`))).toString('utf8');
    const attrs = Object.fromEntries(serverFirst.split(',').map((kv) => [kv[0], kv.slice(2)]));
    if (attrs.e) throw new ProtocolClientError(`Authentication failed on ${this.address}: ${attrs.e}`, this.host, this.port, 'SASL');
    if (!attrs.r?.startsWith(nonce) || !attrs.s || !attrs.i) {
      throw new ProtocolClientError(`Authentication failed on ${this.address}: malformed SCRAM server message`, this.host, this.port, 'SASL');
    }
    const salted = pbkdf2Sync(sasl.password, Buffer.from(attrs.s, 'base64'), Number(attrs.i), keyLen, hash);
    const clientKey = createHmac(hash, salted).update('Client Key').digest();
    const storedKey = createHash(hash).update(clientKey).digest();
    const clientFinalNoProof = `c=biws,r=${attrs.r}`;
    const authMessage = `${clientFirstBare},${serverFirst},${clientFinalNoProof}`;
    const signature = createHmac(hash, storedKey).update(authMessage).digest();
    const proof = Buffer.alloc(clientKey.length);
    for (let i = 0; i < proof.length; i++) proof[i] = clientKey[i]! ^ signature[i]!;
    const serverFinal = (await auth(Buffer.from(`${clientFinalNoProof},p=${proof.toString('base64')}`))).toString('utf8');
    const serverKey = createHmac(hash, salted).update('Server Key').digest();
    const expected = createHmac(hash, serverKey).update(authMessage).digest('base64');
    if (serverFinal !== `v=${expected}`) {
      throw new ProtocolClientError(`Authentication failed on ${this.address}: the server's SCRAM signature does not match`, this.host, this.port, 'SASL');
    }
  }

  /** The version we will use for an API: min(our max, broker max); -1 when there is none. */
  versionFor(apiKey: number): number {
    return this.versions.get(apiKey)?.max ?? -1;
  }

  supports(apiKey: number, minVersion = 0): boolean {
    return this.versionFor(apiKey) >= minVersion;
  }

  /**
   * Sends a request and resolves to the decoded response body. Without `version`, uses the
   * highest version both sides speak; with one, it must be within the broker's range.
   */
  async request(apiKey: number, body: Struct, version?: number): Promise<Struct> {
    const schema = schemaFor(apiKey);
    if (!schema) throw new Error(`no codec for API key ${apiKey}`);
    const range = this.versions.get(apiKey);
    const v = version ?? range?.max;
    if (v === undefined || !range || v < range.min || v > range.max) {
      throw new ProtocolClientError(
        `The broker at ${this.address} does not support ${schema.name}${version !== undefined ? ` v${version}` : ''}`,
        this.host, this.port, 'UNSUPPORTED_VERSION');
    }
    return this.send(apiKey, v, body);
  }

  private send(apiKey: number, version: number, body: Struct): Promise<Struct> {
    if (this.closedError) return Promise.reject(this.closedError);
    const schema = schemaFor(apiKey)!;
    const flexible = isFlexible(schema, version);
    const correlationId = this.nextCorrelationId++ & 0x7fffffff;
    const w = new Writer(256);
    w.int32(0);
    writeRequestHeader(w, { apiKey, apiVersion: version, correlationId, clientId: this.opts.clientId ?? 'mq' }, flexible);
    encode(schema.request, version, body, flexible, w);
    const frame = w.toBuffer();
    frame.writeInt32BE(frame.length - 4, 0);
    const timeoutMs = this.opts.requestTimeoutMs ?? 30_000;
    return new Promise<Struct>((resolve, reject) => {
      const timer = setTimeout(() => {
        this.fail(new ProtocolClientError(`${schema.name} request to ${this.address} timed out after ${timeoutMs} ms`, this.host, this.port, 'REQUEST_TIMED_OUT'));
      }, timeoutMs);
      this.pending.push({ correlationId, apiKey, version, resolve, reject, timer });
      this.socket.write(frame);
    });
  }

  private onData(d: Buffer): void {
    if (this.needed > 0) {
      this.partial.push(d);
      this.partialBytes += d.length;
      if (this.partialBytes < this.needed) return;
      this.buffer = Buffer.concat(this.partial, this.partialBytes);
      this.partial = [];
      this.partialBytes = 0;
      this.needed = 0;
    } else this.buffer = this.buffer.length === 0 ? d : Buffer.concat([this.buffer, d]);
    while (this.buffer.length >= 4) {
      const size = this.buffer.readInt32BE(0);
      if (size < 4 || size > 1024 * 1024 * 1024) {
        this.fail(new ProtocolClientError(`Malformed response from ${this.address} (frame size ${size})`, this.host, this.port, 'DECODE'));
        return;
      }
      if (this.buffer.length < 4 + size) {
        this.needed = 4 + size;
        this.partial = [this.buffer];
        this.partialBytes = this.buffer.length;
        this.buffer = Buffer.alloc(0);
        return;
      }
      const frame = this.buffer.subarray(4, 4 + size);
      this.buffer = this.buffer.subarray(4 + size);
      const p = this.pending.shift();
      if (!p) {
        this.fail(new ProtocolClientError(`Unexpected response from ${this.address}`, this.host, this.port, 'DECODE'));
        return;
      }
      clearTimeout(p.timer);
      try {
        const schema = schemaFor(p.apiKey)!;
        const flexible = isFlexible(schema, p.version);
        const r = new Reader(frame);
        const cid = readResponseHeader(r, responseHeaderIsFlexible(p.apiKey, flexible));
        if (cid !== p.correlationId) throw new Error(`correlation id ${cid}, expected ${p.correlationId}`);
        // An ApiVersions error answer comes back as a v0 body whatever version was asked.
        let body: Struct;
        if (p.apiKey === 18 && frame.length - r.offset >= 2 && frame.readInt16BE(r.offset) === 35) {
          body = decode(schema.response, 0, r, false);
        } else {
          body = decode(schema.response, p.version, r, flexible);
        }
        p.resolve(body);
      } catch (err) {
        p.reject(new ProtocolClientError(`Could not decode the response from ${this.address}: ${(err as Error).message}`, this.host, this.port, 'DECODE'));
      }
    }
  }

  private fail(err: Error): void {
    if (!this.closedError) this.closedError = err;
    const pending = this.pending;
    this.pending = [];
    for (const p of pending) {
      clearTimeout(p.timer);
      p.reject(err);
    }
    this.socket.destroy();
  }

  close(): void {
    this.fail(new ProtocolClientError(`Connection to ${this.address} was closed`, this.host, this.port, 'CLOSED'));
  }
}

/** Splits `host:port`, `[v6]:port`. Throws on a missing or bad port. */
export function parseHostPort(s: string): { host: string; port: number } {
  const m = /^(?:\[([^\]]+)\]|([^:\s]+)):(\d+)$/.exec(s.trim());
  if (!m) throw new Error(`Invalid address '${s}': expected host:port`);
  const port = Number(m[3]);
  if (port < 1 || port > 65535) throw new Error(`Invalid address '${s}': the port must be 1-65535`);
  return { host: m[1] ?? m[2]!, port };
}

export interface NodeInfo {
  nodeId: number;
  host: string;
  port: number;
}

/**
 * A set of connections to one cluster: the bootstrap connection (the first address that
 * answers), plus one per broker reached later by node id.
 */
export class Cluster {
  private byNode = new Map<number, Promise<ProtocolConnection>>();
  private nodes = new Map<number, NodeInfo>();

  private constructor(
    private bootstrap: ProtocolConnection,
    private readonly opts: ConnectionOptions,
    private readonly addresses: readonly string[],
  ) {}

  static async connect(addresses: readonly string[], opts: ConnectionOptions = {}): Promise<Cluster> {
    return new Cluster(await Cluster.openFirst(addresses, opts), opts, addresses);
  }

  private static async openFirst(addresses: readonly string[], opts: ConnectionOptions): Promise<ProtocolConnection> {
    let last: Error | undefined;
    for (const a of addresses) {
      const { host, port } = parseHostPort(a);
      try {
        return await ProtocolConnection.open(host, port, opts);
      } catch (err) {
        last = err as Error;
        if (err instanceof ProtocolClientError && err.code === 'SASL') throw err;
      }
    }
    throw last ?? new Error('no bootstrap servers');
  }

  /** The bootstrap connection. */
  any(): ProtocolConnection {
    return this.bootstrap;
  }

  /**
   * The bootstrap connection, reopened when its broker went away (a stopped Kafka node): the
   * bootstrap addresses are tried first, then the brokers the last Metadata named.
   */
  async live(): Promise<ProtocolConnection> {
    if (!this.bootstrap.closed) return this.bootstrap;
    // one reconnect at a time, shared by concurrent callers
    this.reopening ??= (async () => {
      try {
        const known = this.knownNodes().map((n) => `${n.host.includes(':') ? `[${n.host}]` : n.host}:${n.port}`);
        this.bootstrap = await Cluster.openFirst([...new Set([...this.addresses, ...known])], this.opts);
        return this.bootstrap;
      } finally {
        this.reopening = undefined;
      }
    })();
    return this.reopening;
  }

  private reopening: Promise<ProtocolConnection> | undefined;

  /** Metadata for some topics (null = all), remembering broker addresses. */
  async metadata(topics: string[] | null, extra: Struct = {}): Promise<Struct> {
    const c = await this.live();
    const v = c.versionFor(3);
    const body: Struct = {
      topics: topics === null ? (v >= 1 ? null : []) : topics.map((name) => ({ name, topicId: '00000000000000000000000000000000' })),
      allowAutoTopicCreation: false,
      ...extra,
    };
    const md = await c.request(3, body);
    for (const b of md.brokers as Struct[]) this.nodes.set(b.nodeId as number, { nodeId: b.nodeId as number, host: b.host as string, port: b.port as number });
    return md;
  }

  knownNodes(): NodeInfo[] {
    return [...this.nodes.values()].sort((a, b) => a.nodeId - b.nodeId);
  }

  /** A connection to the broker with this node id (from the last Metadata answer). */
  async forNode(nodeId: number): Promise<ProtocolConnection> {
    if (!this.nodes.has(nodeId)) await this.metadata([]);
    const node = this.nodes.get(nodeId);
    if (!node) throw new KafkaResponseError(5, `Broker ${nodeId} is not in the cluster metadata`);
    if (node.host === this.bootstrap.host && node.port === this.bootstrap.port && !this.bootstrap.closed) return this.bootstrap;
    let p = this.byNode.get(nodeId);
    // A connection whose broker went away (stopped node, leader moved and came back) is reopened.
    if (p && (await p.then((c) => c.closed, () => true))) p = undefined;
    if (!p) {
      p = ProtocolConnection.open(node.host, node.port, this.opts);
      p.catch(() => this.byNode.delete(nodeId));
      this.byNode.set(nodeId, p);
    }
    return p;
  }

  /** The controller (for admin requests Kafka routes there); falls back to the bootstrap broker. */
  async controller(): Promise<ProtocolConnection> {
    const md = await this.metadata([]);
    const id = md.controllerId as number;
    return id >= 0 ? this.forNode(id) : this.bootstrap;
  }

  /**
   * FindCoordinator for a group (keyType 0) or transactional id (1). COORDINATOR_NOT_AVAILABLE and
   * COORDINATOR_LOAD_IN_PROGRESS are retried for up to `waitMs`: a fresh Kafka cluster answers so
   * until it has created __consumer_offsets (50 partitions; seconds on a busy machine), and the
   * Java clients keep asking too.
   */
  async coordinator(key: string, keyType = 0, waitMs = 30_000): Promise<ProtocolConnection> {
    const c = await this.live();
    const v = c.versionFor(10);
    const deadline = Date.now() + waitMs;
    let r: Struct;
    for (let backoff = 100; ; backoff = Math.min(backoff * 2, 1000)) {
      const res = await c.request(10, v >= 4 ? { keyType, coordinatorKeys: [key] } : { key, keyType });
      r = v >= 4 ? (res.coordinators as Struct[])[0]! : res;
      const code = r.errorCode as number;
      if ((code !== 14 && code !== 15) || Date.now() + backoff > deadline) break;
      await new Promise((resolve) => setTimeout(resolve, backoff));
    }
    throwIfError(r.errorCode as number, r.errorMessage as string | null, `FindCoordinator ${key}`);
    const info = { nodeId: r.nodeId as number, host: r.host as string, port: r.port as number };
    this.nodes.set(info.nodeId, info);
    return this.forNode(info.nodeId);
  }

  /** Closed by its owner: connections it loses now are the owner's doing, not a broker going away. */
  get isClosed(): boolean {
    return this.shutDown;
  }

  private shutDown = false;

  async close(): Promise<void> {
    this.shutDown = true;
    this.bootstrap.close();
    for (const p of this.byNode.values()) {
      try {
        (await p).close();
      } catch {
        /* never opened */
      }
    }
    this.byNode.clear();
  }
}

/** 32 hex chars (our codec's uuid form) -> Kafka's Uuid.toString(): URL-safe base64, no padding. */
export function uuidToBase64(hex: string): string {
  return Buffer.from(hex, 'hex').toString('base64url');
}

/** Kafka's base64 Uuid -> 32 hex chars; throws on anything that is not 16 bytes. */
export function uuidFromBase64(s: string): string {
  const b = Buffer.from(s, 'base64url');
  if (b.length !== 16 || b.toString('base64url') !== s) throw new Error(`Invalid topic id ${s}`);
  return b.toString('hex');
}

export const ZERO_UUID_HEX = '00000000000000000000000000000000';
