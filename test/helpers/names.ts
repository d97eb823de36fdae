/**
 * Unique names for topics and groups, so tests sharing a broker (or a data dir) never collide.
 * Topic names stay within Kafka's legal characters [a-zA-Z0-9._-] and well under 249 chars.
 */
import { randomBytes } from 'node:crypto';

let counter = 0;

function suffix(): string {
  counter += 1;
  return `${process.pid}-${counter}-${randomBytes(4).toString('hex')}`;
}

export function randomTopic(prefix = 't'): string {
  return `${prefix}-${suffix()}`;
}

export function randomGroup(prefix = 'g'): string {
  return `${prefix}-${suffix()}`;
}
