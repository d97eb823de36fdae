import { describe, expect, it } from 'vitest';
import { RefusalLog } from '../../../src/engine/broker/refusal-log.js';
import { ErrorCode } from '../../../src/engine/protocol/error-codes.js';

function setup() {
  const lines: string[] = [];
  let now = 0;
  const log = new RefusalLog({ info: (m) => lines.push(m), warn: () => {}, debug: () => {} }, () => now, 60_000);
  return { lines, log, advance: (ms: number) => (now += ms) };
}
const conn = { id: 7, clientHost: '/127.0.0.1' };
const refusal = (id: string) => ({ api: 'InitProducerId', version: 4, errorCode: ErrorCode.INVALID_REQUEST, clientId: 'app', detail: `transactional id '${id}'` });
const prefix = "Refused InitProducerId v4 with INVALID_REQUEST for client 'app' (connection 7 from /127.0.0.1)";

describe('RefusalLog', () => {
  it('logs the first refusal of a kind, counts the rest, and summarises at most once per interval', () => {
    const { lines, log, advance } = setup();
    log.refused(conn, refusal('a'));
    log.refused(conn, refusal('b'));
    log.refused(conn, refusal('c'));
    expect(lines).toEqual([`${prefix}: transactional id 'a'`]);
    advance(61_000);
    log.refused(conn, refusal('d'));
    expect(lines[1]).toBe(`${prefix}: 3 more times in the last 61 s, last: transactional id 'd'`);
    log.refused(conn, refusal('e'));
    expect(lines).toHaveLength(2);
  });

  it('keeps kinds and connections apart, and summarises what was counted when the connection closes', () => {
    const { lines, log } = setup();
    log.refused(conn, refusal('a'));
    log.refused(conn, { ...refusal('x'), api: 'CreateTopics', errorCode: ErrorCode.INVALID_CONFIG });
    log.refused({ id: 8, clientHost: '/127.0.0.1' }, refusal('other'));
    expect(lines).toHaveLength(3);
    log.refused(conn, refusal('b'));
    log.closed(conn);
    expect(lines[3]).toBe(`${prefix}: once more in the last 1 s, last: transactional id 'b'`);
    log.closed(conn);
    expect(lines).toHaveLength(4);
  });
});
