/**
 * Why the broker refused something, in its log. A client that gets UNSUPPORTED_VERSION,
 * INVALID_CONFIG or a refused feature (transactions) tells its user to "see the broker logs",
 * as Kafka's clients do; this puts the answer there: the API and version, the error, what was
 * refused and the client id, at INFO.
 *
 * Rate-limited per connection and kind (API + error), so a client retrying in a loop cannot
 * flood the log: the first occurrence is logged, later ones are counted and summarised at most
 * once per interval, and what is still counted when the connection closes is summarised then.
 */
import { errorName } from '../protocol/error-codes.js';
import type { ConnectionInfo } from './handler.js';
import type { Logger } from './log-level.js';

export interface Refusal {
  /** The API's name as Kafka spells it, e.g. "InitProducerId". */
  api: string;
  version: number;
  errorCode: number;
  clientId: string;
  /** What was refused and why, e.g. "transactional id 'tx-1': transactions are not supported". */
  detail: string;
}

interface Kind {
  /** Refusals since the last line logged for this kind. */
  suppressed: number;
  lastLoggedMs: number;
  last: Refusal;
}

export class RefusalLog {
  private readonly byConnection = new Map<number, Map<string, Kind>>();

  constructor(
    private readonly logger: Logger,
    private readonly now: () => number,
    private readonly intervalMs = 60_000,
  ) {}

  refused(conn: ConnectionInfo, r: Refusal): void {
    let kinds = this.byConnection.get(conn.id);
    if (!kinds) this.byConnection.set(conn.id, (kinds = new Map<string, Kind>()));
    const key = `${r.api}:${r.errorCode}`;
    const kind = kinds.get(key);
    const now = this.now();
    if (!kind) {
      kinds.set(key, { suppressed: 0, lastLoggedMs: now, last: r });
      this.logger.info(`${describe(conn, r)}: ${r.detail}`);
      return;
    }
    kind.suppressed++;
    kind.last = r;
    if (now - kind.lastLoggedMs >= this.intervalMs) this.summarise(conn, kind, now);
  }

  /** The connection is gone: summarise what was counted and forget it. */
  closed(conn: ConnectionInfo): void {
    const kinds = this.byConnection.get(conn.id);
    if (!kinds) return;
    this.byConnection.delete(conn.id);
    for (const kind of kinds.values()) if (kind.suppressed > 0) this.summarise(conn, kind, this.now());
  }

  private summarise(conn: ConnectionInfo, kind: Kind, now: number): void {
    const seconds = Math.max(1, Math.round((now - kind.lastLoggedMs) / 1000));
    const times = kind.suppressed === 1 ? 'once more' : `${kind.suppressed} more times`;
    this.logger.info(`${describe(conn, kind.last)}: ${times} in the last ${seconds} s, last: ${kind.last.detail}`);
    kind.suppressed = 0;
    kind.lastLoggedMs = now;
  }
}

function describe(conn: ConnectionInfo, r: Refusal): string {
  return `Refused ${r.api} v${r.version} with ${errorName(r.errorCode)} for client '${r.clientId}' (connection ${conn.id} from ${conn.clientHost})`;
}
