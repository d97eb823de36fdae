import type { GroupRow, Trend } from '../api';
import { Empty, Failure, K, Loading, N } from '../components';
import { useApi } from '../live';
import { groupPath, topicPath } from '../router';

export function TrendMark({ trend }: { trend: Trend }) {
  const [arrow, text] = trend === 'growing' ? ['↑', 'growing'] : trend === 'shrinking' ? ['↓', 'shrinking'] : trend === 'steady' ? ['→', 'steady'] : ['·', 'not enough samples'];
  return <span class={`trend ${trend}`} title={`lag ${text}`}><span aria-hidden="true">{arrow}</span> {text}</span>;
}

export function GroupsView() {
  const { data, error } = useApi<{ groups: GroupRow[] }>('/api/groups');
  return (
    <section>
      <h1>Consumer groups</h1>
      <Failure error={error} />
      {data === undefined ? (error === undefined && <Loading />) : data.groups.length === 0
        ? <Empty>No consumer groups yet: run <code>mq-console-consumer --topic t --group g</code>.</Empty>
        : (
            <div class="scroll">
              <table>
                <thead><tr><th>Group</th><th>State</th><th class="num">Members</th><th>Topics</th><th class="num">Total lag</th><th>Trend</th></tr></thead>
                <tbody>
                  {data.groups.map((g) => (
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
            </div>
          )}
    </section>
  );
}
