// Suite C: Kafka 4.1+'s kafka-consumer-groups tables rewritten into the Kafka 3.9 / 4.0 layout
// that mq prints (README "Differences"). Used only by the deliberate-difference entry
// `consumer-groups-3.9-layout` on the runs of Kafka's tools, so mq's own output is still compared
// byte for byte. Each function re-renders with the 3.9 formats of the reference
// (/work/shared/reference/kafka-console-tools.md §5.5–5.9).

const pad = (s: string, w: number): string => s.padEnd(w);

/**
 * `--describe --state`: 4.1+ `%-Gs %-25s %-20s %-20s %s` with G = max(15, group) and `-` for an
 * Empty group's strategy → 3.9 `%-Ws %-25s %-20s %-15s %s` with W = max(25, coordinator), strategy ''.
 */
export function stateTo39(stdout: string): string {
  return stdout
    .split('\n')
    .map((line) => {
      if (/^GROUP\s+COORDINATOR \(ID\)\s+ASSIGNMENT-STRATEGY\s+STATE\s+#MEMBERS$/.test(line)) return '\u0000header';
      const m = /^(\S+)\s+(\S+  \(\d+\))\s+(\S+)\s+(\S+)\s+(\d+)$/.exec(line);
      if (!m) return line;
      const [, group, coord, strategy, state, members] = m as unknown as [string, string, string, string, string, string];
      const w = Math.max(25, coord.length);
      return [pad(group, w), pad(coord, 25), pad(strategy === '-' ? '' : strategy, 20), pad(state, 15), members].join(' ') + `\u0000w=${w}`;
    })
    .map((line, i, all) => {
      if (line !== '\u0000header') return line.replace(/\u0000w=\d+$/, '');
      const w = Number(/\u0000w=(\d+)$/.exec(all[i + 1] ?? '')?.[1] ?? 25);
      return [pad('GROUP', w), pad('COORDINATOR (ID)', 25), pad('ASSIGNMENT-STRATEGY', 20), pad('STATE', 15), '#MEMBERS'].join(' ');
    })
    .join('\n');
}

/** `t1:0,1;t2:0` (KIP-1099) → `t1(0,1), t2(0)` (topics sorted, partitions numeric). */
function assignmentTo39(a: string): string {
  if (a === '-' || a === '') return '-';
  return a
    .split(';')
    .map((t) => {
      const i = t.lastIndexOf(':');
      return { topic: t.slice(0, i), parts: t.slice(i + 1).split(',').map(Number).sort((x, y) => x - y) };
    })
    .sort((x, y) => (x.topic < y.topic ? -1 : x.topic > y.topic ? 1 : 0))
    .map((t) => `${t.topic}(${t.parts.join(',')})`)
    .join(', ');
}

/**
 * `--describe --members --verbose`: 4.1+ columns `#PARTITIONS CURRENT-EPOCH CURRENT-ASSIGNMENT
 * TARGET-EPOCH TARGET-ASSIGNMENT` (epochs `-` for classic members) → 3.9 `#PARTITIONS ASSIGNMENT`.
 * No group.instance.id in the scenario, so the columns are GROUP CONSUMER-ID HOST CLIENT-ID.
 */
export function membersVerboseTo39(stdout: string): string {
  const lines = stdout.split('\n');
  const h = lines.findIndex((l) => /^GROUP\s+CONSUMER-ID\s+HOST\s+CLIENT-ID\s+#PARTITIONS\s+CURRENT-EPOCH\s+CURRENT-ASSIGNMENT\s+TARGET-EPOCH\s+TARGET-ASSIGNMENT\s*$/.test(l));
  if (h < 0) return stdout;
  let end = h + 1;
  while (end < lines.length && lines[end] !== '') end++;
  const rows = lines.slice(h + 1, end).map((l) => l.trim().split(/\s+/));
  const width = (i: number): number => Math.max(15, ...rows.map((r) => (r[i] ?? '').length));
  const w = [width(0), width(1), width(2), width(3)];
  const render = (c: string[]): string => [pad(c[0]!, w[0]!), pad(c[1]!, w[1]!), pad(c[2]!, w[2]!), pad(c[3]!, w[3]!), pad(c[4]!, 15), c[5]!].join(' ');
  const out = [render(['GROUP', 'CONSUMER-ID', 'HOST', 'CLIENT-ID', '#PARTITIONS', 'ASSIGNMENT'])];
  for (const r of rows) out.push(render([r[0]!, r[1]!, r[2]!, r[3]!, r[4]!, assignmentTo39(r[6] ?? '-')]));
  return [...lines.slice(0, h), ...out, ...lines.slice(end)].join('\n');
}

/** `--reset-offsets` table: 4.1+ `%-Gs %-Ts %-10s %s` (G, T = max(15, …)) → 3.9 `%-30s %-30s %-10s %-15s`. */
export function resetTo39(stdout: string): string {
  const lines = stdout.split('\n');
  const out: string[] = [];
  let inTable = false;
  for (const line of lines) {
    if (/^GROUP\s+TOPIC\s+PARTITION\s+NEW-OFFSET\s*$/.test(line)) {
      out.push(`${pad('GROUP', 30)} ${pad('TOPIC', 30)} ${pad('PARTITION', 10)} ${pad('NEW-OFFSET', 15)}`);
      inTable = true;
      continue;
    }
    if (inTable && line !== '') {
      const [g = '', t = '', p = '', o = ''] = line.trim().split(/\s+/);
      out.push(`${pad(g, 30)} ${pad(t, 30)} ${pad(p, 10)} ${pad(o, 15)}`);
      continue;
    }
    inTable = false;
    out.push(line);
  }
  return out.join('\n');
}

/**
 * `--delete-offsets`: 4.1+ `Request succeeded for deleting offsets from group G.` and
 * `%-Ts %-10s %-15s` → 3.9 `Request succeed for deleting offsets with topic T group G` and
 * `%-30s %-15s %-15s`.
 */
export function deleteOffsetsTo39(stdout: string, topics: string[]): string {
  const lines = stdout.split('\n');
  const out: string[] = [];
  let inTable = false;
  for (const line of lines) {
    const ok = /^Request succeeded for deleting offsets from group (.*)\.$/.exec(line);
    if (ok) {
      out.push(`Request succeed for deleting offsets with topic ${topics.join(', ')} group ${ok[1]}`);
      continue;
    }
    if (/^TOPIC\s+PARTITION\s+STATUS\s*$/.test(line)) {
      out.push(`${pad('TOPIC', 30)} ${pad('PARTITION', 15)} ${pad('STATUS', 15)}`);
      inTable = true;
      continue;
    }
    if (inTable && line !== '') {
      const m = /^(\S+)\s+(Not Provided|\S+)\s+(.*?)\s*$/.exec(line);
      if (m) {
        out.push(`${pad(m[1]!, 30)} ${pad(m[2]!, 15)} ${pad(m[3]!, 15)}`);
        continue;
      }
    }
    inTable = false;
    out.push(line);
  }
  return out.join('\n');
}
