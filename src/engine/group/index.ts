/** The group coordinator's public surface, for the broker's group handlers. */
export { GroupCoordinator, type GroupCoordinatorOptions } from './coordinator.js';
export { DEFAULT_GROUP_CONFIG, type GroupCoordinatorConfig } from './config.js';
export { GroupState, type Protocol } from './group.js';
export { FileOffsetStore, type FileOffsetStoreOptions } from './offset-store.js';
export { MemoryOffsetStore, type OffsetStore } from './records.js';
export type * from './types.js';
export type { TxnOffsetCommitRequest, TxnOffsetCommitResponse } from './txn-offsets.js';
