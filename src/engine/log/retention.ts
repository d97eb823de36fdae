/**
 * Which old segments to delete, as a pure decision over segment summaries (Kafka's
 * UnifiedLog.deleteOldSegments rules): segments wholly below the log start offset, segments whose
 * newest record is older than retention.ms, and the oldest segments while the log is larger than
 * retention.bytes. Deletion stops at the first segment that must stay, and never takes the
 * active (last) segment.
 */
export interface SegmentSummary {
  baseOffset: number;
  /** Offset after its last batch. */
  nextOffset: number;
  size: number;
  /** Largest record timestamp, or -1 if unknown. */
  maxTimestamp: number;
  /** Fallback age for segments without timestamps. */
  createdAt: number;
}

export interface RetentionPolicy {
  retentionMs: number;
  retentionBytes: number;
  /** cleanup.policy contains "delete"; time and size retention only apply then. */
  deleteEnabled: boolean;
}

export type RetentionReason = 'log-start-offset' | 'retention.ms' | 'retention.bytes';

export interface RetentionDecision {
  /** How many segments, from the oldest, to delete. */
  count: number;
  reasons: RetentionReason[];
}

export function segmentsToDelete(
  segments: readonly SegmentSummary[],
  policy: RetentionPolicy,
  now: number,
  logStartOffset: number,
): RetentionDecision {
  const reasons: RetentionReason[] = [];
  const deletable = segments.length - 1; // never the active one
  let count = 0;
  while (count < deletable && segments[count]!.nextOffset <= logStartOffset) count++;
  if (count) reasons.push('log-start-offset');

  if (policy.deleteEnabled && policy.retentionMs >= 0 && Number.isFinite(policy.retentionMs)) {
    const before = count;
    while (count < deletable) {
      const s = segments[count]!;
      const ts = s.maxTimestamp >= 0 ? s.maxTimestamp : s.createdAt;
      if (now - ts > policy.retentionMs) count++;
      else break;
    }
    if (count > before) reasons.push('retention.ms');
  }

  if (policy.deleteEnabled && policy.retentionBytes >= 0 && Number.isFinite(policy.retentionBytes)) {
    let total = 0;
    for (let i = count; i < segments.length; i++) total += segments[i]!.size;
    let excess = total - policy.retentionBytes;
    const before = count;
    while (count < deletable && excess - segments[count]!.size >= 0) {
      excess -= segments[count]!.size;
      count++;
    }
    if (count > before) reasons.push('retention.bytes');
  }
  return { count, reasons };
}
