/**
 * `mq-cluster status`: each node up or down with its pid and port, the active controller, and
 * the partitions whose ISR is short of their replicas (as `kafka-topics --describe
 * --under-replicated-partitions` counts them) or that have no leader.
 *
 * The controller is read from the nodes' own quorum-state files (KRaft writes the leader and
 * epoch it knows there, KIP-595): Metadata's controller id is a random broker on a KRaft cluster,
 * and mq's client does not speak DescribeQuorum.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { Cluster } from '../../engine/client/cluster.js';
import { listTopics } from '../../engine/client/admin/topics.js';
import { nodeDir } from './node-config.js';
import type { ClusterState } from './state.js';
import { nodeRunning } from './context.js';

export interface NodeStatus {
  id: number;
  state: 'up' | 'down';
  pid: number | null;
  port: number;
  controllerPort: number;
  dir: string;
}

export interface ClusterStatus {
  kafkaVersion: string;
  clusterId: string;
  bootstrapServers: string;
  nodes: NodeStatus[];
  /** The KRaft quorum leader, null when no running node knows one. */
  controller: number | null;
  /** null when no node answered Metadata. */
  underReplicatedPartitions: number | null;
  offlinePartitions: number | null;
  topics: number | null;
}

/** The leader a node last recorded, from <data>/__cluster_metadata-0/quorum-state. */
export function parseQuorumState(text: string): { leaderId: number; leaderEpoch: number } | undefined {
  try {
    const d = JSON.parse(text) as Record<string, unknown>;
    if (typeof d.leaderId === 'number' && typeof d.leaderEpoch === 'number') return { leaderId: d.leaderId, leaderEpoch: d.leaderEpoch };
  } catch {
    /* being rewritten: no answer this time */
  }
  return undefined;
}

/** The newest leader any running node recorded, if that leader is running itself. */
export function activeController(known: ReadonlyArray<{ leaderId: number; leaderEpoch: number }>, running: ReadonlySet<number>): number | null {
  const newest = [...known].sort((a, b) => b.leaderEpoch - a.leaderEpoch)[0];
  return newest && newest.leaderId >= 0 && running.has(newest.leaderId) ? newest.leaderId : null;
}

export async function clusterStatus(dir: string, state: ClusterState): Promise<ClusterStatus> {
  const nodes: NodeStatus[] = state.nodes.map((n) => {
    const up = nodeRunning(dir, n);
    return { id: n.id, state: up ? 'up' : 'down', pid: up ? n.pid : null, port: n.port, controllerPort: n.controllerPort, dir: nodeDir(dir, n.id) };
  });
  const running = new Set(nodes.filter((n) => n.state === 'up').map((n) => n.id));
  const known = nodes.filter((n) => running.has(n.id)).flatMap((n) => {
    try {
      const q = parseQuorumState(readFileSync(join(n.dir, 'data', '__cluster_metadata-0', 'quorum-state'), 'utf8'));
      return q ? [q] : [];
    } catch {
      return [];
    }
  });
  let under: number | null = null;
  let offline: number | null = null;
  let topics: number | null = null;
  const addresses = nodes.filter((n) => n.state === 'up').map((n) => `127.0.0.1:${n.port}`);
  if (addresses.length > 0) {
    let cluster: Cluster | undefined;
    try {
      cluster = await Cluster.connect(addresses, { connectTimeoutMs: 2000, setupTimeoutMs: 3000, requestTimeoutMs: 5000, clientId: 'mq-cluster' });
      const all = await listTopics(cluster);
      const parts = all.flatMap((t) => t.partitions);
      topics = all.length;
      under = parts.filter((p) => p.isr.length < p.replicas.length).length;
      offline = parts.filter((p) => p.leader < 0).length;
    } catch {
      /* no node answers yet: shown as unknown */
    } finally {
      await cluster?.close().catch(() => undefined);
    }
  }
  return {
    kafkaVersion: state.kafkaVersion,
    clusterId: state.clusterId,
    bootstrapServers: state.nodes.map((n) => `localhost:${n.port}`).join(','),
    nodes,
    controller: activeController(known, running),
    underReplicatedPartitions: under,
    offlinePartitions: offline,
    topics,
  };
}

/** The text `status` prints: a table of nodes, then one line for the cluster. */
export function statusText(s: ClusterStatus): string[] {
  const rows = s.nodes.map((n) => [
    String(n.id), n.state, n.pid === null ? '-' : String(n.pid), `localhost:${n.port}`, s.controller === n.id ? 'yes' : '',
  ]);
  const head = ['NODE', 'STATE', 'PID', 'ADDRESS', 'CONTROLLER'];
  const widths = head.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i]!.length)));
  const fmt = (r: string[]) => r.map((c, i) => c.padEnd(widths[i]!)).join('  ').trimEnd();
  const unknown = (v: number | null) => (v === null ? 'unknown (no node answered)' : String(v));
  return [
    `Kafka ${s.kafkaVersion} cluster ${s.clusterId}: ${s.nodes.filter((n) => n.state === 'up').length} of ${s.nodes.length} nodes up`,
    fmt(head),
    ...rows.map(fmt),
    `Under-replicated partitions: ${unknown(s.underReplicatedPartitions)}; offline partitions: ${unknown(s.offlinePartitions)}`,
    `Bootstrap: ${s.bootstrapServers}`,
  ];
}
