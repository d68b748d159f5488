/**
 * `vaner export --out FILE` (the built CLI over a real embedded store): one document that PubTator
 * cannot hold as stored (an externalId with "|" and a tab, from before identifiers were validated) is
 * escaped with a warning instead of failing the file, and an export that fails leaves no file and no
 * temporary file behind.
 */
import { existsSync, mkdirSync, readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import Database from 'better-sqlite3';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openEmbeddedStore } from '../src/store/embedded/sqlite-store.js';
import { buildCli, createWorkspace, vaner, type Workspace } from './fault-harness.js';

let ws: Workspace;

beforeAll(async () => {
  await buildCli();
  ws = createWorkspace();
  const file = path.join(ws.dataDir, 'vaner.db');
  const store = await openEmbeddedStore({ path: file });
  try {
    await store.putDocuments([
      { externalId: 'A:1', title: null, text: 'Lithium carbonate toxicity.' },
      { externalId: 'B:2', title: null, text: 'Heart failure.' },
      { externalId: 'C:3', title: null, text: 'Atrial flutter.' },
    ]);
  } finally {
    await store.close();
  }
  const db = new Database(file);
  db.prepare("UPDATE documents SET external_id = ? WHERE external_id = 'B:2'").run('OLD|2\t3');
  db.close();
});

afterAll(() => ws?.remove());

describe('vaner export --out', () => {
  it('escapes an id PubTator cannot hold, with a warning, and writes every document', async () => {
    const out = path.join(ws.dataDir, 'exports', 'all.pubtator');
    mkdirSync(path.dirname(out));
    const r = await vaner(ws, 'export', '--format', 'pubtator', '--out', out);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stderr.split('\n')).toEqual([
      'warning: document "OLD|2\\t3" written as PMID OLD_2_3 (PubTator cannot hold tabs, "|" or line breaks in it)',
      `exported 3 documents as pubtator to ${out} (1 with escaped ids; see the warnings above)`,
      '',
    ]);
    expect(readFileSync(out, 'utf8')).toBe([
      'A:1|t|Lithium carbonate toxicity.', 'A:1|a|', '',
      'OLD_2_3|t|Heart failure.', 'OLD_2_3|a|', '',
      'C:3|t|Atrial flutter.', 'C:3|a|', '', '',
    ].join('\n'));
    expect(readdirSync(path.dirname(out))).toEqual(['all.pubtator']);
  });

  it('an --out that cannot be written is BAD_USER_INPUT before any work, and leaves no file behind', async () => {
    const dir = path.join(ws.dataDir, 'fails');
    mkdirSync(dir);
    // The destination is a directory (it was INTERNAL EISDIR once everything had been written).
    const target = path.join(dir, 'taken');
    mkdirSync(target);
    const r = await vaner(ws, 'export', '--format', 'jsonl', '--out', target);
    expect([r.code, r.stderr]).toEqual([2, `error [BAD_USER_INPUT]: cannot write --out ${target}: it is a directory\n`]);
    expect(readdirSync(dir)).toEqual(['taken']);
    expect(readdirSync(target)).toEqual([]);
    // A missing directory (it was INTERNAL ENOENT).
    const missing = path.join(dir, 'no', 'such', 'file.jsonl');
    const m = await vaner(ws, 'export', '--format', 'jsonl', '--out', missing);
    expect([m.code, m.stderr]).toEqual([2, `error [BAD_USER_INPUT]: cannot write --out ${missing}: directory ${path.join(dir, 'no', 'such')} does not exist\n`]);
    expect(existsSync(path.join(dir, 'no'))).toBe(false);
    expect(readdirSync(dir)).toEqual(['taken']);
  });
});
