import fs from 'node:fs';
import http from 'node:http';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { WebSocket } from 'ws';
import { openProject, type DB } from '../../../main/core/db/open.js';
import { startServer, type RunningServer } from '../../../main/server/server.js';
import { makeProject } from '../../e2e/seed-project.js';

interface Reply {
  status: number;
  headers: http.IncomingHttpHeaders;
  body: string;
}

/** node:http rather than fetch: fetch normalises `..` and sets Host/Origin itself. */
function request(port: number, opts: { method?: string; path: string; headers?: Record<string, string>; body?: string }): Promise<Reply> {
  return new Promise((resolve, reject) => {
    const req = http.request({ host: '127.0.0.1', port, method: opts.method ?? 'GET', path: opts.path, headers: opts.headers }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body: Buffer.concat(chunks).toString('utf8') }));
    });
    req.on('error', reject);
    req.end(opts.body);
  });
}

let dir: string;
let db: DB;
let server: RunningServer;
let rendererDir: string;

const api = (name: string, body: unknown, headers: Record<string, string> = {}) =>
  request(server.port, {
    method: 'POST',
    path: `/api/${name}`,
    headers: { 'Content-Type': 'application/json', Authorization: `Bearer ${server.token}`, ...headers },
    body: JSON.stringify(body),
  });

beforeAll(async () => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'micon-server-'));
  rendererDir = path.join(dir, 'renderer');
  fs.mkdirSync(path.join(rendererDir, 'assets'), { recursive: true });
  fs.writeFileSync(path.join(rendererDir, 'index.html'), '<!doctype html><title>MICON</title>');
  fs.writeFileSync(path.join(rendererDir, 'assets', 'app.js'), 'console.log(1)');
  fs.writeFileSync(path.join(dir, 'secret.txt'), 'TOP-SECRET');
  const file = await makeProject(dir);
  db = openProject(file);
  server = await startServer({ db, projectPath: file, port: 0, rendererDir, transportNote: 'test' });
});

afterAll(async () => {
  await server?.close();
  db?.close();
  fs.rmSync(dir, { recursive: true, force: true });
});

