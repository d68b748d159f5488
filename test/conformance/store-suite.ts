/**
 * The Store conformance suite: every adapter of src/store/port.ts runs these exact cases.
 * `open` must return a fresh, empty store each call; the suite closes it after each test.
 */
import { createHash } from 'node:crypto';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { AnnotationProvenance, DocumentInput, EntityName, EntityRecord, Mention, MentionInput, Store, StoredDocument } from '../../src/store/port.js';

const ASTHMA: EntityRecord = {
  id: 'MESH:D001249', type: 'DISEASE', name: 'Asthma', synonyms: ['Bronchial Asthma', 'Asthmas'],
  parentIds: ['MESH:D008173'], treeNumbers: ['C08.127.108'], source: 'ctd-medic',
};
const COUGH: EntityRecord = {
  id: 'MESH:D003371', type: 'DISEASE', name: 'Cough', synonyms: [], parentIds: [], treeNumbers: ['C08.618.248'], source: 'ctd-medic',
};
const ASPIRIN: EntityRecord = {
  id: 'MESH:D001241', type: 'CHEMICAL', name: 'Aspirin', synonyms: ['Acetylsalicylic Acid', 'ASA'],
  parentIds: [], treeNumbers: ['D02.455.426.559.389.657.410.595.500'], source: 'mesh-2024',
};
const ETHANOL: EntityRecord = {
  id: 'MESH:D000431', type: 'CHEMICAL', name: 'Ethanol', synonyms: ['Alcohol'], parentIds: [], treeNumbers: [], source: 'mesh-2024',
};
const ASTHMA_SYNDROME: EntityRecord = {
  id: 'MESH:D059366', type: 'DISEASE', name: 'Asthma-COPD Overlap Syndrome', synonyms: [], parentIds: [], treeNumbers: [], source: 'ctd-medic',
};

const PROVENANCE: AnnotationProvenance = { labeler: 'dictionary', modelVersion: 'dict-1', linkerVersion: 'linker-1' };

function sha256(title: string, text: string): string {
  return createHash('sha256').update(`${title}\u0000${text}`, 'utf8').digest('hex');
}

function asEntity(record: EntityRecord) {
  return { ...record, mergedInto: null };
}

/** A mention of `needle` (its first occurrence at or after `from`) in `text`. */
function mention(text: string, needle: string, type: MentionInput['type'], entityId: string | null, from = 0): MentionInput {
  const start = text.indexOf(needle, from);
  if (start < 0) throw new Error(`test setup: ${needle} not in text`);
  return {
    start, end: start + needle.length, text: needle, type, confidence: 0.9, entityId,
    linkMethod: entityId === null ? null : 'exact', matchedName: entityId === null ? null : needle, linkConfidence: entityId === null ? null : 1, sentence: 0,
  };
}

async function putOne(store: Store, input: DocumentInput): Promise<StoredDocument> {
  const [result] = await store.putDocuments([input]);
  if (result === undefined) throw new Error('putDocuments returned no result');
  return result.document;
}

async function firstMention(store: Store, documentId: string): Promise<Mention> {
  const first = (await store.getMentionsByDocument([documentId]))[0]?.[0];
  if (first === undefined) throw new Error(`no mention stored for ${documentId}`);
  return first;
}

