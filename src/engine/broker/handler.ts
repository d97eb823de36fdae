/**
 * What a broker handler is: one API (its descriptor), the version range it implements (this is
 * what ApiVersions advertises), and a function from the decoded request to the response object,
 * both typed from the descriptor. Handlers never touch bytes. Returning null means "send no
 * response" (Produce with acks=0).
 */
import type { RequestHeader } from '../protocol/header.js';
import type { ApiSchema, RequestOf, ResponseInput } from '../protocol/schema.js';

export interface ConnectionInfo {
  /** Remote address as Kafka prints it in group descriptions, e.g. "/127.0.0.1". */
  readonly clientHost: string;
  readonly id: number;
}

export interface RequestContext {
  readonly header: RequestHeader;
  readonly version: number;
  readonly conn: ConnectionInfo;
  /**
   * Say in the broker's log why this request is answered with an error that a client surfaces
   * as "see the broker logs" (a refused feature, an invalid config); see refusal-log.ts.
   */
  refused(errorCode: number, detail: string): void;
}

export type HandlerResult<A extends ApiSchema> = Promise<ResponseInput<A> | null> | ResponseInput<A> | null;

export interface Handler<S, A extends ApiSchema = ApiSchema> {
  readonly api: A;
  /** Lowest version advertised. May be below `implementedMin` (Produce advertises 0, implements 3+). */
  readonly min: number;
  readonly max: number;
  /** Requests below this version close the connection, as Kafka 4.x does for Produce v0-2. */
  readonly implementedMin?: number;
  handle(services: S, request: RequestOf<A>, ctx: RequestContext): HandlerResult<A>;
}

/** A handler with its descriptor's types erased, so handlers of different APIs share one registry. */
export interface RegisteredHandler<S> {
  readonly api: ApiSchema;
  readonly min: number;
  readonly max: number;
  readonly implementedMin?: number;
  handle(services: S, request: RequestOf<ApiSchema>, ctx: RequestContext): HandlerResult<ApiSchema>;
}

export function register<S, A extends ApiSchema>(h: Handler<S, A>): RegisteredHandler<S> {
  return {
    api: h.api,
    min: h.min,
    max: h.max,
    implementedMin: h.implementedMin,
    // The dispatcher decodes every request with h.api before calling, so it is a RequestOf<A>;
    // a ResponseInput<A> is a plain object the encoder checks against the same descriptor.
    handle: (s, request, ctx) => h.handle(s, request as RequestOf<A>, ctx),
  };
}
