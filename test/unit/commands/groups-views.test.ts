import { describe, expect, it } from 'vitest';
import * as v from '../../../src/commands/consumer-groups/views.js';
import { parseDateTime, parseDuration, parseResetCsv, parseTopicArg, planReset, type PartitionState } from '../../../src/commands/consumer-groups/reset.js';

describe('consumer-groups text views (Kafka byte for byte)', () => {
  it('--list plain and with state/type', () => {
    expect(v.renderList([{ groupId: 'g1', state: 'Stable', type: 'Classic' }], { state: false, type: false })).toBe('g1\n');
    expect(v.renderList([{ groupId: 'my-group', state: 'Empty', type: 'Classic' }], { state: true, type: false })).toBe(
      'GROUP                     STATE               \nmy-group                  Empty               \n',
    );
    expect(v.renderList([], { state: true, type: true })).toBe(`${'GROUP'.padEnd(25)} ${'TYPE'.padEnd(20)} ${'STATE'.padEnd(20)}\n`);
  });

  it('--describe offsets: widths from data, "-" for missing, LAG', () => {
    const out = v.renderOffsets('my-group', [
      { group: 'my-group', topic: 'test', partition: 0, currentOffset: 5, logEndOffset: 7, consumerId: 'console-consumer-2f0c1d5e-6a8b-4c1e-9d8e-0f1a2b3c4d5e', host: '/127.0.0.1', clientId: 'console-consumer' },
      { group: 'my-group', topic: 'test', partition: 1, currentOffset: null, logEndOffset: 3, consumerId: null, host: null, clientId: null },
    ]);
    expect(out).toBe(
      '\n' +
        'GROUP           TOPIC           PARTITION  CURRENT-OFFSET  LOG-END-OFFSET  LAG             CONSUMER-ID                                           HOST            CLIENT-ID\n' +
        'my-group        test            0          5               7               2               console-consumer-2f0c1d5e-6a8b-4c1e-9d8e-0f1a2b3c4d5e /127.0.0.1      console-consumer\n' +
        'my-group        test            1          -               3               -               -                                                     -               -\n',
    );
    expect(v.renderOffsets('g', [])).toBe('');
  });

  it('--describe --members with and without --verbose, trailing space', () => {
    const m = [{ group: 'g', consumerId: 'c-1', groupInstanceId: null, host: '/127.0.0.1', clientId: 'cc', assignment: [{ topic: 'b', partitions: [10, 2] }, { topic: 'a', partitions: [0] }] }];
    expect(v.renderMembers('g', m, false)).toBe(
      '\nGROUP           CONSUMER-ID     HOST            CLIENT-ID       #PARTITIONS     \ng               c-1             /127.0.0.1      cc              3               \n',
    );
    expect(v.renderMembers('g', m, true)).toBe(
      '\nGROUP           CONSUMER-ID     HOST            CLIENT-ID       #PARTITIONS     ASSIGNMENT\ng               c-1             /127.0.0.1      cc              3               a(0), b(2,10)\n',
    );
    expect(v.renderMembers('g', [{ ...m[0]!, groupInstanceId: 'i1', assignment: [] }], true)).toBe(
      '\nGROUP           CONSUMER-ID     GROUP-INSTANCE-ID HOST            CLIENT-ID       #PARTITIONS     ASSIGNMENT\ng               c-1             i1                /127.0.0.1      cc              0               -\n',
    );
  });

  it('--describe --state', () => {
    expect(v.renderState({ group: 'g', coordinator: { host: 'localhost', port: 9092, id: 1 }, assignmentStrategy: 'range', state: 'Stable', members: 2 })).toBe(
      '\nGROUP                     COORDINATOR (ID)          ASSIGNMENT-STRATEGY  STATE           #MEMBERS\ng                         localhost:9092  (1)       range                Stable          2\n',
    );
  });

  it('reset table, CSV export and delete-offsets table', () => {
    expect(v.renderResetTable([{ group: 'my-group', topic: 'test', partition: 0, offset: 0 }], true)).toBe(
      '\nGROUP                          TOPIC                          PARTITION  NEW-OFFSET     \nmy-group                       test                           0          0              \n',
    );
    expect(v.renderResetTable([], false)).toBe('\n');
    expect(v.renderResetCsv([{ group: 'g', topic: 't', partition: 1, offset: 4 }], false)).toBe('t,1,4\n\n');
    expect(v.renderResetCsv([{ group: 'g', topic: 't', partition: 1, offset: 4 }], true)).toBe('g,t,1,4\n\n');
    expect(v.renderDeleteOffsets([{ topic: 't', partition: 1, error: null }, { topic: 't', partition: 0, error: 'boom' }])).toBe(
      '\nTOPIC                          PARTITION       STATUS         \nt                              0               Error: :boom   \nt                              1               Successful     \n',
    );
  });
});

