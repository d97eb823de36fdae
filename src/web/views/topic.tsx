import { useState } from 'preact/hooks';
import { enc, postJson, type ConfigEntry, type TopicDetail } from '../api';
import { ActionResult, Empty, Failure, K, Loading, N, useAction, Writable } from '../components';
import { bytes, num } from '../format';
import { useApi } from '../live';
import { groupPath, messagesPath, navigate } from '../router';

const palette = ['#2b7bb9', '#d9822b', '#2e9e5b', '#b93b8f', '#7a5cc7', '#c2a000', '#1b9aaa', '#c0392b'];
export const colour = (i: number): string => palette[i % palette.length] ?? '#888';

/** Each partition as a log: a bar from its start offset to its end offset on one scale (offsets grow to the right),
 * with each consuming group's committed offset marked on it. */
function LogPicture({ t }: { t: TopicDetail }) {
  const max = Math.max(1, ...t.partitions.map((p) => p.endOffset));
  const pct = (o: number): string => `${((Math.min(Math.max(o, 0), max) / max) * 100).toFixed(2)}%`;
  return (
    <figure class="logs" aria-label="Partitions as logs">
      {t.groups.length > 0 && (
        <div class="legend">
          {t.groups.map((g, i) => <span key={g.groupId}><i class="swatch" style={{ background: colour(i) }} /><K s={g.groupId} /></span>)}
          <span><i class="swatch end" />end offset</span>
        </div>
      )}
      {t.partitions.map((p) => (
        <div class="logrow" key={p.partition}>
          <span class="plabel">P{p.partition}</span>
          <div class="track" title={`partition ${p.partition}: offsets ${num(p.startOffset)} to ${num(p.endOffset)}`}>
            <div class="bar" style={{ left: pct(p.startOffset), width: `calc(${pct(p.endOffset)} - ${pct(p.startOffset)})` }} />
            {t.groups.map((g, i) => {
              const c = g.committed.find((x) => x.partition === p.partition);
              if (c === undefined || c.offset < 0) return null;
              return <i key={g.groupId} class="mark" style={{ left: pct(c.offset), background: colour(i) }}
                title={`${g.groupId}: committed ${num(c.offset)}, lag ${num(p.endOffset - c.offset)}`} />;
            })}
            <i class="mark end" style={{ left: pct(p.endOffset) }} title={`end offset ${num(p.endOffset)}`} />
          </div>
          <span class="num offsets">{num(p.startOffset)} – {num(p.endOffset)}</span>
        </div>
      ))}
    </figure>
  );
}

function Configs({ name, configs, reload }: { name: string; configs: ConfigEntry[]; reload: () => void }) {
  const [edits, setEdits] = useState<Record<string, string>>({});
  const [onlyChanged, setOnlyChanged] = useState(false);
  const a = useAction();
  const save = (key: string, remove: boolean): void => {
    a.run(async () => {
      const body = remove ? { set: {}, delete: [key] } : { set: { [key]: edits[key] ?? '' }, delete: [] };
      await postJson(`/api/topics/${enc(name)}/configs`, body);
      setEdits((e) => {
        const { [key]: _, ...rest } = e;
        return rest;
      });
      reload();
      return remove ? `${key} is back to its default.` : `${key} updated.`;
    });
  };
  const rows = configs.filter((c) => !onlyChanged || !c.isDefault);
  return (
    <>
      <label class="check"><input type="checkbox" checked={onlyChanged} onChange={(e) => setOnlyChanged(e.currentTarget.checked)} /> only values that differ from the default</label>
      <ActionResult a={a} />
      <div class="scroll">
        <table class="configs">
          <thead><tr><th>Name</th><th>Value</th><th>Source</th><Writable><th>Change</th></Writable></tr></thead>
          <tbody>
            {rows.map((c) => (
              <tr key={c.name} class={c.isDefault ? '' : 'changed'}>
                <td><K s={c.name} />{!c.isDefault && <span class="tag" title="not the default value">set</span>}</td>
                <td>{c.sensitive ? <span class="muted">(sensitive)</span> : <K s={c.value} />}</td>
                <td class="muted">{c.source}</td>
                <Writable>
                  <td>{c.readOnly ? <span class="muted">read-only</span> : (
                    <form class="inline" onSubmit={(e) => { e.preventDefault(); save(c.name, false); }}>
                      <input aria-label={`new value of ${c.name}`} value={edits[c.name] ?? ''} placeholder={c.sensitive ? '' : (c.value ?? '')}
                        onInput={(e) => { const v = e.currentTarget.value; setEdits((x) => ({ ...x, [c.name]: v })); }} />
                      <button type="submit" disabled={a.busy || edits[c.name] === undefined}>Set</button>
                      {!c.isDefault && <button type="button" disabled={a.busy} onClick={() => save(c.name, true)}>Reset to default</button>}
                    </form>
                  )}</td>
                </Writable>
              </tr>
            ))}
          </tbody>
        </table>
      </div>
    </>
  );
}

