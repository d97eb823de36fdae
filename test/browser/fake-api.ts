/**
 * A stand-in for mq-dashboard's server that answers docs/dashboard-api.md from fixed data and serves the built page
 * (dist/web), so the page's own behaviour (escaping, routing, read-only, CSRF, the connection banner) is tested
 * against answers a test chooses. The real server with a real broker is tested in dashboard.test.ts.
 */
import { readFileSync } from 'node:fs';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { extname, join } from 'node:path';

const web = join(import.meta.dirname, '..', '..', 'dist', 'web');

/** An answer other than 200: put one in `answers` to have that path fail (with headers such as Retry-After). */
export class FakeStatus {
  constructor(readonly status: number, readonly body: unknown, readonly headers: Record<string, string> = {}) {}
}

export interface Posted { path: string; csrf: string | undefined; body: unknown }

export interface FakeApi {
  url: string;
  /** Answers by API path (without query); change them between steps. */
  answers: Map<string, unknown>;
  posts: Posted[];
  gets: string[];
  /** Send an SSE event to every open /api/events stream. */
  emit(event: string, data: unknown): void;
  /** How many /api/events streams are open. */
  openStreams(): number;
  close(): Promise<void>;
}

const types: Record<string, string> = { '.js': 'text/javascript', '.css': 'text/css', '.map': 'application/json', '.html': 'text/html; charset=utf-8' };

export async function startFakeApi(answers: Map<string, unknown>): Promise<FakeApi> {
  const posts: Posted[] = [];
  const gets: string[] = [];
  const streams = new Set<ServerResponse>();
  const json = (res: ServerResponse, status: number, body: unknown): void => {
    res.writeHead(status, { 'Content-Type': 'application/json; charset=utf-8' });
    res.end(JSON.stringify(body));
  };
  const handle = (req: IncomingMessage, res: ServerResponse, body: string): void => {
    const url = new URL(req.url ?? '/', 'http://x');
    const path = url.pathname;
    if (path.startsWith('/assets/')) {
      try {
        const file = readFileSync(join(web, 'assets', path.slice('/assets/'.length).replace(/\.\./g, '')));
        res.writeHead(200, { 'Content-Type': types[extname(path)] ?? 'application/octet-stream' });
        res.end(file);
      } catch {
        json(res, 404, { error: { code: 'NOT_FOUND', message: path } });
      }
      return;
    }
    if (path === '/api/events') {
      res.writeHead(200, { 'Content-Type': 'text/event-stream', 'Cache-Control': 'no-store' });
      res.write(': open\n\n');
      streams.add(res);
      res.on('close', () => streams.delete(res));
      return;
    }
    if (path.startsWith('/api/')) {
      if (req.method === 'POST') {
        const csrf = req.headers['x-mq-csrf'];
        posts.push({ path, csrf: typeof csrf === 'string' ? csrf : undefined, body: body === '' ? null : JSON.parse(body) });
        const answer = answers.get(`POST ${path}`);
        if (answer === undefined) json(res, 404, { error: { code: 'NOT_FOUND', message: `no fake answer for POST ${path}` } });
        else json(res, 200, answer);
        return;
      }
      gets.push(path + url.search);
      const answer = answers.get(path);
      if (answer === undefined) json(res, 404, { error: { code: 'NOT_FOUND', message: `no fake answer for ${path}` } });
      else if (answer instanceof FakeStatus) {
        for (const [k, v] of Object.entries(answer.headers)) res.setHeader(k, v);
        json(res, answer.status, answer.body);
      } else json(res, 200, answer);
      return;
    }
    res.writeHead(200, { 'Content-Type': 'text/html; charset=utf-8' });
    res.end(readFileSync(join(web, 'index.html')));
  };
  const server = createServer((req, res) => {
    let body = '';
    req.setEncoding('utf8');
    req.on('data', (c: string) => { body += c; });
    req.on('end', () => handle(req, res, body));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const port = (server.address() as AddressInfo).port;
  return {
    url: `http://127.0.0.1:${port}`,
    answers,
    posts,
    gets,
    emit(event, data) {
      for (const s of streams) s.write(`event: ${event}\ndata: ${JSON.stringify(data)}\n\n`);
    },
    openStreams: () => streams.size,
    close() {
      for (const s of streams) s.end();
      server.closeAllConnections();
      return new Promise((resolve) => server.close(() => resolve()));
    },
  };
}