describe('reset planning', () => {
  const parts: PartitionState[] = [
    { topic: 't', partition: 0, committed: 3, earliest: 1, latest: 10, offsetForTime: 4 },
    { topic: 't', partition: 1, committed: null, earliest: 0, latest: 5, offsetForTime: null },
  ];
  const offs = (p: ReturnType<typeof planReset>) => p.offsets.map((o) => o.offset);
  it('every scenario', () => {
    expect(offs(planReset({ kind: 'to-earliest' }, parts))).toEqual([1, 0]);
    expect(offs(planReset({ kind: 'to-latest' }, parts))).toEqual([10, 5]);
    expect(offs(planReset({ kind: 'to-current' }, parts))).toEqual([3, 5]);
    const to = planReset({ kind: 'to-offset', offset: 7 }, parts);
    expect(offs(to)).toEqual([7, 5]);
    expect(to.warnings).toEqual(['New offset (7) is higher than latest offset for topic partition t-1. Value will be set to 5']);
    expect(planReset({ kind: 'to-offset', offset: 0 }, parts.slice(0, 1)).warnings).toEqual(['New offset (0) is lower than earliest offset for topic partition t-0. Value will be set to 1']);
    expect(offs(planReset({ kind: 'shift-by', shift: -1 }, parts.slice(0, 1)))).toEqual([2]);
    expect(() => planReset({ kind: 'shift-by', shift: 1 }, parts)).toThrow('Cannot shift offset for partition t-1 since there is no current committed offset');
    const dt = planReset({ kind: 'to-datetime', timestamp: 0 }, parts);
    expect(offs(dt)).toEqual([4, 5]);
    expect(dt.notices).toEqual(['\nWarn: Partition 1 from topic t is empty. Falling back to latest known offset.']);
    expect(offs(planReset({ kind: 'from-file', offsets: new Map([['t:0', 2], ['t:1', 99]]) }, parts))).toEqual([2, 5]);
  });
  it('date-times and durations', () => {
    expect(parseDateTime('2024-01-31T12:00:00.000')).toBe(Date.UTC(2024, 0, 31, 12));
    expect(parseDateTime('2024-01-31T12:00:00.000+01:00')).toBe(Date.UTC(2024, 0, 31, 11));
    expect(parseDateTime('2024-01-31T12:00:00.000-0130')).toBe(Date.UTC(2024, 0, 31, 13, 30));
    expect(parseDateTime('2024-01-31T12:00:00.000Z')).toBe(Date.UTC(2024, 0, 31, 12));
    expect(() => parseDateTime('2024-01-31T12:00:00')).toThrow(/Error parsing timestamp/);
    expect(parseDuration('PT10M')).toBe(600_000);
    expect(parseDuration('P1DT2H')).toBe(93_600_000);
    expect(parseDuration('PT0.5S')).toBe(500);
    expect(() => parseDuration('10m')).toThrow(/cannot be parsed to a Duration/);
  });
  it('CSV and topic args', () => {
    expect(parseResetCsv('t,0,5\nt,1,6\n', 'g')).toEqual(new Map([['g', new Map([['t:0', 5], ['t:1', 6]])]]));
    expect(parseResetCsv('g1,t,0,5\ng2,t,0,1\n', null).get('g2')).toEqual(new Map([['t:0', 1]]));
    expect(() => parseResetCsv('t,x,5', 'g')).toThrow(/Invalid line 1/);
    expect(parseTopicArg('t:0,2')).toEqual({ topic: 't', partitions: [0, 2] });
    expect(parseTopicArg('t')).toEqual({ topic: 't', partitions: null });
    expect(() => parseTopicArg('t:x')).toThrow("Invalid partition 'x' specified in topic arg 't:x''");
    expect(() => parseTopicArg('t:')).toThrow("Invalid topic arg 't:', expected topic name and partitions");
  });
});
