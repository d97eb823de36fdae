/** Public surface of the storage engine. */
export { LogDir, DATA_DIR_FORMAT_VERSION, type LogDirOptions, type TopicInfo } from './log-dir.js';
export { PartitionLog, type AppendResult, type ReadResult, type OffsetAndTimestamp, type RetentionResult, type LogLogger } from './partition-log.js';
export { LogError } from './errors.js';
export * from './topic-config.js';
export * from './topic-name.js';
export { ProducerStateTable, addSequence, MAX_REMEMBERED_BATCHES } from './producer-state.js';
export { recordTimestamps, recordsSection } from './record-scan.js';
