import { useContext, useEffect, useRef, useState } from 'preact/hooks';
import { enc, getJson, postJson, type Bytes, type Message, type MessagePage, type TopicDetail } from '../api';
import { ActionResult, Empty, Failure, K, useAction, useWritable, Writable } from '../components';
import { bytes, num, show, textOf, time, type ValueMode } from '../format';
import { LiveContext, useApi } from '../live';
import { topicPath } from '../router';

type From = 'beginning' | 'end' | 'offset' | 'timestamp';

interface Query {
  partitions: number[];
  from: From;
  offset: string;
  timestamp: string;
  filter: string;
  filterIn: 'any' | 'key' | 'value' | 'header';
  regex: boolean;
}

function queryString(q: Query, cursor: string | null): string {
  const p = new URLSearchParams();
  if (q.partitions.length > 0) p.set('partitions', q.partitions.join(','));
  if (cursor !== null) {
    p.set('cursor', cursor);
  } else {
    p.set('from', q.from);
    if (q.from === 'offset') p.set('offset', q.offset === '' ? '0' : q.offset);
    if (q.from === 'timestamp') p.set('timestamp', String(new Date(q.timestamp).getTime()));
  }
  p.set('limit', '50');
  if (q.filter !== '') {
    p.set('filter', q.filter);
    p.set('filterIn', q.filterIn);
    if (q.regex) p.set('regex', '1');
  }
  return p.toString();
}

function Value({ v, mode }: { v: Bytes | null; mode: ValueMode }) {
  if (v === null) return <span class="null">null</span>;
  const s = show(v.base64, mode);
  return <pre class={`value ${s.mode}`} dir="auto" data-mode={s.mode}>{s.text}</pre>;
}

function Produce({ topic, partitions, onSent }: { topic: string; partitions: number; onSent: () => void }) {
  const [key, setKey] = useState('');
  const [value, setValue] = useState('');
  const [headers, setHeaders] = useState('');
  const [partition, setPartition] = useState('');
  const [nullKey, setNullKey] = useState(true);
  const a = useAction();
  const submit = (e: Event): void => {
    e.preventDefault();
    a.run(async () => {
      const hs = headers.split('\n').filter((l) => l.trim() !== '').map((l) => {
        const i = l.indexOf(':');
        return i < 0 ? { key: l, value: null } : { key: l.slice(0, i), value: l.slice(i + 1) };
      });
      const body = { key: nullKey && key === '' ? null : key, value, headers: hs, partition: partition === '' ? null : Number(partition) };
      const r = await postJson<{ partition: number; offset: number }>(`/api/topics/${enc(topic)}/messages`, body);
      onSent();
      return `Produced to partition ${r.partition} at offset ${num(r.offset)}.`;
    });
  };
  return (
    <details class="panel">
      <summary>Produce a message</summary>
      <form class="form" aria-label="Produce" onSubmit={submit}>
        <label>Key <input name="key" value={key} onInput={(e) => { setKey(e.currentTarget.value); setNullKey(false); }} placeholder="(none)" /></label>
        <label>Partition <select name="partition" value={partition} onChange={(e) => setPartition(e.currentTarget.value)}>
          <option value="">default partitioner (by key)</option>
          {Array.from({ length: partitions }, (_, i) => <option key={i} value={String(i)}>{i}</option>)}
        </select></label>
        <label class="wide">Value <textarea name="value" rows={3} value={value} onInput={(e) => setValue(e.currentTarget.value)} /></label>
        <label class="wide">Headers (name:value, one a line) <textarea name="headers" rows={2} value={headers} onInput={(e) => setHeaders(e.currentTarget.value)} /></label>
        <button type="submit" disabled={a.busy}>Produce</button>
      </form>
      <ActionResult a={a} />
    </details>
  );
}

