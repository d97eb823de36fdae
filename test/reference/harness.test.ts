// Self-test of the reference harness: real Apache Kafka 3.9.x and 4.x on loopback.
// Skipped unless MQ_REFERENCE=1 (the reference suite runs through vitest.reference.config.ts).

import { readFileSync } from 'node:fs';
import * as tls from 'node:tls';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  rssMb,
  runKafkaTool,
  spawnKafkaTool,
  startKafka,
  type KafkaCluster,
  type KafkaTool,
  type KafkaVersion,
  type SaslMechanism,
  type SecurityProtocol,
  type ToolResult,
} from './kafka.js';

const VERSIONS: KafkaVersion[] = ['3.9', '4'];
const timings: string[] = [];

function note(line: string): void {
  timings.push(line);
}

interface PartitionRow {
  partition: number;
  leader: number;
  replicas: number[];
  isr: number[];
}

/** Parses kafka-topics --describe partition lines: `\tTopic: t\tPartition: 0\tLeader: 1\tReplicas: 1,2,3\tIsr: 1,2,3...` */
function parsePartitions(stdout: string): PartitionRow[] {
  const rows: PartitionRow[] = [];
  for (const line of stdout.split('\n')) {
    const m = /Partition: (\d+)\tLeader: (-?\d+|none)\tReplicas: ([\d,]*)\tIsr: ([\d,]*)/.exec(line);
    if (!m) continue;
    const ids = (s: string | undefined): number[] => (s ? s.split(',').filter(Boolean).map(Number) : []);
    rows.push({
      partition: Number(m[1]),
      leader: m[2] === 'none' ? -1 : Number(m[2]),
      replicas: ids(m[3]),
      isr: ids(m[4]),
    });
  }
  return rows;
}

async function tool(
  version: KafkaVersion,
  name: KafkaTool,
  args: string[],
  opts: { stdin?: string; timeoutMs?: number } = {},
): Promise<ToolResult> {
  const r = await runKafkaTool(version, name, args, opts);
  note(`${version} ${name} ${args.find((a) => a.startsWith('--') && a !== '--bootstrap-server') ?? ''}: ${r.durationMs} ms`);
  return r;
}

async function until<T>(what: string, fn: () => Promise<T>, ok: (v: T) => boolean, timeoutMs = 60_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  let last: T | undefined;
  while (Date.now() < deadline) {
    last = await fn();
    if (ok(last)) return last;
    await new Promise((r) => setTimeout(r, 500));
  }
  throw new Error(`timed out waiting for ${what}; last: ${JSON.stringify(last)}`);
}

