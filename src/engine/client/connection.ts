/**
 * One connection to one broker, speaking the same codec as the broker (engine/protocol).
 *
 *   const conn = await ProtocolConnection.open('127.0.0.1', 9092, { security, clientId: 'mq-topics' });
 *   const md = await conn.request(Metadata, { topics: null });          // ResponseOf<typeof Metadata>; version: min(ours, broker's)
 *   const v = conn.versionFor(IncrementalAlterConfigs.apiKey);         // negotiated max, or -1
 *   conn.close();
 *
 * Opening negotiates versions with ApiVersions (KIP-511's v3 first) and runs SASL (sasl.ts) when
 * the settings ask for it; TLS comes from SecuritySettings.ssl (tls.connect options). Requests are
 * pipelined and answered in order, as Kafka's NetworkClient expects of a broker (correlation ids
 * are checked). Every request has a timeout (requestTimeoutMs, 30 s by default, Kafka's
 * request.timeout.ms); connecting has its own (connectTimeoutMs, 5 s). A timeout, a lost socket
 * or a malformed answer fails the connection and every request still waiting on it.
 *
 * Failures are ProtocolClientError (connection-level, with host/port and a code) or
 * KafkaResponseError (an error code in a response; use throwIfError()), from errors.ts.
 */
import net from 'node:net';
import tls from 'node:tls';
import { Reader } from '../protocol/reader.js';
import { Writer } from '../protocol/writer.js';
import { decode, encode } from '../protocol/codec.js';
import { ErrorCode, errorName } from '../protocol/error-codes.js';
import { FrameSizeError, FrameSplitter, sizeFrame } from '../protocol/frame.js';
import { isFlexible, readResponseHeader, responseHeaderIsFlexible, writeRequestHeader } from '../protocol/header.js';
import { ApiVersions } from '../protocol/messages/18-api-versions.js';
import { schemaFor } from '../protocol/messages/index.js';
import type { ApiSchema, RequestInput, ResponseOf } from '../protocol/schema.js';
import { ProtocolClientError, throwIfError } from './errors.js';
import { saslAuthenticate } from './sasl.js';
import type { SecuritySettings } from './security.js';

export interface ConnectionOptions {
  security?: SecuritySettings;
  clientId?: string;
  connectTimeoutMs?: number;
  requestTimeoutMs?: number;
  /**
   * The whole of opening a connection: TCP, TLS, the first ApiVersions answer and SASL (Kafka's
   * socket.connection.setup.timeout.ms, KIP-601, 10 s by default). A listener that accepts the
   * connection and never answers fails within it instead of after request.timeout.ms.
   */
  setupTimeoutMs?: number;
  /** Called when opening takes longer than a second (a spinner at a terminal); returns how to stop it. */
  onSlowSetup?: (address: string) => () => void;
  /** --verbose: one line per connection, request and answer. */
  log?: (line: string) => void;
}

/** Kafka's socket.connection.setup.timeout.ms default (CommonClientConfigs). */
export const DEFAULT_SETUP_TIMEOUT_MS = 10_000;

/** How long opening may take before onSlowSetup is told. */
const SLOW_SETUP_MS = 1000;

/**
 * The largest answer we accept. Kafka's clients read responses without a limit
 * (NetworkReceive.UNLIMITED); a size this far beyond any fetch.max.bytes means the stream is
 * garbage, and refusing it early saves allocating it.
 */
const MAX_RESPONSE_BYTES = 1024 * 1024 * 1024;

interface Pending {
  correlationId: number;
  /** Decodes the answer with the request's own descriptor and version, and resolves with it. */
  settle: (frame: Buffer) => void;
  reject: (e: Error) => void;
  timer: NodeJS.Timeout;
}

function seconds(ms: number): string {
  return ms % 1000 === 0 ? `${ms / 1000} s` : `${ms} ms`;
}

/** ' (errors: UNKNOWN_TOPIC_OR_PARTITION)' for an answer holding error codes, for --verbose. */
function answerErrors(res: unknown): string {
  const found = new Set<string>();
  const walk = (v: unknown, depth: number): void => {
    if (depth > 4 || v === null || typeof v !== 'object') return;
    if (Array.isArray(v)) {
      for (const x of v) walk(x, depth + 1);
      return;
    }
    for (const [k, x] of Object.entries(v)) {
      if (k === 'errorCode' && typeof x === 'number' && x !== ErrorCode.NONE) found.add(errorName(x));
      else walk(x, depth + 1);
    }
  };
  walk(res, 0);
  return found.size ? ` (errors: ${[...found].join(', ')})` : '';
}

