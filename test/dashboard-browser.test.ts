/**
 * The web dashboard in a real browser: headless Chromium (playwright-core, Debian's chromium)
 * drives the built page (dist/web, `npm run build`) served by the real API server over the
 * embedded store, in-process queue and worker, the dictionary labeler over real knowledge-base
 * records and the exact linker. What the page shows is checked against the GraphQL API.
 * One server and one browser for the whole file; the steps build on each other (upload first).
 * Any host but 127.0.0.1 is unresolvable, and every request the page makes must stay on the server.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openSqliteKeyStore, type ApiKeyStore } from '../src/auth/index.js';
import { defaultDashboardDir } from '../src/graphql/dashboard.js';
import { startApiServer, type ApiServer } from '../src/graphql/server.js';
import { createAnnotateProcessor } from '../src/jobs/annotate-processor.js';
import { openInProcessQueue } from '../src/jobs/in-process-queue.js';
import type { JobQueue, QueueWorker } from '../src/jobs/port.js';
import { createDictionaryLabeler, createExactLinker } from '../src/kb/index.js';
import { silentLogger } from '../src/log.js';
import { createUnionLabeler } from '../src/ner/index.js';
import type { Labeler } from '../src/domain/index.js';
import type { EntityRecord } from '../src/domain/index.js';
import type { Store } from '../src/store/port.js';
import { openEmbeddedStore } from '../src/store/embedded/sqlite-store.js';
import { launchChromium } from './browser.js';

const SAMPLE = path.resolve('bench/ner-sample.PubTator.txt');
/** A names-only entity as `vaner kb import` makes from CTD's chemical names (src/kb/import/ctd-chemical-names.ts). */
const NAMES_ONLY: EntityRecord = { id: 'CTDNAME:11576', type: 'CHEMICAL', name: '22-oxacalcitriol-3-hemiglutarate', synonyms: [], parentIds: [], treeNumbers: [], source: 'ctd-chemical-names-2015' };
const KB = (JSON.parse(fs.readFileSync('test/fixtures/dashboard-kb.json', 'utf8')) as { entities: EntityRecord[] }).entities;
const WAIT = { timeout: 30_000 };

