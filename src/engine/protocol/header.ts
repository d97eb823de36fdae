/**
 * Request header v1/v2 and response header v0/v1.
 *
 * The header version follows the API version's flexibility, with one exception: the
 * ApiVersions response header is always v0 so that a client can read the answer before it
 * knows what the broker speaks.
 */
import { inRange, type ApiSchema } from './schema.js';
import { type Reader } from './reader.js';
import { type Writer } from './writer.js';

export const API_VERSIONS_KEY = 18;

export interface RequestHeader {
  apiKey: number;
  apiVersion: number;
  correlationId: number;
  clientId: string;
}

export function isFlexible(schema: ApiSchema, version: number): boolean {
  return inRange(schema.flexible, version);
}

/** Reads key, version and correlation id, then the rest of the header as `flexible` says. */
export function readRequestHeader(r: Reader, flexibleFor: (apiKey: number, version: number) => boolean): RequestHeader {
  const apiKey = r.int16();
  const apiVersion = r.int16();
  const correlationId = r.int32();
  // client_id keeps its classic int16 length even in header v2. Kafka treats null as "".
  const clientId = r.nullableString() ?? '';
  if (flexibleFor(apiKey, apiVersion)) {
    const count = r.uvarint();
    for (let i = 0; i < count; i++) {
      r.uvarint();
      r.raw(r.uvarint());
    }
  }
  return { apiKey, apiVersion, correlationId, clientId };
}

export function writeRequestHeader(w: Writer, h: RequestHeader, flexible: boolean): void {
  w.int16(h.apiKey).int16(h.apiVersion).int32(h.correlationId).nullableString(h.clientId);
  if (flexible) w.uvarint(0);
}

export function responseHeaderIsFlexible(apiKey: number, flexibleBody: boolean): boolean {
  return flexibleBody && apiKey !== API_VERSIONS_KEY;
}

export function writeResponseHeader(w: Writer, correlationId: number, flexible: boolean): void {
  w.int32(correlationId);
  if (flexible) w.uvarint(0);
}

export function readResponseHeader(r: Reader, flexible: boolean): number {
  const correlationId = r.int32();
  if (flexible) {
    const count = r.uvarint();
    for (let i = 0; i < count; i++) {
      r.uvarint();
      r.raw(r.uvarint());
    }
  }
  return correlationId;
}