describe('browser-mode server', () => {
  it('prints a loopback URL with the token in the fragment', () => {
    expect(server.url).toBe(`http://127.0.0.1:${server.port}/#token=${server.token}`);
    expect(server.token).toMatch(/^[A-Za-z0-9_-]{32}$/);
  });

  it('answers a valid request with the handler result', async () => {
    const r = await api('project.info', {});
    expect(r.status).toBe(200);
    const j = JSON.parse(r.body);
    expect(j.ok).toBe(true);
    expect(j.result).toMatchObject({ plates: 5, transport: 'browser', transportNote: 'test' });
    const plates = JSON.parse((await api('plates.list', {})).body).result;
    const wells = JSON.parse((await api('plates.wells', { plateId: plates[3].id })).body).result;
    expect(wells).toHaveLength(308);
    expect(wells[0].well).toBe('B02');
  });

  it('refuses requests without the token, or with a wrong one (401)', async () => {
    const none = await request(server.port, { method: 'POST', path: '/api/project.info', body: '{}' });
    expect(none.status).toBe(401);
    expect(JSON.parse(none.body).ok).toBe(false);
    const wrong = await api('project.info', {}, { Authorization: 'Bearer nope' });
    expect(wrong.status).toBe(401);
    const query = await request(server.port, { method: 'POST', path: `/api/project.info?token=${server.token}`, body: '{}' });
    expect(query.status).toBe(401);
  });

  it('refuses a foreign Origin (403) and accepts its own', async () => {
    expect((await api('project.info', {}, { Origin: 'http://evil.example' })).status).toBe(403);
    expect((await api('project.info', {}, { Origin: `http://127.0.0.1:${server.port + 1}` })).status).toBe(403);
    expect((await api('project.info', {}, { Origin: 'null' })).status).toBe(403);
    expect((await api('project.info', {}, { Origin: `http://127.0.0.1:${server.port}` })).status).toBe(200);
  });

  it('refuses a foreign Host header (DNS rebinding)', async () => {
    expect((await api('project.info', {}, { Host: `evil.example:${server.port}` })).status).toBe(403);
    expect((await request(server.port, { path: '/', headers: { Host: 'rebind.example' } })).status).toBe(403);
    expect((await api('project.info', {}, { Host: `localhost:${server.port}` })).status).toBe(200);
  });

  it('names the bad field of an invalid payload (400)', async () => {
    const r = await api('plates.wells', { plateId: 'seven' });
    expect(r.status).toBe(400);
    expect(JSON.parse(r.body).error).toMatch(/plateId/);
    const extra = await api('plates.wells', { plateId: 1, evil: true });
    expect(extra.status).toBe(400);
    expect(JSON.parse(extra.body).error).toMatch(/evil/);
    const notJson = await request(server.port, { method: 'POST', path: '/api/plates.list', headers: { Authorization: `Bearer ${server.token}` }, body: '{' });
    expect(notJson.status).toBe(400);
  });

  it('answers 413 (not a connection reset) to a body over 1 MiB, and keeps serving', async () => {
    const big = JSON.stringify({ path: 'x'.repeat(3 << 20) });
    const r = await request(server.port, {
      method: 'POST',
      path: '/api/project.open',
      headers: { 'Content-Type': 'application/json', Authorization: `Bearer ${server.token}` },
      body: big,
    });
    expect(r.status).toBe(413);
    expect(JSON.parse(r.body)).toEqual({ ok: false, error: expect.stringMatching(/request body too large \(over 1 MiB\)/) });
    expect((await api('project.info', {})).status).toBe(200);
  });

  it('answers 404 for an unknown request and 405 for GET', async () => {
    const r = await api('plates.drop', {});
    expect(r.status).toBe(404);
    expect(JSON.parse(r.body).error).toMatch(/plates\.drop/);
    expect((await api('__proto__', {})).status).toBe(404);
    expect((await request(server.port, { path: '/api/project.info', headers: { Authorization: `Bearer ${server.token}` } })).status).toBe(405);
  });

  it('answers 500 without a stack trace when a handler fails', async () => {
    const broken = openProject(path.join(dir, 'broken.micon'));
    broken.close();
    const s2 = await startServer({ db: broken, projectPath: 'broken', rendererDir });
    const errors: string[] = [];
    const write = process.stderr.write.bind(process.stderr);
    process.stderr.write = ((chunk: string) => (errors.push(String(chunk)), true)) as typeof process.stderr.write;
    try {
      const r = await request(s2.port, { method: 'POST', path: '/api/plates.list', headers: { Authorization: `Bearer ${s2.token}` }, body: '{}' });
      expect(r.status).toBe(500);
      expect(r.body).not.toMatch(/\bat\s|\.ts:|node_modules/);
      expect(errors.join('')).toMatch(/plates\.list/);
    } finally {
      process.stderr.write = write;
      await s2.close();
    }
  });

  it('serves the renderer with a strict CSP', async () => {
    const r = await request(server.port, { path: '/' });
    expect(r.status).toBe(200);
    expect(r.body).toContain('<title>MICON</title>');
    const csp = String(r.headers['content-security-policy']);
    expect(csp).toContain("default-src 'self'");
    expect(csp).toContain(`connect-src 'self' ws://127.0.0.1:${server.port}`);
    expect(csp).toContain("object-src 'none'");
    expect(csp).toContain("frame-ancestors 'none'");
    const js = await request(server.port, { path: '/assets/app.js' });
    expect(js.status).toBe(200);
    expect(js.headers['content-type']).toMatch(/javascript/);
    expect((await request(server.port, { path: '/missing.js' })).status).toBe(404);
  });

  it.each([
    '/../secret.txt',
    '/../../etc/passwd',
    '/assets/../../secret.txt',
    '/%2e%2e/secret.txt',
    '/%2e%2e%2fsecret.txt',
    '/..%2fsecret.txt',
    '/..%5csecret.txt',
    '/%2E%2E%2F%2E%2E%2Fetc%2Fpasswd',
    '/%252e%252e/secret.txt',
    '/..%00/secret.txt',
    '//etc/passwd',
    '/%2Fetc%2Fpasswd',
  ])('refuses path traversal %s', async (p) => {
    const r = await request(server.port, { path: p });
    expect(r.status).not.toBe(200);
    expect(r.body).not.toContain('TOP-SECRET');
    expect(r.body).not.toContain('root:');
  });

  it('answers 503 with the build command when the renderer is not built', async () => {
    const s2 = await startServer({ db, projectPath: 'x', rendererDir: path.join(dir, 'nothing-here') });
    try {
      const r = await request(s2.port, { path: '/' });
      expect(r.status).toBe(503);
      expect(r.body).toContain('npm run build:renderer');
    } finally {
      await s2.close();
    }
  });

  it('listens on 127.0.0.1 only', async () => {
    expect(server.host).toBe('127.0.0.1');
    const others = Object.values(os.networkInterfaces())
      .flat()
      .filter((a): a is os.NetworkInterfaceInfo => !!a && !a.internal && a.family === 'IPv4')
      .map((a) => a.address);
    for (const host of [...others, '::1']) {
      const connected = await new Promise<boolean>((resolve) => {
        const s = net.connect({ host, port: server.port });
        s.once('connect', () => (s.destroy(), resolve(true)));
        s.once('error', () => resolve(false));
      });
      expect(connected, `reachable on ${host}`).toBe(false);
    }
  });

  it('pushes events over /ws with the token', async () => {
    const ws = new WebSocket(`ws://127.0.0.1:${server.port}/ws?token=${server.token}`);
    await new Promise((resolve, reject) => (ws.once('open', resolve), ws.once('error', reject)));
    const got = new Promise<unknown>((resolve) => ws.once('message', (m) => resolve(JSON.parse(String(m)))));
    const payload = { jobId: 'j1', kind: 'ingest' as const, stage: 'decode', done: 3, total: 10 };
    server.broadcast('job.progress', payload);
    expect(await got).toEqual({ event: 'job.progress', payload });
    ws.close();
  });

  it('refuses /ws without the token, with a wrong one, or from a foreign origin', async () => {
    const status = (url: string, headers: Record<string, string> = {}) =>
      new Promise<number>((resolve) => {
        const ws = new WebSocket(url, { headers });
        ws.once('unexpected-response', (_req, res) => (resolve(res.statusCode ?? 0), ws.terminate()));
        ws.once('open', () => (resolve(101), ws.close()));
        ws.once('error', () => undefined);
      });
    const base = `ws://127.0.0.1:${server.port}/ws`;
    expect(await status(base)).toBe(401);
    expect(await status(`${base}?token=wrong`)).toBe(401);
    expect(await status(`${base}?token=${server.token}`, { Origin: 'http://evil.example' })).toBe(403);
    expect(await status(`ws://127.0.0.1:${server.port}/other?token=${server.token}`)).toBe(404);
  });

  it('validates broadcast payloads against the contract', () => {
    expect(() => server.broadcast('job.progress', { jobId: 'j', kind: 'k', stage: 's', done: 'x' } as never)).toThrow();
  });
});
