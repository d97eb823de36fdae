/**
 * The one zstd-wasm instance of the process. Its init() re-instantiates the wasm module, and a
 * second init() after use breaks the first user's calls (ZSTD_decompress then fails with code
 * -10), so the client's codecs, the broker's validator and its record scans all load it here.
 */
import { createRequire } from 'node:module';

const require = createRequire(import.meta.url);

export interface ZstdModule {
  init(): Promise<void>;
  compress(buf: Uint8Array, level?: number): Uint8Array;
  /** defaultHeapSize: the output buffer when the frame does not declare its content size. */
  decompress(buf: Uint8Array, opts?: { defaultHeapSize: number }): Uint8Array;
}

let ready: Promise<ZstdModule> | undefined;

export function zstdModule(): Promise<ZstdModule> {
  ready ??= (async () => {
    const m = require('@bokuweb/zstd-wasm') as ZstdModule;
    await m.init();
    return m;
  })();
  return ready;
}
