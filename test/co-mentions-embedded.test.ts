/**
 * Co-mentions, embedded-store specifics: the association scores as pure functions (exact values),
 * the trigger-maintained count tables against a from-scratch recount after random curation and
 * re-annotation, and the migration back-fill of a store written before the count tables existed.
 * The adapter-independent cases (exact counts, scores, evidence, graph) are in the conformance suite.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import Database from 'better-sqlite3';
import { afterAll, afterEach, describe, expect, it } from 'vitest';
import { checkPairCounts, gSquared, npmi, signedLogLikelihoodRatio } from '../src/store/association-scores.js';
import { graphFanOut } from '../src/store/co-mention-graph.js';
import { openEmbeddedStore } from '../src/store/index.js';
import type { EntityRecord, MentionInput, StoredDocument } from '../src/domain/index.js';
import type { Store } from '../src/store/port.js';

const root = fs.mkdtempSync(path.join(os.tmpdir(), 'vaner-co-mentions-'));
afterAll(() => fs.rmSync(root, { recursive: true, force: true }));
let counter = 0;
const freshPath = (): string => path.join(root, `s${counter++}.db`);
const ln = Math.log;

describe('association scores', () => {
  it('computes NPMI from counts, with -1 for never and 1 for always together', () => {
    // p(a,b) = 0.1, p(a) = 0.2, p(b) = 0.3: ln(0.1 / 0.06) / -ln(0.1)
    expect(npmi({ nab: 10, na: 20, nb: 30, n: 100 })).toBeCloseTo(ln(0.1 / 0.06) / -ln(0.1), 12);
    expect(npmi({ nab: 10, na: 20, nb: 30, n: 100 })).toBeCloseTo(0.22184874961635637, 12);
    // independent: p(a,b) = p(a) p(b) → 0
    expect(npmi({ nab: 6, na: 20, nb: 30, n: 100 })).toBeCloseTo(0, 12);
    // always together but not everywhere → exactly 1
    expect(npmi({ nab: 7, na: 7, nb: 7, n: 50 })).toBeCloseTo(1, 12);
    expect(npmi({ nab: 0, na: 3, nb: 4, n: 10 })).toBe(-1);
    expect(npmi({ nab: 5, na: 5, nb: 5, n: 5 })).toBe(1);
  });

  it('computes G² as 2 Σ O ln(O/E), matching published reference values', () => {
    // O = 10 10 / 20 60; E = 6 14 / 24 56
    const byHand = 2 * (10 * ln(10 / 6) + 10 * ln(10 / 14) + 20 * ln(20 / 24) + 60 * ln(60 / 56));
    expect(gSquared({ nab: 10, na: 20, nb: 30, n: 100 })).toBeCloseTo(byHand, 10);
    // Reference values of Apache Mahout's LogLikelihoodTest (k11, k12, k21, k22).
    const fromCells = (k11: number, k12: number, k21: number, k22: number) => gSquared({ nab: k11, na: k11 + k12, nb: k11 + k21, n: k11 + k12 + k21 + k22 });
    expect(fromCells(1, 0, 0, 1)).toBeCloseTo(4 * ln(2), 12);
    expect(fromCells(10, 0, 0, 10)).toBeCloseTo(40 * ln(2), 12);
    expect(fromCells(5, 1995, 0, 100000)).toBeCloseTo(39.33052, 5);
    expect(fromCells(1000, 1995, 1000, 100000)).toBeCloseTo(4730.737, 3);
    expect(fromCells(1000, 1000, 1000, 100000)).toBeCloseTo(5734.343, 3);
    expect(fromCells(1000, 1000, 1000, 99000)).toBeCloseTo(5714.932, 3);
    // symmetric in a and b; zero under exact independence
    expect(gSquared({ nab: 10, na: 30, nb: 20, n: 100 })).toBeCloseTo(byHand, 10);
    expect(gSquared({ nab: 6, na: 20, nb: 30, n: 100 })).toBe(0);
  });

  it('signs the LLR by the direction of the association', () => {
    expect(signedLogLikelihoodRatio({ nab: 10, na: 20, nb: 30, n: 100 })).toBeGreaterThan(0);
    const avoid = { nab: 1, na: 20, nb: 30, n: 100 };
    expect(signedLogLikelihoodRatio(avoid)).toBe(-gSquared(avoid));
    expect(signedLogLikelihoodRatio({ nab: 6, na: 20, nb: 30, n: 100 })).toBe(0);
  });

  it('refuses counts that are not a contingency table', () => {
    for (const bad of [
      { nab: 4, na: 3, nb: 5, n: 10 },
      { nab: 1, na: 6, nb: 6, n: 10 },
      { nab: 0, na: 0, nb: 0, n: 0 },
      { nab: -1, na: 1, nb: 1, n: 2 },
      { nab: 0.5, na: 1, nb: 1, n: 2 },
    ]) {
      expect(() => checkPairCounts(bad)).toThrow(expect.objectContaining({ code: 'BAD_USER_INPUT' }));
      expect(() => npmi(bad)).toThrow(expect.objectContaining({ code: 'BAD_USER_INPUT' }));
    }
  });

  it('fans a depth-2 graph out by ⌈√limit⌉ edges per node, a depth-1 graph by the limit', () => {
    expect([graphFanOut(1, 200), graphFanOut(2, 200), graphFanOut(2, 500), graphFanOut(2, 1)]).toEqual([200, 15, 23, 1]);
  });
});

// ---------- count tables vs a recount ----------

const PROVENANCE = { labeler: 'test', modelVersion: 't-1', linkerVersion: 'l-1' };

/** Deterministic PRNG (mulberry32), so a failure reproduces. */
function rng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const ENTITIES: EntityRecord[] = Array.from({ length: 8 }, (_, i) => ({
  id: `MESH:D00000${i}`, type: i < 4 ? 'CHEMICAL' : 'DISEASE', name: `entity ${i}`, synonyms: [], parentIds: [], treeNumbers: [], source: 'test',
}));
// Words of the synthetic texts; one word per sentence slot so offsets are trivial.
const TEXT = 'w0 w1 w2. w3 w4 w5. w6 w7 w8. w9 wa wb.';

