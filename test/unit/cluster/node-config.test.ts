import { describe, expect, it } from 'vitest';
import {
  bootstrapServers,
  clusterIdFrom,
  clusterPlan,
  formatJvmArgs,
  loggingConfig,
  nodeJvmArgs,
  serverProperties,
} from '../../../src/commands/cluster/node-config.js';

/** java.util.Properties' reading of the simple lines mq-cluster writes. */
function readProps(text: string): Map<string, string> {
  const m = new Map<string, string>();
  for (const line of text.split('\n')) {
    if (line === '' || line.startsWith('#')) continue;
    const at = line.indexOf('=');
    m.set(line.slice(0, at), line.slice(at + 1));
  }
  return m;
}

describe('a three-node plan on the user notes\' ports', () => {
  const plan = clusterPlan({ brokers: 3, basePort: 29092, clusterDir: '/d/cluster' });

  it('puts brokers on base, base+1, base+2 and controllers 100 above, one directory each', () => {
    expect(plan.nodes.map((n) => [n.id, n.port, n.controllerPort, n.dir])).toEqual([
      [1, 29092, 29192, '/d/cluster/node-1'],
      [2, 29093, 29193, '/d/cluster/node-2'],
      [3, 29094, 29194, '/d/cluster/node-3'],
    ]);
    expect(bootstrapServers(plan)).toBe('localhost:29092,localhost:29093,localhost:29094');
  });

  it('writes combined KRaft nodes with a static quorum of all three and replicated internal topics', () => {
    const p = readProps(serverProperties(plan, plan.nodes[1]!, '4.4.0'));
    expect(p.get('process.roles')).toBe('broker,controller');
    expect(p.get('node.id')).toBe('2');
    expect(p.get('controller.quorum.voters')).toBe('1@127.0.0.1:29192,2@127.0.0.1:29193,3@127.0.0.1:29194');
    expect(p.get('listeners')).toBe('PLAINTEXT://127.0.0.1:29093,CONTROLLER://127.0.0.1:29193');
    expect(p.get('advertised.listeners')).toBe('PLAINTEXT://127.0.0.1:29093');
    expect(p.get('log.dirs')).toBe('/d/cluster/node-2/data');
    expect(p.get('offsets.topic.replication.factor')).toBe('3');
    expect(p.get('transaction.state.log.replication.factor')).toBe('3');
    expect(p.get('default.replication.factor')).toBe('3');
    expect(p.get('share.coordinator.state.topic.replication.factor')).toBe('3');
  });

  it('leaves out the share coordinator settings Kafka 3.9 does not know', () => {
    expect(serverProperties(plan, plan.nodes[0]!, '3.9.2')).not.toContain('share.coordinator');
  });
});

describe('a one-node plan', () => {
  it('replicates internal topics once (there is nowhere else)', () => {
    const plan = clusterPlan({ brokers: 1, basePort: 39092, clusterDir: '/c' });
    const p = readProps(serverProperties(plan, plan.nodes[0]!, '4.4.0'));
    expect(p.get('offsets.topic.replication.factor')).toBe('1');
    expect(p.get('transaction.state.log.min.isr')).toBe('1');
    expect(p.get('controller.quorum.voters')).toBe('1@127.0.0.1:39192');
  });
});

describe('limits', () => {
  it.each([[0], [10], [2.5]])('refuses --brokers %s', (n) => {
    expect(() => clusterPlan({ brokers: n, basePort: 29092, clusterDir: '/c' })).toThrow(`--brokers must be 1-9, not ${n}`);
  });

  it.each([[80], [65500]])('refuses --base-port %s', (p) => {
    expect(() => clusterPlan({ brokers: 3, basePort: p, clusterDir: '/c' })).toThrow(/^--base-port must be 1024-/);
  });
});

describe('the JVM command lines', () => {
  const plan = clusterPlan({ brokers: 3, basePort: 29092, clusterDir: '/d/cluster' });
  const node = plan.nodes[0]!;

  it('runs kafka.Kafka with a small heap, the cache\'s class path and a marker naming the node', () => {
    const args = nodeJvmArgs({ node, classpath: '/c/a.jar:/c/b.jar', heapMb: 256, logging: 'log4j2' });
    expect(args).toEqual(expect.arrayContaining(['-Xmx256m', '-XX:+UseSerialGC', '-Dmq.cluster.node=/d/cluster/node-1', '-Dkafka.logs.dir=/d/cluster/node-1']));
    expect(args).toContain('-Dlog4j2.configurationFile=/d/cluster/node-1/log4j2.properties');
    expect(args.slice(-4)).toEqual(['-cp', '/c/a.jar:/c/b.jar', 'kafka.Kafka', '/d/cluster/node-1/server.properties']);
  });

  it('configures reload4j with a file: URL for Kafka 3.x', () => {
    expect(nodeJvmArgs({ node, classpath: 'x', heapMb: 256, logging: 'log4j' })).toContain('-Dlog4j.configuration=file:/d/cluster/node-1/log4j.properties');
    expect(loggingConfig('log4j').text).toContain('log4j.appender.file.File=${kafka.logs.dir}/server.log');
    expect(loggingConfig('log4j2').text).toContain('appender.file.fileName = ${sys:kafka.logs.dir}/server.log');
  });

  it('formats storage with kafka-storage format and the cluster id', () => {
    const args = formatJvmArgs({ node, classpath: 'x', clusterId: 'MkU3OEVBNTcwNTJENDM2Qk', logging: 'log4j2' });
    expect(args.slice(-6)).toEqual(['kafka.tools.StorageTool', 'format', '-t', 'MkU3OEVBNTcwNTJENDM2Qk', '-c', '/d/cluster/node-1/server.properties']);
  });

  it('makes cluster ids as Kafka\'s Uuid prints them: 22 URL-safe base64 characters', () => {
    const id = clusterIdFrom(new Uint8Array(16).fill(0xfb));
    expect(id).toMatch(/^[A-Za-z0-9_-]{22}$/);
    expect(id).toBe('-_v7-_v7-_v7-_v7-_v7-w');
    expect(() => clusterIdFrom(new Uint8Array(8))).toThrow('a cluster id is 16 bytes');
  });
});
