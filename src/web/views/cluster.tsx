import type { Broker, Cluster } from '../api';
import { Empty, Failure, K, Loading, N } from '../components';
import { bytes, num, rate, time } from '../format';
import { useApi } from '../live';

export function BrokerTable({ brokers, controllerId }: { brokers: Broker[]; controllerId: number | null }) {
  if (brokers.length === 0) return <Empty>No brokers answered the metadata request: check the bootstrap address the dashboard was started with.</Empty>;
  return (
    <div class="scroll">
      <table>
        <thead><tr><th class="num">ID</th><th>Address</th><th>Rack</th><th class="num">Partitions led</th><th class="num">Replicas</th><th class="num">Size</th><th>State</th></tr></thead>
        <tbody>
          {brokers.map((b) => (
            <tr key={b.id}>
              <td class="num">{b.id}{b.id === controllerId && <span class="tag" title="controller">controller</span>}</td>
              <td><K s={`${b.host}:${b.port}`} /></td>
              <td>{b.rack === null ? '-' : <K s={b.rack} />}</td>
              <N n={b.leaderPartitions} />
              <N n={b.replicas} />
              <td class="num">{bytes(b.sizeBytes)}</td>
              <td>{b.reachable ? <span class="ok">reachable</span> : <span class="bad">unreachable</span>}</td>
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}

export function ClusterView() {
  const { data, error } = useApi<Cluster>('/api/cluster');
  if (data === undefined) return error === undefined ? <Loading /> : <Failure error={error} />;
  const stat = (label: string, value: string, bad = false) => (
    <div class={bad ? 'stat bad' : 'stat'}><div class="label">{label}</div><div class="value">{value}</div></div>
  );
  return (
    <section>
      <h1>Cluster</h1>
      <Failure error={error} />
      <p>Cluster ID <code><K s={data.clusterId ?? '-'} /></code>, controller {data.controllerId === null ? '-' : `broker ${data.controllerId}`}
        {data.sampledAt !== null && <span class="muted">, sampled {time(data.sampledAt)}</span>}</p>
      <div class="stats">
        {stat('Brokers', num(data.brokers.length))}
        {stat('Topics', num(data.topicCount))}
        {stat('Partitions', num(data.partitionCount))}
        {stat('Under-replicated', num(data.underReplicatedPartitions), data.underReplicatedPartitions > 0)}
        {stat('Offline', num(data.offlinePartitions), data.offlinePartitions > 0)}
        {stat('Size on disk', bytes(data.sizeBytes))}
        {stat('Messages in /s', rate(data.messagesInPerSec))}
      </div>
      <h2>Brokers</h2>
      <BrokerTable brokers={data.brokers} controllerId={data.controllerId} />
    </section>
  );
}

export function BrokersView() {
  const { data, error } = useApi<{ brokers: Broker[] }>('/api/brokers');
  const cluster = useApi<Cluster>('/api/cluster');
  if (data === undefined) return error === undefined ? <Loading /> : <Failure error={error} />;
  return (
    <section>
      <h1>Brokers</h1>
      <Failure error={error} />
      <BrokerTable brokers={data.brokers} controllerId={cluster.data?.controllerId ?? null} />
    </section>
  );
}
