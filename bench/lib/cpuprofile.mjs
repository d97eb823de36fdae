/**
 * Summarises a V8 .cpuprofile (as written by `node --cpu-prof`): self time per function and
 * per source file, so a bench run can say where the time goes without opening DevTools.
 * Usage as a script: node bench/lib/cpuprofile.mjs <file.cpuprofile> [topN]
 */
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

/**
 * { totalMs, byFunction: [{ name, where, selfMs, pct }], byFile: [{ file, selfMs, pct }],
 *   byStack: [{ stack, selfMs, pct }] } — byStack keys self time by the function and its nearest
 * `depth` callers, which says which call site of a builtin (a copy, a read) costs the time.
 */
export function summarizeProfile(profile, { root, depth = 4 } = {}) {
  const nodes = new Map(profile.nodes.map((n) => [n.id, n]));
  const parent = new Map();
  for (const n of profile.nodes) for (const c of n.children ?? []) parent.set(c, n.id);
  const self = new Map();
  const deltas = profile.timeDeltas ?? [];
  for (let i = 0; i < profile.samples.length; i++) {
    // A sample's duration is the delta to the next sample (V8 records the time since the previous one).
    const dt = (deltas[i + 1] ?? deltas[i] ?? 0) / 1000;
    const id = profile.samples[i];
    self.set(id, (self.get(id) ?? 0) + dt);
  }
  const totalMs = [...self.values()].reduce((a, b) => a + b, 0);
  const shortUrl = (url) => {
    if (!url) return '';
    let u = url.replace(/^file:\/\//, '');
    if (root && u.startsWith(root)) u = path.relative(root, u);
    return u.replace(/^.*\/node_modules\//, 'node_modules/');
  };
  const fn = new Map();
  const file = new Map();
  const stacks = new Map();
  const label = (cf) => `${cf.functionName || '(anonymous)'}${cf.url ? ` ${shortUrl(cf.url).replace(/^node:internal\//, '')}:${cf.lineNumber + 1}` : ''}`;
  for (const [id, ms] of self) {
    const chain = [];
    for (let cur = id; cur !== undefined && chain.length <= depth; cur = parent.get(cur)) {
      const cf = nodes.get(cur).callFrame;
      if (cf.functionName === '(root)') break;
      chain.push(label(cf));
    }
    const sk = chain.join(' < ');
    stacks.set(sk, (stacks.get(sk) ?? 0) + ms);
    const cf = nodes.get(id).callFrame;
    const name = cf.functionName || (cf.url ? '(anonymous)' : cf.functionName || '(anonymous)');
    const where = cf.url ? `${shortUrl(cf.url)}:${cf.lineNumber + 1}` : '';
    const key = `${name}\u0000${where}`;
    fn.set(key, (fn.get(key) ?? 0) + ms);
    const f = cf.url ? shortUrl(cf.url) : name.startsWith('(') ? name : '(native/builtin)';
    file.set(f, (file.get(f) ?? 0) + ms);
  }
  const pct = (ms) => (totalMs ? (100 * ms) / totalMs : 0);
  const byFunction = [...fn]
    .map(([k, ms]) => {
      const [name, where] = k.split('\u0000');
      return { name, where, selfMs: ms, pct: pct(ms) };
    })
    .sort((a, b) => b.selfMs - a.selfMs);
  const byFile = [...file].map(([f, ms]) => ({ file: f, selfMs: ms, pct: pct(ms) })).sort((a, b) => b.selfMs - a.selfMs);
  const byStack = [...stacks].map(([stack, ms]) => ({ stack, selfMs: ms, pct: pct(ms) })).sort((a, b) => b.selfMs - a.selfMs);
  return { totalMs, byFunction, byFile, byStack };
}

export function formatSummary(s, topN = 25) {
  const lines = [`total sampled: ${s.totalMs.toFixed(0)} ms`, '', 'self time by function:'];
  for (const f of s.byFunction.slice(0, topN)) lines.push(`${f.pct.toFixed(1).padStart(5)}%  ${f.selfMs.toFixed(0).padStart(7)} ms  ${f.name}  ${f.where}`);
  lines.push('', 'self time by file:');
  for (const f of s.byFile.slice(0, topN)) lines.push(`${f.pct.toFixed(1).padStart(5)}%  ${f.selfMs.toFixed(0).padStart(7)} ms  ${f.file}`);
  lines.push('', 'self time by call stack (function < caller < ...):');
  for (const f of s.byStack.slice(0, topN)) lines.push(`${f.pct.toFixed(1).padStart(5)}%  ${f.selfMs.toFixed(0).padStart(7)} ms  ${f.stack}`);
  return lines.join('\n');
}

if (process.argv[1] && path.resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  const [file, top] = process.argv.slice(2);
  if (!file) {
    console.error('usage: node bench/lib/cpuprofile.mjs <file.cpuprofile> [topN]');
    process.exit(2);
  }
  const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..');
  console.log(formatSummary(summarizeProfile(JSON.parse(readFileSync(file, 'utf8')), { root }), Number(top) || 25));
}

/**
 * Self time split into: module loading (any sample under Node's ESM/CJS loader: resolve, read,
 * compile, link and top-level evaluation), idle, GC, and the rest. Says how much of a start is
 * spent importing code. Returns [{ category, ms }] largest first, and the total.
 */
export function startupSplit(profile) {
  const nodes = new Map(profile.nodes.map((n) => [n.id, n]));
  const parent = new Map();
  for (const n of profile.nodes) for (const c of n.children ?? []) parent.set(c, n.id);
  const cat = new Map();
  let total = 0;
  const deltas = profile.timeDeltas ?? [];
  for (let i = 0; i < profile.samples.length; i++) {
    const dt = (deltas[i + 1] ?? 0) / 1000;
    total += dt;
    const id = profile.samples[i];
    const top = nodes.get(id).callFrame.functionName;
    let c = 'other (broker code, event loop, I/O)';
    if (['(idle)', '(program)', '(garbage collector)'].includes(top)) c = top;
    else {
      for (let cur = id; cur !== undefined; cur = parent.get(cur)) {
        const cf = nodes.get(cur).callFrame;
        if (/node:internal\/modules\/(esm|cjs)\//.test(cf.url) || /^(compileForInternalLoader|requireBuiltin)$/.test(cf.functionName)) {
          c = 'module loading (resolve, read, compile, link, evaluate)';
          break;
        }
      }
    }
    cat.set(c, (cat.get(c) ?? 0) + dt);
  }
  return { total, split: [...cat].map(([category, ms]) => ({ category, ms })).sort((a, b) => b.ms - a.ms) };
}
