// The page's only way to the server: the JSON API of docs/dashboard-api.md. Every POST carries the session's
// CSRF token in X-MQ-CSRF (the server refuses a POST without it).

export interface Session {
  version: string;
  readOnly: boolean;
  csrfToken: string;
  refreshMs: number;
  target: { kind: 'local' | 'remote'; bootstrap: string };
}

export interface Broker {
  id: number;
  host: string;
  port: number;
  rack: string | null;
  leaderPartitions: number;
  replicas: number;
  reachable: boolean;
  sizeBytes: number | null;
}

export interface Cluster {
  clusterId: string | null;
  controllerId: number | null;
  brokers: Broker[];
  topicCount: number;
  partitionCount: number;
  underReplicatedPartitions: number;
  offlinePartitions: number;
  sizeBytes: number | null;
  messagesInPerSec: number | null;
  sampledAt: number | null;
}

export interface TopicRow {
  name: string;
  topicId: string;
  internal: boolean;
  partitions: number;
  replicationFactor: number;
  messages: number;
  sizeBytes: number | null;
  underReplicated: number;
  produceRate: number[];
}

export interface PartitionInfo {
  partition: number;
  leader: number;
  replicas: number[];
  isr: number[];
  offlineReplicas: number[];
  startOffset: number;
  endOffset: number;
  sizeBytes: number | null;
}

export interface ConfigEntry {
  name: string;
  value: string | null;
  source: string;
  isDefault: boolean;
  readOnly: boolean;
  sensitive: boolean;
}

export interface TopicDetail {
  name: string;
  topicId: string;
  internal: boolean;
  partitions: PartitionInfo[];
  configs: ConfigEntry[];
  groups: { groupId: string; state: string; lag: number | null; committed: { partition: number; offset: number }[] }[];
}

export interface Bytes { base64: string; size: number }

export interface Message {
  partition: number;
  offset: number;
  timestamp: number;
  timestampType: string;
  key: Bytes | null;
  value: Bytes | null;
  headers: { key: string; value: Bytes | null }[];
}

export interface MessagePage {
  messages: Message[];
  next: string | null;
  prev: string | null;
  scanned: number;
  truncated: boolean;
}

export type Trend = 'growing' | 'shrinking' | 'steady' | 'unknown';

export interface GroupRow {
  groupId: string;
  state: string;
  protocolType: string;
  members: number;
  topics: string[];
  lag: number | null;
  lagTrend: Trend;
}

export interface GroupMember {
  memberId: string;
  groupInstanceId: string | null;
  clientId: string;
  host: string;
  assignment: { topic: string; partitions: number[] }[];
}

export interface OffsetRow {
  topic: string;
  partition: number;
  currentOffset: number | null;
  logEndOffset: number | null;
  lag: number | null;
  consumerId: string | null;
  host: string | null;
  clientId: string | null;
}

export interface GroupDetail {
  groupId: string;
  state: string;
  protocolType: string;
  protocol: string;
  coordinator: number | null | { id: number; host: string; port: number };
  members: GroupMember[];
  offsets: OffsetRow[];
}

export interface Series {
  t: number[];
  lag: number[];
  consumeRate: number[];
  produceRate: number[];
  timeLagSeconds: (number | null)[];
}

export interface GroupLag {
  total: Series;
  partitions: { topic: string; partition: number; series: Series }[];
  trend: Trend;
  catchUpSeconds: number | null;
  timeLagSeconds: number | null;
}

export interface ResetRow { group: string; topic: string; partition: number; newOffset: number }

/** A failed request, carrying the server's `{ error: { code, message } }`. */
export class ApiError extends Error {
  constructor(readonly status: number, readonly code: string, message: string, readonly retryAfterSeconds: number | null = null) {
    super(message);
  }

  /** 503 LOADING: the dashboard has just started and is taking its first sample; ask again after retryAfterSeconds. */
  get loading(): boolean {
    return this.status === 503 && this.code === 'LOADING';
  }
}

let csrfToken = '';

export function setCsrfToken(token: string): void {
  csrfToken = token;
}

async function answer<T>(res: Response): Promise<T> {
  const text = await res.text();
  let body: unknown;
  try {
    body = text === '' ? null : JSON.parse(text);
  } catch {
    body = null;
  }
  if (!res.ok) {
    const err = (body as { error?: { code?: unknown; message?: unknown } | string } | null)?.error;
    if (typeof err === 'object' && err !== null) {
      const code = typeof err.code === 'string' ? err.code : 'ERROR';
      const retry = Number(res.headers.get('Retry-After') ?? '');
      throw new ApiError(res.status, code, typeof err.message === 'string' ? err.message : res.statusText, Number.isFinite(retry) && retry > 0 ? retry : null);
    }
    throw new ApiError(res.status, 'HTTP_' + String(res.status), typeof err === 'string' ? err : res.statusText || 'request failed');
  }
  return body as T;
}

export async function getJson<T>(path: string): Promise<T> {
  const res = await fetch(path, { headers: { Accept: 'application/json' }, credentials: 'same-origin' });
  return answer<T>(res);
}

export async function postJson<T>(path: string, body: unknown): Promise<T> {
  const res = await fetch(path, {
    method: 'POST',
    credentials: 'same-origin',
    headers: { 'Content-Type': 'application/json', Accept: 'application/json', 'X-MQ-CSRF': csrfToken },
    body: JSON.stringify(body),
  });
  return answer<T>(res);
}

/** The API path of a topic or group: names are URL-encoded as one path segment. */
export const enc = encodeURIComponent;
