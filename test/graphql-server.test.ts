/**
 * The HTTP server: real express + Apollo on a free port over the real embedded store and queue.
 * Body limit, IDE page and local assets, health, request ids on internal errors, idempotent close.
 */
import fs from 'node:fs';
import { createRequire } from 'node:module';
import os from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { startApiServer, type ApiServer } from '../src/graphql/server.js';
import { openInProcessQueue } from '../src/jobs/in-process-queue.js';
import type { JobQueue } from '../src/jobs/port.js';
import { createLogger } from '../src/log.js';
import type { Store } from '../src/store/port.js';
import { openEmbeddedStore } from '../src/store/embedded/sqlite-store.js';

const require = createRequire(import.meta.url);
const MAX_BODY = 4096;

let dir: string;
let store: Store;
let queue: JobQueue;
let server: ApiServer;
let logLines: string[];

async function start(storeOverride?: Store, port = 0): Promise<ApiServer> {
  return startApiServer({
    store: storeOverride ?? store,
    queue,
    logger: createLogger('error', (line) => logLines.push(line)),
    host: '127.0.0.1',
    port,
    limits: { maxDocumentChars: 1000, maxBatchDocuments: 10, maxBodyBytes: MAX_BODY },
    ide: true,
    introspection: true,
    labelerInfo: { kind: 'dictionary', version: 'v-test' },
    auth: { keys: null, anonymousRead: true },
  });
}

async function post(url: string, body: unknown): Promise<{ status: number; json: any; headers: Headers }> {
  const res = await fetch(url, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });
  return { status: res.status, json: await res.json(), headers: res.headers };
}

beforeEach(async () => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'vaner-http-'));
  const file = path.join(dir, 'vaner.db');
  store = await openEmbeddedStore({ path: file });
  queue = await openInProcessQueue({ path: file });
  logLines = [];
  server = await start();
});

afterEach(async () => {
  await server.close();
  await queue.close();
  await store.close();
  fs.rmSync(dir, { recursive: true, force: true });
});

