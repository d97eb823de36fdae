/**
 * The sampler's cost: with 20 topics x 6 partitions and 10 groups, one round sends one ListOffsets
 * per broker for the latest offsets (plus one for the earliest on the rounds that read them), one
 * OffsetFetch and one DescribeGroups per coordinator, never a request per partition or group.
 * Requests are counted where they leave mq's client (every request goes through
 * ProtocolConnection.request). Metadata is kept between rounds: asked every METADATA_EVERY rounds
 * when nothing changed, and at once when a group commits to a topic it did not list.
 */
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { startTestBroker, type TestBroker } from '../../helpers/broker.js';
import { Cluster } from '../../../src/engine/client/cluster.js';
import { ProtocolConnection } from '../../../src/engine/client/connection.js';
import { createTopic } from '../../../src/engine/client/admin/topics.js';
import { commitOffsets } from '../../../src/engine/client/group-offsets.js';
import { apiName } from '../../../src/engine/protocol/api-keys.js';
import type { ApiSchema } from '../../../src/engine/protocol/schema.js';
import { METADATA_EVERY } from '../../../src/commands/dashboard/sampler.js';
import { startTestDashboard, type TestDashboard } from './helpers.js';

let tb: TestBroker;
let admin: Cluster;
let d: TestDashboard;
beforeAll(async () => {
  tb = await startTestBroker();
  admin = await Cluster.connect([tb.bootstrap]);
  for (let t = 0; t < 20; t++) await createTopic(admin.any(), { name: `t${t}`, partitions: 6, configs: new Map() });
  for (let g = 0; g < 10; g++) await commitOffsets(admin, `g${g}`, Array.from({ length: 6 }, (_, p) => ({ topic: `t${g}`, partition: p, offset: 0 })));
  d = await startTestDashboard(tb.bootstrap, { refreshMs: 60_000 });
});
afterAll(async () => {
  vi.restoreAllMocks();
  await d?.stop();
  await admin?.close();
  await tb?.stop();
});

async function countRound(full: boolean): Promise<Record<string, number>> {
  await d.dash.sampler.idle();
  const counts: Record<string, number> = {};
  const real = Object.getOwnPropertyDescriptor(ProtocolConnection.prototype, 'request')!.value as ProtocolConnection['request'];
  const spy = vi.spyOn(ProtocolConnection.prototype, 'request').mockImplementation(function (this: ProtocolConnection, schema: ApiSchema, ...rest: unknown[]) {
    const name = apiName(schema.apiKey);
    counts[name] = (counts[name] ?? 0) + 1;
    return (real as (...a: unknown[]) => Promise<unknown>).call(this, schema, ...rest);
  } as typeof real);
  try {
    await d.dash.sampler.refresh({ full });
  } finally {
    spy.mockRestore();
  }
  return counts;
}

describe('one round of sampling', () => {
  it('a full round: one ListOffsets per broker per spec, one OffsetFetch and DescribeGroups for all groups', async () => {
    const c = await countRound(true);
    expect(c).toMatchObject({ Metadata: 1, ListOffsets: 2, ListGroups: 1, DescribeGroups: 1, OffsetFetch: 1, DescribeLogDirs: 1 });
    // No lagging partitions: no Fetch for time lag; nothing per partition.
    expect(c.Fetch ?? 0).toBe(0);
    expect(Object.values(c).reduce((a, b) => a + b, 0)).toBeLessThanOrEqual(8);
    expect(d.dash.sampler.snapshot!.groups.size).toBe(10);
    expect(d.dash.sampler.snapshot!.ends.size).toBe(120);
  });

  it('an ordinary round reads the latest offsets only', async () => {
    await d.dash.sampler.refresh();
    const c = await countRound(false);
    expect(c.ListOffsets).toBe(1);
    expect(c.OffsetFetch).toBe(1);
    expect(c.DescribeGroups).toBe(1);
    expect(c.FindCoordinator ?? 0).toBe(0);
  });

  it('keeps the Metadata between rounds: one in METADATA_EVERY rounds when nothing changed', async () => {
    let metadata = 0;
    for (let i = 0; i < METADATA_EVERY; i++) metadata += (await countRound(false)).Metadata ?? 0;
    expect(metadata).toBe(1);
  });

  it('a topic created elsewhere shows within METADATA_EVERY rounds; one a group commits to, the round after', async () => {
    await createTopic(admin.any(), { name: 'made-elsewhere', partitions: 2, configs: new Map() });
    for (let i = 0; i < METADATA_EVERY && !d.dash.sampler.snapshot!.topics.has('made-elsewhere'); i++) await d.dash.sampler.refresh();
    expect(d.dash.sampler.snapshot!.topics.has('made-elsewhere')).toBe(true);
    // Right after a Metadata round: the next ordinary rounds keep the topology, unless a group points at a topic it lacks.
    await d.dash.sampler.refresh({ full: true });
    await createTopic(admin.any(), { name: 'committed-to', partitions: 2, configs: new Map() });
    await commitOffsets(admin, 'g-new', [{ topic: 'committed-to', partition: 1, offset: 0 }]);
    const first = await countRound(false);
    const second = await countRound(false);
    expect(first.Metadata ?? 0).toBe(0);
    expect(second.Metadata).toBe(1);
    expect(d.dash.sampler.snapshot!.topics.has('committed-to')).toBe(true);
    expect(d.dash.sampler.snapshot!.groups.get('g-new')?.committed.get('committed-to:1')).toBe(0);
  });
});
