import { useEffect, useRef, useState } from 'preact/hooks';
import { postJson, type TopicRow } from '../api';
import { ActionResult, Empty, Failure, K, Loading, N, Sparkline, useAction, useFirstRows, useWritable, Writable } from '../components';
import { bytes } from '../format';
import { useApi } from '../live';
import { topicPath } from '../router';

/** `key=value` lines (or comma-separated) into a configs object. */
export function parseConfigs(text: string): Record<string, string> {
  const out: Record<string, string> = {};
  for (const part of text.split(/[\n,]/)) {
    const t = part.trim();
    if (t === '') continue;
    const eq = t.indexOf('=');
    if (eq <= 0) throw new Error(`"${t}" is not key=value`);
    out[t.slice(0, eq).trim()] = t.slice(eq + 1).trim();
  }
  return out;
}

function CreateTopic({ onCreated }: { onCreated: () => void }) {
  const [name, setName] = useState('');
  const [partitions, setPartitions] = useState('1');
  const [rf, setRf] = useState('1');
  const [configs, setConfigs] = useState('');
  const a = useAction();
  const submit = (e: Event): void => {
    e.preventDefault();
    a.run(async () => {
      const body = { name, partitions: Number(partitions), replicationFactor: Number(rf), configs: parseConfigs(configs) };
      const r = await postJson<{ name: string }>('/api/topics', body);
      onCreated();
      return `Created topic ${r.name}.`;
    });
  };
  return (
    <details class="panel">
      <summary>Create topic</summary>
      <form onSubmit={submit} class="form" aria-label="Create topic">
        <label>Name <input name="name" required value={name} onInput={(e) => setName(e.currentTarget.value)} /></label>
        <label>Partitions <input name="partitions" type="number" min="1" required value={partitions} onInput={(e) => setPartitions(e.currentTarget.value)} /></label>
        <label>Replication factor <input name="replicationFactor" type="number" min="1" required value={rf} onInput={(e) => setRf(e.currentTarget.value)} /></label>
        <label class="wide">Configs (key=value, one a line)
          <textarea name="configs" rows={2} value={configs} placeholder="retention.ms=86400000" onInput={(e) => setConfigs(e.currentTarget.value)} /></label>
        <button type="submit" disabled={a.busy}>Create</button>
      </form>
      <ActionResult a={a} />
    </details>
  );
}

export function TopicsView() {
  const { data, error, reload } = useApi<{ topics: TopicRow[] }>('/api/topics');
  const writable = useWritable();
  const [query, setQuery] = useState(() => new URLSearchParams(location.search).get('q') ?? '');
  const [internal, setInternal] = useState(false);
  const search = useRef<HTMLInputElement>(null);
  useEffect(() => {
    const onKey = (e: KeyboardEvent): void => {
      const t = e.target as HTMLElement | null;
      if (e.key === '/' && t !== null && !['INPUT', 'TEXTAREA', 'SELECT'].includes(t.tagName) && !t.isContentEditable) {
        e.preventDefault();
        search.current?.focus();
      }
    };
    document.addEventListener('keydown', onKey);
    return () => document.removeEventListener('keydown', onKey);
  }, []);
  const q = query.toLowerCase();
  // The search runs over every topic; only the first matches are rendered until "Show all" (issue 11: first paint
  // under 1 s with 1,000 topics, where rendering every row was the cost).
  const rows = (data?.topics ?? []).filter((t) => (internal || !t.internal) && t.name.toLowerCase().includes(q));
  const { shown, more } = useFirstRows(rows, `${internal ? 'i' : ''}:${q}`, 'topics');
  return (
    <section>
      <h1>Topics</h1>
      <div class="toolbar">
        <input id="search" ref={search} type="search" placeholder="Search topics (press /)" aria-label="Search topics" value={query}
          onInput={(e) => setQuery(e.currentTarget.value)} />
        <label class="check"><input type="checkbox" checked={internal} onChange={(e) => setInternal(e.currentTarget.checked)} /> internal topics</label>
      </div>
      <Writable><CreateTopic onCreated={reload} /></Writable>
      <Failure error={error} />
      {data === undefined ? (error === undefined && <Loading />)
      : data.topics.filter((t) => internal || !t.internal).length === 0
        ? <Empty>No topics yet: {writable ? 'create one above, or run ' : 'run '}<code>mq-topics --create --topic t</code>,
          or just produce with <code>mq-console-producer --topic t</code>.</Empty>
        : rows.length === 0 ? <Empty>No topic matches the search.</Empty>
        : (
          <div class="scroll">
            <table class="topics">
              <thead><tr><th>Name</th><th class="num">Partitions</th><th class="num">RF</th><th class="num">Messages</th><th class="num">Size</th><th>Produce rate</th></tr></thead>
              <tbody>
                {shown.map((t) => (
                  <tr key={t.name}>
                    <td><a href={topicPath(t.name)}><K s={t.name} /></a>
                      {t.internal && <span class="tag">internal</span>}
                      {t.underReplicated > 0 && <span class="tag bad">{t.underReplicated} under-replicated</span>}</td>
                    <N n={t.partitions} />
                    <N n={t.replicationFactor} />
                    <N n={t.messages} />
                    <td class="num">{bytes(t.sizeBytes)}</td>
                    <td><Sparkline values={t.produceRate} label={`produce rate of ${t.name}`} /></td>
                  </tr>
                ))}
              </tbody>
            </table>
            {more}
          </div>
        )}
    </section>
  );
}
