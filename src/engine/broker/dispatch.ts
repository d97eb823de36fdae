/**
 * Request dispatch: header -> registry -> version check -> decode -> handler -> encode.
 *
 * The ApiVersions answer is built from the registered handlers, so the broker can never
 * advertise a version it does not implement. Advertised maxima can be capped (tests use that to
 * drive clients down their older code paths, as kfake's --as-version does).
 */
import { decode, encode } from '../protocol/codec.js';
import { apiName } from '../protocol/api-keys.js';
import { API_VERSIONS_KEY, readRequestHeader, responseHeaderIsFlexible, writeResponseHeader } from '../protocol/header.js';
import { schemaFor } from '../protocol/messages/index.js';
import { Reader } from '../protocol/reader.js';
import { inRange, type ApiSchema, type InputOf } from '../protocol/schema.js';
import { Writer } from '../protocol/writer.js';
import { ErrorCode } from '../protocol/error-codes.js';
import type { ConnectionInfo, RegisteredHandler, RequestContext } from './handler.js';
import { DecodeError } from '../protocol/reader.js';
import type { RefusalLog } from './refusal-log.js';

export interface ApiVersionRange {
  apiKey: number;
  minVersion: number;
  maxVersion: number;
}

/** Why a request ended its connection instead of getting an answer. */
export class CloseConnection extends Error {
  constructor(reason: string) {
    super(reason);
    this.name = 'CloseConnection';
  }
}

export interface DispatchResult {
  /** Response bytes, frame size prefix included; null when the request gets no answer. */
  chunks: Buffer[] | null;
  apiKey: number;
}

export class Dispatcher<S> {
  private readonly handlers = new Map<number, RegisteredHandler<S>>();
  private readonly table: ApiVersionRange[];

  constructor(
    handlers: readonly RegisteredHandler<S>[],
    private readonly services: S,
    caps: Readonly<Record<number, number>> = {},
    /** Where refusals are logged; without it (unit tests) they are not. */
    private readonly refusals?: RefusalLog,
  ) {
    const seen = new Set<number>();
    for (const h of handlers) {
      const key = h.api.apiKey;
      // Two handlers for one key would leave it to list order which one serves: a start-up error.
      if (seen.has(key)) throw new Error(`two handlers registered for API ${key} (${apiName(key)})`);
      seen.add(key);
      const schema = schemaFor(key);
      if (schema !== h.api) throw new Error(`handler for API ${key} (${apiName(key)}) uses a descriptor the codec registry does not have`);
      if (h.min < schema.valid.min || h.max > schema.valid.max) {
        throw new Error(`handler for ${schema.name} claims ${h.min}-${h.max}, schema covers ${schema.valid.min}-${schema.valid.max}`);
      }
      const cap = caps[key];
      const max = cap === undefined ? h.max : Math.min(cap, h.max);
      if (max < h.min) continue;
      this.handlers.set(key, { ...h, max });
    }
    this.table = [...this.handlers.values()]
      .map((h) => ({ apiKey: h.api.apiKey, minVersion: h.min, maxVersion: h.max }))
      .sort((a, b) => a.apiKey - b.apiKey);
  }

  apiVersions(): readonly ApiVersionRange[] {
    return this.table;
  }

  private flexibleFor = (apiKey: number, version: number): boolean => {
    const schema = schemaFor(apiKey);
    if (!schema) return false;
    // An ApiVersions request newer than we know is still parsed with header v2 from v3 on.
    if (apiKey === API_VERSIONS_KEY && version > schema.valid.max) return version >= 3;
    return inRange(schema.flexible, version);
  };

  /** Handles one frame body. Throws CloseConnection (or a DecodeError) when the connection must close. */
  async dispatch(frame: Buffer, conn: ConnectionInfo): Promise<DispatchResult> {
    const r = new Reader(frame);
    if (frame.length < 8) throw new CloseConnection(`request of ${frame.length} bytes is too short for a header (8 bytes at least)`);
    const apiKey = frame.readInt16BE(0);
    const version = frame.readInt16BE(2);
    const handler = this.handlers.get(apiKey);
    // Kafka closes the connection for an API it does not serve; the client only sees the socket go,
    // so the log says which API, version and client it was.
    if (!handler) throw new CloseConnection(`unsupported API ${apiName(apiKey)} (key ${apiKey}) v${version}${clientOf(frame)}`);
    let header;
    try {
      header = readRequestHeader(r, this.flexibleFor);
    } catch (err) {
      if (err instanceof DecodeError) throw new CloseConnection(`malformed ${apiName(apiKey)} v${version} request header: ${err.message}`);
      throw err;
    }

    if (apiKey === API_VERSIONS_KEY && version > handler.max) {
      // Kafka's answer: a v0 body with UNSUPPORTED_VERSION and our ApiVersions range, so any
      // client can retry with a version we speak.
      const body = { errorCode: ErrorCode.UNSUPPORTED_VERSION, apiKeys: [{ apiKey, minVersion: handler.min, maxVersion: handler.max }] };
      return { chunks: this.frame(header.correlationId, handler.api, 0, false, body), apiKey };
    }
    if (version < handler.min || version > handler.max) {
      throw new CloseConnection(`unsupported version ${version} of ${handler.api.name} (this broker serves v${handler.min}-v${handler.max}) from client '${header.clientId}'`);
    }
    if (handler.implementedMin !== undefined && version < handler.implementedMin) {
      throw new CloseConnection(
        `unsupported version ${version} of ${handler.api.name} from client '${header.clientId}': advertised for old clients' feature checks but served from v${handler.implementedMin}`,
      );
    }
    const schema = handler.api;
    const flexible = inRange(schema.flexible, version);
    let request;
    try {
      request = decode(schema.request, version, r, flexible);
    } catch (err) {
      if (err instanceof DecodeError) throw new CloseConnection(`malformed ${schema.name} v${version} request from client '${header.clientId}': ${err.message}`);
      throw err;
    }
    const clientId = header.clientId;
    const ctx: RequestContext = {
      header,
      version,
      conn,
      refused: (errorCode, detail) => this.refusals?.refused(conn, { api: schema.name, version, errorCode, clientId, detail }),
    };
    const response = await handler.handle(this.services, request, ctx);
    if (response === null) return { chunks: null, apiKey };
    return { chunks: this.frame(header.correlationId, schema, version, flexible, response), apiKey };
  }

  /** The connection is gone: the refusal log summarises what it only counted. */
  connectionClosed(conn: ConnectionInfo): void {
    this.refusals?.closed(conn);
  }

  private frame(correlationId: number, schema: ApiSchema, version: number, flexible: boolean, body: InputOf<ApiSchema['response']['fields']>): Buffer[] {
    const w = new Writer(512);
    w.int32(0); // size, patched below
    writeResponseHeader(w, correlationId, responseHeaderIsFlexible(schema.apiKey, flexible));
    encode(schema.response, version, body, flexible, w);
    const chunks = w.toChunks();
    const total = chunks.reduce((n, c) => n + c.length, 0);
    chunks[0]!.writeInt32BE(total - 4, 0);
    return chunks;
  }
}

/** ", client 'x'" when the header's client id can be read without knowing the API's header version. */
function clientOf(frame: Buffer): string {
  // Request header v1/v2 both start apiKey, apiVersion, correlationId, then a nullable int16 string.
  if (frame.length < 10) return '';
  const n = frame.readInt16BE(8);
  if (n < 0 || frame.length < 10 + n) return '';
  return ` from client '${frame.toString('utf8', 10, 10 + n)}'`;
}
