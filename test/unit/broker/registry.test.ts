/**
 * The handler registry: one handler per API key, every descriptor numbered as Kafka numbers it,
 * and the README's table of APIs and versions equal to what ApiVersions advertises.
 */
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { Dispatcher } from '../../../src/engine/broker/dispatch.js';
import { register, type Handler } from '../../../src/engine/broker/handler.js';
import { handlers } from '../../../src/engine/broker/handlers/index.js';
import { ApiKey, apiName } from '../../../src/engine/protocol/api-keys.js';
import { Heartbeat } from '../../../src/engine/protocol/messages/12-heartbeat.js';
import { schemas } from '../../../src/engine/protocol/messages/index.js';

describe('handler registry', () => {
  it('refuses two handlers for one API key at start-up', () => {
    const one: Handler<null, typeof Heartbeat> = { api: Heartbeat, min: 0, max: 4, handle: () => ({ errorCode: 0 }) };
    const two: Handler<null, typeof Heartbeat> = { ...one, max: 3 };
    expect(() => new Dispatcher([register(one), register(two)], null)).toThrow('two handlers registered for API 12 (Heartbeat)');
    expect(() => new Dispatcher([register(one)], null)).not.toThrow();
  });

  it('registers every broker handler once', () => {
    const keys = handlers.map((h) => h.api.apiKey);
    expect(new Set(keys).size).toBe(keys.length);
  });

  it("numbers every descriptor as Kafka's ApiKeys does", () => {
    for (const s of schemas) {
      expect(apiName(s.apiKey), s.name).toBe(s.name);
      expect(ApiKey[s.name as keyof typeof ApiKey], s.name).toBe(s.apiKey);
    }
  });

  it("README's table of APIs and versions is what ApiVersions advertises", () => {
    const readme = readFileSync(new URL('../../../README.md', import.meta.url), 'utf8');
    const section = readme.slice(readme.indexOf('## What the broker speaks'));
    const table = section.slice(0, section.indexOf('\n\n', section.indexOf('|')));
    const documented = new Map<string, string>();
    for (const line of table.split('\n').filter((l) => l.startsWith('| ') && !l.startsWith('| API'))) {
      const cells = line.split('|').map((c) => c.trim());
      for (let i = 1; i + 1 < cells.length; i += 3) {
        const name = cells[i]!;
        if (name === '') continue;
        documented.set(name, /^(\d+(?:–\d+)?)/.exec(cells[i + 1]!)?.[1] ?? '?');
      }
    }
    const advertised = new Map(
      new Dispatcher(handlers, null).apiVersions().map((v) => [apiName(v.apiKey), v.minVersion === v.maxVersion ? `${v.minVersion}` : `${v.minVersion}–${v.maxVersion}`]),
    );
    expect(Object.fromEntries([...documented].sort())).toEqual(Object.fromEntries([...advertised].sort()));
  });
});
