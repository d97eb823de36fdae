/**
 * What a broker handler is: one API key, the version range it implements (this is what
 * ApiVersions advertises), and a function from a decoded request to a plain response object.
 * Handlers never touch bytes. Returning null means "send no response" (Produce with acks=0).
 */
import type { Struct } from '../protocol/codec.js';
import type { RequestHeader } from '../protocol/header.js';

export interface ConnectionInfo {
  /** Remote address as Kafka prints it in group descriptions, e.g. "/127.0.0.1". */
  readonly clientHost: string;
  readonly id: number;
}

export interface RequestContext {
  readonly header: RequestHeader;
  readonly version: number;
  readonly conn: ConnectionInfo;
}

export interface Handler<S = unknown> {
  readonly apiKey: number;
  /** Lowest version advertised. May be below `implementedMin` (Produce advertises 0, implements 3+). */
  readonly min: number;
  readonly max: number;
  /** Requests below this version close the connection, as Kafka 4.x does for Produce v0-2. */
  readonly implementedMin?: number;
  handle(services: S, request: Struct, ctx: RequestContext): Promise<Struct | null> | Struct | null;
}