function TopicActions({ t, reload }: { t: TopicDetail; reload: () => void }) {
  const [count, setCount] = useState(String(t.partitions.length + 1));
  const [drPartition, setDrPartition] = useState('0');
  const [drOffset, setDrOffset] = useState('');
  const [confirm, setConfirm] = useState('');
  const a = useAction();
  const path = `/api/topics/${enc(t.name)}`;
  return (
    <details class="panel">
      <summary>Actions</summary>
      <ActionResult a={a} />
      <form class="form" aria-label="Add partitions" onSubmit={(e) => {
        e.preventDefault();
        a.run(async () => {
          const r = await postJson<{ partitions: number }>(`${path}/partitions`, { count: Number(count) });
          reload();
          return `The topic now has ${r.partitions} partitions.`;
        });
      }}>
        <label>New partition count <input type="number" name="count" min={t.partitions.length + 1} value={count} onInput={(e) => setCount(e.currentTarget.value)} /></label>
        <button type="submit" disabled={a.busy}>Add partitions</button>
      </form>
      <form class="form" aria-label="Delete records" onSubmit={(e) => {
        e.preventDefault();
        a.run(async () => {
          const r = await postJson<{ partitions: { partition: number; lowWatermark: number }[] }>(`${path}/delete-records`,
            { partitions: [{ partition: Number(drPartition), offset: Number(drOffset) }] });
          reload();
          return r.partitions.map((p) => `partition ${p.partition} now starts at ${num(p.lowWatermark)}`).join('; ');
        });
      }}>
        <label>Partition <select name="partition" value={drPartition} onChange={(e) => setDrPartition(e.currentTarget.value)}>
          {t.partitions.map((p) => <option key={p.partition} value={String(p.partition)}>{p.partition}</option>)}
        </select></label>
        <label>Delete records before offset <input type="number" name="offset" min="0" required value={drOffset} onInput={(e) => setDrOffset(e.currentTarget.value)} /></label>
        <button type="submit" disabled={a.busy}>Delete records</button>
      </form>
      <form class="form danger" aria-label="Delete topic" onSubmit={(e) => {
        e.preventDefault();
        a.run(async () => {
          await postJson(`${path}/delete`, { confirm });
          navigate('/topics');
          return `Deleted ${t.name}.`;
        });
      }}>
        <label class="wide">Type the topic's name to delete it <input name="confirm" autocomplete="off" value={confirm} onInput={(e) => setConfirm(e.currentTarget.value)} /></label>
        <button type="submit" class="danger" disabled={a.busy || confirm !== t.name}>Delete topic</button>
      </form>
    </details>
  );
}

export function TopicView({ name }: { name: string }) {
  const { data: t, error, reload } = useApi<TopicDetail>(`/api/topics/${enc(name)}`);
  return (
    <section>
      <h1>Topic <K s={name} /></h1>
      <p><a href={messagesPath(name)}>Messages</a></p>
      <Failure error={error} />
      {t === undefined ? (error === undefined && <Loading />) : (
        <>
          <Writable><TopicActions t={t} reload={reload} /></Writable>
          <h2>Partitions as logs</h2>
          <LogPicture t={t} />
          <h2>Partitions</h2>
          <div class="scroll">
            <table>
              <thead><tr><th class="num">Partition</th><th class="num">Leader</th><th>Replicas</th><th>ISR</th><th class="num">Start offset</th>
                <th class="num">End offset</th><th class="num">Messages</th><th class="num">Size</th></tr></thead>
              <tbody>
                {t.partitions.map((p) => (
                  <tr key={p.partition} class={p.isr.length < p.replicas.length ? 'warn' : ''}>
                    <td class="num">{p.partition}</td>
                    <td class="num">{p.leader < 0 ? 'none' : p.leader}</td>
                    <td>{p.replicas.join(', ')}</td>
                    <td>{p.isr.join(', ')}</td>
                    <N n={p.startOffset} />
                    <N n={p.endOffset} />
                    <N n={p.endOffset - p.startOffset} />
                    <td class="num">{bytes(p.sizeBytes)}</td>
                  </tr>
                ))}
              </tbody>
            </table>
          </div>
          <h2>Consumer groups</h2>
          {t.groups.length === 0 ? <Empty>No group consumes this topic yet: run <code>mq-console-consumer --topic <K s={name} /> --group g</code>.</Empty> : (
            <div class="scroll">
              <table>
                <thead><tr><th>Group</th><th>State</th><th class="num">Lag</th></tr></thead>
                <tbody>
                  {t.groups.map((g) => (
                    <tr key={g.groupId}><td><a href={groupPath(g.groupId)}><K s={g.groupId} /></a></td><td>{g.state}</td><N n={g.lag} /></tr>
                  ))}
                </tbody>
              </table>
            </div>
          )}
          <h2>Configs</h2>
          <Configs name={name} configs={t.configs} reload={reload} />
        </>
      )}
    </section>
  );
}
