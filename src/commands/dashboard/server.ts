/**
 * mq-dashboard's HTTP server on node:http: the page (dist/web/index.html for every page path, the
 * bundle under /assets/), the JSON API (api.ts) and server-sent events. Every answer carries
 * Content-Security-Policy `default-src 'self'` (no inline script) and nosniff; POST bodies are
 * bounded; the access rules are auth.ts's. A loopback listener also checks the Host header, so a
 * page on another site cannot reach it through DNS rebinding.
 */
import { randomBytes } from 'node:crypto';
import { readFile, realpath } from 'node:fs/promises';
import http, { type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import path from 'node:path';
import { ApiError } from './api-error.js';
import * as api from './api.js';
import { authorized, COOKIE, isLoopback, type AuthSpec } from './auth.js';

/** Largest request body accepted. */
export const MAX_BODY = 1024 * 1024;

export interface ServerOptions {
  host: string;
  port: number;
  /** When `port` is taken, listen on a free one instead. */
  portFallback: boolean;
  auth: AuthSpec;
  /** dist/web: index.html and assets/. */
  assetsDir: string;
  api: Omit<api.ApiContext, 'csrfToken'>;
}

export interface DashboardServer {
  readonly url: string;
  readonly port: number;
  /** The URL to print: with ?token= when a token is set. */
  readonly openUrl: string;
  /** Tells every events stream. */
  broadcast(event: string, data: unknown): void;
  close(): Promise<void>;
}

const PAGE_PATHS = [/^\/$/, /^\/brokers\/?$/, /^\/topics\/?$/, /^\/topics\/[^/]+\/?$/, /^\/topics\/[^/]+\/messages\/?$/, /^\/groups\/?$/, /^\/groups\/[^/]+\/?$/];

const TYPES: Record<string, string> = {
  '.js': 'text/javascript; charset=utf-8',
  '.mjs': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.html': 'text/html; charset=utf-8',
  '.json': 'application/json; charset=utf-8',
  '.map': 'application/json; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.ico': 'image/x-icon',
  '.woff2': 'font/woff2',
  '.txt': 'text/plain; charset=utf-8',
};

const NOT_BUILT = `<!doctype html><html><head><meta charset="utf-8"><title>mq-dashboard</title></head><body>
<h1>mq-dashboard</h1><p>The page's assets are not built (dist/web/index.html is missing). Run <code>npm run build</code>
(or <code>node scripts/build-web.mjs</code>) and reload. The JSON API under <code>/api/</code> works meanwhile.</p></body></html>
`;

function secure(res: ServerResponse): void {
  res.setHeader('Content-Security-Policy', "default-src 'self'");
  res.setHeader('X-Content-Type-Options', 'nosniff');
  res.setHeader('X-Frame-Options', 'DENY');
  res.setHeader('Referrer-Policy', 'no-referrer');
}

function json(res: ServerResponse, status: number, body: unknown): void {
  const text = JSON.stringify(body);
  res.writeHead(status, { 'Content-Type': 'application/json; charset=utf-8', 'Cache-Control': 'no-store', 'Content-Length': Buffer.byteLength(text) });
  res.end(text);
}

function fail(res: ServerResponse, e: ApiError): void {
  if (e.retryAfter !== undefined) res.setHeader('Retry-After', String(e.retryAfter));
  json(res, e.status, { error: { code: e.code, message: e.message.split('\n')[0] } });
}

async function readBody(req: IncomingMessage): Promise<unknown> {
  const declared = Number(req.headers['content-length'] ?? '0');
  if (declared > MAX_BODY) throw new ApiError(413, 'BAD_REQUEST', `the request body is larger than ${MAX_BODY} bytes`);
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const c of req as AsyncIterable<Buffer>) {
    size += c.length;
    if (size > MAX_BODY) throw new ApiError(413, 'BAD_REQUEST', `the request body is larger than ${MAX_BODY} bytes`);
    chunks.push(c);
  }
  const text = Buffer.concat(chunks).toString('utf8');
  if (text.trim() === '') return {};
  try {
    return JSON.parse(text) as unknown;
  } catch {
    throw new ApiError(400, 'BAD_REQUEST', 'the request body is not valid JSON');
  }
}

async function listen(server: http.Server, host: string, port: number): Promise<void> {
  await new Promise<void>((resolve, reject) => {
    const onError = (err: Error) => {
      server.off('listening', onListening);
      reject(err);
    };
    const onListening = () => {
      server.off('error', onError);
      resolve();
    };
    server.once('error', onError);
    server.once('listening', onListening);
    server.listen(port, host);
  });
}

