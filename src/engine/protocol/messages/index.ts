/**
 * The registry of every API the codec knows: apiKey -> descriptor. The broker's handlers register
 * the version ranges they implement separately (broker/registry), which is what ApiVersions
 * advertises; this list only says what can be encoded and decoded.
 */
import type { ApiSchema } from '../schema.js';
import { Produce } from './00-produce.js';
import { ApiVersions } from './18-api-versions.js';

export const schemas: readonly ApiSchema[] = [Produce, ApiVersions];

const byKey = new Map<number, ApiSchema>(schemas.map((s) => [s.apiKey, s]));

export function schemaFor(apiKey: number): ApiSchema | undefined {
  return byKey.get(apiKey);
}

export { Produce, ApiVersions };