export function describeStoreConformance(name: string, open: () => Promise<Store>): void {
  describe(`Store conformance: ${name}`, () => {
    let store: Store;

    beforeEach(async () => {
      store = await open();
    });
    afterEach(async () => {
      await store.close();
    });

    // ---------- knowledge base ----------

    describe('entities', () => {
      it('imports, counts and reports an exact summary; a re-import changes nothing', async () => {
        const r0 = await store.kbRevision();
        expect(await store.upsertEntities([ASTHMA, COUGH, ASPIRIN])).toEqual({ entitiesInserted: 3, entitiesUpdated: 0, namesInserted: 7, curatedKept: 0 });
        const r1 = await store.kbRevision();
        expect(r1).toBeGreaterThan(r0);
        expect(await store.upsertEntities([ASTHMA, COUGH, ASPIRIN])).toEqual({ entitiesInserted: 0, entitiesUpdated: 0, namesInserted: 0, curatedKept: 0 });
        expect(await store.kbRevision()).toBe(r1);
        expect(await store.countEntities()).toBe(3);
      });

      it('updates a changed record and adds its new names', async () => {
        await store.upsertEntities([COUGH]);
        const changed = { ...COUGH, name: 'Coughing', treeNumbers: ['C23.888.852.293'] };
        expect(await store.upsertEntities([changed])).toEqual({ entitiesInserted: 0, entitiesUpdated: 1, namesInserted: 1, curatedKept: 0 });
        // The old preferred name stays as a synonym: names are never deleted by an import.
        expect(await store.getEntities([COUGH.id])).toEqual([{ ...asEntity(changed), synonyms: ['Cough'] }]);
      });

      it('returns batch reads in input order with null for unknown ids', async () => {
        await store.upsertEntities([ASTHMA, COUGH, ASPIRIN]);
        expect(await store.getEntities([COUGH.id, 'MESH:NOPE', ASTHMA.id, COUGH.id])).toEqual([
          asEntity(COUGH), null, asEntity(ASTHMA), asEntity(COUGH),
        ]);
        expect(await store.getEntities([])).toEqual([]);
      });

      it('rejects invalid records with BAD_USER_INPUT and writes nothing', async () => {
        const bad = { ...COUGH, id: 'MESH:X', type: 'NOT_A_TYPE' } as unknown as EntityRecord;
        await expect(store.upsertEntities([ASTHMA, bad])).rejects.toMatchObject({ code: 'BAD_USER_INPUT', details: { index: 1, field: 'type' } });
        expect(await store.countEntities()).toBe(0);
      });

      it('adds names to existing entities, skipping duplicates, and refuses unknown entities', async () => {
        await store.upsertEntities([ASPIRIN]);
        const r = await store.kbRevision();
        const names: EntityName[] = [
          { entityId: ASPIRIN.id, type: 'CHEMICAL', name: 'acetylsalicylate', origin: 'annotation' },
          { entityId: ASPIRIN.id, type: 'CHEMICAL', name: 'ASA', origin: 'annotation' },
        ];
        expect(await store.addNames(names)).toBe(1);
        expect(await store.kbRevision()).toBeGreaterThan(r);
        expect(await store.addNames(names)).toBe(0);
        await expect(store.addNames([{ entityId: 'MESH:NOPE', type: 'CHEMICAL', name: 'x', origin: 'annotation' }])).rejects.toMatchObject({ code: 'NOT_FOUND' });
        expect((await store.getEntities([ASPIRIN.id]))[0]?.synonyms).toEqual(['Acetylsalicylic Acid', 'ASA', 'acetylsalicylate']);
      });

      it('keeps curator names and merged entities over a re-import', async () => {
        await store.upsertEntities([ASTHMA, ASTHMA_SYNDROME]);
        await store.addNames([{ entityId: ASTHMA.id, type: 'DISEASE', name: 'Wheezing disease', origin: 'curator' }]);
        await store.mergeEntities(ASTHMA_SYNDROME.id, ASTHMA.id, 'curator-1');
        const reimport = [
          { ...ASTHMA, synonyms: [...ASTHMA.synonyms, 'Wheezing disease'] },
          { ...ASTHMA_SYNDROME, name: 'ACOS' },
        ];
        // Kept: the curator's name on ASTHMA, and the merged (curated) ASTHMA_SYNDROME record.
        // Its new name 'ACOS' is still added (adding is not overwriting), under the merge target.
        expect(await store.upsertEntities(reimport)).toEqual({ entitiesInserted: 0, entitiesUpdated: 0, namesInserted: 1, curatedKept: 2 });
        const names: EntityName[] = [];
        for await (const n of store.iterateNames(['DISEASE'])) names.push(n);
        expect(names.filter((n) => n.name === 'Wheezing disease')).toEqual([
          { entityId: ASTHMA.id, type: 'DISEASE', name: 'Wheezing disease', origin: 'curator' },
        ]);
        expect(names.filter((n) => n.name === 'ACOS')).toEqual([{ entityId: ASTHMA.id, type: 'DISEASE', name: 'ACOS', origin: 'vocabulary' }]);
        expect(await store.getEntities([ASTHMA_SYNDROME.id])).toEqual([
          { ...asEntity(ASTHMA), synonyms: ['Bronchial Asthma', 'Asthmas', 'Wheezing disease', 'Asthma-COPD Overlap Syndrome', 'ACOS'] },
        ]);
      });

      it('streams every active name, merged names under their target, filtered by type', async () => {
        await store.upsertEntities([ASTHMA, ASPIRIN, ETHANOL]);
        await store.mergeEntities(ETHANOL.id, ASPIRIN.id, 'curator-1');
        const chemicals: EntityName[] = [];
        for await (const n of store.iterateNames(['CHEMICAL'])) chemicals.push(n);
        const sort = (list: EntityName[]) => [...list].sort((a, b) => a.name.localeCompare(b.name));
        expect(sort(chemicals)).toEqual(sort([
          { entityId: ASPIRIN.id, type: 'CHEMICAL', name: 'Aspirin', origin: 'vocabulary' },
          { entityId: ASPIRIN.id, type: 'CHEMICAL', name: 'Acetylsalicylic Acid', origin: 'vocabulary' },
          { entityId: ASPIRIN.id, type: 'CHEMICAL', name: 'ASA', origin: 'vocabulary' },
          { entityId: ASPIRIN.id, type: 'CHEMICAL', name: 'Ethanol', origin: 'vocabulary' },
          { entityId: ASPIRIN.id, type: 'CHEMICAL', name: 'Alcohol', origin: 'vocabulary' },
        ]));
        let all = 0;
        for await (const _ of store.iterateNames()) all++;
        expect(all).toBe(8);
      });

      it('searches names: exact first, then prefix, then substring; by type; merged resolved', async () => {
        await store.upsertEntities([ASTHMA, ASTHMA_SYNDROME, COUGH, ASPIRIN]);
        const ids = async (q: string, type: EntityType | null = null, first = 10) => (await store.searchEntities(q, { type, first })).map((e) => e.id);
        expect(await ids('asthma')).toEqual([ASTHMA.id, ASTHMA_SYNDROME.id]);
        expect(await ids('ASTHMA-copd')).toEqual([ASTHMA_SYNDROME.id]);
        expect(await ids('copd')).toEqual([ASTHMA_SYNDROME.id]);
        expect(await ids('salicyl')).toEqual([ASPIRIN.id]);
        expect(await ids('as')).toEqual([ASPIRIN.id, ASTHMA.id, ASTHMA_SYNDROME.id]);
        expect(await ids('as', 'DISEASE')).toEqual([ASTHMA.id, ASTHMA_SYNDROME.id]);
        expect(await ids('asthma', null, 1)).toEqual([ASTHMA.id]);
        expect(await ids('zzz')).toEqual([]);
        await store.mergeEntities(ASTHMA_SYNDROME.id, ASTHMA.id, 'curator-1');
        expect(await ids('copd')).toEqual([ASTHMA.id]);
        expect(await store.countEntities()).toBe(3);
        await expect(store.searchEntities('  ', { first: 5 })).rejects.toMatchObject({ code: 'BAD_USER_INPUT' });
      });

      it('merges: lookups resolve, chains flatten, bad merges are refused with codes', async () => {
        await store.upsertEntities([ASTHMA, ASTHMA_SYNDROME, COUGH, ASPIRIN]);
        const r = await store.kbRevision();
        expect(await store.mergeEntities(ASTHMA_SYNDROME.id, COUGH.id, 'curator-1')).toMatchObject({ id: COUGH.id, mergedInto: null });
        expect(await store.kbRevision()).toBeGreaterThan(r);
        await store.mergeEntities(COUGH.id, ASTHMA.id, 'curator-1');
        expect((await store.getEntities([ASTHMA_SYNDROME.id, COUGH.id, ASTHMA.id])).map((e) => e?.id)).toEqual([ASTHMA.id, ASTHMA.id, ASTHMA.id]);
        await expect(store.mergeEntities(ASTHMA.id, ASTHMA_SYNDROME.id, 'c')).rejects.toMatchObject({ code: 'BAD_USER_INPUT' });
        await expect(store.mergeEntities(COUGH.id, ASPIRIN.id, 'c')).rejects.toMatchObject({ code: 'CONFLICT' });
        await expect(store.mergeEntities(ASPIRIN.id, ASTHMA.id, 'c')).rejects.toMatchObject({ code: 'BAD_USER_INPUT' });
        await expect(store.mergeEntities('MESH:NOPE', ASTHMA.id, 'c')).rejects.toMatchObject({ code: 'NOT_FOUND' });
        expect(await store.countEntities()).toBe(2);
      });
    });

    // ---------- documents ----------

    describe('documents', () => {
      it('puts documents idempotently: created, unchanged, updated', async () => {
        const [a, b] = await store.putDocuments([
          { externalId: 'PMID:1', title: 'Title one', text: 'Aspirin and asthma.', metadata: { journal: 'J1' } },
          { text: 'No external id.' },
        ]);
        expect(a!.outcome).toBe('created');
        expect(a!.document).toMatchObject({
          externalId: 'PMID:1', title: 'Title one', text: 'Aspirin and asthma.', textHash: sha256('Title one', 'Aspirin and asthma.'),
          metadata: { journal: 'J1' }, annotatedAt: null, labeler: null, modelVersion: null,
        });
        expect(b!.document).toMatchObject({ externalId: null, title: null, textHash: sha256('', 'No external id.'), metadata: null });
        expect(a!.document.id).not.toBe(b!.document.id);

        const [same] = await store.putDocuments([{ externalId: 'PMID:1', title: 'Title one', text: 'Aspirin and asthma.' }]);
        expect(same).toEqual({ outcome: 'unchanged', document: a!.document });

        await store.replaceMentions(a!.document.id, a!.document.textHash, [mention('Aspirin and asthma.', 'Aspirin', 'CHEMICAL', ASPIRIN.id)], PROVENANCE);
        const [updated] = await store.putDocuments([{ externalId: 'PMID:1', title: 'Title one', text: 'Aspirin and cough.' }]);
        expect(updated!.outcome).toBe('updated');
        expect(updated!.document).toMatchObject({ id: a!.document.id, text: 'Aspirin and cough.', textHash: sha256('Title one', 'Aspirin and cough.'), annotatedAt: null, labeler: null });
        expect(await store.getMentionsByDocument([a!.document.id])).toEqual([[]]);

        const [again] = await store.putDocuments([{ text: 'No external id.' }]);
        expect(again!.outcome).toBe('created');
      });

      it('rejects empty texts with EMPTY_TEXT naming the index', async () => {
        await expect(store.putDocuments([{ text: 'ok' }, { text: '   ' }])).rejects.toMatchObject({ code: 'EMPTY_TEXT', details: { index: 1 } });
        expect((await store.listDocuments({ first: 10 })).totalCount).toBe(0);
      });

      it('returns documents by id and external id in input order with nulls', async () => {
        const [a, b] = await store.putDocuments([{ externalId: 'A', text: 'alpha' }, { externalId: 'B', text: 'beta' }]);
        expect((await store.getDocuments([b!.document.id, 'doc_nope', a!.document.id])).map((d) => d?.externalId ?? null)).toEqual(['B', null, 'A']);
        expect((await store.getDocumentsByExternalId(['B', 'C', 'A'])).map((d) => d?.id ?? null)).toEqual([b!.document.id, null, a!.document.id]);
      });

      it('lists documents with cursors, totalCount and filters', async () => {
        const put = await store.putDocuments(['x1', 'x2', 'y1', 'x3', 'y2'].map((id) => ({ externalId: `PMID:${id}`, text: `Text ${id} with Aspirin.` })));
        const docs = put.map((p) => p.document);
        const p1 = await store.listDocuments({ first: 2 });
        expect(p1.items.map((d) => d.externalId)).toEqual(['PMID:x1', 'PMID:x2']);
        expect(p1).toMatchObject({ totalCount: 5, hasNextPage: true });
        const p2 = await store.listDocuments({ first: 2, after: p1.endCursor });
        expect(p2.items.map((d) => d.externalId)).toEqual(['PMID:y1', 'PMID:x3']);
        const p3 = await store.listDocuments({ first: 2, after: p2.endCursor });
        expect(p3.items.map((d) => d.externalId)).toEqual(['PMID:y2']);
        expect(p3).toMatchObject({ totalCount: 5, hasNextPage: false });
        const p4 = await store.listDocuments({ first: 2, after: p3.endCursor });
        expect(p4).toEqual({ items: [], totalCount: 5, endCursor: null, hasNextPage: false });

        const prefixed = await store.listDocuments({ first: 10, filter: { externalIdPrefix: 'PMID:x' } });
        expect(prefixed.items.map((d) => d.externalId)).toEqual(['PMID:x1', 'PMID:x2', 'PMID:x3']);
        expect(prefixed.totalCount).toBe(3);

        const annotate = async (d: StoredDocument) => store.replaceMentions(d.id, d.textHash, [mention(d.text, 'Aspirin', 'CHEMICAL', ASPIRIN.id)], PROVENANCE);
        await annotate(docs[1]!);
        await annotate(docs[4]!);
        const annotated = await store.listDocuments({ first: 10, filter: { annotated: true } });
        expect(annotated.items.map((d) => d.externalId)).toEqual(['PMID:x2', 'PMID:y2']);
        expect((await store.listDocuments({ first: 10, filter: { annotated: false } })).totalCount).toBe(3);
        const byEntity = await store.listDocuments({ first: 1, filter: { entityId: ASPIRIN.id, externalIdPrefix: 'PMID:' } });
        expect(byEntity.items.map((d) => d.externalId)).toEqual(['PMID:x2']);
        expect(byEntity).toMatchObject({ totalCount: 2, hasNextPage: true });

        await expect(store.listDocuments({ first: 2, after: 'not-a-cursor' })).rejects.toMatchObject({ code: 'BAD_USER_INPUT' });
        await expect(store.listDocuments({ first: -1 })).rejects.toMatchObject({ code: 'BAD_USER_INPUT' });
      });
    });

    // ---------- mentions ----------

    describe('mentions', () => {
      const TEXT = 'Aspirin may worsen asthma. Asthma patients avoid aspirin and unknownol.';

      it('replaces mentions atomically with provenance, and refuses a stale hash', async () => {
        const doc = await putOne(store, { externalId: 'M1', text: TEXT });
        const first = [
          mention(TEXT, 'asthma', 'DISEASE', ASTHMA.id),
          mention(TEXT, 'Aspirin', 'CHEMICAL', ASPIRIN.id),
          mention(TEXT, 'unknownol', 'CHEMICAL', null),
        ];
        expect(await store.replaceMentions(doc.id, doc.textHash, first, PROVENANCE)).toBe(true);
        const [stored] = await store.getMentionsByDocument([doc.id]);
        expect(stored!.map((m) => [m.start, m.end, m.text, m.type, m.entityId, m.linkMethod])).toEqual([
          [0, 7, 'Aspirin', 'CHEMICAL', ASPIRIN.id, 'exact'],
          [19, 25, 'asthma', 'DISEASE', ASTHMA.id, 'exact'],
          [61, 70, 'unknownol', 'CHEMICAL', null, null],
        ]);
        expect(stored![0]).toMatchObject({ documentId: doc.id, labeler: 'dictionary', modelVersion: 'dict-1', linkerVersion: 'linker-1', review: 'unreviewed', confidence: 0.9, sentence: 0 });
        const [annotated] = await store.getDocuments([doc.id]);
        expect(annotated).toMatchObject({ labeler: 'dictionary', modelVersion: 'dict-1' });
        expect(annotated!.annotatedAt).not.toBeNull();

        expect(await store.replaceMentions(doc.id, sha256('', 'other text'), [], PROVENANCE)).toBe(false);
        expect((await store.getMentionsByDocument([doc.id]))[0]).toHaveLength(3);

        // One invalid mention rejects the whole replacement; the old mentions stay.
        const wrong = { ...mention(TEXT, 'Asthma', 'DISEASE', ASTHMA.id), text: 'asthma' };
        await expect(store.replaceMentions(doc.id, doc.textHash, [mention(TEXT, 'aspirin', 'CHEMICAL', ASPIRIN.id), wrong], PROVENANCE))
          .rejects.toMatchObject({ code: 'BAD_USER_INPUT', details: { index: 1 } });
        expect((await store.getMentionsByDocument([doc.id]))[0]).toHaveLength(3);
        await expect(store.replaceMentions('doc_nope', doc.textHash, [], PROVENANCE)).rejects.toMatchObject({ code: 'NOT_FOUND' });

        expect(await store.replaceMentions(doc.id, doc.textHash, [mention(TEXT, 'aspirin', 'CHEMICAL', ASPIRIN.id)], PROVENANCE)).toBe(true);
        const [after] = await store.getMentionsByDocument([doc.id]);
        expect(after!.map((m) => [m.start, m.text])).toEqual([[49, 'aspirin']]);
        expect(await store.getMentions([after![0]!.id, stored![0]!.id])).toEqual([after![0], null]);
        expect(await store.getMentionsByDocument(['doc_nope', doc.id])).toEqual([[], after]);
      });

      it('records review state and refuses unknown mentions', async () => {
        const doc = await putOne(store, { text: TEXT });
        await store.replaceMentions(doc.id, doc.textHash, [mention(TEXT, 'Aspirin', 'CHEMICAL', ASPIRIN.id)], PROVENANCE);
        const m = await firstMention(store, doc.id);
        expect(await store.reviewMention(m.id, 'rejected', 'curator-1')).toMatchObject({ id: m.id, review: 'rejected' });
        expect((await store.getMentions([m.id]))[0]?.review).toBe('rejected');
        await expect(store.reviewMention('men_nope', 'confirmed', 'curator-1')).rejects.toMatchObject({ code: 'NOT_FOUND' });
        await expect(store.reviewMention(m.id, 'maybe' as 'confirmed', 'curator-1')).rejects.toMatchObject({ code: 'BAD_USER_INPUT' });
      });

      it('pages mentions and documents of an entity, merged ids included, rejected excluded', async () => {
        await store.upsertEntities([ASPIRIN, ETHANOL]);
        const texts = ['Aspirin one. Aspirin two.', 'Ethanol here.', 'Aspirin there.'];
        const docs = (await store.putDocuments(texts.map((text) => ({ text })))).map((p) => p.document);
        await store.replaceMentions(docs[0]!.id, docs[0]!.textHash, [mention(texts[0]!, 'Aspirin', 'CHEMICAL', ASPIRIN.id), mention(texts[0]!, 'Aspirin', 'CHEMICAL', ASPIRIN.id, 1)], PROVENANCE);
        await store.replaceMentions(docs[1]!.id, docs[1]!.textHash, [mention(texts[1]!, 'Ethanol', 'CHEMICAL', ETHANOL.id)], PROVENANCE);
        await store.replaceMentions(docs[2]!.id, docs[2]!.textHash, [mention(texts[2]!, 'Aspirin', 'CHEMICAL', ASPIRIN.id)], PROVENANCE);
        await store.mergeEntities(ETHANOL.id, ASPIRIN.id, 'curator-1');
        const rejected = await firstMention(store, docs[2]!.id);
        await store.reviewMention(rejected.id, 'rejected', 'curator-1');

        const m1 = await store.getMentionsByEntity(ASPIRIN.id, { first: 2 });
        expect(m1.items.map((m) => [m.documentId, m.start])).toEqual([[docs[0]!.id, 0], [docs[0]!.id, 13]]);
        expect(m1).toMatchObject({ totalCount: 3, hasNextPage: true });
        const m2 = await store.getMentionsByEntity(ETHANOL.id, { first: 2, after: m1.endCursor });
        expect(m2.items.map((m) => [m.documentId, m.start, m.entityId])).toEqual([[docs[1]!.id, 0, ETHANOL.id]]);
        expect(m2).toMatchObject({ totalCount: 3, hasNextPage: false });

        const d1 = await store.getDocumentsByEntity(ASPIRIN.id, { first: 1 });
        expect(d1.items.map((d) => d.id)).toEqual([docs[0]!.id]);
        expect(d1).toMatchObject({ totalCount: 2, hasNextPage: true });
        const d2 = await store.getDocumentsByEntity(ASPIRIN.id, { first: 1, after: d1.endCursor });
        expect(d2.items.map((d) => d.id)).toEqual([docs[1]!.id]);
        expect(d2.hasNextPage).toBe(false);
        expect(await store.getDocumentsByEntity('MESH:NOPE', { first: 5 })).toEqual({ items: [], totalCount: 0, endCursor: null, hasNextPage: false });
        await expect(store.getMentionsByEntity(ASPIRIN.id, { first: 2, after: d1.endCursor })).rejects.toMatchObject({ code: 'BAD_USER_INPUT' });
      });
    });

    // ---------- co-mentions ----------

    describe('coMentions', () => {
      /**
       * d1: asthma, aspirin, cough          d2: asthma, aspirin
       * d3: asthma, cough (rejected), ethanol
       * d4: aspirin, cough (no asthma)      d5: asthma (rejected), aspirin
       */
      async function seed(): Promise<string[]> {
        await store.upsertEntities([ASTHMA, COUGH, ASPIRIN, ETHANOL]);
        const spec: [string, [string, MentionInput['type'], string, boolean][]][] = [
          ['asthma aspirin cough', [['asthma', 'DISEASE', ASTHMA.id, false], ['aspirin', 'CHEMICAL', ASPIRIN.id, false], ['cough', 'DISEASE', COUGH.id, false]]],
          ['asthma aspirin', [['asthma', 'DISEASE', ASTHMA.id, false], ['aspirin', 'CHEMICAL', ASPIRIN.id, false]]],
          ['asthma cough ethanol', [['asthma', 'DISEASE', ASTHMA.id, false], ['cough', 'DISEASE', COUGH.id, true], ['ethanol', 'CHEMICAL', ETHANOL.id, false]]],
          ['aspirin cough', [['aspirin', 'CHEMICAL', ASPIRIN.id, false], ['cough', 'DISEASE', COUGH.id, false]]],
          ['asthma aspirin unlinked', [['asthma', 'DISEASE', ASTHMA.id, true], ['aspirin', 'CHEMICAL', ASPIRIN.id, false]]],
        ];
        const ids: string[] = [];
        for (const [text, mentions] of spec) {
          const doc = await putOne(store, { text });
          const inputs = [...mentions.map(([needle, type, id]) => mention(text, needle, type, id)), ...(text.includes('unlinked') ? [mention(text, 'unlinked', 'CHEMICAL', null)] : [])];
          await store.replaceMentions(doc.id, doc.textHash, inputs, PROVENANCE);
          const stored = (await store.getMentionsByDocument([doc.id]))[0]!;
          for (const [needle, , , rejected] of mentions) {
            if (rejected) await store.reviewMention(stored.find((m) => m.text === needle)!.id, 'rejected', 'curator-1');
          }
          ids.push(doc.id);
        }
        return ids;
      }

      it('counts partner documents, orders by count then id, lists evidence ascending', async () => {
        const [d1, d2, d3] = await seed();
        const page = await store.coMentions(ASTHMA.id, { first: 10 });
        expect(page.items).toEqual([
          { entityId: ASPIRIN.id, documentCount: 2, evidenceDocumentIds: [d1, d2].sort() },
          { entityId: ETHANOL.id, documentCount: 1, evidenceDocumentIds: [d3] },
          { entityId: COUGH.id, documentCount: 1, evidenceDocumentIds: [d1] },
        ]);
        expect(page).toMatchObject({ totalCount: 3, hasNextPage: false });
      });

      it('filters by partner type, caps evidence, and pages with cursors', async () => {
        const [d1, d2, d3] = await seed();
        const chemicals = await store.coMentions(ASTHMA.id, { first: 10, type: 'CHEMICAL', evidenceLimit: 1 });
        expect(chemicals.items).toEqual([
          { entityId: ASPIRIN.id, documentCount: 2, evidenceDocumentIds: [[d1, d2].sort()[0]] },
          { entityId: ETHANOL.id, documentCount: 1, evidenceDocumentIds: [d3] },
        ]);
        expect(chemicals.totalCount).toBe(2);

        const seen: string[] = [];
        let after: string | null = null;
        for (let i = 0; i < 3; i++) {
          const page: Awaited<ReturnType<Store['coMentions']>> = await store.coMentions(ASTHMA.id, { first: 1, after });
          expect(page.totalCount).toBe(3);
          expect(page.hasNextPage).toBe(i < 2);
          seen.push(...page.items.map((c) => c.entityId));
          after = page.endCursor;
        }
        expect(seen).toEqual([ASPIRIN.id, ETHANOL.id, COUGH.id]);
        expect((await store.coMentions(ASTHMA.id, { first: 1, after })).items).toEqual([]);
        expect((await store.coMentions(ASTHMA.id, { first: 10, evidenceLimit: 0 })).items.map((c) => c.evidenceDocumentIds)).toEqual([[], [], []]);
        await expect(store.coMentions(ASTHMA.id, { first: 10, evidenceLimit: -1 })).rejects.toMatchObject({ code: 'BAD_USER_INPUT' });
      });

      it('counts merged entities as their target on both sides', async () => {
        const [d1, d2, d3, d4, d5] = await seed();
        await store.mergeEntities(ETHANOL.id, ASPIRIN.id, 'curator-1');
        expect((await store.coMentions(ASTHMA.id, { first: 10 })).items).toEqual([
          { entityId: ASPIRIN.id, documentCount: 3, evidenceDocumentIds: [d1, d2, d3].sort() },
          { entityId: COUGH.id, documentCount: 1, evidenceDocumentIds: [d1] },
        ]);
        // ETHANOL resolves to ASPIRIN: aspirin's documents are d1 d2 d4 d5 and (via ethanol) d3.
        const page = await store.coMentions(ETHANOL.id, { first: 10 });
        expect(page.items).toEqual([
          { entityId: ASTHMA.id, documentCount: 3, evidenceDocumentIds: [d1, d2, d3].sort() },
          { entityId: COUGH.id, documentCount: 2, evidenceDocumentIds: [d1, d4].sort() },
        ]);
        expect(page.totalCount).toBe(2);
        expect(d5).toBeDefined();
      });

      it('is empty for an entity without accepted mentions', async () => {
        await seed();
        await store.upsertEntities([ASTHMA_SYNDROME]);
        expect(await store.coMentions(ASTHMA_SYNDROME.id, { first: 10 })).toEqual({ items: [], totalCount: 0, endCursor: null, hasNextPage: false });
      });
    });
  });
}

type EntityType = EntityRecord['type'];
