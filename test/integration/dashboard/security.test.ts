/**
 * The dashboard's access rules (docs/dashboard-api.md, Access): a token beyond loopback (401
 * without it; the ?token= URL sets the cookie; Bearer), HTTP Basic, the CSRF header and Origin
 * check on every POST, --read-only refused on the server with nothing changed, the Host check of
 * a loopback listener, bounded bodies, and nothing from --command-config in any answer.
 */
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestBroker, type TestBroker } from '../../helpers/broker.js';
import { Cluster } from '../../../src/engine/client/cluster.js';
import { listTopicNames } from '../../../src/engine/client/admin/topics.js';
import { openSession } from '../../../src/engine/client/connect.js';
import { startTestDashboard, type TestDashboard } from './helpers.js';

let tb: TestBroker;
let admin: Cluster;
beforeAll(async () => {
  tb = await startTestBroker();
  admin = await Cluster.connect([tb.bootstrap]);
});
afterAll(async () => {
  await admin?.close();
  await tb?.stop();
});

describe('token auth (any address beyond loopback)', () => {
  let d: TestDashboard;
  beforeAll(async () => {
    d = await startTestDashboard(tb.bootstrap, { host: '0.0.0.0', auth: { kind: 'token', token: 's3cret-token' }, token: 's3cret-token' });
  });
  afterAll(async () => d?.stop());

  it('answers 401 without the token, and the printed URL carries it', async () => {
    expect(d.dash.server.openUrl).toMatch(/^http:\/\/localhost:\d+\/\?token=s3cret-token$/);
    for (const p of ['/', '/api/session', '/api/cluster', '/api/events', '/assets/app.js']) {
      const r = await fetch(`${d.base}${p}`);
      expect(r.status, p).toBe(401);
      expect(((await r.json()) as { error: { code: string } }).error.code).toBe('UNAUTHORIZED');
    }
    expect((await fetch(`${d.base}/api/cluster`, { headers: { Authorization: 'Bearer wrong' } })).status).toBe(401);
    expect((await fetch(`${d.base}/api/cluster`, { headers: { Authorization: 'Bearer s3cret-token' } })).status).toBe(200);
  });

  it('the ?token= page load sets an HttpOnly SameSite=Strict cookie that authorises the API', async () => {
    const first = await fetch(`${d.base}/?token=s3cret-token`);
    expect(first.status).toBe(200);
    const cookie = first.headers.get('set-cookie')!;
    expect(cookie).toMatch(/^mq_dashboard=s3cret-token; HttpOnly; SameSite=Strict; Path=\//);
    expect((await fetch(`${d.base}/api/cluster`, { headers: { Cookie: cookie.split(';')[0]! } })).status).toBe(200);
  });
});

describe('basic auth', () => {
  it('needs the user and password', async () => {
    const d = await startTestDashboard(tb.bootstrap, { auth: { kind: 'basic', user: 'ann', password: 'pw:with:colons' } });
    try {
      const no = await fetch(`${d.base}/api/cluster`);
      expect(no.status).toBe(401);
      expect(no.headers.get('www-authenticate')).toContain('Basic');
      const basic = (u: string, p: string) => ({ Authorization: `Basic ${Buffer.from(`${u}:${p}`).toString('base64')}` });
      expect((await fetch(`${d.base}/api/cluster`, { headers: basic('ann', 'nope') })).status).toBe(401);
      expect((await fetch(`${d.base}/api/cluster`, { headers: basic('ann', 'pw:with:colons') })).status).toBe(200);
    } finally {
      await d.stop();
    }
  });
});

describe('POST rules', () => {
  let d: TestDashboard;
  beforeAll(async () => {
    d = await startTestDashboard(tb.bootstrap);
  });
  afterAll(async () => d?.stop());

  it('without the CSRF header: 403, nothing created', async () => {
    const r = await fetch(`${d.base}/api/topics`, { method: 'POST', body: JSON.stringify({ name: 'csrf-less', partitions: 1 }) });
    expect(r.status).toBe(403);
    expect(((await r.json()) as { error: { code: string } }).error.code).toBe('FORBIDDEN');
    expect(await listTopicNames(admin)).not.toContain('csrf-less');
  });

  it('from another Origin: 403, nothing created; from our own: created', async () => {
    const bad = await d.post('/api/topics', { name: 'cross-site', partitions: 1 }, { Origin: 'http://evil.example' });
    expect(bad.status).toBe(403);
    expect(await listTopicNames(admin)).not.toContain('cross-site');
    const ok = await d.post('/api/topics', { name: 'same-site', partitions: 1 }, { Origin: d.base });
    expect(ok.status).toBe(201);
    expect(await listTopicNames(admin)).toContain('same-site');
  });

  it('a Host header that is not loopback is refused (DNS rebinding)', async () => {
    const http = await import('node:http');
    const status = await new Promise<number>((resolve, reject) => {
      const req = http.request(`${d.base}/api/cluster`, { headers: { Host: 'attacker.example:80' } }, (res) => {
        res.resume();
        resolve(res.statusCode ?? 0);
      });
      req.on('error', reject);
      req.end();
    });
    expect(status).toBe(403);
  });

  it('bodies over 1 MiB are refused', async () => {
    const r = await d.post('/api/topics/same-site/messages', { key: null, value: 'x'.repeat(1100 * 1024), headers: [], partition: 0 });
    expect(r.status).toBe(413);
  });
});

describe('--read-only', () => {
  it('refuses every POST on the server and changes nothing', async () => {
    const d = await startTestDashboard(tb.bootstrap, { readOnly: true });
    try {
      expect((await d.get('/api/session')).body.readOnly).toBe(true);
      const before = await listTopicNames(admin);
      for (const [p, body] of [
        ['/api/topics', { name: 'ro-topic', partitions: 1 }],
        ['/api/topics/same-site/messages', { key: 'k', value: 'v', headers: [], partition: null }],
        ['/api/topics/same-site/delete', { confirm: 'same-site' }],
        ['/api/groups/g/delete', {}],
      ] as const) {
        const r = await d.post(p, body);
        expect(r.status, p).toBe(403);
        expect(r.body.error.code).toBe('READ_ONLY');
      }
      expect(await listTopicNames(admin)).toEqual(before);
      expect((await d.get('/api/topics/same-site')).body.partitions[0].endOffset).toBe(0);
    } finally {
      await d.stop();
    }
  });
});

describe('--command-config', () => {
  it('never appears in an answer', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'mq-dash-cc-'));
    const file = join(dir, 'client.properties');
    // PLAINTEXT, so the test broker accepts it; the password is only there to be leaked or not.
    await writeFile(file, `bootstrap.servers=${tb.bootstrap}\nsasl.jaas.config=org.apache.kafka.common.security.plain.PlainLoginModule required username="u" password="hunter2-secret";\nssl.key.password=keypass-secret\n`);
    const session = await openSession({ configFiles: [file], clientId: 'mq-dashboard' }, { env: {}, stderr: { write: () => true } });
    const d = await startTestDashboard(tb.bootstrap, { target: { kind: 'remote', bootstrap: session.target.brokers.join(',') }, cluster: () => session.cluster() });
    try {
      const texts: string[] = [];
      for (const p of ['/api/session', '/api/cluster', '/api/brokers', '/api/topics', '/api/topics/same-site', '/api/groups', '/api/topics/same-site/messages', '/nope']) {
        texts.push((await d.get(p)).text);
      }
      for (const t of texts) {
        expect(t).not.toContain('hunter2-secret');
        expect(t).not.toContain('keypass-secret');
        expect(t).not.toContain('sasl.jaas');
      }
    } finally {
      await d.stop();
      await session.close();
      await rm(dir, { recursive: true, force: true });
    }
  });
});