function randomMentions(next: () => number): MentionInput[] {
  const count = Math.floor(next() * 7);
  return Array.from({ length: count }, () => {
    const slot = Math.floor(next() * 12);
    const start = slot * 3 + Math.floor(slot / 3);
    const entity = Math.floor(next() * 10);
    // ids 8 and 9 are linked but unknown to the KB (they stand for themselves); 1 in 10 unlinked
    const entityId = next() < 0.1 ? null : entity < 8 ? ENTITIES[entity]!.id : `MESH:C99999${entity}`;
    return {
      start, end: start + 2, text: TEXT.slice(start, start + 2), type: entity < 4 ? 'CHEMICAL' : 'DISEASE', confidence: null, entityId,
      linkMethod: entityId === null ? null : 'exact', matchedName: null, linkConfidence: null, sentence: next() < 0.1 ? null : Math.floor(slot / 3),
    } satisfies MentionInput;
  });
}

type Row = Record<string, unknown>;

/** The count tables as stored, and as recounted from mentions and entities. */
function snapshots(file: string): { stored: Row; recounted: Row } {
  const db = new Database(file, { readonly: true });
  try {
    const all = (sql: string) => db.prepare(sql).all();
    const base = `WITH cm AS (SELECT m.document_id AS d, m.sentence AS s, COALESCE(e.merged_into, m.entity_id) AS x
                                FROM mentions m LEFT JOIN entities e ON e.id = m.entity_id
                               WHERE m.entity_id IS NOT NULL AND m.review != 'rejected'),
                  de AS (SELECT DISTINCT d, x FROM cm),
                  se AS (SELECT DISTINCT d, s, x FROM cm WHERE s IS NOT NULL)`;
    return {
      stored: {
        pairsDoc: all('SELECT a, b, docs AS n FROM co_pair WHERE docs > 0 ORDER BY a, b'),
        pairsSent: all('SELECT a, b, sents AS n FROM co_pair WHERE sents > 0 ORDER BY a, b'),
        emptyPairs: all('SELECT a, b FROM co_pair WHERE docs <= 0 AND sents <= 0 OR docs < 0 OR sents < 0'),
        freq: all('SELECT entity_id AS x, docs, sents FROM co_entity_freq ORDER BY entity_id'),
        totals: all("SELECT key, n FROM co_totals ORDER BY key"),
      },
      recounted: {
        pairsDoc: all(`${base} SELECT p.x AS a, q.x AS b, COUNT(*) AS n FROM de p JOIN de q ON p.d = q.d AND p.x != q.x GROUP BY p.x, q.x ORDER BY a, b`),
        pairsSent: all(`${base} SELECT p.x AS a, q.x AS b, COUNT(*) AS n FROM se p JOIN se q ON p.d = q.d AND p.s = q.s AND p.x != q.x GROUP BY p.x, q.x ORDER BY a, b`),
        emptyPairs: [],
        freq: all(`${base} SELECT x, (SELECT COUNT(*) FROM de WHERE de.x = k.x) AS docs, (SELECT COUNT(*) FROM se WHERE se.x = k.x) AS sents
                           FROM (SELECT DISTINCT x FROM de) k ORDER BY x`),
        totals: all(`${base} SELECT 'documents' AS key, (SELECT COUNT(DISTINCT d) FROM de) AS n
                           UNION ALL SELECT 'sentences', (SELECT COUNT(*) FROM (SELECT DISTINCT d, s FROM se)) ORDER BY key`),
      },
    };
  } finally {
    db.close();
  }
}

