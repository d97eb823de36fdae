import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { parseState, readState, StateFileError, withNodePid, writeState, type ClusterState } from '../../../src/commands/cluster/state.js';
import { activeController, parseQuorumState } from '../../../src/commands/cluster/status.js';
import { parseJavaVersion } from '../../../src/commands/cluster/java.js';

const state = (): ClusterState => ({
  version: 1,
  kafkaVersion: '4.4.0',
  clusterId: 'NhO-0ycFcwJnYcyoxDTCmQ',
  basePort: 29092,
  heapMb: 256,
  createdAt: '2026-12-06T21:00:00.000Z',
  nodes: [
    { id: 1, port: 29092, controllerPort: 29192, pid: 4242 },
    { id: 2, port: 29093, controllerPort: 29193, pid: null },
  ],
});

const dirs: string[] = [];
afterEach(() => dirs.splice(0).forEach((d) => rmSync(d, { recursive: true, force: true })));

describe('the state file', () => {
  it('round-trips through the file, and a node\'s pid changes alone', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'mq-cluster-state-'));
    dirs.push(dir);
    expect(await readState(dir)).toBeUndefined();
    await writeState(dir, withNodePid(state(), 2, 777));
    const back = await readState(dir);
    expect(back?.nodes.map((n) => n.pid)).toEqual([4242, 777]);
    expect(JSON.parse(readFileSync(join(dir, 'cluster.json'), 'utf8'))).toEqual(back);
  });

  it.each([
    ['another version', { version: 2 }],
    ['a bad cluster id', { clusterId: 'short' }],
    ['nodes out of order', { nodes: [{ id: 2, port: 1, controllerPort: 2, pid: null }] }],
    ['a pid of 1 (never signalled)', { nodes: [{ id: 1, port: 1, controllerPort: 2, pid: 1 }] }],
    ['a port out of range', { nodes: [{ id: 1, port: 70000, controllerPort: 2, pid: null }] }],
  ])('refuses %s, saying how to recover', (_n, patch) => {
    expect(() => parseState({ ...state(), ...patch }, '/d/cluster.json')).toThrow(StateFileError);
    expect(() => parseState({ ...state(), ...patch }, '/d/cluster.json')).toThrow(/^\/d\/cluster\.json is not an mq-cluster state file .*mq-cluster down --purge/);
  });

  it('reports a torn or foreign file instead of using it', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'mq-cluster-state-'));
    dirs.push(dir);
    writeFileSync(join(dir, 'cluster.json'), '{"version":1,');
    await expect(readState(dir)).rejects.toThrow(/is not an mq-cluster state file \(not JSON\)/);
  });
});

describe('the controller from quorum-state', () => {
  it('reads the leader and epoch Kafka 3.9 and 4.x write', () => {
    expect(parseQuorumState('{"clusterId":"","leaderId":3,"leaderEpoch":1,"votedId":-1,"appliedOffset":0,"currentVoters":[{"voterId":1}],"data_version":0}')).toEqual({ leaderId: 3, leaderEpoch: 1 });
    expect(parseQuorumState('{"leaderId":2,"leaderEpoch":7,"votedId":2,"votedDirectoryId":"AAAAAAAAAAAAAAAAAAAAAA","data_version":1}')).toEqual({ leaderId: 2, leaderEpoch: 7 });
    expect(parseQuorumState('{"leaderId":2,')).toBeUndefined();
  });

  it('takes the newest epoch, and only a leader that is running', () => {
    const known = [{ leaderId: 3, leaderEpoch: 1 }, { leaderId: 1, leaderEpoch: 2 }];
    expect(activeController(known, new Set([1, 2]))).toBe(1);
    expect(activeController(known, new Set([2, 3]))).toBeNull();
    expect(activeController([{ leaderId: -1, leaderEpoch: 4 }], new Set([1]))).toBeNull();
    expect(activeController([], new Set([1]))).toBeNull();
  });
});

describe('java -version', () => {
  it.each([
    ['openjdk version "17.0.15" 2025-04-15', 17],
    ['openjdk version "21" 2023-09-19', 21],
    ['java version "1.8.0_392"', 8],
    ['openjdk version "11.0.22" 2024-01-16 LTS', 11],
    ['Picked up JAVA_TOOL_OPTIONS: -Xss1m\nopenjdk version "25-ea" 2025-09-16', 25],
  ])('%s -> %s', (text, v) => {
    expect(parseJavaVersion(text)).toBe(v);
  });

  it('no version in the text', () => {
    expect(parseJavaVersion('command not found')).toBeUndefined();
  });
});