describe.skipIf(!process.env.MQ_REFERENCE)('reference harness (real Apache Kafka)', () => {
  afterAll(() => {
    // Timings for the report; vitest shows console output of the run.
    console.log(`reference harness timings:\n  ${timings.join('\n  ')}`);
  });

  describe.each(VERSIONS)('Kafka %s, single node', (version) => {
    let kafka: KafkaCluster;

    beforeAll(async () => {
      const t0 = Date.now();
      kafka = await startKafka({ version, nodes: 1 });
      note(
        `${version} single node start-to-ready: ${Date.now() - t0} ms (format ${kafka.startup.formatMs}, ` +
          `start ${kafka.startup.startMs}), RSS ${rssMb(kafka.nodes[0]?.pid)} MiB (Kafka ${kafka.release})`,
      );
    });

    afterAll(async () => {
      await kafka?.stop();
    });

    it('binds 127.0.0.1 only, on runtime-chosen ports', () => {
      expect(kafka.bootstrap).toMatch(/^127\.0\.0\.1:\d+$/);
      expect(kafka.nodes).toHaveLength(1);
      expect(kafka.nodes[0]?.running).toBe(true);
    });

    it('kafka-topics --create / --list / --describe', async () => {
      const bs = ['--bootstrap-server', kafka.bootstrap];
      const created = await tool(version, 'kafka-topics', [...bs, '--create', '--topic', 'orders', '--partitions', '3']);
      expect(created.code).toBe(0);
      expect(created.stdout).toBe('Created topic orders.\n');

      const again = await tool(version, 'kafka-topics', [...bs, '--create', '--topic', 'orders']);
      expect(again.code).toBe(1);
      expect(again.stdout + again.stderr).toContain("Topic 'orders' already exists.");

      const list = await tool(version, 'kafka-topics', [...bs, '--list']);
      expect(list.code).toBe(0);
      expect(list.stdout.split('\n')).toContain('orders');

      const desc = await tool(version, 'kafka-topics', [...bs, '--describe', '--topic', 'orders']);
      expect(desc.code).toBe(0);
      expect(desc.stdout).toMatch(/^Topic: orders\tTopicId: [A-Za-z0-9_-]{22}\tPartitionCount: 3\tReplicationFactor: 1\tConfigs: /m);
      const rows = parsePartitions(desc.stdout);
      expect(rows.map((r) => r.partition)).toEqual([0, 1, 2]);
      for (const r of rows) expect(r).toMatchObject({ leader: 1, replicas: [1], isr: [1] });
    });

    it('console producer → console consumer round trip', async () => {
      const bs = ['--bootstrap-server', kafka.bootstrap];
      expect((await tool(version, 'kafka-topics', [...bs, '--create', '--topic', 'rt'])).code).toBe(0);
      const produced = await tool(version, 'kafka-console-producer', [...bs, '--topic', 'rt', '--property', 'parse.key=true'], {
        stdin: 'k1\tone\nk2\ttwo\nk3\tthree\n',
      });
      expect(produced.code).toBe(0);
      expect(produced.stderr).toBe('');
      // 4.x (KIP-1147) warns about the old option name, on stdout; 3.9 prints nothing.
      expect(produced.stdout).toBe(
        version === '4' ? 'Warning: --property is deprecated and will be removed in a future version. Use --reader-property instead.\n' : '',
      );

      const consumed = await tool(version, 'kafka-console-consumer', [
        ...bs, '--topic', 'rt', '--from-beginning', '--max-messages', '3',
        '--property', 'print.key=true', '--property', 'print.partition=true',
      ]);
      expect(consumed.code).toBe(0);
      const deprecation =
        version === '4'
          ? 'Option --property is deprecated and will be removed in a future version. Use --formatter-property instead.\n'
          : '';
      expect(consumed.stdout).toBe(`${deprecation}Partition:0\tk1\tone\nPartition:0\tk2\ttwo\nPartition:0\tk3\tthree\n`);
      expect(consumed.stderr).toContain('Processed a total of 3 messages');
    });

    it('a long-running console consumer is a live member in kafka-consumer-groups --describe', async () => {
      const bs = ['--bootstrap-server', kafka.bootstrap];
      const consumer = spawnKafkaTool(version, 'kafka-console-consumer', [...bs, '--topic', 'rt', '--group', 'live', '--from-beginning']);
      try {
        await consumer.waitFor(/three\n/);
        const d = await tool(version, 'kafka-consumer-groups', [...bs, '--describe', '--group', 'live']);
        expect(d.code).toBe(0);
        expect(d.stdout).toMatch(/^GROUP\s+TOPIC\s+PARTITION\s+CURRENT-OFFSET\s+LOG-END-OFFSET\s+LAG\s+CONSUMER-ID\s+HOST\s+CLIENT-ID/m);
        expect(d.stdout).toMatch(/^live\s+rt\s+0\s+\S+\s+3\s+\S+\s+\S+\s+\/127\.0\.0\.1\s+\S+/m);
      } finally {
        const r = await consumer.stop();
        expect(r.stderr).toContain('Processed a total of 3 messages');
      }
    });

    it('the other tools run against it', async () => {
      const bs = ['--bootstrap-server', kafka.bootstrap];
      const offsets = await tool(version, 'kafka-get-offsets', [...bs, '--topic', 'rt']);
      expect(offsets.code).toBe(0);
      expect(offsets.stdout).toBe('rt:0:3\n');

      const groups = await tool(version, 'kafka-consumer-groups', [...bs, '--list']);
      expect(groups.code).toBe(0);
      expect(groups.stdout).toMatch(/^console-consumer-\d+$/m);

      const configs = await tool(version, 'kafka-configs', [...bs, '--describe', '--entity-type', 'topics', '--entity-name', 'rt']);
      expect(configs.code).toBe(0);
      expect(configs.stdout).toContain('Dynamic configs for topic rt are:');

      const pp = await tool(version, 'kafka-producer-perf-test', [
        '--topic', 'perf', '--num-records', '2000', '--record-size', '100', '--throughput', '-1',
        '--producer-props', `bootstrap.servers=${kafka.bootstrap}`,
      ]);
      expect(pp.code).toBe(0);
      expect(pp.stdout).toMatch(/^2000 records sent, [\d.]+ records\/sec \([\d.]+ MB\/sec\), [\d.]+ ms avg latency, [\d.]+ ms max latency, \d+ ms 50th, \d+ ms 95th, \d+ ms 99th, \d+ ms 99.9th\.$/m);

      const cp = await tool(version, 'kafka-consumer-perf-test', [...bs, '--topic', 'perf', '--messages', '2000', '--timeout', '30000']);
      expect(cp.code).toBe(0);
      expect(cp.stdout).toMatch(/^start\.time, end\.time, data\.consumed\.in\.MB, MB\.sec, data\.consumed\.in\.nMsg, nMsg\.sec, rebalance\.time\.ms, fetch\.time\.ms, fetch\.MB\.sec, fetch\.nMsg\.sec$/m);
      expect(cp.stdout).toMatch(/, 0\.1907, [\d.]+, 2000, /);
    });
  });

  describe.each(VERSIONS)('Kafka %s, SASL_PLAINTEXT (PLAIN, SCRAM-SHA-512), SSL and SASL_SSL listeners', (version) => {
    let kafka: KafkaCluster;

    beforeAll(async () => {
      const t0 = Date.now();
      kafka = await startKafka({
        version,
        nodes: 1,
        listeners: { saslPlaintext: true, ssl: { clientAuth: 'required' }, saslSsl: true },
      });
      note(`${version} single node with SASL/SSL listeners start-to-ready: ${Date.now() - t0} ms`);
    });

    afterAll(async () => {
      await kafka?.stop();
    });

    const cases: [SecurityProtocol, SaslMechanism | ''][] = [
      ['SASL_PLAINTEXT', 'PLAIN'],
      ['SASL_PLAINTEXT', 'SCRAM-SHA-512'],
      ['SSL', ''],
      ['SASL_SSL', 'SCRAM-SHA-512'],
    ];
    it.each(cases)('kafka-topics --list over %s %s', async (protocol, mechanism) => {
      const bootstrap = kafka.bootstraps[protocol];
      expect(bootstrap).toMatch(/^127\.0\.0\.1:\d+$/);
      const config = kafka.clientConfig(protocol, { mechanism: mechanism || undefined, user: 'alice' });
      const r = await tool(version, 'kafka-topics', ['--bootstrap-server', bootstrap ?? '', '--command-config', config, '--list']);
      expect(r.stderr).toBe('');
      expect(r.code).toBe(0);
    });

    it('rejects a wrong SCRAM password', async () => {
      const config = kafka.clientConfig('SASL_PLAINTEXT', { mechanism: 'SCRAM-SHA-512', user: 'nobody' });
      const r = await runKafkaTool(version, 'kafka-topics', [
        '--bootstrap-server', kafka.bootstraps.SASL_PLAINTEXT ?? '', '--command-config', config, '--list',
      ], { timeoutMs: 60_000 });
      expect(r.code).not.toBe(0);
      expect(r.stdout + r.stderr).toMatch(/Authentication failed/);
    });

    it('SSL listener with ssl.client.auth=required refuses a client without certificate', async () => {
      const config = kafka.clientConfig('SSL', { clientCert: false });
      const r = await runKafkaTool(version, 'kafka-topics', [
        '--bootstrap-server', kafka.bootstraps.SSL ?? '', '--command-config', config, '--list',
      ], { timeoutMs: 60_000 });
      expect(r.code).not.toBe(0);
      expect(r.stdout + r.stderr).toMatch(/SslAuthenticationException|SSL handshake failed/);
    });

    it('serves the harness CA-signed certificate for 127.0.0.1 to Node TLS clients (PEM files)', async () => {
      const ssl = kafka.ssl;
      if (!ssl) throw new Error('no SSL material');
      const port = kafka.nodes[0]?.ports.SSL ?? 0;
      const authorized = await new Promise<boolean>((resolve, reject) => {
        const sock = tls.connect({
          host: '127.0.0.1',
          port,
          ca: readFileSync(ssl.caPem),
          cert: readFileSync(ssl.clientCertPem),
          key: readFileSync(ssl.clientKeyPem),
        }, () => {
          resolve(sock.authorized);
          sock.destroy();
        });
        sock.once('error', reject);
      });
      expect(authorized).toBe(true);
    });
  });

  describe.each(VERSIONS)('Kafka %s, three nodes', (version) => {
    let kafka: KafkaCluster;

    beforeAll(async () => {
      const t0 = Date.now();
      kafka = await startKafka({ version, nodes: 3 });
      const rss = kafka.nodes.map((n) => rssMb(n.pid)).join('/');
      note(
        `${version} three nodes start-to-ready: ${Date.now() - t0} ms (format ${kafka.startup.formatMs}, ` +
          `start ${kafka.startup.startMs}), RSS ${rss} MiB`,
      );
    });

    afterAll(async () => {
      await kafka?.stop();
    });

    it('ISR shrinks when a replica stops and recovers when it comes back', async () => {
      expect(kafka.nodes.map((n) => n.id)).toEqual([1, 2, 3]);
      const bs = ['--bootstrap-server', kafka.bootstrap];
      const created = await tool(version, 'kafka-topics', [
        ...bs, '--create', '--topic', 'r3', '--partitions', '1', '--replication-factor', '3',
      ]);
      expect(created.code).toBe(0);

      const describe3 = async (bootstrap: string): Promise<PartitionRow | undefined> => {
        const r = await runKafkaTool(version, 'kafka-topics', ['--bootstrap-server', bootstrap, '--describe', '--topic', 'r3']);
        return parsePartitions(r.stdout)[0];
      };

      const before = await until('full ISR', () => describe3(kafka.bootstrap), (p) => p?.isr.length === 3);
      expect(before?.replicas.slice().sort()).toEqual([1, 2, 3]);
      const leader = before?.leader ?? -1;
      expect([1, 2, 3]).toContain(leader);

      const victim = kafka.nodes.find((n) => n.id === leader);
      if (!victim) throw new Error(`leader ${leader} not among nodes`);
      const t0 = Date.now();
      await victim.stop();
      note(`${version} stop leader node (controlled shutdown): ${Date.now() - t0} ms`);
      expect(victim.running).toBe(false);

      const others = kafka.nodes.filter((n) => n.id !== leader).map((n) => `127.0.0.1:${n.port}`).join(',');
      const shrunk = await until(
        'ISR shrink and leader move',
        () => describe3(others),
        (p) => p !== undefined && p.isr.length === 2 && p.leader !== leader && p.leader > 0,
      );
      expect(shrunk?.isr).not.toContain(leader);
      expect(shrunk?.replicas.slice().sort()).toEqual([1, 2, 3]);

      const t1 = Date.now();
      await victim.start();
      await kafka.waitForBrokers(3);
      const recovered = await until('ISR recovery', () => describe3(kafka.bootstrap), (p) => p?.isr.length === 3);
      note(`${version} restart node until ISR recovered: ${Date.now() - t1} ms`);
      expect(recovered?.isr.slice().sort()).toEqual([1, 2, 3]);
    });
  });
});
