// Numbers with thousands separators, sizes, durations, and record bytes as text, JSON, hex or base64.

const int = new Intl.NumberFormat('en-US', { maximumFractionDigits: 0 });
const dec = new Intl.NumberFormat('en-US', { maximumFractionDigits: 1 });

export function num(n: number | null | undefined): string {
  return n === null || n === undefined || !Number.isFinite(n) ? '-' : int.format(n);
}

export function rate(n: number | null | undefined): string {
  return n === null || n === undefined || !Number.isFinite(n) ? '-' : dec.format(n);
}

export function bytes(n: number | null | undefined): string {
  if (n === null || n === undefined || !Number.isFinite(n)) return '-';
  const units = ['B', 'KiB', 'MiB', 'GiB', 'TiB'];
  let v = n;
  let i = 0;
  while (v >= 1024 && i < units.length - 1) {
    v /= 1024;
    i++;
  }
  return `${i === 0 ? int.format(v) : dec.format(v)} ${units[i] ?? 'B'}`;
}

export function seconds(s: number | null | undefined): string {
  if (s === null || s === undefined || !Number.isFinite(s)) return '-';
  if (s < 60) return `${dec.format(s)} s`;
  if (s < 3600) return `${Math.floor(s / 60)} min ${Math.round(s % 60)} s`;
  if (s < 86400) return `${Math.floor(s / 3600)} h ${Math.round((s % 3600) / 60)} min`;
  return `${dec.format(s / 86400)} days`;
}

export function time(ms: number): string {
  return ms < 0 ? '-' : new Date(ms).toISOString().replace('T', ' ').replace('Z', ' UTC');
}

export function fromBase64(b64: string): Uint8Array {
  const bin = atob(b64);
  const out = new Uint8Array(bin.length);
  for (let i = 0; i < bin.length; i++) out[i] = bin.charCodeAt(i);
  return out;
}

export type ValueMode = 'auto' | 'text' | 'json' | 'hex' | 'base64';
export type Shown = { mode: Exclude<ValueMode, 'auto'>; text: string };

const utf8 = new TextDecoder('utf-8', { fatal: true });

function asText(b: Uint8Array): string | null {
  try {
    return utf8.decode(b);
  } catch {
    return null;
  }
}

function hex(b: Uint8Array): string {
  const parts: string[] = [];
  for (const x of b) parts.push(x.toString(16).padStart(2, '0'));
  return parts.join(' ');
}

function prettyJson(s: string): string | null {
  const t = s.trim();
  if (!(t.startsWith('{') || t.startsWith('['))) return null;
  try {
    return JSON.stringify(JSON.parse(t), null, 2);
  } catch {
    return null;
  }
}

/** Valid UTF-8 that parses as a JSON object or array is JSON, other valid UTF-8 is text, the rest is hex. */
export function show(b64: string, mode: ValueMode): Shown {
  const b = fromBase64(b64);
  if (mode === 'base64') return { mode, text: b64 };
  if (mode === 'hex') return { mode, text: hex(b) };
  const text = asText(b);
  if (mode === 'text') return { mode, text: text ?? new TextDecoder().decode(b) };
  if (mode === 'json') return { mode, text: (text === null ? null : prettyJson(text)) ?? text ?? hex(b) };
  if (text === null) return { mode: 'hex', text: hex(b) };
  const json = prettyJson(text);
  return json === null ? { mode: 'text', text } : { mode: 'json', text: json };
}

/** The text of a key or header value (null stays null). */
export function textOf(v: { base64: string } | null): string | null {
  return v === null ? null : show(v.base64, 'text').text;
}