export function MessagesView({ name }: { name: string }) {
  const topic = useApi<TopicDetail>(`/api/topics/${enc(name)}`, false);
  const writable = useWritable();
  const { tick } = useContext(LiveContext);
  const [form, setForm] = useState<Query>({ partitions: [], from: 'beginning', offset: '', timestamp: '', filter: '', filterIn: 'any', regex: false });
  const [query, setQuery] = useState<Query>(form);
  const [cursor, setCursor] = useState<string | null>(null);
  const [page, setPage] = useState<MessagePage | null>(null);
  const [error, setError] = useState<Error | undefined>(undefined);
  const [mode, setMode] = useState<ValueMode>('auto');
  const [tail, setTail] = useState(false);
  const [tailRows, setTailRows] = useState<Message[]>([]);
  const tailNext = useRef<string | null>(null);
  const [nonce, setNonce] = useState(0);

  useEffect(() => {
    if (tail) return;
    let cancelled = false;
    getJson<MessagePage>(`/api/topics/${enc(name)}/messages?${queryString(query, cursor)}`).then((p) => {
      if (!cancelled) {
        setPage(p);
        setError(undefined);
      }
    }, (e: unknown) => {
      if (!cancelled) setError(e instanceof Error ? e : new Error(String(e)));
    });
    return () => {
      cancelled = true;
    };
  }, [name, query, cursor, tail, nonce]);

  // Live tail: start at the end, then on every sample read on from the last answer's `next` cursor.
  useEffect(() => {
    if (!tail) {
      tailNext.current = null;
      return;
    }
    let cancelled = false;
    const qs = tailNext.current === null ? queryString({ ...query, from: 'end' }, null) : queryString(query, tailNext.current);
    getJson<MessagePage>(`/api/topics/${enc(name)}/messages?${qs}`).then((p) => {
      if (cancelled) return;
      if (p.next !== null) tailNext.current = p.next;
      if (p.messages.length > 0) setTailRows((rows) => [...rows, ...p.messages].slice(-200));
      setError(undefined);
    }, (e: unknown) => {
      if (!cancelled) setError(e instanceof Error ? e : new Error(String(e)));
    });
    return () => {
      cancelled = true;
    };
  }, [name, tail, tick, query]);

  const partitionCount = topic.data?.partitions.length ?? 0;
  const apply = (e: Event): void => {
    e.preventDefault();
    setCursor(null);
    setTailRows([]);
    tailNext.current = null;
    setQuery({ ...form });
  };
  const togglePartition = (p: number): void => setForm((f) => ({
    ...f, partitions: f.partitions.includes(p) ? f.partitions.filter((x) => x !== p) : [...f.partitions, p].sort((a, b) => a - b),
  }));
  const rows = tail ? tailRows : (page?.messages ?? []);

  return (
    <section>
      <h1>Messages of <a href={topicPath(name)}><K s={name} /></a></h1>
      <Writable><Produce topic={name} partitions={partitionCount} onSent={() => setNonce((n) => n + 1)} /></Writable>
      <form class="form query" aria-label="Choose messages" onSubmit={apply}>
        <fieldset>
          <legend>Partitions</legend>
          {partitionCount === 0 ? <span class="muted">all</span> : Array.from({ length: partitionCount }, (_, p) => (
            <label class="check" key={p}><input type="checkbox" checked={form.partitions.includes(p)} onChange={() => togglePartition(p)} /> {p}</label>
          ))}
          <span class="muted">(none ticked: all)</span>
        </fieldset>
        <label>Start at <select name="from" value={form.from} onChange={(e) => { const v = e.currentTarget.value as From; setForm((f) => ({ ...f, from: v })); }}>
          <option value="beginning">beginning</option><option value="end">end</option><option value="offset">offset</option><option value="timestamp">timestamp</option>
        </select></label>
        {form.from === 'offset' && <label>Offset <input name="offset" type="number" min="0" value={form.offset}
          onInput={(e) => { const v = e.currentTarget.value; setForm((f) => ({ ...f, offset: v })); }} /></label>}
        {form.from === 'timestamp' && <label>Time <input name="timestamp" type="datetime-local" step="1" value={form.timestamp}
          onInput={(e) => { const v = e.currentTarget.value; setForm((f) => ({ ...f, timestamp: v })); }} /></label>}
        <label>Filter <input name="filter" value={form.filter} placeholder="substring or regex" onInput={(e) => { const v = e.currentTarget.value; setForm((f) => ({ ...f, filter: v })); }} /></label>
        <label>in <select name="filterIn" value={form.filterIn} onChange={(e) => { const v = e.currentTarget.value as Query['filterIn']; setForm((f) => ({ ...f, filterIn: v })); }}>
          <option value="any">key, value or headers</option><option value="key">key</option><option value="value">value</option><option value="header">headers</option>
        </select></label>
        <label class="check"><input type="checkbox" name="regex" checked={form.regex} onChange={(e) => { const v = e.currentTarget.checked; setForm((f) => ({ ...f, regex: v })); }} /> regex</label>
        <button type="submit">Show</button>
      </form>
      <div class="toolbar">
        <button type="button" disabled={tail || page?.prev === null || page === null} onClick={() => setCursor(page?.prev ?? null)}>← Previous page</button>
        <button type="button" disabled={tail || page?.next === null || page === null} onClick={() => setCursor(page?.next ?? null)}>Next page →</button>
        <label class="check"><input type="checkbox" name="tail" checked={tail} onChange={(e) => { const v = e.currentTarget.checked; setTailRows([]); tailNext.current = null; setTail(v); }} /> Live tail</label>
        <label>Show values as <select name="mode" value={mode} onChange={(e) => setMode(e.currentTarget.value as ValueMode)}>
          <option value="auto">auto</option><option value="text">text</option><option value="json">pretty JSON</option><option value="hex">hex</option><option value="base64">base64</option>
        </select></label>
        {!tail && page !== null && <span class="muted">{num(page.scanned)} records examined{page.truncated && ', stopped at the scan limit'}</span>}
      </div>
      <Failure error={error} />
      {rows.length === 0 ? (
        <Empty>{tail ? 'Waiting for new messages…' : (writable ? 'No messages here: produce one above, or run ' : 'No messages here: run ')}{!tail && <code>mq-console-producer --topic <K s={name} /></code>}</Empty>
      ) : (
        <div class="scroll">
          <table class="messages">
            <thead><tr><th class="num">Partition</th><th class="num">Offset</th><th>Timestamp</th><th>Key</th><th>Value</th><th>Headers</th></tr></thead>
            <tbody>
              {rows.map((m) => (
                <tr key={`${m.partition}:${m.offset}`}>
                  <td class="num">{m.partition}</td>
                  <td class="num">{num(m.offset)}</td>
                  <td class="nowrap ts" title={m.timestampType}>{time(m.timestamp)}</td>
                  <td class="key"><K s={textOf(m.key)} /></td>
                  <td><Value v={m.value} mode={mode} /><span class="muted size">{m.value === null ? '' : bytes(m.value.size)}</span></td>
                  <td>{m.headers.length === 0 ? <span class="muted">-</span> : (
                    <ul class="headers">{m.headers.map((h, i) => <li key={i}><K s={h.key} class="hkey" />: <K s={textOf(h.value)} class="hvalue" /></li>)}</ul>
                  )}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
    </section>
  );
}
