/**
 * `vaner submit` at the CLI level against a real `vaner serve`: BioC input with passages, --resume
 * skipping what is stored, oversize documents reported as rejected (not crashed), and the export of
 * what was stored.
 */
import { writeFileSync } from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildCli, createWorkspace, startServe, submitterKey, vaner, type Proc, type Workspace } from './fault-harness.js';

const FIXTURES = path.resolve(import.meta.dirname, 'fixtures');
let ws: Workspace;
let serve: Proc & { url: string };

beforeAll(async () => {
  await buildCli();
  ws = createWorkspace();
  ws.env.VANER_API_KEY = await submitterKey(ws);
  serve = await startServe(ws);
}, 180_000);

afterAll(async () => {
  serve?.child.kill('SIGTERM');
  await serve?.exited;
  ws?.remove();
});

describe('vaner submit (bulk)', () => {
  it('submits BioC with passages, resumes without re-uploading, and rejects oversize documents', async () => {
    const xml = path.join(FIXTURES, 'formats', 'bioc-sample.xml');
    const first = await vaner(ws, 'submit', xml, '--url', serve.url, '--wait', '--poll-ms', '100');
    expect(first.stdout.split('\n')[1]).toBe('  created 2, updated 0, unchanged 0, rejected 0, failed 0');
    expect(first.code).toBe(0);

    const again = await vaner(ws, 'submit', xml, '--url', serve.url, '--resume');
    expect(again.stdout.split('\n')[1]).toBe('  created 0, updated 0, unchanged 0, rejected 0, failed 0, skipped 2 (already stored)');

    const big = path.join(ws.dataDir, 'big.jsonl');
    writeFileSync(big, `${JSON.stringify({ externalId: 'BIG', text: 'x '.repeat(6000) })}\n${JSON.stringify({ externalId: 'SMALL', text: 'Lithium toxicity.' })}\n`);
    const oversize = await vaner(ws, 'submit', big, '--url', serve.url, '--max-body-bytes', '8192');
    expect(oversize.code).toBe(1);
    expect(oversize.stdout.split('\n').slice(1, 3)).toEqual([
      '  created 1, updated 0, unchanged 0, rejected 1, failed 0',
      // {"externalId":"BIG","title":null,"text":"x x …"}: 12000 characters of text + 43 of JSON + 1 separator.
      `  rejected: PAYLOAD_TOO_LARGE x1 (first: ${big}:1: document is 12044 bytes as JSON; a request body may hold 8192)`,
    ]);

    const exported = await vaner(ws, 'export', '--format', 'bioc', '--external-id-prefix', '100');
    expect(exported.code).toBe(0);
    // The stored passages come back at their original offsets, with the original text.
    expect(exported.stdout).toContain('<offset>21</offset>\n    <text>Renal failure after 𝛼 lithium.</text>');
    expect(exported.stdout).toContain('<offset>10</offset>\n    <text>Headache.</text>');
  }, 120_000);

  it('a batch whose every document is invalid reports each document\'s reason and line, as a mixed batch does', async () => {
    const bad = [{ externalId: 'A|1', text: 'Lithium.' }, { externalId: 'E1', text: ' ' }, { externalId: 'A|2', text: 'Lithium.' }];
    const allBad = path.join(ws.dataDir, 'all-bad.jsonl');
    writeFileSync(allBad, bad.map((d) => `${JSON.stringify(d)}\n`).join(''));
    const out = await vaner(ws, 'submit', allBad, '--url', serve.url);
    expect(out.code).toBe(1);
    expect(out.stdout.split('\n').slice(1, 4)).toEqual([
      '  created 0, updated 0, unchanged 0, rejected 3, failed 0',
      `  rejected: BAD_USER_INPUT x2 (first: ${allBad}:1: externalId must not contain "|")`,
      `  rejected: EMPTY_TEXT x1 (first: ${allBad}:2: text is empty or has no visible character)`,
    ]);
    // The same documents beside a valid one: the server's outcomes give the same lines.
    const mixed = path.join(ws.dataDir, 'mixed.jsonl');
    writeFileSync(mixed, [...bad, { externalId: 'OK1', text: 'Lithium toxicity.' }].map((d) => `${JSON.stringify(d)}\n`).join(''));
    const mixedOut = await vaner(ws, 'submit', mixed, '--url', serve.url);
    expect(mixedOut.stdout.split('\n').slice(2, 4)).toEqual([
      `  rejected: BAD_USER_INPUT x2 (first: ${mixed}:1: externalId must not contain "|")`,
      `  rejected: EMPTY_TEXT x1 (first: ${mixed}:2: text is empty or has no visible character)`,
    ]);
  }, 120_000);

  it('stops at the first batch refused for the key (none, or a reader\'s) instead of uploading every batch to be refused', async () => {
    const many = path.join(ws.dataDir, 'many.jsonl');
    writeFileSync(many, Array.from({ length: 50 }, (_, i) => `${JSON.stringify({ externalId: `K${i}`, text: 'Lithium toxicity.' })}\n`).join(''));
    const reader = (await vaner(ws, 'keys', 'create', '--role', 'reader', '--owner', 'reader-test')).stdout.trim();
    for (const [key, code] of [['', 'UNAUTHENTICATED'], [reader, 'FORBIDDEN']] as const) {
      const out = await vaner({ ...ws, env: { ...ws.env, VANER_API_KEY: key } }, 'submit', many, '--url', serve.url, '--batch-size', '5');
      expect(out.code).toBe(1);
      expect(out.stdout.split('\n').slice(0, 3)).toEqual([
        expect.stringMatching(/^submitted 0 documents from 1 file\(s\) in /),
        '  created 0, updated 0, unchanged 0, rejected 0, failed 5',
        expect.stringMatching(new RegExp(`^  failed: ${code} x5 \\(first: request: server: .*; the run stopped there\\)$`)),
      ]);
      expect(out.stderr).toMatch(new RegExp(`^error \\[${code}\\]: server: `));
    }
  }, 120_000);
});
