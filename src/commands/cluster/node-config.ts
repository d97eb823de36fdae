/**
 * What each node of an mq-cluster is: its ports and the files written into its directory before
 * the JVM starts. Pure: the same plan gives the same text, so the unit tests read it as Kafka would.
 *
 *   const plan = clusterPlan({ brokers: 3, basePort: 29092, clusterDir });
 *   serverProperties(plan, plan.nodes[0])      // server.properties of node 1
 *
 * Every node is a combined KRaft node (process.roles=broker,controller), Kafka's cheapest layout
 * for a laptop: a broker listener on 127.0.0.1:basePort+i (what clients use) and a controller
 * listener on 127.0.0.1:basePort+100+i, with a static quorum of all nodes (controller.quorum.voters,
 * KIP-595), formatted once with `kafka-storage format`.
 */
import { join } from 'node:path';

export const MAX_BROKERS = 9;
/** Controller listeners sit this far above the broker ports (29092 -> 29192). */
export const CONTROLLER_PORT_OFFSET = 100;
export const DEFAULT_BASE_PORT = 29092;
export const DEFAULT_HEAP_MB = 256;

export interface NodePlan {
  id: number;
  port: number;
  controllerPort: number;
  dir: string;
  dataDir: string;
  propertiesFile: string;
  logFile: string;
}

export interface ClusterPlan {
  brokers: number;
  basePort: number;
  clusterDir: string;
  nodes: NodePlan[];
}

export function checkBrokerCount(n: number): number {
  if (!Number.isInteger(n) || n < 1 || n > MAX_BROKERS) throw new Error(`--brokers must be 1-${MAX_BROKERS}, not ${n}`);
  return n;
}

export function checkBasePort(p: number): number {
  if (!Number.isInteger(p) || p < 1024 || p + CONTROLLER_PORT_OFFSET + MAX_BROKERS > 65535) {
    throw new Error(`--base-port must be 1024-${65535 - CONTROLLER_PORT_OFFSET - MAX_BROKERS}, not ${p}`);
  }
  return p;
}

export function nodeDir(clusterDir: string, id: number): string {
  return join(clusterDir, `node-${id}`);
}

export function clusterPlan(o: { brokers: number; basePort: number; clusterDir: string }): ClusterPlan {
  const nodes = Array.from({ length: checkBrokerCount(o.brokers) }, (_, i): NodePlan => {
    const id = i + 1;
    const dir = nodeDir(o.clusterDir, id);
    return {
      id,
      port: checkBasePort(o.basePort) + i,
      controllerPort: o.basePort + CONTROLLER_PORT_OFFSET + i,
      dir,
      dataDir: join(dir, 'data'),
      propertiesFile: join(dir, 'server.properties'),
      logFile: join(dir, 'server.log'),
    };
  });
  return { brokers: o.brokers, basePort: o.basePort, clusterDir: o.clusterDir, nodes };
}

/** The bootstrap list users export: every broker, so a client finds the cluster while any node is up. */
export function bootstrapServers(plan: Pick<ClusterPlan, 'nodes'>): string {
  return plan.nodes.map((n) => `localhost:${n.port}`).join(',');
}

/** server.properties for one node, as Kafka's config/server.properties shapes it. */
export function serverProperties(plan: ClusterPlan, node: NodePlan, kafkaVersion: string): string {
  const voters = plan.nodes.map((n) => `${n.id}@127.0.0.1:${n.controllerPort}`).join(',');
  // Internal topics replicated like a production cluster's where there are enough nodes (3), so
  // a node going down does not take the group coordinator's offsets with it.
  const internalRf = String(Math.min(3, plan.brokers));
  const minIsr = String(Math.min(2, plan.brokers));
  const props: Array<[string, string]> = [
    ['process.roles', 'broker,controller'],
    ['node.id', String(node.id)],
    ['controller.quorum.voters', voters],
    ['listeners', `PLAINTEXT://127.0.0.1:${node.port},CONTROLLER://127.0.0.1:${node.controllerPort}`],
    // 127.0.0.1, not localhost: a client that resolves localhost to ::1 first would find nothing listening there.
    ['advertised.listeners', `PLAINTEXT://127.0.0.1:${node.port}`],
    ['inter.broker.listener.name', 'PLAINTEXT'],
    ['controller.listener.names', 'CONTROLLER'],
    ['listener.security.protocol.map', 'CONTROLLER:PLAINTEXT,PLAINTEXT:PLAINTEXT'],
    ['log.dirs', node.dataDir],
    // Kafka's config/server.properties ships these; fewer threads than its 3/8 since every node shares one laptop.
    ['num.network.threads', '2'],
    ['num.io.threads', '4'],
    ['num.partitions', '1'],
    ['default.replication.factor', String(Math.min(3, plan.brokers))],
    ['num.recovery.threads.per.data.dir', '1'],
    ['offsets.topic.replication.factor', internalRf],
    ['transaction.state.log.replication.factor', internalRf],
    ['transaction.state.log.min.isr', minIsr],
    ['log.retention.hours', '168'],
    ['log.segment.bytes', '1073741824'],
    ['log.retention.check.interval.ms', '300000'],
    // A group's first member does not wait 3 s for others (Kafka's sample configs for development set 0 too).
    ['group.initial.rebalance.delay.ms', '0'],
  ];
  if (!kafkaVersion.startsWith('3.')) {
    props.push(['share.coordinator.state.topic.replication.factor', internalRf], ['share.coordinator.state.topic.min.isr', minIsr]);
  }
  return `# Written by mq-cluster for node ${node.id} of ${plan.brokers}; edits are kept until \`mq-cluster down --purge\`.\n` +
    props.map(([k, v]) => `${k}=${escapeProperty(v)}`).join('\n') + '\n';
}