describe('dashboard in headless Chromium against a real server', () => {
  let dir: string;
  let store: Store;
  let queue: JobQueue;
  let keys: ApiKeyStore;
  let labeler: Labeler;
  let linker: Awaited<ReturnType<typeof createExactLinker>>;
  let worker: QueueWorker;
  let server: ApiServer;
  let base: string;
  let browser: Browser;
  let curator: BrowserContext;
  let page: Page;
  const keyOf: Record<string, string> = {};
  const offOrigin: string[] = [];
  const pageErrors: string[] = [];

  async function api(query: string, variables: Record<string, unknown> = {}, key = keyOf['curator']): Promise<any> {
    const res = await fetch(server.url, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${key}` },
      body: JSON.stringify({ query, variables }),
    });
    const body = (await res.json()) as { data?: any; errors?: unknown[] };
    if (body.errors) throw new Error(JSON.stringify(body.errors));
    return body.data;
  }

  async function newContext(key: string | null): Promise<BrowserContext> {
    const context = await browser.newContext({ viewport: { width: 1280, height: 800 }, acceptDownloads: true });
    if (key) {
      await context.addInitScript((k) => {
        // about:blank has no session storage; the app's pages do.
        if (location.origin !== 'null') sessionStorage.setItem('vaner-kg.apiKey', k);
      }, key);
    }
    context.on('request', (r) => {
      if (!r.url().startsWith(base) && !r.url().startsWith('data:') && !r.url().startsWith('blob:')) offOrigin.push(r.url());
    });
    context.on('page', (p) => p.on('pageerror', (e) => pageErrors.push(e.message)));
    return context;
  }

  /** Clicks the confirm button of the curation dialog after checking what it says. */
  /** Drops one file (text, or bytes) on the upload area and uploads it, as a person dragging it there would. */
  async function dropAndUpload(name: string, content: string | number[], type: string): Promise<void> {
    const dataTransfer = await page.evaluateHandle(
      (file) => {
        const dt = new DataTransfer();
        dt.items.add(new File([typeof file.content === 'string' ? file.content : new Uint8Array(file.content)], file.name, { type: file.type }));
        return dt;
      },
      { name, content, type },
    );
    await page.getByTestId('dropzone').dispatchEvent('drop', { dataTransfer });
    await page.getByRole('button', { name: 'Upload 1 file' }).click();
  }

  async function confirmDialog(label: string, mentions: RegExp, readMs = 0): Promise<void> {
    const dialog = page.getByRole('dialog');
    await dialog.waitFor(WAIT);
    await expect.poll(() => dialog.textContent()).toMatch(mentions);
    // A person takes a moment to read the dialog; some defects only show after one.
    if (readMs > 0) await page.waitForTimeout(readMs);
    await dialog.getByRole('button', { name: label, exact: true }).click();
    await dialog.waitFor({ state: 'detached', ...WAIT });
  }

  beforeAll(async () => {
    if (!fs.existsSync(path.join(defaultDashboardDir(), 'index.html'))) throw new Error('dist/web is missing: run npm run build first');
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'vaner-dashboard-'));
    const file = path.join(dir, 'vaner.db');
    store = await openEmbeddedStore({ path: file });
    await store.upsertEntities([...KB, NAMES_ONLY]);
    queue = await openInProcessQueue({ path: file });
    keys = openSqliteKeyStore({ path: file, dataDir: dir });
    for (const role of ['admin', 'curator', 'submitter', 'reader'] as const) {
      keyOf[role] = (await keys.create({ owner: `${role}-person`, role, origin: 'cli' })).key;
    }
    const dictionary = await createDictionaryLabeler({ names: store.iterateNames() });
    // Species are found by the VANER model in production, and the knowledge base has none to link them to:
    // these mentions stay unlinked.
    const novel = await createDictionaryLabeler({ names: [{ entityId: 'novel:newborn', type: 'SPECIES', name: 'newborn', origin: 'annotation' }] });
    labeler = createUnionLabeler([dictionary, novel]);
    linker = await createExactLinker({ names: store.iterateNames() });
    worker = queue.startWorker(createAnnotateProcessor({ store, labeler, linker }));
    server = await startApiServer({
      store, queue, logger: silentLogger, host: '127.0.0.1', port: 0,
      limits: { maxDocumentChars: 100_000, maxBatchDocuments: 100, maxBodyBytes: 1 << 22 },
      ide: true, introspection: true,
      auth: { keys, anonymousRead: false, rateLimit: { perSecond: 500, burst: 1000 } },
    });
    base = new URL(server.url).origin;
    browser = await launchChromium();
    curator = await newContext(null);
    page = await curator.newPage();
  }, 180_000);

  afterAll(async () => {
    await browser?.close();
    await server?.close();
    await worker?.close();
    await labeler?.close();
    await queue?.close();
    await keys?.close();
    await store?.close();
    if (dir) fs.rmSync(dir, { recursive: true, force: true });
  });

  it('serves the app at / and its own URLs, every asset from this server', async () => {
    const html = await (await fetch(`${base}/`, { headers: { accept: 'text/html' } })).text();
    expect(html).toMatch(/<script type="module" crossorigin src="\/assets\/index-[\w-]+\.js"><\/script>/);
    expect(html).not.toMatch(/https?:\/\//);
    const deep = await fetch(`${base}/entities/MESH:D008694`, { headers: { accept: 'text/html' } });
    expect(deep.status).toBe(200);
    expect(deep.headers.get('content-security-policy')).toContain("script-src 'self'");
    // API clients keep their JSON answers: no HTML for them, and GraphiQL stays at /graphql.
    expect((await fetch(`${base}/healthz`)).headers.get('content-type')).toContain('application/json');
    expect(await (await fetch(`${base}/graphql`, { headers: { accept: 'text/html' } })).text()).toContain('GraphiQL');
    expect((await fetch(`${base}/assets/missing.js`)).status).toBe(404);
  });

  it('tells a wrong key what went wrong and what to do', async () => {
    const t0 = Date.now();
    await page.goto(`${base}/`);
    // Anonymous reading is off on this server: the page says so and offers the sign-in.
    await page.getByRole('heading', { name: 'Sign in to read' }).waitFor(WAIT);
    console.log(`first render of / (no key): ${Date.now() - t0} ms`);
    await page.getByRole('link', { name: 'Sign in with an API key' }).click();
    await page.getByLabel('API key').fill('vk_0000000000000000_notarealsecret');
    await page.getByRole('button', { name: 'Sign in' }).click();
    const alert = page.getByRole('alert');
    await alert.waitFor(WAIT);
    expect(await alert.textContent()).toMatch(/The key was not accepted.*UNAUTHENTICATED.*Sign in again with a valid API key/s);
    expect(await page.evaluate(() => sessionStorage.getItem('vaner-kg.apiKey'))).toBeNull();
  });

  it('signs in with a key kept in session storage, never in the URL', async () => {
    await page.getByLabel('API key').fill(keyOf['curator']!);
    await page.getByRole('button', { name: 'Sign in' }).click();
    await page.getByTestId('who').getByText('curator-person', { exact: true }).waitFor(WAIT);
    expect(await page.getByTestId('who').textContent()).toContain('CURATOR');
    expect(page.url()).toBe(`${base}/`);
    expect(await page.evaluate(() => sessionStorage.getItem('vaner-kg.apiKey'))).toBe(keyOf['curator']);
    await page.getByText('No documents yet.').waitFor(WAIT);
  });

  it('uploads the sample file by drag and drop and follows the job to the end', async () => {
    await page.getByRole('link', { name: 'Submit & jobs' }).click();
    await page.getByText('No jobs yet.').waitFor(WAIT);
    await dropAndUpload('ner-sample.PubTator.txt', fs.readFileSync(SAMPLE, 'utf8'), 'text/plain');
    await expect.poll(() => page.getByTestId('submit-message').textContent(), WAIT).toContain('Read 20 documents (pubtator); 1 job queued');
    const done = page.locator('li.job[data-state="COMPLETED"]');
    await done.waitFor(WAIT);
    const jobId = await done.getAttribute('data-job-id');
    const { job } = await api('query($id: ID!) { job(id: $id) { state progress { total done failed } } }', { id: jobId });
    expect(job).toEqual({ state: 'COMPLETED', progress: { total: 20, done: 20, failed: 0 } });
    expect(await done.getByTestId('job-progress').textContent()).toBe('20/20 done');
  });

  it('an uploaded file that is not UTF-8 is refused with INVALID_UTF8 and its line, not stored with U+FFFD', async () => {
    const before = (await api('{ documents(first: 0) { totalCount } }')).documents.totalCount;
    // "café au lait" in Latin-1, on the second line.
    await dropAndUpload('latin1.txt', [0x6f, 0x6b, 0x0a, 0x63, 0x61, 0x66, 0xe9, 0x20, 0x61, 0x75, 0x20, 0x6c, 0x61, 0x69, 0x74, 0x0a], 'text/plain');
    const alert = page.getByRole('alert');
    await alert.waitFor(WAIT);
    expect(await alert.textContent()).toContain('INVALID_UTF8 latin1.txt:2: invalid UTF-8 byte sequence');
    expect((await api('{ documents(first: 0) { totalCount } }')).documents.totalCount).toBe(before);
    // The refused file stays listed; clear it for the next steps.
    await page.reload();
  });

  it('submits pasted text; cancels a queued job and retries it from the job list', async () => {
    // No worker for a moment, so the job waits in the queue where it can be cancelled.
    await worker.close();
    await page.getByLabel('Or paste a text').fill('Phenobarbital therapy for seizures.');
    await page.getByLabel('External id').fill('PASTE-1');
    await page.getByRole('button', { name: 'Submit text' }).click();
    await expect.poll(() => page.getByTestId('submit-message').textContent(), WAIT).toMatch(/Document created; job \S+ queued/);
    const queued = page.locator('li.job[data-state="QUEUED"]');
    await queued.waitFor(WAIT);
    const jobId = (await queued.getAttribute('data-job-id'))!;
    await queued.getByRole('button', { name: 'Cancel' }).click();
    const cancelled = page.locator(`li.job[data-job-id="${jobId}"][data-state="CANCELLED"]`);
    await cancelled.waitFor(WAIT);
    expect((await api('query($id: ID!) { job(id: $id) { state } }', { id: jobId })).job.state).toBe('CANCELLED');
    await cancelled.getByRole('button', { name: 'Retry' }).click();
    const retried = page.locator(`li.job[data-state="QUEUED"]:not([data-job-id="${jobId}"])`);
    await retried.waitFor(WAIT);
    const retryId = (await retried.getAttribute('data-job-id'))!;
    worker = queue.startWorker(createAnnotateProcessor({ store, labeler, linker }));
    await page.locator(`li.job[data-job-id="${retryId}"][data-state="COMPLETED"]`).waitFor(WAIT);
    const { job } = await api('query($id: ID!) { job(id: $id) { state progress { total done } documents { edges { node { externalId } } } } }', { id: retryId });
    expect(job).toEqual({ state: 'COMPLETED', progress: { total: 1, done: 1 }, documents: { edges: [{ node: { externalId: 'PASTE-1' } }] } });
  });

  it('lists every rejected document of an upload by its position in the file and its external id', async () => {
    // 102 documents: two batches of at most 100 (maxBatchDocuments), one bad document in each.
    const lines = Array.from({ length: 102 }, (_, i) => ({ externalId: `BULK-${i + 1}`, text: `Bulk note ${i + 1} on phenobarbital.` }));
    lines[1] = { externalId: 'BULK-EMPTY', text: '   ' };
    lines[101] = { externalId: 'BULK-101', text: 'The same external id twice in one batch.' };
    await dropAndUpload('bulk.jsonl', lines.map((l) => JSON.stringify(l)).join('\n'), 'application/x-ndjson');
    await expect.poll(() => page.getByTestId('submit-message').textContent(), WAIT).toContain('Read 102 documents (jsonl); 2 jobs queued; 2 rejected (listed below)');
    const rejected = page.getByTestId('rejected-documents');
    expect(await rejected.getAttribute('role')).toBe('alert');
    expect(await rejected.textContent()).toContain('2 documents were rejected and not stored');
    expect(await rejected.locator('li').allTextContents()).toEqual([
      'document 2 (BULK-EMPTY): EMPTY_TEXT text is empty or has no visible character',
      'document 102 (BULK-101): CONFLICT externalId "BULK-101" already appears at index 0 of this batch',
    ]);
    const { documentsByExternalId } = await api('query { documentsByExternalId(externalIds: ["BULK-1", "BULK-EMPTY", "BULK-101"]) { externalId } }');
    expect(documentsByExternalId.map((d: any) => d?.externalId ?? null)).toEqual(['BULK-1', null, 'BULK-101']);
  });

  it('searches entities with suggestions and type filter, and documents by external id and text', async () => {
    await page.goto(`${base}/?type=CHEMICAL`);
    const box = page.getByTestId('entity-search').getByRole('combobox');
    await box.fill('phenobarb');
    const options = page.getByTestId('entity-search').getByRole('option');
    await options.first().waitFor(WAIT);
    const suggested = await options.allTextContents();
    const { searchEntities } = await api('{ searchEntities(query: "phenobarb", type: CHEMICAL, first: 8) { id name } }');
    expect(suggested.length).toBe(searchEntities.length);
    for (const [i, e] of searchEntities.entries()) expect(suggested[i]).toContain(e.id);
    await box.press('ArrowDown');
    await box.press('Enter');
    await page.waitForURL(`${base}/entities/${encodeURIComponent(searchEntities[0].id)}`, WAIT);

    await page.goto(`${base}/`);
    await page.getByLabel('Documents (external id or text)').fill('dyskinesia');
    await page.getByRole('button', { name: 'Search documents' }).click();
    await page.getByTestId('document-results').locator('li').first().waitFor(WAIT);
    const found = await page.getByTestId('document-results').locator('li a').allTextContents();
    const { documents } = await api('{ documents(text: "dyskinesia", first: 20) { edges { node { externalId } } } }');
    expect(found).toEqual(documents.edges.map((e: any) => e.node.externalId));
    expect(found).toContain('6504332');
    expect(page.url()).toContain('doc=dyskinesia');
    await page.getByLabel('Documents (external id or text)').fill('6504332');
    await page.getByRole('button', { name: 'Search documents' }).click();
    await page.getByText('External id match:').getByRole('link', { name: '6504332' }).waitFor(WAIT);
  });

  it('shows a document with every mention highlighted as the API has it', async () => {
    const { documentsByExternalId } = await api(`query { documentsByExternalId(externalIds: ["6794356"]) {
      id mentions { id start end text type entity { id } link { method } } } }`);
    const doc = documentsByExternalId[0];
    expect(doc.mentions.length).toBeGreaterThan(10);
    await page.goto(`${base}/documents/${doc.id}`);
    await page.getByTestId('doc-text').waitFor(WAIT);
    const marks = await page.locator('mark.m').evaluateAll((els) =>
      els.map((e) => ({
        id: e.getAttribute('data-mention-id'), start: Number(e.getAttribute('data-start')), end: Number(e.getAttribute('data-end')),
        text: e.textContent, type: e.getAttribute('data-type'), entity: e.getAttribute('data-entity-id'), unlinked: e.classList.contains('unlinked'),
      })),
    );
    // The sample's mentions do not overlap, so each one is an inline mark, in text order.
    expect(marks).toEqual(doc.mentions.map((m: any) => ({ id: m.id, start: m.start, end: m.end, text: m.text, type: m.type, entity: m.entity?.id ?? '', unlinked: m.link === null })));
    // "newborn" (SPECIES) has no knowledge-base entity: unlinked, and marked so.
    expect(marks.filter((m) => m.unlinked).map((m) => m.text)).toEqual(['newborn', 'newborn']);
    const legend = await page.getByTestId('legend').textContent();
    const count = (t: string) => doc.mentions.filter((m: any) => m.type === t).length;
    expect(legend).toContain(`Disease (${count('DISEASE')})`);
    expect(legend).toContain(`Chemical (${count('CHEMICAL')})`);
    expect(legend).toContain('Species (2)');
    expect(legend).toContain('unlinked (2)');

    // Keyboard: Tab reaches the marks; Enter opens the mention's details.
    const first = page.locator('mark.m').first();
    await first.focus();
    await page.keyboard.press('Enter');
    const details = page.getByTestId('mention-details');
    await details.waitFor(WAIT);
    expect(await details.textContent()).toContain(`EXACT`);
    expect(page.url()).toContain(`mention=${doc.mentions[0].id}`);

    // Export: the downloaded file is the API's export of this document.
    const [download] = await Promise.all([page.waitForEvent('download'), page.getByRole('button', { name: 'PubTator' }).click()]);
    const exported = fs.readFileSync((await download.path())!, 'utf8');
    const fromApi = await api('query($id: ID!) { document(id: $id) { export(format: PUBTATOR) } }', { id: doc.id });
    expect(exported).toBe(fromApi.document.export);
    expect(download.suggestedFilename()).toBe('6794356.pubtator.txt');
  });

  it('opens an entity page with names, tree, mentions, documents, co-mentions and evidence', async () => {
    const id = 'MESH:D008694'; // Methamphetamine: two sample documents
    const t0 = Date.now();
    await page.goto(`${base}/entities/${id}?level=SENTENCE&order=LLR`);
    await page.getByTestId('co-mentions').waitFor(WAIT);
    console.log(`first render of an entity page with co-mentions: ${Date.now() - t0} ms`);
    const data = await api(`query($id: ID!) { entity(id: $id) {
      name names { name origin } parents { id } children { id }
      mentions(first: 10) { totalCount } documents(first: 10) { totalCount }
      coMentions(level: SENTENCE, orderBy: LLR, first: 15) { totalCount edges { node { entityId documentCount sentenceCount llr } } } } }`, { id });
    const e = data.entity;
    expect(await page.getByRole('heading', { level: 1 }).textContent()).toContain('Methamphetamine');
    const names = await page.getByTestId('entity-names').locator('tbody tr').allTextContents();
    expect(names.length).toBe(e.names.length);
    for (const [i, n] of e.names.entries()) expect(names[i]).toContain(n.name);
    const parents = await page.getByTestId('entity-parents').locator('a').evaluateAll((as) => as.map((a) => decodeURIComponent(a.getAttribute('href')!)));
    expect(parents).toEqual(e.parents.map((p: any) => `/entities/${p.id}`));
    expect(await page.getByRole('heading', { name: /^Mentions/ }).textContent()).toContain(`(${e.mentions.totalCount})`);
    expect(await page.getByRole('heading', { name: /^Documents/ }).textContent()).toContain(`(${e.documents.totalCount})`);
    const rows = await page.getByTestId('co-mentions').locator('tbody tr').evaluateAll((trs) =>
      trs.map((tr) => [...tr.querySelectorAll('td')].map((td) => td.textContent)),
    );
    expect(rows.length).toBe(e.coMentions.edges.length);
    for (const [i, { node }] of e.coMentions.edges.entries()) {
      expect(rows[i]![3]).toBe(String(node.sentenceCount));
      expect(rows[i]![5]).toBe(node.llr.toFixed(Math.abs(node.llr) >= 100 ? 0 : 2));
    }
    // Evidence of the top partner: both mentions highlighted in each sentence.
    const partner = e.coMentions.edges[0].node.entityId;
    await page.getByTestId('co-mentions').getByRole('button', { name: 'show' }).first().click();
    const evidence = page.getByTestId('evidence');
    await evidence.locator('li').first().waitFor(WAIT);
    const ev = await api('query($a: ID!, $b: ID!) { coMentionEvidence(a: $a, b: $b, level: SENTENCE, first: 10) { totalCount } }', { a: id, b: partner });
    expect(await evidence.locator('li').count()).toBe(Math.min(10, ev.coMentionEvidence.totalCount));
    expect(await evidence.locator('li').first().locator('mark.ev-a').count()).toBe(1);
    expect(await evidence.locator('li').first().locator('mark.ev-b').count()).toBe(1);
    expect(page.url()).toContain(`partner=${encodeURIComponent(partner)}`);

    // The MeSH tree downwards: a parent page lists this entity among its children.
    const parentId = e.parents[0].id;
    await page.goto(`${base}/entities/${parentId}`);
    await page.getByTestId('entity-children').waitFor(WAIT);
    const children = await page.getByTestId('entity-children').locator('a').evaluateAll((as) => as.map((a) => decodeURIComponent(a.getAttribute('href')!)));
    const apiChildren = (await api('query($id: ID!) { entity(id: $id) { children { id } } }', { id: parentId })).entity.children.map((c: any) => `/entities/${c.id}`);
    expect(children).toEqual(apiChildren);
    expect(children).toContain(`/entities/${id}`);
  });

  it('names the partner of a shared evidence URL that is not on the first page of partners', async () => {
    const id = 'MESH:D008694';
    const partner = 'MESH:D010634'; // Phenobarbital: in the sample, never with methamphetamine
    const { entity } = await api('query($id: ID!) { entity(id: $id) { coMentions(first: 15) { edges { node { entityId } } } } }', { id });
    expect(entity.coMentions.edges.map((e: any) => e.node.entityId)).not.toContain(partner);
    await page.goto(`${base}/entities/${id}?partner=${encodeURIComponent(partner)}`);
    const evidence = page.getByTestId('evidence');
    await evidence.getByText(/— 0 documents/).waitFor(WAIT);
    await expect.poll(() => evidence.locator('h3 .ev-b').textContent(), WAIT).toBe('Phenobarbital');
    expect(await evidence.getAttribute('aria-label')).toBe('Evidence for Methamphetamine and Phenobarbital');
  });

  it('starts every list on its first page when a link opens another entity', async () => {
    const id = 'MESH:D008694';
    const { entity } = await api('query($id: ID!) { entity(id: $id) { mentions(first: 10) { totalCount } coMentions(first: 1) { edges { node { entityId } } } } }', { id });
    expect(entity.mentions.totalCount).toBeGreaterThan(10);
    await page.goto(`${base}/entities/${id}`);
    await page.getByTestId('entity-mentions').locator('li').first().waitFor(WAIT);
    await page.getByRole('group', { name: 'Mentions pages' }).getByRole('button', { name: 'Next' }).click();
    await page.getByRole('group', { name: 'Mentions pages' }).getByText('page 2').waitFor(WAIT);
    // The partner's page is the same route: its lists must not keep the cursor of this entity's second page.
    const partner = entity.coMentions.edges[0].node.entityId;
    await page.getByTestId('co-mentions').locator(`a[href="/entities/${encodeURIComponent(partner)}"]`).click();
    await page.waitForURL(`${base}/entities/${encodeURIComponent(partner)}`, WAIT);
    const theirs = (await api('query($id: ID!) { entity(id: $id) { mentions(first: 10) { edges { node { id } } } } }', { id: partner })).entity.mentions.edges.map((e: any) => e.node.id);
    await expect.poll(async () => page.getByTestId('entity-mentions').locator('a').evaluateAll((as) => as.map((a) => new URL((a as HTMLAnchorElement).href).searchParams.get('mention'))), WAIT).toEqual(theirs);
    expect(await page.getByText('page 2').count()).toBe(0);
  });

  it('draws the co-mention graph the API returns; nodes open entities, edges show evidence, exports', async () => {
    const seeds = ['MESH:D008694', 'MESH:D012640']; // Methamphetamine, Seizures
    await page.goto(`${base}/graph?seeds=${seeds.join(',')}&depth=2&order=COUNT&min=1`);
    const canvas = page.locator('[data-testid=graph-canvas][data-ready=true]');
    await canvas.waitFor(WAIT);
    const { coMentionGraph: g } = await api(`query($s: [ID!]!) { coMentionGraph(seedIds: $s, depth: 2, minCount: 1, limit: 60) {
      nodes { entityId depth } edges { a b documentCount } } }`, { s: seeds });
    expect(g.nodes.length).toBeGreaterThan(5);
    expect(await canvas.getAttribute('data-nodes')).toBe(String(g.nodes.length));
    expect(await canvas.getAttribute('data-edges')).toBe(String(g.edges.length));
    const drawn = await canvas.evaluate((el) => {
      const cy = (el as unknown as { _cyreg: { cy: any } })._cyreg.cy;
      return { nodes: cy.nodes().map((n: any) => n.id()).sort(), edges: cy.edges().map((e: any) => `${e.source().id()}|${e.target().id()}`).sort() };
    });
    expect(drawn.nodes).toEqual(g.nodes.map((n: any) => n.entityId).sort());
    expect(drawn.edges).toEqual(g.edges.map((e: any) => `${e.a}|${e.b}`).sort());
    const tableEdges = await page.getByTestId('graph-edges').locator('tbody tr').evaluateAll((trs) => trs.map((tr) => `${tr.getAttribute('data-a')}|${tr.getAttribute('data-b')}`));
    expect(tableEdges).toEqual(g.edges.map((e: any) => `${e.a}|${e.b}`));

    // Exports: JSON carries the API's nodes and edges; CSV one line per edge; PNG an image.
    const [json] = await Promise.all([page.waitForEvent('download'), page.getByRole('button', { name: 'JSON', exact: true }).click()]);
    const exported = JSON.parse(fs.readFileSync((await json.path())!, 'utf8'));
    expect(exported.nodes.map((n: any) => n.entityId)).toEqual(g.nodes.map((n: any) => n.entityId));
    expect(exported.edges.length).toBe(g.edges.length);
    const [csv] = await Promise.all([page.waitForEvent('download'), page.getByRole('button', { name: 'CSV', exact: true }).click()]);
    expect(fs.readFileSync((await csv.path())!, 'utf8').trim().split('\n').length).toBe(g.edges.length + 1);
    const [png] = await Promise.all([page.waitForEvent('download'), page.getByRole('button', { name: 'PNG', exact: true }).click()]);
    expect(fs.readFileSync((await png.path())!).subarray(1, 4).toString()).toBe('PNG');

    // Clicking an edge on the canvas shows the evidence of the edge that was hit (edges may cross there).
    const edge = g.edges[0];
    const box = (await canvas.boundingBox())!;
    const edgePoint = await canvas.evaluate((el, e) => (el as any)._cyreg.cy.edges().filter((x: any) => x.source().id() === e.a && x.target().id() === e.b)[0].renderedMidpoint(), edge);
    await page.mouse.click(box.x + edgePoint.x, box.y + edgePoint.y);
    await page.getByTestId('evidence').locator('li').first().waitFor(WAIT);
    const hit = page.getByTestId('graph-edges').locator('tr.selected');
    const pair = { a: await hit.getAttribute('data-a'), b: await hit.getAttribute('data-b') };
    const hitEdge = g.edges.find((e: any) => e.a === pair.a && e.b === pair.b);
    expect(await page.getByTestId('evidence').locator('li').count()).toBe(Math.min(10, hitEdge.documentCount));

    // Clicking a node opens its entity page.
    const node = g.nodes.find((n: any) => n.depth === 1);
    const nodePoint = await canvas.evaluate((el, id) => (el as any)._cyreg.cy.$id(id).renderedPosition(), node.entityId);
    await page.mouse.click(box.x + nodePoint.x, box.y + nodePoint.y);
    await page.waitForURL(`${base}/entities/${encodeURIComponent(node.entityId)}`, WAIT);

    // A link picked in the table (the keyboard's way, far below the canvas) brings its evidence into view and focus.
    await page.goBack();
    await page.locator('[data-testid=graph-canvas][data-ready=true]').waitFor(WAIT);
    const lastRow = page.getByTestId('graph-edges').locator('tbody tr').last();
    await lastRow.getByRole('button').focus();
    await page.keyboard.press('Enter');
    await page.getByTestId('graph-edges').locator('tbody tr.selected').waitFor(WAIT);
    expect(await page.getByTestId('graph-edges').locator('tbody tr.selected').getAttribute('data-a')).toBe(g.edges[g.edges.length - 1].a);
    await page.getByTestId('evidence').locator('li').first().waitFor(WAIT);
    const shown = (await page.getByTestId('evidence').boundingBox())!;
    expect(shown.y).toBeGreaterThanOrEqual(0);
    expect(shown.y).toBeLessThan(800);
    expect(await page.evaluate(() => document.activeElement?.querySelector('[data-testid=evidence]') !== null)).toBe(true);
  });

  it('curates: accept, reject and relink a mention, add and remove a synonym, merge — each confirmed and audited', async () => {
    const { documentsByExternalId } = await api(`query { documentsByExternalId(externalIds: ["6504332"]) { id mentions { id text type entity { id } } } }`);
    const doc = documentsByExternalId[0];
    const [accept, reject, relink] = doc.mentions as { id: string; text: string; type: string; entity: { id: string } | null }[];
    const openMention = async (id: string) => {
      await page.goto(`${base}/documents/${doc.id}?mention=${id}`);
      await page.getByTestId('mention-curation').waitFor(WAIT);
    };
    const review = async (id: string) => (await api('query($id: ID!) { document(id: $id) { mentions { id review entity { id } link { method } } } }', { id: doc.id })).document.mentions.find((m: any) => m.id === id);

    await openMention(accept!.id);
    await page.getByTestId('mention-curation').getByRole('button', { name: 'Accept' }).click();
    await confirmDialog('Accept', /UNREVIEWED → CONFIRMED/);
    await expect.poll(() => page.getByTestId('mention-review').textContent(), WAIT).toBe('CONFIRMED');
    expect((await review(accept!.id)).review).toBe('CONFIRMED');

    await openMention(reject!.id);
    await page.getByTestId('mention-curation').getByRole('button', { name: 'Reject' }).click();
    await confirmDialog('Reject', /→ REJECTED/);
    await expect.poll(() => page.getByTestId('mention-review').textContent(), WAIT).toBe('REJECTED');
    expect((await review(reject!.id)).review).toBe('REJECTED');

    // Relink with the entity search: type, pick a suggestion with the keyboard, confirm.
    await openMention(relink!.id);
    const target = relink!.type === 'DISEASE' ? { q: 'Movement Disorders', id: 'MESH:D009069' } : { q: 'Phenobarbital', id: 'MESH:D010634' };
    const picker = page.getByTestId('relink-picker').getByRole('combobox');
    await picker.fill(target.q);
    await page.getByTestId('relink-picker').getByRole('option').first().waitFor(WAIT);
    await picker.press('ArrowDown');
    await picker.press('Enter');
    await confirmDialog('Relink', new RegExp(target.id), 500);
    await expect.poll(() => page.getByTestId('mention-entity').textContent(), WAIT).toContain(target.id);
    // Focus comes back to the search box when the dialog closes; its suggestions stay closed, so they do not cover the result.
    const linked = page.getByTestId('mention-curation').getByRole('status');
    await linked.waitFor(WAIT);
    expect(await linked.textContent()).toMatch(/^Linked to /);
    expect(await page.evaluate(() => document.activeElement?.getAttribute('role'))).toBe('combobox');
    expect(await page.getByTestId('relink-picker').getByRole('listbox').count()).toBe(0);
    expect(await picker.getAttribute('aria-expanded')).toBe('false');
    const relinked = await review(relink!.id);
    expect(relinked.entity.id).toBe(target.id);
    expect(relinked.link.method).toBe('CURATOR');

    // Synonyms and merge on an entity page.
    const entityId = 'MESH:D010634'; // Phenobarbital
    await page.goto(`${base}/entities/${entityId}`);
    await page.getByTestId('entity-curation').waitFor(WAIT);
    await page.getByLabel('New synonym').fill('PB test synonym');
    await page.getByRole('button', { name: 'Add synonym' }).click();
    await confirmDialog('Add synonym', /PB test synonym/);
    await page.getByTestId('entity-names').getByText('PB test synonym').waitFor(WAIT);
    let names = (await api('query($id: ID!) { entity(id: $id) { names { name origin } } }', { id: entityId })).entity.names;
    expect(names).toContainEqual({ name: 'PB test synonym', origin: 'curator' });

    await page.getByRole('button', { name: 'Remove PB test synonym' }).click();
    await confirmDialog('Remove', /PB test synonym/);
    await page.getByTestId('entity-names').getByText('PB test synonym').waitFor({ state: 'detached', ...WAIT });
    names = (await api('query($id: ID!) { entity(id: $id) { names { name } } }', { id: entityId })).entity.names;
    expect(names.map((n: any) => n.name)).not.toContain('PB test synonym');

    // Merge Lithium Compounds into Lithium (both chemicals in the sample).
    await page.goto(`${base}/entities/MESH:D018020`);
    const merge = page.getByTestId('merge-picker').getByRole('combobox');
    expect(await merge.getAttribute('placeholder')).toBe('name or synonym, e.g. cocaine');
    // A names-only entity is no merge (or relink) target: the linker never links to it.
    await merge.fill('oxacalcitriol');
    await page.getByTestId('merge-picker').getByRole('status').waitFor(WAIT);
    expect(await page.getByTestId('merge-picker').getByRole('status').textContent()).toMatch(/No entity matches/);
    await merge.fill('Lithium');
    await page.getByTestId('merge-picker').getByRole('option', { name: /MESH:D008094/ }).click();
    await confirmDialog('Merge', /MESH:D018020.*MESH:D008094/s);
    await page.waitForURL(`${base}/entities/${encodeURIComponent('MESH:D008094')}`, WAIT);
    expect((await api('{ entity(id: "MESH:D018020") { id } }')).entity.id).toBe('MESH:D008094');

    // Every edit is on the audit page and in the API's audit trail, under the key's owner.
    await page.getByRole('link', { name: 'Audit' }).click();
    await page.getByTestId('audit').waitFor(WAIT);
    const rows = await page.getByTestId('audit').locator('tbody tr').evaluateAll((trs) => trs.map((tr) => ({ action: tr.getAttribute('data-action'), target: tr.getAttribute('data-target'), who: tr.children[1]!.textContent })));
    const edits = (await api('{ curationEdits(first: 50) { edges { node { actor action target } } } }')).curationEdits.edges.map((e: any) => ({ action: e.node.action, target: e.node.target, who: e.node.actor }));
    expect(rows).toEqual(edits);
    expect(edits).toEqual([
      { action: 'review-mention', target: accept!.id, who: 'curator-person' },
      { action: 'review-mention', target: reject!.id, who: 'curator-person' },
      { action: 'relink-mention', target: relink!.id, who: 'curator-person' },
      { action: 'add-synonym', target: entityId, who: 'curator-person' },
      { action: 'remove-synonym', target: entityId, who: 'curator-person' },
      { action: 'merge-entity', target: 'MESH:D018020', who: 'curator-person' },
    ]);
  });

  it('says on a names-only entity that it is recognised, never linked to, and how a curator maps it', async () => {
    await page.goto(`${base}/entities/${NAMES_ONLY.id}`);
    const notice = page.getByTestId('names-only');
    await notice.waitFor(WAIT);
    expect(await notice.textContent()).toMatch(/never links.*merge it into that entity/s);
    await page.goto(`${base}/entities/MESH:D008694`);
    await page.getByTestId('entity-names').waitFor(WAIT);
    expect(await page.getByTestId('names-only').count()).toBe(0);
  });

  it('shows an API error by its code and message', async () => {
    await page.goto(`${base}/entities/MESH:D010634`);
    await page.getByLabel('New synonym').fill('Phenobarbital');
    await page.getByRole('button', { name: 'Add synonym' }).click();
    await confirmDialog('Add synonym', /Phenobarbital/);
    const alert = page.getByRole('alert');
    await alert.waitFor(WAIT);
    expect(await alert.textContent()).toMatch(/CONFLICT.*already has/s);
  });

  it('fits a 390 px wide phone screen: no sideways scrolling, header and forms in view, text not squeezed', async () => {
    const phone = await browser.newContext({ viewport: { width: 390, height: 844 } });
    await phone.addInitScript((k) => {
      if (location.origin !== 'null') sessionStorage.setItem('vaner-kg.apiKey', k);
    }, keyOf['curator']!);
    const p = await phone.newPage();
    const { documentsByExternalId } = await api('query { documentsByExternalId(externalIds: ["6794356"]) { id mentions { id } } }');
    const doc = documentsByExternalId[0];
    const inView = async (locator: ReturnType<Page['locator']>) => {
      const box = (await locator.boundingBox())!;
      return box.x >= 0 && box.x + box.width <= 390;
    };
    for (const [url, ready] of [
      ['/', 'recent-documents'], ['/jobs', 'jobs'], [`/documents/${doc.id}?mention=${doc.mentions[0].id}`, 'mention-details'],
      ['/entities/MESH:D008694', 'co-mentions'], ['/audit', 'audit'],
    ] as const) {
      await p.goto(`${base}${url}`);
      await p.getByTestId(ready).waitFor(WAIT);
      expect(await p.evaluate(() => document.documentElement.scrollWidth), url).toBeLessThanOrEqual(390);
      for (const link of await p.getByRole('navigation', { name: 'Main' }).getByRole('link').all()) expect(await inView(link), `${url}: ${await link.textContent()}`).toBe(true);
      expect(await inView(p.getByRole('button', { name: 'Sign out' })), url).toBe(true);
    }
    await p.goto(`${base}/documents/${doc.id}`);
    await p.getByTestId('doc-text').waitFor(WAIT);
    // The text takes the screen's width (it was squeezed next to the details into a column of one word per line).
    expect((await p.getByTestId('doc-text').boundingBox())!.width).toBeGreaterThan(300);
    await p.goto(`${base}/jobs`);
    await p.getByLabel('Or paste a text').waitFor(WAIT);
    expect(await inView(p.getByLabel('Or paste a text'))).toBe(true);
    expect(await inView(p.getByRole('button', { name: 'Submit text' }))).toBe(true);
    await phone.close();
  });

  it('gives a reader no curation or submission controls', async () => {
    const reader = await newContext(keyOf['reader']!);
    const p = await reader.newPage();
    const { documentsByExternalId } = await api('query { documentsByExternalId(externalIds: ["6794356"]) { id mentions { id } } }');
    const doc = documentsByExternalId[0];
    await p.goto(`${base}/documents/${doc.id}?mention=${doc.mentions[0].id}`);
    await p.getByTestId('mention-details').waitFor(WAIT);
    // The key's role arrives with its own query, which may answer after the mention: wait for it, or the absent
    // controls below would say nothing (the page hides them until it knows the role).
    await p.getByTestId('who').getByText(/READER/).waitFor(WAIT);
    expect(await p.getByTestId('mention-curation').count()).toBe(0);
    expect(await p.getByRole('link', { name: 'Audit' }).count()).toBe(0);
    await p.goto(`${base}/entities/MESH:D008694`);
    await p.getByTestId('entity-names').waitFor(WAIT);
    expect(await p.getByTestId('entity-curation').count()).toBe(0);
    expect(await p.getByRole('button', { name: /^Remove / }).count()).toBe(0);
    await p.goto(`${base}/jobs`);
    await p.getByRole('heading', { name: 'Jobs', exact: true, level: 1 }).waitFor(WAIT);
    await p.locator('li.job').first().waitFor(WAIT);
    expect(await p.getByTestId('submit').count()).toBe(0);
    expect(await p.getByRole('button', { name: /Retry|Cancel/ }).count()).toBe(0);
    await reader.close();
  });

  it('loaded nothing from another origin and threw no page errors', () => {
    expect(offOrigin).toEqual([]);
    expect(pageErrors).toEqual([]);
  });
}, 300_000);
