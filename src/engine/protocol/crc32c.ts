/**
 * CRC-32C (Castagnoli), the checksum of RecordBatch v2. Node's zlib.crc32 is the IEEE
 * polynomial and must not be used here. @node-rs/crc32 uses the CPU's CRC instructions through
 * a prebuilt N-API binary shipped inside the npm package; a table-driven fallback keeps the
 * broker working on platforms without one.
 */
import { createRequire } from 'node:module';

type Crc = (data: Uint8Array, initial?: number) => number;

function tableCrc(): Crc {
  const table = new Uint32Array(256);
  for (let n = 0; n < 256; n++) {
    let c = n;
    for (let k = 0; k < 8; k++) c = c & 1 ? 0x82f63b78 ^ (c >>> 1) : c >>> 1;
    table[n] = c >>> 0;
  }
  return (data, initial = 0) => {
    let crc = ~initial >>> 0;
    for (let i = 0; i < data.length; i++) crc = table[(crc ^ data[i]!) & 0xff]! ^ (crc >>> 8);
    return ~crc >>> 0;
  };
}

function load(): Crc {
  try {
    const native = createRequire(import.meta.url)('@node-rs/crc32') as { crc32c: (d: Uint8Array, i?: number) => number };
    return (data, initial) => native.crc32c(data, initial) >>> 0;
  } catch {
    return tableCrc();
  }
}

export const crc32c: Crc = load();
export const crc32cJs: Crc = tableCrc();