/** java.util.Properties escaping for a value (a Windows path's backslashes, a leading space). */
function escapeProperty(v: string): string {
  return v.replace(/\\/g, '\\\\').replace(/^ /, '\\ ').replace(/\n/g, '\\n');
}

/** The broker's logging configuration: everything at INFO into server.log in the node's directory. */
export function loggingConfig(logging: 'log4j' | 'log4j2'): { file: string; text: string; property: string } {
  if (logging === 'log4j') {
    return {
      file: 'log4j.properties',
      property: 'log4j.configuration',
      text: [
        'log4j.rootLogger=INFO, file',
        'log4j.appender.file=org.apache.log4j.FileAppender',
        'log4j.appender.file.File=${kafka.logs.dir}/server.log',
        'log4j.appender.file.layout=org.apache.log4j.PatternLayout',
        'log4j.appender.file.layout.ConversionPattern=[%d] %p %m (%c)%n',
        '',
      ].join('\n'),
    };
  }
  return {
    file: 'log4j2.properties',
    property: 'log4j2.configurationFile',
    text: [
      'status = error',
      'appender.file.type = File',
      'appender.file.name = FILE',
      'appender.file.fileName = ${sys:kafka.logs.dir}/server.log',
      'appender.file.layout.type = PatternLayout',
      'appender.file.layout.pattern = [%d] %p %m (%c)%n',
      'rootLogger.level = INFO',
      'rootLogger.appenderRef.file.ref = FILE',
      '',
    ].join('\n'),
  };
}

/**
 * The JVM's arguments for a node: a small heap (three nodes fit a laptop), the serial collector
 * (one core's worth of GC threads per node instead of G1's several), the class path from the cache.
 */
export function nodeJvmArgs(o: { node: NodePlan; classpath: string; heapMb: number; logging: 'log4j' | 'log4j2' }): string[] {
  const log = loggingConfig(o.logging);
  const logFile = join(o.node.dir, log.file);
  return [
    `-Xmx${o.heapMb}m`,
    '-Xms64m',
    '-XX:+UseSerialGC',
    '-XX:MaxMetaspaceSize=128m',
    '-Xss512k',
    '-Djava.awt.headless=true',
    `-Dkafka.logs.dir=${o.node.dir}`,
    `-D${log.property}=${o.logging === 'log4j' ? `file:${logFile}` : logFile}`,
    `-Dmq.cluster.node=${o.node.dir}`,
    '-cp',
    o.classpath,
    'kafka.Kafka',
    o.node.propertiesFile,
  ];
}

/** `kafka-storage format` for a node (kafka.tools.StorageTool), with the cluster's one id. */
export function formatJvmArgs(o: { node: NodePlan; classpath: string; clusterId: string; logging: 'log4j' | 'log4j2' }): string[] {
  const log = loggingConfig(o.logging);
  const logFile = join(o.node.dir, log.file);
  return [
    '-Xmx128m',
    '-XX:+UseSerialGC',
    '-XX:TieredStopAtLevel=1',
    `-Dkafka.logs.dir=${o.node.dir}`,
    `-D${log.property}=${o.logging === 'log4j' ? `file:${logFile}` : logFile}`,
    '-cp',
    o.classpath,
    'kafka.tools.StorageTool',
    'format',
    '-t',
    o.clusterId,
    '-c',
    o.node.propertiesFile,
  ];
}

/** A KRaft cluster id: 16 random bytes in URL-safe base64 without padding (Uuid.randomUuid().toString()). */
export function clusterIdFrom(bytes: Uint8Array): string {
  if (bytes.length !== 16) throw new Error('a cluster id is 16 bytes');
  return Buffer.from(bytes).toString('base64url');
}
