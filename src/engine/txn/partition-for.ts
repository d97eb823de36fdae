/**
 * Which partition of an internal topic holds a key: Kafka's
 * `Utils.abs(key.hashCode()) % partitions` (TransactionStateManager.partitionFor for
 * transactional ids, GroupCoordinatorService.partitionFor for group ids), with Java's
 * String.hashCode over UTF-16 code units and Utils.abs mapping Integer.MIN_VALUE to 0.
 */
export function javaStringHash(s: string): number {
  let h = 0;
  for (let i = 0; i < s.length; i++) h = (Math.imul(31, h) + s.charCodeAt(i)) | 0;
  return h;
}

export function kafkaAbs(n: number): number {
  return n === -2147483648 ? 0 : Math.abs(n);
}

export function partitionFor(key: string, partitions: number): number {
  return kafkaAbs(javaStringHash(key)) % partitions;
}
