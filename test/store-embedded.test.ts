import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import Database from 'better-sqlite3';
import { afterAll, afterEach, describe, expect, it } from 'vitest';
import { openEmbeddedStore } from '../src/store/index.js';
import { STORE_SCHEMA_VERSION } from '../src/store/embedded/sqlite-schema.js';
import type { Store } from '../src/store/port.js';
import { describeStoreConformance } from './conformance/store-suite.js';

const root = fs.mkdtempSync(path.join(os.tmpdir(), 'vaner-store-'));
afterAll(() => fs.rmSync(root, { recursive: true, force: true }));
let counter = 0;
const freshPath = (): string => path.join(fs.mkdtempSync(path.join(root, `s${counter++}-`)), 'vaner.db');

describeStoreConformance('embedded (SQLite)', () => openEmbeddedStore({ path: freshPath() }));

describe('embedded store specifics', () => {
  const open: Store[] = [];
  afterEach(async () => {
    await Promise.all(open.splice(0).map((s) => s.close()));
  });

  it('creates the schema at the current user_version in WAL mode with the audit table', async () => {
    const file = freshPath();
    open.push(await openEmbeddedStore({ path: file }));
    const db = new Database(file, { readonly: true });
    try {
      expect(db.pragma('user_version', { simple: true })).toBe(STORE_SCHEMA_VERSION);
      expect(db.pragma('journal_mode', { simple: true })).toBe('wal');
      const tables = db.prepare("SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'entity_names_fts%' ORDER BY name").pluck().all();
      expect(tables).toEqual([
        'co_doc_entity', 'co_entity_freq', 'co_entity_tree', 'co_mention', 'co_pair', 'co_sent_entity', 'co_totals',
        'curation_edits', 'documents', 'entities', 'entity_aliases', 'entity_names', 'kb_meta', 'kb_sources', 'mentions',
      ]);
    } finally {
      db.close();
    }
  });

  it('keeps data across reopen and audits curation edits', async () => {
    const file = freshPath();
    const first = await openEmbeddedStore({ path: file });
    await first.upsertEntities([
      { id: 'MESH:D1', type: 'DISEASE', name: 'One', synonyms: [], parentIds: [], treeNumbers: [], source: 'test' },
      { id: 'MESH:D2', type: 'DISEASE', name: 'Two', synonyms: [], parentIds: [], treeNumbers: [], source: 'test' },
    ]);
    await first.mergeEntities('MESH:D2', 'MESH:D1', 'alice');
    await first.close();
    await first.close(); // idempotent
    await expect(first.countEntities()).rejects.toMatchObject({ code: 'STORE_UNAVAILABLE' });

    const second = await openEmbeddedStore({ path: file });
    open.push(second);
    expect(await second.countEntities()).toBe(1);
    expect((await second.getEntities(['MESH:D2']))[0]?.id).toBe('MESH:D1');
    const db = new Database(file, { readonly: true });
    try {
      expect(db.prepare('SELECT actor, action, target, before, after FROM curation_edits').all()).toEqual([
        { actor: 'alice', action: 'merge-entity', target: 'MESH:D2', before: '{"mergedInto":null}', after: '{"mergedInto":"MESH:D1"}' },
      ]);
    } finally {
      db.close();
    }
  });

  it('lets two connections on one file write without losing documents', async () => {
    const file = freshPath();
    const a = await openEmbeddedStore({ path: file });
    const b = await openEmbeddedStore({ path: file });
    open.push(a, b);
    await Promise.all([
      a.putDocuments(Array.from({ length: 50 }, (_, i) => ({ externalId: `A${i}`, text: `text a ${i}` }))),
      b.putDocuments(Array.from({ length: 50 }, (_, i) => ({ externalId: `B${i}`, text: `text b ${i}` }))),
      b.putDocuments([{ externalId: 'A0', text: 'text a 0' }]),
    ]);
    expect((await a.listDocuments({ first: 0 })).totalCount).toBe(100);
  });

  it('refuses a database written by a newer schema', async () => {
    const file = freshPath();
    const db = new Database(file);
    db.pragma('user_version = 99');
    db.close();
    await expect(openEmbeddedStore({ path: file })).rejects.toMatchObject({ code: 'STORE_UNAVAILABLE' });
  });

  it('stops an early-terminated name iteration cleanly and can iterate again', async () => {
    const store = await openEmbeddedStore({ path: freshPath() });
    open.push(store);
    await store.upsertEntities(Array.from({ length: 30 }, (_, i) => ({ id: `X:${i}`, type: 'GENE' as const, name: `gene ${i}`, synonyms: [`g${i}`], parentIds: [], treeNumbers: [], source: 'test' })));
    let n = 0;
    for await (const _ of store.iterateNames()) if (++n === 5) break;
    // A write while nothing iterates, then a full pass.
    await store.addNames([{ entityId: 'X:0', type: 'GENE', name: 'gene zero', origin: 'annotation' }]);
    let total = 0;
    for await (const _ of store.iterateNames(['GENE'])) total++;
    expect(total).toBe(61);
  });
});
