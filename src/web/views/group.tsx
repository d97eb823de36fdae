import { useState } from 'preact/hooks';
import { enc, postJson, type GroupDetail, type GroupLag, type ResetRow } from '../api';
import { ActionResult, Empty, Failure, K, Loading, N, TimeChart, useAction, Writable } from '../components';
import { num, seconds } from '../format';
import { useApi } from '../live';
import { navigate, topicPath } from '../router';
import { TrendMark } from './groups';
import { colour } from './topic';

/** Partitions coloured by the member that owns them; members without partitions are drawn idle. */
function Assignment({ g }: { g: GroupDetail }) {
  const owner = new Map<string, number>();
  g.members.forEach((m, i) => {
    for (const a of m.assignment) for (const p of a.partitions) owner.set(`${a.topic}\u0000${p}`, i);
  });
  const topics = new Map<string, Set<number>>();
  const add = (topic: string, p: number): void => {
    const set = topics.get(topic) ?? new Set<number>();
    set.add(p);
    topics.set(topic, set);
  };
  for (const m of g.members) for (const a of m.assignment) for (const p of a.partitions) add(a.topic, p);
  for (const o of g.offsets) add(o.topic, o.partition);
  return (
    <figure class="assignment" aria-label="Assignment of partitions to members">
      <ul class="members">
        {g.members.length === 0 && <li class="muted">No active members (the group is {g.state}).</li>}
        {g.members.map((m, i) => {
          const count = m.assignment.reduce((n, a) => n + a.partitions.length, 0);
          return (
            <li key={m.memberId} class={count === 0 ? 'member idle' : 'member'} data-member={m.memberId}>
              <i class="swatch" style={{ background: count === 0 ? 'transparent' : colour(i) }} />
              <K s={m.clientId} class="client" /> <span class="muted">on <K s={m.host} /></span>
              {' '}{count === 0 ? <span class="tag">idle</span> : <span class="muted">{count} partition{count === 1 ? '' : 's'}</span>}
              <div class="muted small"><K s={m.memberId} />{m.groupInstanceId !== null && <> (static <K s={m.groupInstanceId} />)</>}</div>
            </li>
          );
        })}
      </ul>
      {[...topics.entries()].map(([topic, ps]) => (
        <div class="assign-topic" key={topic}>
          <a href={topicPath(topic)}><K s={topic} /></a>
          <div class="cells">
            {[...ps].sort((a, b) => a - b).map((p) => {
              const i = owner.get(`${topic}\u0000${p}`);
              const m = i === undefined ? undefined : g.members[i];
              return <span key={p} class={i === undefined ? 'cell unowned' : 'cell'} style={i === undefined ? undefined : { background: colour(i) }}
                title={m === undefined ? `partition ${p}: no owner` : `partition ${p}: ${m.clientId} (${m.memberId})`}>{p}</span>;
            })}
          </div>
        </div>
      ))}
    </figure>
  );
}

function LagChart({ name }: { name: string }) {
  const { data, error } = useApi<GroupLag>(`/api/groups/${enc(name)}/lag?seconds=3600`);
  const [which, setWhich] = useState('total');
  if (data === undefined) return error === undefined ? <Loading /> : <Failure error={error} />;
  const series = data.partitions.find((p) => `${p.topic}\u0000${p.partition}` === which)?.series ?? data.total;
  return (
    <>
      <div class="stats">
        <div class="stat"><div class="label">Lag trend</div><div class="value"><TrendMark trend={data.trend} /></div></div>
        <div class="stat"><div class="label">Time behind</div><div class="value">{seconds(data.timeLagSeconds)}</div></div>
        <div class="stat"><div class="label">Time to catch up</div><div class="value">
          {data.catchUpSeconds === null ? (data.trend === 'growing' ? 'not catching up' : '-') : seconds(data.catchUpSeconds)}</div></div>
      </div>
      {data.partitions.length > 0 && (
        <label>Chart of <select name="series" value={which} onChange={(e) => setWhich(e.currentTarget.value)}>
          <option value="total">the whole group</option>
          {data.partitions.map((p) => <option key={`${p.topic}:${p.partition}`} value={`${p.topic}\u0000${p.partition}`}>{p.topic} partition {p.partition}</option>)}
        </select></label>
      )}
      {series.t.length < 2 ? <Empty>Lag history builds up as the dashboard samples (every refresh interval); come back in a minute.</Empty> : (
        <TimeChart t={series.t} leftLabel="lag (messages)" rightLabel="messages/s" series={[
          { label: 'lag', values: series.lag, axis: 'left', color: '#c0392b' },
          { label: 'consumed/s', values: series.consumeRate, axis: 'right', color: '#2e9e5b' },
          { label: 'produced/s', values: series.produceRate, axis: 'right', color: '#2b7bb9' },
        ]} />
      )}
    </>
  );
}

