/**
 * Issue 4 acceptance: groups of third-party clients. Two confluent-kafka-python (librdkafka 2.0.2)
 * processes in one group, and two kafka-python 2.0.2 processes in one group, each pair splitting
 * a 4-partition topic, reading their halves and committing; the commits are then read back
 * through kafkajs admin.fetchOffsets, and describeGroups shows the split the clients reported.
 */
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { startTestBroker } from '../helpers/broker.js';
import { randomGroup, randomTopic } from '../helpers/names.js';
import { start, type RunningProcess } from '../helpers/proc.js';
import { waitFor } from '../helpers/wait.js';
import { client, committed, createTopic, describeGroup, logEnd, onCleanup, produce, range, sortedUnion, spread } from '../integration/groups/common.js';

const PYTHON = '/usr/bin/python3';
const FIXTURES = join(import.meta.dirname, 'fixtures');

function pythonHas(module: string): boolean {
  if (!existsSync(PYTHON)) return false;
  return spawnSync(PYTHON, ['-c', `import ${module}`], { stdio: 'ignore', timeout: 20_000 }).status === 0;
}

interface Line {
  event: 'assign' | 'revoke' | 'owned' | 'record' | 'done';
  name: string;
  partitions?: number[];
  committed?: [number, number][];
  partition?: number;
  offset?: number;
  value?: string;
}

const lines = (p: RunningProcess): Line[] =>
  p.stdout
    .split('\n')
    .filter((l) => l.startsWith('{'))
    .map((l) => JSON.parse(l) as Line);

const cases = [
  { lib: 'confluent-kafka-python', module: 'confluent_kafka', script: 'ck_member.py', extra: [], protocols: ['range', 'roundrobin'] },
  // Incremental (KIP-429) rebalancing: the second member's arrival takes two rebalances, the
  // first revoking partitions from the first member, the second handing them over.
  {
    lib: 'confluent-kafka-python (cooperative-sticky)',
    module: 'confluent_kafka',
    script: 'ck_member.py',
    extra: ['cooperative-sticky'],
    protocols: ['cooperative-sticky'],
  },
  { lib: 'kafka-python', module: 'kafka', script: 'kp_member.py', extra: [], protocols: ['range', 'roundrobin'] },
];

describe('third-party consumer groups', () => {
  for (const c of cases) {
    it(`${c.lib}: two members split the partitions and commit`, async () => {
      if (!pythonHas(c.module)) throw new Error(`${c.lib} is not installed for /usr/bin/python3: run scripts/install-deps.sh`);
      const tb = await startTestBroker();
      onCleanup(() => tb.stop());
      const topic = randomTopic('py');
      const groupId = randomGroup();
      await createTopic(tb.bootstrap, topic, 4);
      await produce(tb.bootstrap, topic, spread('r', 40, 4)); // 10 per partition

      const member = (name: string) => {
        const p = start(PYTHON, [join(FIXTURES, c.script), tb.bootstrap, topic, groupId, name, '2', '45000', ...c.extra], {
          timeoutMs: 60_000,
          env: { PYTHONPATH: undefined, PYTHONHOME: undefined, PYTHONDONTWRITEBYTECODE: '1' },
        });
        onCleanup(async () => {
          p.kill('SIGKILL');
          await p.done;
        });
        return p;
      };
      // b joins a group in which a already holds everything: a real rebalance of a live member.
      const a = member('py-a');
      const owned = (p: RunningProcess) => lines(p).filter((l) => l.event === 'owned').map((l) => l.partitions!);
      await waitFor(() => JSON.stringify(owned(a).at(-1)) === JSON.stringify(range(4)), {
        timeoutMs: 30_000,
        message: `a holds all four partitions\n${a.stdout.slice(-2000)}${a.stderr.slice(-2000)}`,
      });
      const b = member('py-b');
      const done = (p: RunningProcess) => lines(p).find((l) => l.event === 'done');
      await waitFor(() => done(a) && done(b), {
        timeoutMs: 50_000,
        message: `both members done\n--- a\n${a.stdout.slice(-2000)}${a.stderr.slice(-2000)}\n--- b\n${b.stdout.slice(-2000)}${b.stderr.slice(-2000)}`,
      });
      const da = done(a)!;
      const db = done(b)!;
      expect(da.partitions!.length).toBe(2);
      expect(db.partitions!.length).toBe(2);
      expect(sortedUnion([da.partitions!, db.partitions!])).toEqual(range(4));
      // Each read its partitions in full.
      for (const d of [
        { p: a, done: da },
        { p: b, done: db },
      ]) {
        for (const part of d.done.partitions!) {
          const offs = new Set(lines(d.p).filter((l) => l.event === 'record' && l.partition === part).map((l) => l.offset));
          expect([...offs].sort((x, y) => x! - y!)).toEqual(range(10));
        }
      }
      if (c.protocols.includes('cooperative-sticky')) {
        // Incremental: a gave up exactly two partitions and kept the other two throughout.
        const revoked = lines(a).filter((l) => l.event === 'revoke').flatMap((l) => l.partitions!);
        expect(revoked.sort()).toEqual(db.partitions);
        const afterFull = owned(a).slice(owned(a).findIndex((o) => o.length === 4));
        for (const o of afterFull) expect(o).toEqual(expect.arrayContaining(da.partitions!));
      }
      // The commits as each client read them back ...
      expect([...da.committed!, ...db.committed!].sort((x, y) => x[0] - y[0])).toEqual(range(4).map((p) => [p, 10]));

      // ... and as kafkajs reads them.
      const admin = client(tb.bootstrap).admin();
      await admin.connect();
      onCleanup(() => admin.disconnect());
      const end = await logEnd(admin, topic);
      const offsets = await committed(admin, groupId, topic);
      expect([...offsets].sort()).toEqual([...end].sort());
      expect([...offsets.values()]).toEqual([10, 10, 10, 10]);

      // describeGroups shows the same split, under the clients' own ids.
      const g = await waitFor(async () => {
        const d = await describeGroup(admin, groupId);
        return d.state === 'Stable' && d.members.length === 2 ? d : false;
      });
      expect(g.protocolType).toBe('consumer');
      expect(c.protocols).toContain(g.protocol);
      const byClient = Object.fromEntries(g.members.map((m) => [m.clientId, [...(m.assignment[topic] ?? [])].sort()]));
      expect(byClient).toEqual({ 'py-a': da.partitions, 'py-b': db.partitions });

      // Clean close: both leave, the group is Empty and keeps its offsets.
      a.kill('SIGTERM');
      b.kill('SIGTERM');
      const [ra, rb] = await Promise.all([a.done, b.done]);
      expect(ra.code, ra.stderr).toBe(0);
      expect(rb.code, rb.stderr).toBe(0);
      await waitFor(async () => (await describeGroup(admin, groupId)).state === 'Empty', { message: 'group Empty after both left' });
      expect([...(await committed(admin, groupId, topic)).values()]).toEqual([10, 10, 10, 10]);
    });
  }
});