describe('startApiServer', () => {
  it('listens on the real port when given port 0 and answers POST /graphql', async () => {
    expect(server.port).toBeGreaterThan(0);
    expect(server.url).toBe(`http://127.0.0.1:${server.port}/graphql`);
    const r = await post(server.url, { query: '{ health { ok store queue entityCount labeler { kind version } } }' });
    expect(r.status).toBe(200);
    expect(r.json).toEqual({ data: { health: { ok: true, store: 'embedded', queue: 'in-process', entityCount: 0, labeler: { kind: 'dictionary', version: 'v-test' } } } });
    expect(r.headers.get('x-request-id')).toMatch(/^[0-9a-f-]{36}$/);
  });

  it('rejects a body over maxBodyBytes with 413 and a coded GraphQL-shaped error', async () => {
    const text = 'a'.repeat(MAX_BODY);
    const r = await post(server.url, { query: 'mutation($t: String!) { submitDocuments(documents: [{ text: $t }]) { job { id } } }', variables: { t: text } });
    expect(r.status).toBe(413);
    expect(r.json).toEqual({ errors: [{ message: `request body exceeds ${MAX_BODY} bytes`, extensions: { code: 'PAYLOAD_TOO_LARGE', limit: MAX_BODY } }] });
    expect((await store.listDocuments({ first: 1 })).totalCount).toBe(0);
  });

  it('malformed JSON is a 400 BAD_REQUEST, not a 500', async () => {
    const res = await fetch(server.url, { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{"query": ' });
    expect(res.status).toBe(400);
    expect(await res.json()).toEqual({ errors: [{ message: 'request body is not valid JSON', extensions: { code: 'BAD_REQUEST' } }] });
  });

  it('a POST without a JSON content type gets Apollo\'s 400, not a 500', async () => {
    const res = await fetch(server.url, { method: 'POST', headers: { 'content-type': 'text/plain' }, body: '{ health { ok } }' });
    expect(res.status).toBe(400);
  });

  it('serves the GraphiQL page to browsers at GET /graphql and /ide, with assets from node_modules', async () => {
    for (const url of [server.url, server.url.replace('/graphql', '/ide')]) {
      const res = await fetch(url, { headers: { accept: 'text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8' } });
      expect(res.status).toBe(200);
      expect(res.headers.get('content-type')).toBe('text/html; charset=utf-8');
      expect(res.headers.get('content-security-policy')).toContain("script-src 'self'");
      const html = await res.text();
      const sources = [...html.matchAll(/(?:src|href)="([^"]+)"/g)].map((m) => m[1]);
      expect(sources).toEqual([
        '/ide/assets/graphiql.min.css',
        '/ide/assets/react.production.min.js',
        '/ide/assets/react-dom.production.min.js',
        '/ide/assets/graphiql.min.js',
        '/ide/assets/ide.js',
      ]);
      expect(html).not.toMatch(/https?:\/\//);
    }
    const files: Record<string, string> = {
      'react.production.min.js': path.join(path.dirname(require.resolve('react/package.json')), 'umd/react.production.min.js'),
      'react-dom.production.min.js': path.join(path.dirname(require.resolve('react-dom/package.json')), 'umd/react-dom.production.min.js'),
      'graphiql.min.js': path.join(path.dirname(require.resolve('graphiql/package.json')), 'graphiql.min.js'),
      'graphiql.min.css': path.join(path.dirname(require.resolve('graphiql/package.json')), 'graphiql.min.css'),
    };
    const base = server.url.replace('/graphql', '');
    for (const [name, file] of Object.entries(files)) {
      const res = await fetch(`${base}/ide/assets/${name}`);
      expect(res.status).toBe(200);
      expect(Buffer.from(await res.arrayBuffer()).equals(fs.readFileSync(file))).toBe(true);
    }
    const boot = await fetch(`${base}/ide/assets/ide.js`);
    expect(await boot.text()).toContain('GraphiQL.createFetcher');
  });

  it('a GraphQL client doing GET /graphql still reaches Apollo (not the IDE)', async () => {
    const res = await fetch(`${server.url}?query=${encodeURIComponent('{ health { ok } }')}`, {
      headers: { accept: 'application/json', 'apollo-require-preflight': 'true' },
    });
    expect(res.status).toBe(200);
    expect(await res.json()).toEqual({ data: { health: { ok: true } } });
  });

  it('GET /healthz reports the adapters', async () => {
    const res = await fetch(server.url.replace('/graphql', '/healthz'));
    expect(res.status).toBe(200);
    expect(await res.json()).toEqual({ status: 'ok', store: 'embedded', queue: 'in-process', entityCount: 0 });
  });

  it('an internal error carries the request id of the HTTP response and its log line', async () => {
    await server.close();
    const failing = new Proxy(store, {
      get(target, prop, receiver) {
        if (prop === 'countEntities') return async () => { throw new Error('disk I/O error at /var/lib/vaner/vaner.db'); };
        return Reflect.get(target, prop, receiver);
      },
    });
    server = await start(failing);
    const r = await post(server.url, { query: '{ health { ok entityCount } }' });
    expect(r.status).toBe(200);
    expect(r.json.data).toBeNull();
    expect(r.json.errors[0].message).toBe('internal server error');
    expect(r.json.errors[0].extensions).toEqual({ code: 'INTERNAL_SERVER_ERROR', requestId: r.headers.get('x-request-id') });
    expect(JSON.stringify(r.json)).not.toContain('/var/lib');
    const logged = logLines.map((l) => JSON.parse(l)).find((l) => l.message === 'internal error in GraphQL request');
    expect(logged.requestId).toBe(r.headers.get('x-request-id'));
    expect(logged.errorMessage).toBe('disk I/O error at /var/lib/vaner/vaner.db');
  });

  it('a port already in use is CONFIG_INVALID naming the address and the settings, not INTERNAL EADDRINUSE', async () => {
    await expect(start(undefined, server.port)).rejects.toMatchObject({
      name: 'VanerError',
      code: 'CONFIG_INVALID',
      message: `cannot listen on 127.0.0.1:${server.port}: the port is already in use (VANER_HOST, VANER_PORT or --port)`,
    });
  });

  it('close() is idempotent and stops the listener', async () => {
    const url = server.url;
    await Promise.all([server.close(), server.close()]);
    await server.close();
    await expect(fetch(url, { method: 'POST' })).rejects.toThrow();
  });
});