function ResetOffsets({ g, reload }: { g: GroupDetail; reload: () => void }) {
  const topicNames = [...new Set(g.offsets.map((o) => o.topic))];
  const [topic, setTopic] = useState('all');
  const [kind, setKind] = useState('earliest');
  const [value, setValue] = useState('');
  const [preview, setPreview] = useState<ResetRow[] | null>(null);
  const a = useAction();
  const body = (execute: boolean) => ({
    topics: topic === 'all' ? 'all' : [{ topic }],
    to: kind === 'earliest' || kind === 'latest' ? { kind } : { kind, value: kind === 'datetime' ? value : Number(value) },
    execute,
  });
  const run = (execute: boolean): void => a.run(async () => {
    const r = await postJson<{ rows: ResetRow[]; executed: boolean }>(`/api/groups/${enc(g.groupId)}/reset-offsets`, body(execute));
    setPreview(r.rows);
    if (r.executed) reload();
    return r.executed ? `Offsets reset for ${r.rows.length} partitions.` : 'Preview: nothing changed yet. Execute to commit these offsets.';
  });
  return (
    <form class="form" aria-label="Reset offsets" onSubmit={(e) => { e.preventDefault(); run(false); }}>
      <label>Topic <select name="topic" value={topic} onChange={(e) => { setTopic(e.currentTarget.value); setPreview(null); }}>
        <option value="all">all topics</option>
        {topicNames.map((t) => <option key={t} value={t}>{t}</option>)}
      </select></label>
      <label>To <select name="to" value={kind} onChange={(e) => { setKind(e.currentTarget.value); setPreview(null); }}>
        <option value="earliest">earliest</option><option value="latest">latest</option><option value="offset">offset</option>
        <option value="shift">shift by</option><option value="datetime">date-time</option><option value="duration">duration (PnDTnHnMnS)</option>
      </select></label>
      {kind !== 'earliest' && kind !== 'latest' && (
        <label>Value <input name="value" value={value} required placeholder={kind === 'datetime' ? '2024-01-01T00:00:00.000' : kind === 'duration' ? 'PT1H' : '0'}
          onInput={(e) => { setValue(e.currentTarget.value); setPreview(null); }} /></label>
      )}
      <button type="submit" disabled={a.busy}>Preview</button>
      <button type="button" class="danger" disabled={a.busy || preview === null} onClick={() => run(true)}>Execute</button>
      <ActionResult a={a} />
      {preview !== null && (
        <div class="scroll wide">
          <table class="preview">
            <thead><tr><th>GROUP</th><th>TOPIC</th><th class="num">PARTITION</th><th class="num">NEW-OFFSET</th></tr></thead>
            <tbody>{preview.map((r) => <tr key={`${r.topic}:${r.partition}`}><td><K s={r.group} /></td><td><K s={r.topic} /></td><td class="num">{r.partition}</td><N n={r.newOffset} /></tr>)}</tbody>
          </table>
        </div>
      )}
    </form>
  );
}

function DeleteGroup({ name }: { name: string }) {
  const a = useAction();
  const [confirm, setConfirm] = useState('');
  return (
    <form class="form danger" aria-label="Delete group" onSubmit={(e) => {
      e.preventDefault();
      a.run(async () => {
        await postJson(`/api/groups/${enc(name)}/delete`, {});
        navigate('/groups');
        return `Deleted group ${name}.`;
      });
    }}>
      <label class="wide">Type the group's id to delete it <input name="confirm" autocomplete="off" value={confirm} onInput={(e) => setConfirm(e.currentTarget.value)} /></label>
      <button type="submit" class="danger" disabled={a.busy || confirm !== name}>Delete group</button>
      <ActionResult a={a} />
    </form>
  );
}

export function GroupView({ name }: { name: string }) {
  const { data: g, error, reload } = useApi<GroupDetail>(`/api/groups/${enc(name)}`);
  const dash = (s: string | null) => (s === null ? '-' : <K s={s} />);
  return (
    <section>
      <h1>Group <K s={name} /></h1>
      <Failure error={error} />
      {g === undefined ? (error === undefined && <Loading />) : (
        <>
          <p>State <strong>{g.state}</strong>{g.protocol !== '' && <>, assignor <K s={g.protocol} /></>}, {num(g.members.length)} member{g.members.length === 1 ? '' : 's'}</p>
          <h2>Assignment</h2>
          <Assignment g={g} />
          <h2>Offsets</h2>
          {g.offsets.length === 0 ? <Empty>This group has committed no offsets yet.</Empty> : (
            <div class="scroll">
              <table class="offsets">
                <thead><tr><th>TOPIC</th><th class="num">PARTITION</th><th class="num">CURRENT-OFFSET</th><th class="num">LOG-END-OFFSET</th><th class="num">LAG</th>
                  <th>CONSUMER-ID</th><th>HOST</th><th>CLIENT-ID</th></tr></thead>
                <tbody>
                  {g.offsets.map((o) => (
                    <tr key={`${o.topic}:${o.partition}`}>
                      <td><a href={topicPath(o.topic)}><K s={o.topic} /></a></td>
                      <td class="num">{o.partition}</td>
                      <N n={o.currentOffset} />
                      <N n={o.logEndOffset} />
                      <N n={o.lag} />
                      <td class="small">{dash(o.consumerId)}</td>
                      <td>{dash(o.host)}</td>
                      <td>{dash(o.clientId)}</td>
                    </tr>
                  ))}
                </tbody>
              </table>
            </div>
          )}
          <h2>Lag over the last hour</h2>
          <LagChart name={name} />
          <Writable>
            <details class="panel">
              <summary>Actions</summary>
              <h3>Reset offsets</h3>
              <p class="muted">The group must have no active members (Kafka refuses to reset a running group).</p>
              <ResetOffsets g={g} reload={reload} />
              <h3>Delete group</h3>
              <DeleteGroup name={name} />
            </details>
          </Writable>
        </>
      )}
    </section>
  );
}
