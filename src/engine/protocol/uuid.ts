/**
 * Topic ids. Our codec carries a uuid as 32 hex characters; Kafka prints and parses it as
 * URL-safe base64 without padding (clients/src/main/java/org/apache/kafka/common/Uuid.java,
 * toString and fromString).
 */

/** Kafka's Uuid.ZERO_UUID: "no topic id" in requests and answers. */
export const ZERO_UUID_HEX = '00000000000000000000000000000000';

/** 32 hex chars -> Kafka's Uuid.toString(). */
export function uuidToBase64(hex: string): string {
  return Buffer.from(hex, 'hex').toString('base64url');
}

/** Kafka's base64 Uuid -> 32 hex chars; throws on anything that is not 16 bytes. */
export function uuidFromBase64(s: string): string {
  const b = Buffer.from(s, 'base64url');
  if (b.length !== 16 || b.toString('base64url') !== s) throw new Error(`Invalid topic id ${s}`);
  return b.toString('hex');
}