function firstLine(s: string): string {
  return s.split('\n')[0]!.trim();
}

/** The short reason of an OpenSSL error ('sslv3 alert bad certificate'), not its one-line-per-frame dump. */
function opensslReason(err: NodeJS.ErrnoException): string {
  const reason: unknown = (err as { reason?: unknown }).reason;
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

/**
 * Why the first bytes an address sent back cannot be a Kafka answer, or null. A Kafka response
 * starts with an int32 size far below 'HTTP' read as one (1.2 GB); a TLS listener spoken to in
 * plain text answers with a TLS alert record (content type 21, version 3.x).
 */
function notKafkaAnswer(d: Buffer): string | null {
  if (d.length >= 4 && d.subarray(0, 4).toString('latin1') === 'HTTP') return 'that is not a Kafka broker (it answered HTTP)';
  if (d.length >= 2 && (d[0] === 0x15 || d[0] === 0x16) && d[1] === 0x03) {
    return 'it answered TLS: the listener expects security.protocol=SSL (or SASL_SSL) in the client properties file';
  }
  return null;
}

function connectError(host: string, port: number, err: NodeJS.ErrnoException): ProtocolClientError {
  const { code, reason } = describeSocketError(err);
  return new ProtocolClientError(`Could not connect to ${host}:${port} (${reason})`, host, port, code);
}

/** A TCP (or TLS) socket to host:port, or ProtocolClientError within connectTimeoutMs. */
function openSocket(host: string, port: number, ssl: tls.ConnectionOptions | undefined, connectTimeoutMs: number): Promise<net.Socket> {
  return new Promise<net.Socket>((resolve, reject) => {
    const s: net.Socket = ssl ? tls.connect({ host, port, servername: net.isIP(host) ? undefined : host, ...ssl }) : net.connect({ host, port });
    const timer = setTimeout(() => {
      s.destroy();
      reject(new ProtocolClientError(`Could not connect to ${host}:${port} (no answer within ${connectTimeoutMs} ms)`, host, port, 'ETIMEDOUT'));
    }, connectTimeoutMs);
    s.once(ssl ? 'secureConnect' : 'connect', () => {
      clearTimeout(timer);
      s.removeAllListeners('error');
      resolve(s);
    });
    s.once('error', (err: NodeJS.ErrnoException) => {
      clearTimeout(timer);
      s.destroy();
      reject(connectError(host, port, err));
    });
  });
}

export class ProtocolConnection {
  private readonly frames = new FrameSplitter(MAX_RESPONSE_BYTES);
  private pending: Pending[] = [];
  private nextCorrelationId = 1;
  private closedError: Error | null = null;
  /** apiKey -> the versions both sides speak (after negotiation: our range within the broker's). */
  private versions = new Map<number, { min: number; max: number }>();
  /** Whether any bytes came back yet: the first ones tell a Kafka broker from a web server. */
  private answered = false;

  private constructor(
    private readonly socket: net.Socket,
    readonly host: string,
    readonly port: number,
    private readonly opts: ConnectionOptions,
  ) {
    socket.on('data', (d: Buffer) => this.onData(d));
    socket.on('error', (err: NodeJS.ErrnoException) => this.fail(connectError(host, port, err)));
    socket.on('close', () => this.fail(new ProtocolClientError(`Connection to ${host}:${port} was closed by the broker`, host, port, 'CLOSED')));
  }

  get address(): string {
    return `${this.host}:${this.port}`;
  }

  /** True once the socket failed or was closed; every later request rejects. */
  get closed(): boolean {
    return this.closedError !== null;
  }

  static async open(host: string, port: number, opts: ConnectionOptions = {}): Promise<ProtocolConnection> {
    const address = `${host.includes(':') ? `[${host}]` : host}:${port}`;
    const setupMs = opts.setupTimeoutMs ?? DEFAULT_SETUP_TIMEOUT_MS;
    let stopWaiting: (() => void) | undefined;
    const slow = opts.onSlowSetup ? setTimeout(() => (stopWaiting = opts.onSlowSetup?.(address)), SLOW_SETUP_MS) : undefined;
    let conn: ProtocolConnection | undefined;
    let expired: ProtocolClientError | undefined;
    const deadline = setTimeout(() => {
      expired = new ProtocolClientError(
        conn
          ? `Could not connect to ${address} (it accepted the connection but did not answer within ${seconds(setupMs)}; ` +
            'socket.connection.setup.timeout.ms or --connect-timeout-ms waits longer)'
          : `Could not connect to ${address} (no answer within ${seconds(setupMs)})`,
        host, port, 'NO_ANSWER');
      conn?.fail(expired);
    }, setupMs);
    try {
      opts.log?.(`connecting to ${address}${opts.security?.ssl ? ' (TLS)' : ''}`);
      const socket = await openSocket(host, port, opts.security?.ssl, Math.min(opts.connectTimeoutMs ?? 5000, setupMs));
      if (expired) {
        socket.destroy();
        throw expired;
      }
      socket.setNoDelay(true);
      conn = new ProtocolConnection(socket, host, port, opts);
      try {
        await conn.negotiate();
        if (opts.security?.sasl) await saslAuthenticate(conn, opts.security.sasl);
      } catch (err) {
        conn.close();
        throw expired ?? err;
      }
      opts.log?.(`connected to ${address} (${conn.versions.size} APIs in common)`);
      return conn;
    } catch (err) {
      opts.log?.(`connection to ${address} failed: ${err instanceof Error ? err.message : String(err)}`);
      throw err;
    } finally {
      clearTimeout(deadline);
      if (slow) clearTimeout(slow);
      stopWaiting?.();
    }
  }

  /**
   * ApiVersions: try v3 (flexible, KIP-511); a broker that does not know it answers
   * UNSUPPORTED_VERSION in a v0 body with its own range, and we ask again within it.
   */
  private async negotiate(): Promise<void> {
    let res = await this.send(ApiVersions, 3, { clientSoftwareName: 'mq', clientSoftwareVersion: '0' });
    if (res.errorCode === ErrorCode.UNSUPPORTED_VERSION) {
      const brokerMax = res.apiKeys.find((k) => k.apiKey === ApiVersions.apiKey)?.maxVersion ?? 0;
      res = await this.send(ApiVersions, Math.min(brokerMax, 2), {});
    }
    throwIfError(res.errorCode, null, 'ApiVersions');
    for (const k of res.apiKeys) {
      const schema = schemaFor(k.apiKey);
      if (!schema) continue;
      const max = Math.min(k.maxVersion, schema.valid.max);
      const min = Math.max(k.minVersion, schema.valid.min);
      if (min <= max) this.versions.set(k.apiKey, { min, max });
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
   * highest version both sides speak; with one, it must be within the broker's range. The body
   * may hold only what the descriptor has at that version (the encoder refuses anything else).
   */
  async request<A extends ApiSchema>(schema: A, body: RequestInput<A>, version?: number): Promise<ResponseOf<A>> {
    const range = this.versions.get(schema.apiKey);
    const v = version ?? range?.max;
    if (v === undefined || !range || v < range.min || v > range.max) {
      throw new ProtocolClientError(
        `The broker at ${this.address} does not support ${schema.name}${version !== undefined ? ` v${version}` : ''}`,
        this.host, this.port, 'UNSUPPORTED_VERSION');
    }
    return this.send(schema, v, body);
  }

  /**
   * Sends a request the broker does not answer (Produce with acks=0: KafkaApis sends no response,
   * and Kafka's NetworkClient expects none when `expectResponse` is false). Resolves once the
   * bytes are handed to the socket; no correlation slot is taken, so later answers still match.
   */
  requestNoAnswer<A extends ApiSchema>(schema: A, body: RequestInput<A>): Promise<void> {
    if (this.closedError) return Promise.reject(this.closedError);
    const range = this.versions.get(schema.apiKey);
    if (!range) return Promise.reject(new ProtocolClientError(`The broker at ${this.address} does not support ${schema.name}`, this.host, this.port, 'UNSUPPORTED_VERSION'));
    const version = range.max;
    const flexible = isFlexible(schema, version);
    const correlationId = this.nextCorrelationId++ & 0x7fffffff;
    const w = new Writer(256);
    w.int32(0);
    writeRequestHeader(w, { apiKey: schema.apiKey, apiVersion: version, correlationId, clientId: this.opts.clientId ?? 'mq' }, flexible);
    encode(schema.request, version, body, flexible, w);
    const frame = sizeFrame(w.toBuffer());
    this.opts.log?.(`-> ${schema.name} v${version} to ${this.address} (correlation id ${correlationId}, no answer awaited)`);
    return new Promise<void>((resolve, reject) => {
      this.socket.write(frame, (err) => {
        if (err) reject(this.closedError ?? new ProtocolClientError(`${schema.name} request to ${this.address} could not be written: ${err.message}`, this.host, this.port, 'CLOSED'));
        else resolve();
      });
    });
  }

  private send<A extends ApiSchema>(schema: A, version: number, body: RequestInput<A>): Promise<ResponseOf<A>> {
    if (this.closedError) return Promise.reject(this.closedError);
    const apiKey = schema.apiKey;
    const flexible = isFlexible(schema, version);
    const correlationId = this.nextCorrelationId++ & 0x7fffffff;
    const w = new Writer(256);
    w.int32(0);
    writeRequestHeader(w, { apiKey, apiVersion: version, correlationId, clientId: this.opts.clientId ?? 'mq' }, flexible);
    encode(schema.request, version, body, flexible, w);
    const frame = sizeFrame(w.toBuffer());
    const timeoutMs = this.opts.requestTimeoutMs ?? 30_000;
    const log = this.opts.log;
    const sent = Date.now();
    log?.(`-> ${schema.name} v${version} to ${this.address} (correlation id ${correlationId})`);
    return new Promise<ResponseOf<A>>((resolve, reject) => {
      const timer = setTimeout(() => {
        this.fail(new ProtocolClientError(`${schema.name} request to ${this.address} timed out after ${timeoutMs} ms`, this.host, this.port, 'REQUEST_TIMED_OUT'));
      }, timeoutMs);
      const settle = (frame: Buffer) => {
        const res = this.decodeResponse(schema, version, correlationId, frame);
        log?.(`<- ${schema.name} from ${this.address} in ${Date.now() - sent} ms${answerErrors(res)}`);
        resolve(res);
      };
      this.pending.push({ correlationId, settle, reject, timer });
      this.socket.write(frame);
    });
  }

  private onData(d: Buffer): void {
    if (!this.answered) {
      this.answered = true;
      const notKafka = notKafkaAnswer(d);
      if (notKafka) {
        this.fail(new ProtocolClientError(`Could not connect to ${this.address}: ${notKafka}`, this.host, this.port, 'NOT_KAFKA'));
        return;
      }
    }
    let frames: Buffer[];
    try {
      frames = this.frames.push(d);
    } catch (err) {
      if (!(err instanceof FrameSizeError)) throw err;
      this.fail(this.malformed(err.size));
      return;
    }
    for (const frame of frames) {
      if (this.closedError) return;
      // Every response starts with its int32 correlation id.
      if (frame.length < 4) {
        this.fail(this.malformed(frame.length));
        return;
      }
      const p = this.pending.shift();
      if (!p) {
        this.fail(new ProtocolClientError(`Unexpected response from ${this.address}`, this.host, this.port, 'DECODE'));
        return;
      }
      clearTimeout(p.timer);
      try {
        p.settle(frame);
      } catch (err) {
        const why = err instanceof Error ? err.message : String(err);
        p.reject(new ProtocolClientError(`Could not decode the response from ${this.address}: ${why}`, this.host, this.port, 'DECODE'));
      }
    }
  }

  private decodeResponse<A extends ApiSchema>(schema: A, version: number, correlationId: number, frame: Buffer): ResponseOf<A> {
    const flexible = isFlexible(schema, version);
    const r = new Reader(frame);
    const cid = readResponseHeader(r, responseHeaderIsFlexible(schema.apiKey, flexible));
    if (cid !== correlationId) throw new Error(`correlation id ${cid}, expected ${correlationId}`);
    // An ApiVersions error answer comes back as a v0 body whatever version was asked (KIP-511).
    if (schema.apiKey === ApiVersions.apiKey && frame.length - r.offset >= 2 && frame.readInt16BE(r.offset) === ErrorCode.UNSUPPORTED_VERSION) {
      return decode<A['response']['fields']>(schema.response, 0, r, false);
    }
    return decode<A['response']['fields']>(schema.response, version, r, flexible);
  }

  private malformed(size: number): ProtocolClientError {
    return new ProtocolClientError(`Malformed response from ${this.address} (frame size ${size})`, this.host, this.port, 'DECODE');
  }

  private fail(err: Error): void {
    if (!this.closedError) this.opts.log?.(`connection to ${this.address} closed: ${err.message}`);
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
