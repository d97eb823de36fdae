/**
 * The one thing the coordinator needs from "consumer" protocol metadata: which topics a member
 * subscribes to (OffsetDelete refuses GROUP_SUBSCRIBED_TO_TOPIC for those, and offsets of
 * topics nobody subscribes to may expire while the group is Stable).
 */
import { decodeSubscription } from '../protocol/consumer-protocol.js';

/** Subscribed topics of one subscription blob, or null when the blob does not decode. */
export function subscribedTopics(metadata: Buffer): string[] | null {
  try {
    return decodeSubscription(metadata).topics;
  } catch {
    return null;
  }
}
