/** The group coordinator's public surface, for the broker's group handlers. */
export { GroupCoordinator, DEFAULT_GROUP_CONFIG, type GroupCoordinatorConfig, type GroupCoordinatorOptions } from './coordinator.js';
export { GroupState, type Protocol } from './group.js';
export { FileOffsetStore, MemoryOffsetStore, type OffsetStore, type FileOffsetStoreOptions } from './offset-store.js';
export type * from './types.js';
