/**
 * Who may use the dashboard: without --auth only the loopback interface is listened on; with a
 * token, the token (the printed URL's ?token=, then the HttpOnly SameSite=Strict cookie it sets,
 * or `Authorization: Bearer`); with user:password, HTTP Basic. State-changing requests also need
 * the CSRF token of /api/session in X-MQ-CSRF and, when the browser sends an Origin, our own
 * origin (docs/dashboard-api.md, Access).
 */
import { timingSafeEqual } from 'node:crypto';
import type { IncomingMessage } from 'node:http';

export type AuthSpec = { kind: 'none' } | { kind: 'token'; token: string } | { kind: 'basic'; user: string; password: string };

export const COOKIE = 'mq_dashboard';

/** --auth TOKEN or USER:PASSWORD. */
export function parseAuth(value: string | undefined): AuthSpec {
  if (value === undefined) return { kind: 'none' };
  const colon = value.indexOf(':');
  if (colon > 0) return { kind: 'basic', user: value.slice(0, colon), password: value.slice(colon + 1) };
  return { kind: 'token', token: value };
}

function same(a: string, b: string): boolean {
  const x = Buffer.from(a, 'utf8');
  const y = Buffer.from(b, 'utf8');
  return x.length === y.length && timingSafeEqual(x, y);
}

export function cookieValue(req: IncomingMessage, name: string): string | undefined {
  for (const part of (req.headers.cookie ?? '').split(';')) {
    const eq = part.indexOf('=');
    if (eq > 0 && part.slice(0, eq).trim() === name) return decodeURIComponent(part.slice(eq + 1).trim());
  }
  return undefined;
}

/** Whether the request carries valid credentials (`queryToken`: the URL's ?token=). */
export function authorized(spec: AuthSpec, req: IncomingMessage, queryToken: string | null): boolean {
  if (spec.kind === 'none') return true;
  const header = req.headers.authorization ?? '';
  if (spec.kind === 'token') {
    if (queryToken !== null && same(queryToken, spec.token)) return true;
    const c = cookieValue(req, COOKIE);
    if (c !== undefined && same(c, spec.token)) return true;
    return header.startsWith('Bearer ') && same(header.slice(7).trim(), spec.token);
  }
  if (!header.startsWith('Basic ')) return false;
  const decoded = Buffer.from(header.slice(6).trim(), 'base64').toString('utf8');
  const colon = decoded.indexOf(':');
  return colon >= 0 && same(decoded.slice(0, colon), spec.user) && same(decoded.slice(colon + 1), spec.password);
}

/** Whether an address is loopback (127.0.0.0/8, ::1, localhost). */
export function isLoopback(host: string): boolean {
  const h = host.replace(/^\[|\]$/g, '').toLowerCase();
  return h === 'localhost' || h === '::1' || /^127\.\d+\.\d+\.\d+$/.test(h) || h === '::ffff:127.0.0.1';
}
