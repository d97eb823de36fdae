/**
 * Everything a handler may use. Handlers get this object and decoded requests; they never see
 * sockets or bytes.
 */
import type { Clock } from '../clock.js';
import type { BrokerSettings } from './config.js';
import type { ApiVersionRange } from './dispatch.js';
import type { Logger } from './server.js';
import type { LogDir } from '../log/log-dir.js';
import type { GroupCoordinator } from '../group/index.js';
import type { FetchWaiters } from './fetch-waiters.js';
import type { DynamicConfigs } from './dynamic-configs.js';
import type { TransactionRuntime } from './txn-runtime.js';

export interface BrokerServices {
  readonly nodeId: number;
  readonly clusterId: string;
  /** The address clients are told to connect to (Metadata, FindCoordinator). */
  readonly advertised: { host: string; port: number };
  readonly settings: BrokerSettings;
  readonly clock: Clock;
  readonly logger: Logger;
  readonly log: LogDir;
  readonly groups: GroupCoordinator;
  readonly fetchWaiters: FetchWaiters;
  readonly dynamicConfigs: DynamicConfigs;
  /** The transaction coordinator and its `__transaction_state` topic. */
  readonly txn: TransactionRuntime;
  apiVersions(): readonly ApiVersionRange[];
  /** Next producer id for InitProducerId; persisted so ids are never reused. */
  allocateProducerId(): Promise<number>;
}
