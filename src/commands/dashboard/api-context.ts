/**
 * What every API route works from: the sampler (its latest snapshot, whether the cluster answers),
 * the cluster for live requests, the session's settings. Before the first round has published a
 * snapshot, snapshot routes answer 503 LOADING with Retry-After (the page shows "loading" and asks
 * again); once a round has failed to reach the cluster, 503 BROKER_UNAVAILABLE.
 */
import type { Cluster } from '../../engine/client/cluster.js';
import { KafkaResponseError, ProtocolClientError } from '../../engine/client/errors.js';
import { ErrorCode } from '../../engine/protocol/error-codes.js';
import { ApiError } from './api-error.js';
import type { Sampler, Snapshot } from './sampler.js';

export interface ApiContext {
  sampler: Sampler;
  cluster(): Promise<Cluster>;
  readOnly: boolean;
  csrfToken: string;
  refreshMs: number;
  target: { kind: 'local' | 'remote'; bootstrap: string };
  /** False while the saved lag history is being read (group views wait for it); absent: nothing to load. */
  historyLoaded?: () => boolean;
}

/** Seconds a client waits before asking again while the first round runs (Retry-After). */
export const LOADING_RETRY_SECONDS = 1;

/** `topic:partition` split back. */
export const tp = (k: string) => ({ topic: k.slice(0, k.lastIndexOf(':')), partition: Number(k.slice(k.lastIndexOf(':') + 1)) });

const unavailable = (ctx: ApiContext) => new ApiError(503, 'BROKER_UNAVAILABLE', `The cluster cannot be reached: ${ctx.sampler.lastError ?? 'not connected'}`);

/** The latest snapshot; 503 LOADING until the first round has published one, 503 BROKER_UNAVAILABLE while the cluster cannot be reached. */
export function snap(ctx: ApiContext): Snapshot {
  const s = ctx.sampler;
  if (s.snapshot && s.connected) return s.snapshot;
  if (!s.finishedRound) throw new ApiError(503, 'LOADING', 'The dashboard is taking its first sample of the cluster', LOADING_RETRY_SECONDS);
  throw unavailable(ctx);
}

/** The latest snapshot with its groups and their saved history: the first round's early snapshot has no groups yet (503 LOADING). */
export function snapWithGroups(ctx: ApiContext): Snapshot {
  const s = snap(ctx);
  if (!s.groupsKnown) throw new ApiError(503, 'LOADING', 'The dashboard is reading the consumer groups', LOADING_RETRY_SECONDS);
  if (ctx.historyLoaded && !ctx.historyLoaded()) throw new ApiError(503, 'LOADING', 'The dashboard is reading its saved lag history', LOADING_RETRY_SECONDS);
  return s;
}

/** The cluster for a live request; 503 once a round has found it unreachable (before the first round ends, the request tries). */
export async function live(ctx: ApiContext): Promise<Cluster> {
  if (ctx.sampler.finishedRound && !ctx.sampler.connected) throw unavailable(ctx);
  return ctx.cluster();
}

/** A client failure as an answer: Kafka's error name when there is one, else 503 when the connection went. */
export function toApiError(err: unknown): ApiError {
  if (err instanceof ApiError) return err;
  if (err instanceof KafkaResponseError) return new ApiError(err.errorCode === ErrorCode.UNKNOWN_TOPIC_OR_PARTITION ? 404 : 400, err.errorName, err.message);
  const msg = (err instanceof Error ? err.message : String(err)).split('\n')[0]!;
  if (err instanceof ProtocolClientError) return new ApiError(503, 'BROKER_UNAVAILABLE', msg);
  return new ApiError(500, 'UNKNOWN_SERVER_ERROR', msg);
}
