/**
 * The broker's log says why it refused something: `mq-broker start --log-level`, refused requests
 * at INFO with the API, version, error and client id, and closes for malformed input with what
 * was malformed. The built mq-broker runs in the foreground; its stderr is what a user reads.
 */
import net from 'node:net';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { run, start, type RunningProcess } from '../helpers/proc.js';
import { waitFor } from '../helpers/wait.js';
import { rawRequest } from '../helpers/raw.js';
import { InitProducerId } from '../../src/engine/protocol/messages/22-init-producer-id.js';
import { FindCoordinator } from '../../src/engine/protocol/messages/10-find-coordinator.js';
import { DescribeCluster } from '../../src/engine/protocol/messages/60-describe-cluster.js';
import { Produce } from '../../src/engine/protocol/messages/00-produce.js';
import { encodeBatch } from '../../src/engine/client/record-batch-writer.js';
import { ErrorCode } from '../../src/engine/protocol/error-codes.js';

const root = join(import.meta.dirname, '../..');
const brokerBin = join(root, 'bin/mq-broker.js');
const configsBin = join(root, 'bin/mq-configs.js');
const dirs: string[] = [];
const children: RunningProcess[] = [];
afterAll(async () => {
  for (const c of children) c.kill('SIGTERM');
  await Promise.all(children.map((c) => c.done));
  for (const d of dirs) rmSync(d, { recursive: true, force: true });
});

/** Starts `mq-broker start` in the foreground and waits until broker.json names its port (also at --log-level warn, which prints nothing). */
async function startBroker(extra: string[], env: Record<string, string | undefined> = {}): Promise<{ child: RunningProcess; address: string }> {
  const dir = mkdtempSync(join(tmpdir(), 'mq-e2e-broker-log-'));
  dirs.push(dir);
  const child = start(process.execPath, [brokerBin, 'start', '--data-dir', dir, '--listen', '127.0.0.1:0', ...extra], { timeoutMs: 60_000, env: { MQ_DEBUG: undefined, ...env } });
  children.push(child);
  const info = await waitFor(() => existsSync(join(dir, 'broker.json')) && (JSON.parse(readFileSync(join(dir, 'broker.json'), 'utf8')) as { port: number }));
  return { child, address: `127.0.0.1:${info.port}` };
}

/** Sends raw bytes on a fresh socket and resolves when the broker closes it. */
function sendAndAwaitClose(address: string, bytes: Buffer): Promise<void> {
  const [host, port] = address.split(':');
  return new Promise((resolve, reject) => {
    const socket = net.connect({ host, port: Number(port) }, () => socket.write(bytes));
    socket.on('data', () => reject(new Error('the broker answered instead of closing')));
    socket.on('error', () => {});
    socket.on('close', () => resolve());
  });
}

/** A request header v1 (apiKey, version, correlation id, client id) followed by `body`, size-prefixed. */
function frame(apiKey: number, version: number, clientId: string, body: Buffer = Buffer.alloc(0)): Buffer {
  const id = Buffer.from(clientId);
  const header = Buffer.alloc(10);
  header.writeInt16BE(apiKey, 0);
  header.writeInt16BE(version, 2);
  header.writeInt32BE(7, 4);
  header.writeInt16BE(id.length, 8);
  const payload = Buffer.concat([header, id, body]);
  const size = Buffer.alloc(4);
  size.writeInt32BE(payload.length, 0);
  return Buffer.concat([size, payload]);
}