describe('embedded co-mention count tables', () => {
  const open: Store[] = [];
  afterEach(async () => {
    await Promise.all(open.splice(0).map((s) => s.close()));
  });

  it('equal a recount after random re-annotation, review, merges and text changes', async () => {
    const file = freshPath();
    const store = await openEmbeddedStore({ path: file });
    open.push(store);
    await store.upsertEntities(ENTITIES);
    const next = rng(20240611);
    const docs: StoredDocument[] = [];
    for (let i = 0; i < 30; i++) docs.push((await store.putDocuments([{ externalId: `r-${i}`, text: TEXT }]))[0]!.document);
    let merges = 0;
    for (let step = 0; step < 400; step++) {
      const roll = next();
      const doc = docs[Math.floor(next() * docs.length)]!;
      if (roll < 0.6) {
        await store.replaceMentions(doc.id, doc.textHash, randomMentions(next), PROVENANCE);
      } else if (roll < 0.9) {
        const mentions = (await store.getMentionsByDocument([doc.id]))[0]!;
        const m = mentions[Math.floor(next() * mentions.length)];
        if (m !== undefined) await store.reviewMention(m.id, next() < 0.6 ? 'rejected' : 'confirmed', 'curator');
      } else if (roll < 0.97 && merges < 4) {
        // merge entity k into k+4 of the same half? types must match: chemicals 0-3, diseases 4-7
        const k = Math.floor(next() * 3);
        const [source, target] = next() < 0.5 ? [ENTITIES[k]!, ENTITIES[k + 1]!] : [ENTITIES[4 + k]!, ENTITIES[5 + k]!];
        const [resolved] = await store.getEntities([source.id]);
        if (resolved?.id === source.id && (await store.getEntities([target.id]))[0]?.id !== source.id) {
          await store.mergeEntities(source.id, target.id, 'curator');
          merges++;
        }
      } else {
        // a changed text drops the annotations; change it back so offsets stay valid for later steps
        const changed = (await store.putDocuments([{ externalId: doc.externalId, text: `${TEXT} changed` }]))[0]!.document;
        const restored = (await store.putDocuments([{ externalId: doc.externalId, text: TEXT }]))[0]!.document;
        expect(changed.textHash).not.toBe(restored.textHash);
        docs[docs.indexOf(doc)] = restored;
      }
      if (step % 50 === 49) {
        const { stored, recounted } = snapshots(file);
        expect(stored).toEqual(recounted);
      }
    }
    const { stored } = snapshots(file);
    // the run really exercised the tables
    expect((stored['pairsSent'] as Row[]).length).toBeGreaterThan(10);
    expect(merges).toBeGreaterThan(0);
  });

  it('back-fills the count tables when a store written before them is opened', async () => {
    const file = freshPath();
    const store = await openEmbeddedStore({ path: file });
    await store.upsertEntities([...ENTITIES, { ...ENTITIES[0]!, id: 'MESH:D000100', treeNumbers: ['D01.2'] }]);
    const next = rng(7);
    for (let i = 0; i < 20; i++) {
      const doc = (await store.putDocuments([{ externalId: `b-${i}`, text: TEXT }]))[0]!.document;
      await store.replaceMentions(doc.id, doc.textHash, randomMentions(next), PROVENANCE);
    }
    await store.mergeEntities(ENTITIES[1]!.id, ENTITIES[2]!.id, 'curator');
    const before = snapshots(file).stored;
    const reference = await store.coMentions(ENTITIES[2]!.id, { first: 50, orderBy: 'LLR', level: 'SENTENCE' });
    await store.close();

    // Turn the file back into a schema-1 store: drop every co-mention table and trigger.
    const raw = new Database(file);
    const objects = raw.prepare("SELECT type, name FROM sqlite_master WHERE name LIKE 'co\\_%' ESCAPE '\\' AND type IN ('table', 'trigger')").all() as { type: string; name: string }[];
    for (const o of objects.filter((x) => x.type === 'trigger')) raw.exec(`DROP TRIGGER ${o.name}`);
    for (const o of objects.filter((x) => x.type === 'table')) raw.exec(`DROP TABLE ${o.name}`);
    // ... and what migration 3 (sources, aliases, retired) added, so that migrations 2 and 3 both run again.
    raw.exec(`DROP TABLE entity_aliases; DROP TABLE kb_sources; DROP INDEX entity_names_source; DROP INDEX entities_source;
              ALTER TABLE entity_names DROP COLUMN source; ALTER TABLE entities DROP COLUMN retired;`);
    raw.pragma('user_version = 1');
    raw.close();

    const reopened = await openEmbeddedStore({ path: file });
    open.push(reopened);
    const { stored, recounted } = snapshots(file);
    expect(stored).toEqual(before);
    expect(stored).toEqual(recounted);
    expect(await reopened.coMentions(ENTITIES[2]!.id, { first: 50, orderBy: 'LLR', level: 'SENTENCE' })).toEqual(reference);
    const tree = new Database(file, { readonly: true });
    expect(tree.prepare('SELECT tree_number, entity_id FROM co_entity_tree').all()).toEqual([{ tree_number: 'D01.2', entity_id: 'MESH:D000100' }]);
    tree.close();
  });
});
