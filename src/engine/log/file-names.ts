/**
 * Every name in the data directory, in one place (Kafka's LogFileUtils idea): segment files are
 * the base offset zero-padded to 20 digits plus a suffix, partition directories are
 * `<topic>-<partition>`.
 */
import path from 'node:path';
import { topicNameProblem } from './topic-name.js';

export const LOG_SUFFIX = '.log';
export const INDEX_SUFFIX = '.index';
export const TIME_INDEX_SUFFIX = '.timeindex';
/** The aborted-transaction index (Kafka's LogFileUtils.TXN_INDEX_FILE_SUFFIX). */
export const TXN_INDEX_SUFFIX = '.txnindex';
/** A directory renamed with this suffix is being deleted; open() finishes the job. */
export const DELETE_DIR_SUFFIX = '-delete';
export const TEMP_SUFFIX = '.tmp';
/** A partition directory no topic of meta/topics.json owns, kept aside (Kafka's LocalLog.StrayDirSuffix). */
export const STRAY_DIR_SUFFIX = '-stray';

export const META_DIR = 'meta';
export const LOGS_DIR = 'logs';
export const CLUSTER_FILE = 'cluster.json';
export const TOPICS_FILE = 'topics.json';
export const CLEAN_SHUTDOWN_FILE = '.clean-shutdown';
/** Per partition: format version and topic id, so a later release knows what it is reading. */
export const PARTITION_METADATA_FILE = 'partition.metadata';
export const LOG_START_OFFSET_FILE = 'log-start-offset';
export const PRODUCER_STATE_FILE = 'producer-state.json';

export function offsetFileStem(baseOffset: number): string {
  return String(baseOffset).padStart(20, '0');
}

export function logFileName(baseOffset: number): string {
  return offsetFileStem(baseOffset) + LOG_SUFFIX;
}

export function indexFileName(baseOffset: number): string {
  return offsetFileStem(baseOffset) + INDEX_SUFFIX;
}

export function timeIndexFileName(baseOffset: number): string {
  return offsetFileStem(baseOffset) + TIME_INDEX_SUFFIX;
}

export function txnIndexFileName(baseOffset: number): string {
  return offsetFileStem(baseOffset) + TXN_INDEX_SUFFIX;
}

/** The base offset encoded in a segment file name, or undefined if the name is not one. */
export function parseSegmentFileName(name: string): { baseOffset: number; suffix: string } | undefined {
  const m = /^(\d{20})(\.log|\.index|\.timeindex|\.txnindex)$/.exec(name);
  if (!m) return undefined;
  return { baseOffset: Number(m[1]), suffix: m[2]! };
}

/** Whether a name in logs/ has the shape of a partition directory (`<topic>-<partition>`). */
export function isPartitionDirName(name: string): boolean {
  return /^[a-zA-Z0-9._-]+-\d+$/.test(name);
}

export function partitionDirName(topic: string, partition: number): string {
  return `${topic}-${partition}`;
}

/**
 * The directory of a partition. The name is checked here, where the path is built, whatever
 * checked it before: a name such as `../../x` must never reach the file system, and the result
 * must lie inside `<dataDir>/logs`.
 */
export function partitionDir(dataDir: string, topic: string, partition: number): string {
  const bad = topicNameProblem(topic);
  if (bad) throw new Error(`Refusing a path for an illegal topic name: ${bad}`);
  if (!Number.isSafeInteger(partition) || partition < 0) throw new Error(`Refusing a path for partition ${partition} of topic ${topic}`);
  const dir = path.join(dataDir, LOGS_DIR, partitionDirName(topic, partition));
  const logs = path.resolve(dataDir, LOGS_DIR);
  if (path.dirname(path.resolve(dir)) !== logs) throw new Error(`Refusing a path outside ${logs}: ${dir}`);
  return dir;
}