describe('mq-broker start --log-level', () => {
  it('documents --log-level and refuses an unknown level', async () => {
    const help = await run(process.execPath, [brokerBin, 'start', '--help']);
    expect(help.stdout.replace(/\s+/g, ' ')).toMatch(/--log-level <level> what the broker logs: debug .* \(choices: "debug", "info", "warn"\)/);
    const bad = await run(process.execPath, [brokerBin, 'start', '--log-level', 'loud']);
    expect(bad.code).toBe(1);
    expect(bad.stderr).toMatch(/loud/);
  });

  it('logs refused requests at INFO with API, version, error and client id, and malformed input with what was malformed', async () => {
    const { child, address } = await startBroker(['--log-level', 'info']);

    // A refused feature: a coordinator key type the broker does not know (2 is share groups, KIP-932).
    const answer = await rawRequest(address, FindCoordinator, 4, { keyType: 2, coordinatorKeys: ['sg-1'] });
    expect(answer.coordinators[0]!.errorCode).toBe(ErrorCode.INVALID_REQUEST);
    await waitFor(() => child.stderr.includes('sg-1'));
    expect(child.stderr).toMatch(/\] INFO Refused FindCoordinator v4 with INVALID_REQUEST for client 'raw-test' \(connection \d+ from \/127\.0\.0\.1\): coordinator key type 2 for 'sg-1'\n/);

    // A client append to an internal topic (the first transactional FindCoordinator creates it).
    await rawRequest(address, FindCoordinator, 4, { keyType: 1, coordinatorKeys: ['tx-2'] });
    const batch = await encodeBatch([{ key: Buffer.from('k'), value: Buffer.from('v'), headers: [], timestamp: 1_700_000_000_000 }]);
    const topicData = [{ name: '__transaction_state', partitionData: [{ index: 0, records: batch }] }];
    const produced = await rawRequest(address, Produce, 9, { transactionalId: null, acks: 1, timeoutMs: 5000, topicData });
    expect(produced.responses[0]!.partitionResponses[0]!.errorCode).toBe(ErrorCode.INVALID_TOPIC_EXCEPTION);
    await waitFor(() => child.stderr.includes('Cannot append'));
    expect(child.stderr).toMatch(/INFO Refused Produce v9 with INVALID_TOPIC_EXCEPTION for client 'raw-test' .*: Cannot append to internal topic __transaction_state\n/);

    // Controller endpoints: a feature the broker refuses.
    await rawRequest(address, DescribeCluster, 1, { includeClusterAuthorizedOperations: false, endpointType: 2 });
    await waitFor(() => child.stderr.includes('KIP-919'));
    expect(child.stderr).toMatch(/INFO Refused DescribeCluster v1 with INVALID_REQUEST for client 'raw-test' .*: endpoint type 2 \(controllers, KIP-919\): the mq broker only has broker endpoints\n/);

    // A config the broker refuses, as mq-configs sends it.
    const altered = await run(process.execPath, [configsBin, '--bootstrap-server', address, '--alter', '--entity-type', 'brokers', '--entity-default', '--add-config', 'no.such.config=1']);
    expect(altered.code).not.toBe(0);
    await waitFor(() => child.stderr.includes('no.such.config'));
    expect(child.stderr).toMatch(
      /INFO Refused (Incremental)?AlterConfigs v\d+ with INVALID_CONFIG for client 'mq-configs' \(connection \d+ from \/127\.0\.0\.1\): broker '': Cannot update these configs dynamically: Set\(no\.such\.config\)\n/,
    );

    // An API the broker does not serve: the client only sees the socket close; the log says which.
    await sendAndAwaitClose(address, frame(29, 1, 'probe'));
    await waitFor(() => child.stderr.includes("client 'probe'"));
    expect(child.stderr).toMatch(/INFO Closing connection \d+ from \/127\.0\.0\.1: unsupported API DescribeAcls \(key 29\) v1 from client 'probe'\n/);

    // A request cut short after its header.
    await sendAndAwaitClose(address, frame(3, 1, 'short-metadata', Buffer.from([0x00, 0x00])));
    await waitFor(() => child.stderr.includes("client 'short-metadata'"));
    expect(child.stderr).toMatch(/INFO Closing connection \d+ from \/127\.0\.0\.1: malformed Metadata v1 request from client 'short-metadata': need \d+ bytes for .* at byte \d+\n/);

    // A frame larger than socket.request.max.bytes.
    const huge = Buffer.alloc(4);
    huge.writeInt32BE(200 * 1024 * 1024, 0);
    await sendAndAwaitClose(address, huge);
    await waitFor(() => child.stderr.includes('exceeds the limit'));
    expect(child.stderr).toMatch(/INFO Closing connection \d+ from \/127\.0\.0\.1: malformed input: frame of 209715200 bytes exceeds the limit of 104857600 bytes \(socket\.request\.max\.bytes\)\n/);
  });

  it('at --log-level warn logs none of that', async () => {
    const { child, address } = await startBroker(['--log-level', 'warn']);
    const answer = await rawRequest(address, FindCoordinator, 4, { keyType: 2, coordinatorKeys: ['sg-quiet'] });
    expect(answer.coordinators[0]!.errorCode).toBe(ErrorCode.INVALID_REQUEST);
    await sendAndAwaitClose(address, frame(29, 1, 'probe'));
    child.kill('SIGTERM');
    const done = await child.done;
    expect(done.code).toBe(0);
    expect(done.stderr).toBe('');
  });

  it('at --log-level debug (and with MQ_DEBUG=1) also logs connections opened and closed', async () => {
    for (const [extra, env] of [[['--log-level', 'debug'], {}], [[], { MQ_DEBUG: '1' }]] as const) {
      const { child, address } = await startBroker([...extra], env);
      await rawRequest(address, InitProducerId, 4, { transactionalId: null, transactionTimeoutMs: 60_000 });
      await waitFor(() => /closed by the client/.test(child.stderr));
      expect(child.stderr).toMatch(/\] DEBUG Accepted connection (\d+) from \/127\.0\.0\.1\n(.*\n)*.*\] DEBUG Connection \1 from \/127\.0\.0\.1 closed by the client\n/);
    }
  });

  it('--daemon passes --log-level on: at warn, broker.log has no INFO lines', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'mq-e2e-broker-log-'));
    dirs.push(dir);
    const started = await run(process.execPath, [brokerBin, 'start', '--daemon', '--data-dir', dir, '--listen', '127.0.0.1:0', '--log-level', 'warn'], { env: { MQ_DEBUG: undefined } });
    expect(started.code, started.stderr).toBe(0);
    const stopped = await run(process.execPath, [brokerBin, 'stop', '--data-dir', dir]);
    expect(stopped.code).toBe(0);
    expect(readFileSync(join(dir, 'broker.log'), 'utf8')).not.toMatch(/ INFO /);
  });
});
