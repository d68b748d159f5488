/**
 * The GraphiQL IDE really renders offline: headless Chromium loads GET /graphql with every
 * non-local host unresolvable, and the rendered DOM must contain GraphiQL's editor, which only
 * exists once React, ReactDOM and GraphiQL all loaded from this server and ran.
 * Debian's chromium is installed by scripts/ensure-system-deps.sh (run by `npm test`); without it
 * the test fails saying so instead of skipping.
 * Set VANER_IDE_SCREENSHOT=/path.png to also keep a screenshot.
 */
import { execFile } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startApiServer, type ApiServer } from '../src/graphql/server.js';
import { openInProcessQueue } from '../src/jobs/in-process-queue.js';
import type { JobQueue } from '../src/jobs/port.js';
import { silentLogger } from '../src/log.js';
import type { Store } from '../src/store/port.js';
import { openEmbeddedStore } from '../src/store/embedded/sqlite-store.js';
import { CHROMIUM_PATH } from './browser.js';

const CHROMIUM = CHROMIUM_PATH;
const run = promisify(execFile);

function chromiumArgs(profile: string): string[] {
  return [
    '--headless',
    '--no-sandbox',
    '--disable-gpu',
    '--disable-background-networking',
    '--disable-component-update',
    '--disable-sync',
    '--no-first-run',
    // Any host but this machine fails to resolve: a CDN reference would leave the page blank.
    '--host-resolver-rules=MAP * ~NOTFOUND, EXCLUDE 127.0.0.1',
    `--user-data-dir=${profile}`,
    '--window-size=1280,800',
    '--virtual-time-budget=10000',
  ];
}

describe('GraphiQL IDE in headless Chromium', () => {
  let dir: string;
  let store: Store;
  let queue: JobQueue;
  let server: ApiServer;

  beforeAll(async () => {
    if (!fs.existsSync(CHROMIUM)) throw new Error(`${CHROMIUM} is missing: run bash scripts/ensure-system-deps.sh as root (installs Debian's chromium)`);
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'vaner-ide-'));
    store = await openEmbeddedStore({ path: path.join(dir, 'vaner.db') });
    queue = await openInProcessQueue({ path: path.join(dir, 'vaner.db') });
    server = await startApiServer({
      store, queue, logger: silentLogger, host: '127.0.0.1', port: 0,
      limits: { maxDocumentChars: 1000, maxBatchDocuments: 10, maxBodyBytes: 1 << 20 },
      ide: true, introspection: true,
      auth: { keys: null, anonymousRead: true },
    });
  });

  afterAll(async () => {
    await server?.close();
    await queue?.close();
    await store?.close();
    fs.rmSync(dir, { recursive: true, force: true });
  });

  it('renders the GraphiQL editor from local assets only', async () => {
    const profile = fs.mkdtempSync(path.join(dir, 'profile-'));
    const { stdout } = await run(CHROMIUM, [...chromiumArgs(profile), '--dump-dom', server.url], { timeout: 60_000, maxBuffer: 32 << 20 });
    expect(stdout).toContain('graphiql-container');
    expect(stdout).toContain('graphiql-query-editor');
    // The placeholder is replaced only once React rendered GraphiQL into the page.
    expect(stdout).not.toContain('Loading GraphiQL…');

    const screenshot = process.env['VANER_IDE_SCREENSHOT'];
    if (screenshot) {
      const profile2 = fs.mkdtempSync(path.join(dir, 'profile-'));
      await run(CHROMIUM, [...chromiumArgs(profile2), `--screenshot=${screenshot}`, server.url], { timeout: 60_000 });
      expect(fs.statSync(screenshot).size).toBeGreaterThan(10_000);
    }
  }, 120_000);
});
