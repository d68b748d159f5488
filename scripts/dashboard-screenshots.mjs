#!/usr/bin/env node
// Screenshots of the dashboard's main pages for docs/screenshots/, taken in headless Chromium
// (Debian's /usr/bin/chromium via playwright-core) at 1280×800 from a running server:
//
//   npm start                                   # terminal 1: prints an admin key on the first start
//   VANER_API_KEY=vk_… node scripts/dashboard-screenshots.mjs [--url http://127.0.0.1:4000] [--out docs/screenshots]
//
// Uploads bench/ner-sample.PubTator.txt through the page first when the server holds no documents,
// exactly as the README walkthrough does; prints the time to first render of each page.
import fs from 'node:fs';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { chromium } from 'playwright-core';

const { values } = parseArgs({ options: { url: { type: 'string', default: 'http://127.0.0.1:4000' }, out: { type: 'string', default: 'docs/screenshots' } } });
const key = process.env.VANER_API_KEY;
if (!key) {
  console.error('set VANER_API_KEY to a curator or admin key (npm start prints an admin key on its first start)');
  process.exit(2);
}
const base = values.url.replace(/\/+$/, '');
fs.mkdirSync(values.out, { recursive: true });
const WAIT = { timeout: 120_000 };
const METHAMPHETAMINE = 'MESH:D008694';
const SEIZURES = 'MESH:D012640';

const browser = await chromium.launch({
  executablePath: '/usr/bin/chromium',
  args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--disable-sync', '--no-first-run'],
});
try {
  const context = await browser.newContext({ viewport: { width: 1280, height: 800 } });
  const page = await context.newPage();
  const shot = async (name, fullPage = false) => {
    await page.waitForTimeout(300);
    await page.screenshot({ path: path.join(values.out, `${name}.png`), fullPage });
    console.log(`wrote ${path.join(values.out, `${name}.png`)}`);
  };
  const timed = async (label, url, ready) => {
    const t0 = Date.now();
    await page.goto(`${base}${url}`);
    await ready();
    console.log(`${label}: first render ${Date.now() - t0} ms`);
  };

  await page.goto(`${base}/signin`);
  await page.getByLabel('API key').fill('vk_0000000000000000_wrong');
  await page.getByRole('button', { name: 'Sign in' }).click();
  await page.getByRole('alert').waitFor(WAIT);
  await shot('sign-in-wrong-key');
  await page.getByLabel('API key').fill(key);
  await page.getByRole('button', { name: 'Sign in' }).click();
  await page.getByRole('heading', { name: 'Search' }).waitFor(WAIT);

  await page.getByRole('link', { name: /jobs/i }).click();
  await page.getByRole('heading', { name: /Jobs/, level: 2 }).waitFor(WAIT);
  const { documentsCount } = await page.evaluate(async (k) => {
    const r = await fetch('/graphql', { method: 'POST', headers: { 'content-type': 'application/json', authorization: `Bearer ${k}` }, body: JSON.stringify({ query: '{ documents(first: 0) { totalCount } }' }) });
    return { documentsCount: (await r.json()).data.documents.totalCount };
  }, key);
  if (documentsCount === 0) {
    await page.locator('#file-input').setInputFiles('bench/ner-sample.PubTator.txt');
    await page.getByRole('button', { name: /Upload 1 file/ }).click();
    await page.locator('li.job[data-state="COMPLETED"]').first().waitFor(WAIT);
  }
  await shot('jobs');

  await timed('search', '/?q=seizure', () => page.getByTestId('entity-results').locator('li').first().waitFor(WAIT));
  await shot('search');

  await timed('document', '/', () => page.getByTestId('recent-documents').waitFor(WAIT));
  const docHref = await page.getByTestId('recent-documents').getByRole('link').nth(1).getAttribute('href');
  await timed('document view', docHref, () => page.getByTestId('doc-text').waitFor(WAIT));
  await page.locator('mark.m').nth(2).click();
  await page.getByTestId('mention-details').waitFor(WAIT);
  await shot('document');

  await timed('entity page', `/entities/${METHAMPHETAMINE}?level=SENTENCE&order=LLR`, () => page.getByTestId('co-mentions').waitFor(WAIT));
  await page.getByTestId('co-mentions').getByRole('button', { name: 'show' }).first().click();
  await page.getByTestId('evidence').locator('li').first().waitFor(WAIT);
  await shot('entity', true);

  await timed('co-mention graph', `/graph?seeds=${METHAMPHETAMINE},${SEIZURES}&depth=2&order=LLR`, () => page.locator('[data-testid=graph-canvas][data-ready=true]').waitFor(WAIT));
  // The settings above, the drawing below: scroll so the summary line is at the top.
  await page.getByTestId('graph-summary').evaluate((el) => window.scrollTo(0, el.getBoundingClientRect().top + window.scrollY - 16));
  await shot('graph');

  await timed('audit', '/audit', () => page.getByRole('heading', { name: 'Audit trail' }).waitFor(WAIT));
  await shot('audit');
} finally {
  await browser.close();
}