export async function startServer(o: ServerOptions): Promise<DashboardServer> {
  const csrfToken = randomBytes(24).toString('base64url');
  const ctx: api.ApiContext = { ...o.api, csrfToken };
  const streams = new Set<ServerResponse>();
  const loopbackOnly = isLoopback(o.host);
  let origin = '';
  let assetsRoot: string | undefined;

  const page = async (res: ServerResponse) => {
    let html: Buffer | string;
    try {
      html = await readFile(path.join(o.assetsDir, 'index.html'));
    } catch {
      html = NOT_BUILT;
    }
    res.writeHead(200, { 'Content-Type': 'text/html; charset=utf-8', 'Cache-Control': 'no-cache' });
    res.end(html);
  };

  const asset = async (res: ServerResponse, rel: string) => {
    assetsRoot ??= await realpath(path.join(o.assetsDir, 'assets')).catch(() => path.join(o.assetsDir, 'assets'));
    const file = path.resolve(assetsRoot, '.' + path.posix.normalize('/' + rel));
    let data: Buffer;
    try {
      const real = await realpath(file);
      if (!real.startsWith(assetsRoot + path.sep)) throw new Error('outside');
      data = await readFile(real);
    } catch {
      fail(res, new ApiError(404, 'NOT_FOUND', `no asset ${rel}`));
      return;
    }
    res.writeHead(200, { 'Content-Type': TYPES[path.extname(file).toLowerCase()] ?? 'application/octet-stream', 'Cache-Control': 'no-cache', 'Content-Length': data.length });
    res.end(data);
  };

  const events = (req: IncomingMessage, res: ServerResponse) => {
    res.writeHead(200, { 'Content-Type': 'text/event-stream; charset=utf-8', 'Cache-Control': 'no-store', Connection: 'keep-alive' });
    res.write(`retry: 2000\n\n`);
    const s = ctx.sampler;
    if (s.snapshot && s.connected) res.write(`event: sample\ndata: ${JSON.stringify({ sampledAt: s.snapshot.sampledAt, connected: true })}\n\n`);
    else if (!s.connected && s.lastError !== null) res.write(`event: status\ndata: ${JSON.stringify({ connected: false, error: s.lastError })}\n\n`);
    streams.add(res);
    req.on('close', () => streams.delete(res));
  };

  const route = async (req: IncomingMessage, res: ServerResponse, url: URL): Promise<void> => {
    const p = url.pathname;
    const method = req.method ?? 'GET';
    if (method === 'GET' || method === 'HEAD') {
      if (PAGE_PATHS.some((r) => r.test(p))) return page(res);
      if (p.startsWith('/assets/')) return asset(res, decodeURIComponent(p.slice('/assets/'.length)));
      if (p === '/api/events') return events(req, res);
      const m = /^\/api\/(topics|groups)\/([^/]+)(?:\/(messages|lag))?$/.exec(p);
      let body: unknown;
      if (p === '/api/session') body = api.getSession(ctx);
      else if (p === '/api/cluster') body = await api.getCluster(ctx);
      else if (p === '/api/brokers') body = await api.getBrokers(ctx);
      else if (p === '/api/topics') body = await api.getTopics(ctx);
      else if (p === '/api/groups') body = await api.getGroups(ctx);
      else if (m && m[1] === 'topics' && m[3] === undefined) body = await api.getTopic(ctx, decodeURIComponent(m[2]!));
      else if (m && m[1] === 'topics' && m[3] === 'messages') body = await api.getMessages(ctx, decodeURIComponent(m[2]!), url.searchParams);
      else if (m && m[1] === 'groups' && m[3] === undefined) body = await api.getGroup(ctx, decodeURIComponent(m[2]!));
      else if (m && m[1] === 'groups' && m[3] === 'lag') {
        const sec = url.searchParams.get('seconds') ?? '3600';
        if (!/^\d+$/.test(sec) || Number(sec) < 1 || Number(sec) > 86400) throw new ApiError(400, 'BAD_REQUEST', 'seconds must be an integer from 1 to 86400');
        body = await api.getGroupLag(ctx, decodeURIComponent(m[2]!), Number(sec));
      } else throw new ApiError(404, 'NOT_FOUND', `no such page or endpoint: ${p}`);
      return json(res, 200, body);
    }
    if (method !== 'POST') {
      res.setHeader('Allow', 'GET, POST');
      throw new ApiError(405, 'BAD_REQUEST', `${method} is not supported`);
    }
    // State-changing requests: CSRF token, Origin, read-only, then the action.
    if (!p.startsWith('/api/')) throw new ApiError(404, 'NOT_FOUND', `no such endpoint: ${p}`);
    if (req.headers['x-mq-csrf'] !== csrfToken) throw new ApiError(403, 'FORBIDDEN', 'missing or wrong X-MQ-CSRF header (the csrfToken of /api/session)');
    const from = req.headers.origin;
    if (from !== undefined && from !== origin && from !== `http://${req.headers.host ?? ''}`) throw new ApiError(403, 'FORBIDDEN', `requests from ${from} are not accepted`);
    if (ctx.readOnly) throw new ApiError(403, 'READ_ONLY', 'the dashboard runs with --read-only: actions are disabled');
    const body = await readBody(req);
    const m = /^\/api\/(topics|groups)\/([^/]+)\/([a-z-]+)$/.exec(p);
    const name = m ? decodeURIComponent(m[2]!) : '';
    let answer: unknown;
    let status = 200;
    if (p === '/api/topics') {
      answer = await api.createTopicAction(ctx, body);
      status = 201;
    } else if (m && m[1] === 'topics' && m[3] === 'partitions') answer = await api.addPartitionsAction(ctx, name, body);
    else if (m && m[1] === 'topics' && m[3] === 'configs') answer = await api.alterConfigsAction(ctx, name, body);
    else if (m && m[1] === 'topics' && m[3] === 'delete') answer = await api.deleteTopicAction(ctx, name, body);
    else if (m && m[1] === 'topics' && m[3] === 'delete-records') answer = await api.deleteRecordsAction(ctx, name, body);
    else if (m && m[1] === 'topics' && m[3] === 'messages') answer = await api.produceAction(ctx, name, body);
    else if (m && m[1] === 'groups' && m[3] === 'reset-offsets') answer = await api.resetOffsetsAction(ctx, name, body);
    else if (m && m[1] === 'groups' && m[3] === 'delete') answer = await api.deleteGroupAction(ctx, name);
    else throw new ApiError(404, 'NOT_FOUND', `no such endpoint: ${p}`);
    // The views the page re-reads next show the change.
    await ctx.sampler.refresh({ full: true });
    return json(res, status, answer);
  };

  const server = http.createServer((req, res) => {
    secure(res);
    let url: URL;
    try {
      url = new URL(req.url ?? '/', 'http://dashboard.invalid');
    } catch {
      fail(res, new ApiError(400, 'BAD_REQUEST', 'bad request URL'));
      return;
    }
    const hostHeader = req.headers.host ?? '';
    if (loopbackOnly && !isLoopback(hostHeader.replace(/:\d+$/, ''))) {
      fail(res, new ApiError(403, 'FORBIDDEN', `this dashboard answers loopback host names only, not ${hostHeader}`));
      return;
    }
    const queryToken = url.searchParams.get('token');
    if (!authorized(o.auth, req, queryToken)) {
      if (o.auth.kind === 'basic') res.setHeader('WWW-Authenticate', 'Basic realm="mq-dashboard", charset="UTF-8"');
      fail(res, new ApiError(401, 'UNAUTHORIZED', o.auth.kind === 'token' ? 'a token is required: open the URL mq-dashboard printed, or send Authorization: Bearer TOKEN' : 'user and password required'));
      return;
    }
    if (o.auth.kind === 'token' && queryToken !== null) {
      res.setHeader('Set-Cookie', `${COOKIE}=${encodeURIComponent(o.auth.token)}; HttpOnly; SameSite=Strict; Path=/`);
    }
    route(req, res, url).catch((err: unknown) => {
      if (res.headersSent) {
        res.destroy();
        return;
      }
      fail(res, api.toApiError(err));
    });
  });
  server.keepAliveTimeout = 5000;

  try {
    await listen(server, o.host, o.port);
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== 'EADDRINUSE' || !o.portFallback) throw err;
    await listen(server, o.host, 0);
  }
  const port = (server.address() as AddressInfo).port;
  const hostPart = o.host.includes(':') ? `[${o.host}]` : o.host === '0.0.0.0' || o.host === '::' ? 'localhost' : o.host;
  origin = `http://${hostPart}:${port}`;
  const url = `${origin}/`;
  const openUrl = o.auth.kind === 'token' ? `${url}?token=${encodeURIComponent(o.auth.token)}` : url;
  const heartbeat = setInterval(() => {
    for (const s of streams) s.write(': keep-alive\n\n');
  }, 15_000);
  heartbeat.unref();
  return {
    url,
    port,
    openUrl,
    broadcast(event, data) {
      const frame = `event: ${event}\ndata: ${JSON.stringify(data)}\n\n`;
      for (const s of streams) s.write(frame);
    },
    async close() {
      clearInterval(heartbeat);
      for (const s of streams) s.end();
      streams.clear();
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}
