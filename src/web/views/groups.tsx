import { useState } from 'preact/hooks';
import type { GroupRow, Trend } from '../api';
import { Empty, Failure, K, Loading, N, useFirstRows } from '../components';
import { useApi } from '../live';
import { groupPath, topicPath } from '../router';

export function TrendMark({ trend }: { trend: Trend }) {
  const [arrow, text] = trend === 'growing' ? ['↑', 'growing'] : trend === 'shrinking' ? ['↓', 'shrinking'] : trend === 'steady' ? ['→', 'steady'] : ['·', 'not enough samples'];
  return <span class={`trend ${trend}`} title={`lag ${text}`}><span aria-hidden="true">{arrow}</span> {text}</span>;
}

export function GroupsView() {
  const { data, error } = useApi<{ groups: GroupRow[] }>('/api/groups');
  const [query, setQuery] = useState(() => new URLSearchParams(location.search).get('q') ?? '');
  const q = query.toLowerCase();
  // As on /topics: the search covers every group, and the first matches are rendered until "Show all".
  const rows = (data?.groups ?? []).filter((g) => g.groupId.toLowerCase().includes(q));
  const { shown, more } = useFirstRows(rows, q, 'groups');
  return (
    <section>
      <h1>Consumer groups</h1>
      <Failure error={error} />
      {data === undefined ? (error === undefined && <Loading />) : data.groups.length === 0
        ? <Empty>No consumer groups yet: run <code>mq-console-consumer --topic t --group g</code>.</Empty>
        : (
            <>
              <div class="toolbar">
                <input id="search" type="search" placeholder="Search groups" aria-label="Search groups" value={query}
                  onInput={(e) => setQuery(e.currentTarget.value)} />
              </div>
              {rows.length === 0 ? <Empty>No group matches the search.</Empty> : (
                <div class="scroll">
                  <table class="groups">
                    <thead><tr><th>Group</th><th>State</th><th class="num">Members</th><th>Topics</th><th class="num">Total lag</th><th>Trend</th></tr></thead>
                    <tbody>
                      {shown.map((g) => (
                        <tr key={g.groupId}>
                          <td><a href={groupPath(g.groupId)}><K s={g.groupId} /></a></td>
                          <td>{g.state}</td>
                          <N n={g.members} />
                          <td>{g.topics.map((t, i) => <span key={t}>{i > 0 && ', '}<a href={topicPath(t)}><K s={t} /></a></span>)}</td>
                          <N n={g.lag} />
                          <td><TrendMark trend={g.lagTrend} /></td>
                        </tr>
                      ))}
                    </tbody>
                  </table>
                  {more}
                </div>
              )}
            </>
          )}
    </section>
  );
}
