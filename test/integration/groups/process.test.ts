/**
 * Issue 4 acceptance: a consumer process killed with SIGKILL sends no LeaveGroup; the broker
 * notices by its session timeout and gives its partitions to the surviving consumer, which
 * resumes them from the committed offsets.
 */
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { startTestBroker } from '../../helpers/broker.js';
import { randomGroup, randomTopic } from '../../helpers/names.js';
import { start, type RunningProcess } from '../../helpers/proc.js';
import { waitFor } from '../../helpers/wait.js';
import { client, committed, createTopic, describeGroup, logEnd, onCleanup, produce, range, sortedUnion, spread } from './common.js';

const CONSUMER = join(import.meta.dirname, 'fixtures', 'consumer.mjs');

interface JoinLine {
  event: 'join';
  name: string;
  memberId: string;
  generationId: number;
  partitions: number[];
}
interface RecordLine {
  event: 'record';
  name: string;
  partition: number;
  offset: number;
  value: string;
}

function lines(p: RunningProcess): (JoinLine | RecordLine)[] {
  return p.stdout
    .split('\n')
    .filter((l) => l.startsWith('{'))
    .map((l) => JSON.parse(l) as JoinLine | RecordLine);
}
const joins = (p: RunningProcess) => lines(p).filter((l): l is JoinLine => l.event === 'join');
const records = (p: RunningProcess) => lines(p).filter((l): l is RecordLine => l.event === 'record');
const latest = (p: RunningProcess) => joins(p).at(-1);

describe('consumer process killed with SIGKILL', () => {
  it('loses its partitions to the survivor after its session timeout', async () => {
    const SESSION = 4000;
    const tb = await startTestBroker({ settings: { 'group.min.session.timeout.ms': '1000' } });
    onCleanup(() => tb.stop());
    const topic = randomTopic('kill');
    const groupId = randomGroup();
    await createTopic(tb.bootstrap, topic, 4);
    await produce(tb.bootstrap, topic, spread('a', 20, 4));

    const spawnConsumer = (name: string) => {
      const p = start(process.execPath, [CONSUMER, tb.bootstrap, topic, groupId, name, String(SESSION)], { timeoutMs: 60_000 });
      onCleanup(async () => {
        p.kill('SIGKILL');
        await p.done;
      });
      return p;
    };
    const a = spawnConsumer('a');
    await waitFor(() => latest(a)?.partitions.length === 4, { timeoutMs: 20_000, message: 'a owns all partitions' });
    const b = spawnConsumer('b');
    await waitFor(
      () => {
        const la = latest(a);
        const lb = latest(b);
        return la && lb && la.generationId === lb.generationId && la.partitions.length === 2 && lb.partitions.length === 2;
      },
      { timeoutMs: 20_000, message: `a 2/2 split\n${a.stdout}\n${b.stdout}\n${a.stderr}${b.stderr}` },
    );
    expect(sortedUnion([latest(a)!.partitions, latest(b)!.partitions])).toEqual(range(4));
    await waitFor(() => new Set([...records(a), ...records(b)].map((r) => r.value)).size === 20, { timeoutMs: 20_000 });
    const admin = client(tb.bootstrap).admin();
    await admin.connect();
    onCleanup(() => admin.disconnect());
    await waitFor(async () => {
      const c = await committed(admin, groupId, topic);
      return range(4).every((p) => c.get(p) === 5);
    });

    const aParts = latest(a)!.partitions;
    const bGeneration = latest(b)!.generationId;
    const killedAt = Date.now();
    a.kill('SIGKILL');
    const killed = await a.done;
    expect(killed.signal).toBe('SIGKILL');
    // Records for a's partitions, produced while nobody reads them.
    await produce(tb.bootstrap, topic, spread('b', 8, 4));

    // The group still lists the dead member until the session timeout.
    const g = await describeGroup(admin, groupId);
    expect(g.members.map((m) => m.clientId).sort()).toEqual(['a', 'b']);

    const taken = await waitFor(() => {
      const lb = latest(b)!;
      return lb.generationId > bGeneration && lb.partitions.length === 4 ? lb : false;
    }, { timeoutMs: SESSION + 10_000, message: 'b owns all four partitions' });
    const reassignedAfter = Date.now() - killedAt;
    // Not before the session timeout (some slack for timer granularity), nor much after it.
    expect(reassignedAfter).toBeGreaterThanOrEqual(SESSION - 500);
    expect(reassignedAfter).toBeLessThan(SESSION + 8000);
    expect(taken.partitions).toEqual(range(4));

    // b resumes a's partitions from the committed offsets: the 'b' records, and nothing before them.
    await waitFor(() => records(b).filter((r) => r.value.startsWith('b-')).length === 8, { timeoutMs: 15_000 });
    const resumed = records(b).filter((r) => aParts.includes(r.partition) && r.value.startsWith('a-'));
    expect(resumed).toEqual([]);
    const end = await logEnd(admin, topic);
    await waitFor(async () => {
      const c = await committed(admin, groupId, topic);
      return range(4).every((p) => c.get(p) === end.get(p));
    });
    const after = await describeGroup(admin, groupId);
    expect(after.state).toBe('Stable');
    expect(after.members.map((m) => m.clientId)).toEqual(['b']);
    expect(after.members[0]!.assignment[topic]?.slice().sort()).toEqual(range(4));
  });
});
