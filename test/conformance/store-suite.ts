/**
 * The Store conformance suite: every adapter of src/store/port.ts runs these exact cases.
 * `open` must return a fresh, empty store each call; the suite closes it after each test.
 */
import { createHash } from 'node:crypto';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { AnnotationProvenance, CoMention, CoMentionArgs, CoMentionEvidence, CoMentionGraph, DocumentInput, EntityName, EntityRecord, Mention, MentionInput, StoredDocument } from '../../src/domain/index.js';
import type { Store } from '../../src/store/port.js';

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

/** The fields every co-mention had before scores were added; the scored fields are asserted in 'co-mention counts and scores'. */
function legacyFields(items: readonly CoMention[]): Pick<CoMention, 'entityId' | 'documentCount' | 'evidenceDocumentIds'>[] {
  return items.map(({ entityId, documentCount, evidenceDocumentIds }) => ({ entityId, documentCount, evidenceDocumentIds }));
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

      it('lists children by name (merged ones left out) and names with their origin, merged names after', async () => {
        const OBSTRUCTIVE: EntityRecord = { id: 'MESH:D008173', type: 'DISEASE', name: 'Lung Diseases, Obstructive', synonyms: [], parentIds: [], treeNumbers: ['C08.381.495'], source: 'ctd-medic' };
        const BRONCHITIS: EntityRecord = { id: 'MESH:D001991', type: 'DISEASE', name: 'Bronchitis', synonyms: [], parentIds: [OBSTRUCTIVE.id], treeNumbers: ['C08.381.495.146'], source: 'ctd-medic' };
        await store.upsertEntities([OBSTRUCTIVE, BRONCHITIS, ASTHMA, COUGH, ASTHMA_SYNDROME]);
        const children = async (id: string, first = 10) => (await store.getChildEntities(id, { first })).map((e) => e.id);
        expect(await children(OBSTRUCTIVE.id)).toEqual([ASTHMA.id, BRONCHITIS.id]);
        expect(await children(OBSTRUCTIVE.id, 1)).toEqual([ASTHMA.id]);
        expect(await children(OBSTRUCTIVE.id, 0)).toEqual([]);
        expect(await children(COUGH.id)).toEqual([]);
        expect(await children('MESH:NOPE')).toEqual([]);
        await store.mergeEntities(BRONCHITIS.id, COUGH.id, 'curator-1');
        expect(await children(OBSTRUCTIVE.id)).toEqual([ASTHMA.id]);
        await expect(store.getChildEntities(' ', { first: 5 })).rejects.toMatchObject({ code: 'BAD_USER_INPUT' });

        await store.addNames([{ entityId: ASTHMA.id, type: 'DISEASE', name: 'asthma attack', origin: 'annotation' }]);
        await store.addSynonym(ASTHMA.id, 'Asthma bronchiale', 'curator-1');
        await store.removeSynonym(ASTHMA.id, 'Asthmas', 'curator-1');
        await store.mergeEntities(ASTHMA_SYNDROME.id, ASTHMA.id, 'curator-1');
        const name = (entityId: string, n: string, origin: string): EntityName => ({ entityId, type: 'DISEASE', name: n, origin });
        // Asked by the merged id: the target's names, its own first, then those of the merged entity.
        expect(await store.getEntityNames(ASTHMA_SYNDROME.id)).toEqual([
          name(ASTHMA.id, 'Asthma', 'vocabulary'),
          name(ASTHMA.id, 'Bronchial Asthma', 'vocabulary'),
          name(ASTHMA.id, 'asthma attack', 'annotation'),
          name(ASTHMA.id, 'Asthma bronchiale', 'curator'),
          name(ASTHMA_SYNDROME.id, 'Asthma-COPD Overlap Syndrome', 'vocabulary'),
        ]);
        expect(await store.getEntityNames('MESH:NOPE')).toEqual([]);
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

        // Text: a substring of the text or title, ASCII case folded, combinable with the other filters; blank is no filter.
        expect((await store.listDocuments({ first: 10, filter: { text: 'TEXT X' } })).items.map((d) => d.externalId)).toEqual(['PMID:x1', 'PMID:x2', 'PMID:x3']);
        expect((await store.listDocuments({ first: 10, filter: { text: 'aspirin', externalIdPrefix: 'PMID:y' } })).totalCount).toBe(2);
        expect((await store.listDocuments({ first: 10, filter: { text: '2 with', annotated: true } })).items.map((d) => d.externalId)).toEqual(['PMID:x2', 'PMID:y2']);
        expect((await store.listDocuments({ first: 10, filter: { text: '  ' } })).totalCount).toBe(5);
        expect((await store.listDocuments({ first: 10, filter: { text: 'ibuprofen' } })).totalCount).toBe(0);
        await store.putDocuments([{ externalId: 'T1', title: 'Lithium toxicity', text: 'A case report.' }]);
        expect((await store.listDocuments({ first: 10, filter: { text: 'lithium' } })).items.map((d) => d.externalId)).toEqual(['T1']);
        await expect(store.listDocuments({ first: 1, filter: { text: 'x'.repeat(201) } })).rejects.toMatchObject({ code: 'BAD_USER_INPUT' });

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
        expect(legacyFields(page.items)).toEqual([
          { entityId: ASPIRIN.id, documentCount: 2, evidenceDocumentIds: [d1, d2].sort() },
          { entityId: ETHANOL.id, documentCount: 1, evidenceDocumentIds: [d3] },
          { entityId: COUGH.id, documentCount: 1, evidenceDocumentIds: [d1] },
        ]);
        expect(page).toMatchObject({ totalCount: 3, hasNextPage: false });
      });

      it('filters by partner type, caps evidence, and pages with cursors', async () => {
        const [d1, d2, d3] = await seed();
        const chemicals = await store.coMentions(ASTHMA.id, { first: 10, type: 'CHEMICAL', evidenceLimit: 1 });
        expect(legacyFields(chemicals.items)).toEqual([
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
        expect(legacyFields((await store.coMentions(ASTHMA.id, { first: 10 })).items)).toEqual([
          { entityId: ASPIRIN.id, documentCount: 3, evidenceDocumentIds: [d1, d2, d3].sort() },
          { entityId: COUGH.id, documentCount: 1, evidenceDocumentIds: [d1] },
        ]);
        // ETHANOL resolves to ASPIRIN: aspirin's documents are d1 d2 d4 d5 and (via ethanol) d3.
        const page = await store.coMentions(ETHANOL.id, { first: 10 });
        expect(legacyFields(page.items)).toEqual([
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

    // ---------- co-mention counts, scores, evidence, graph ----------

    describe('co-mention counts and scores', () => {
      const BRONCHIAL: EntityRecord = {
        id: 'MESH:D001982', type: 'DISEASE', name: 'Bronchial Diseases', synonyms: [], parentIds: [], treeNumbers: ['C08.127'], source: 'ctd-medic',
      };
      const BRONCHITIS: EntityRecord = {
        id: 'MESH:D001991', type: 'DISEASE', name: 'Bronchitis', synonyms: [], parentIds: [BRONCHIAL.id], treeNumbers: ['C08.127.446'], source: 'ctd-medic',
      };
      const S = ASTHMA.id;
      const A = ASPIRIN.id;
      const C = COUGH.id;
      const E = ETHANOL.id;
      const B = BRONCHITIS.id;
      type Spec = [needle: string, type: MentionInput['type'], id: string | null, sentence: number, from?: number];
      const at = (text: string, [needle, type, id, sentence, from]: Spec): MentionInput => ({ ...mention(text, needle, type, id, from ?? 0), sentence });
      const ln = Math.log;

      /**
       * Units after seeding (s = sentence index):
       *   d1 "Aspirin caused asthma. Cough followed aspirin."  s0 {A,S}  s1 {C,A}
       *   d2 "Aspirin and ethanol worsened asthma."            s0 {A,E,S}
       *   d3 "Ethanol induced cough. Asthma was absent."       s0 {E,C}  s1 {S}
       *   d4 "Bronchitis after aspirin. Cough."                s0 {B,A}  s1 {C}
       *   d5 "Asthma and cough."                               s0 {C}    (the asthma mention is rejected)
       *   d6 "Ethanol and aspirin and asthma."                 s0 {A,S}  (first annotated {E,S}, then re-annotated)
       *   d7 "Nothing linked here."                            only an unlinked mention: not a unit
       * Totals: 6 documents, 9 sentences. Document frequency A 4, S 4, C 4, E 2, B 1; sentence frequency A 5, S 4, C 4, E 2, B 1.
       */
      async function seedCorpus(): Promise<{ docs: StoredDocument[]; rejected: Mention }> {
        await store.upsertEntities([ASTHMA, COUGH, ASPIRIN, ETHANOL, BRONCHIAL, BRONCHITIS]);
        const spec: [string, Spec[]][] = [
          ['Aspirin caused asthma. Cough followed aspirin.', [['Aspirin', 'CHEMICAL', A, 0], ['asthma', 'DISEASE', S, 0], ['Cough', 'DISEASE', C, 1], ['aspirin', 'CHEMICAL', A, 1]]],
          ['Aspirin and ethanol worsened asthma.', [['Aspirin', 'CHEMICAL', A, 0], ['ethanol', 'CHEMICAL', E, 0], ['asthma', 'DISEASE', S, 0]]],
          ['Ethanol induced cough. Asthma was absent.', [['Ethanol', 'CHEMICAL', E, 0], ['cough', 'DISEASE', C, 0], ['Asthma', 'DISEASE', S, 1]]],
          ['Bronchitis after aspirin. Cough.', [['Bronchitis', 'DISEASE', B, 0], ['aspirin', 'CHEMICAL', A, 0], ['Cough', 'DISEASE', C, 1]]],
          ['Asthma and cough.', [['Asthma', 'DISEASE', S, 0], ['cough', 'DISEASE', C, 0]]],
          ['Ethanol and aspirin and asthma.', [['Ethanol', 'CHEMICAL', E, 0], ['asthma', 'DISEASE', S, 0]]],
          ['Nothing linked here.', [['Nothing', 'CHEMICAL', null, 0]]],
        ];
        const docs: StoredDocument[] = [];
        for (const [i, [text, mentions]] of spec.entries()) {
          const doc = await putOne(store, { externalId: `cm-${i + 1}`, text });
          expect(await store.replaceMentions(doc.id, doc.textHash, mentions.map((m) => at(text, m)), PROVENANCE)).toBe(true);
          docs.push(doc);
        }
        const d6 = docs[5]!;
        expect(await store.replaceMentions(d6.id, d6.textHash, [at(d6.text, ['aspirin', 'CHEMICAL', A, 0]), at(d6.text, ['asthma', 'DISEASE', S, 0])], PROVENANCE)).toBe(true);
        const asthmaInD5 = (await store.getMentionsByDocument([docs[4]!.id]))[0]!.find((m) => m.entityId === S)!;
        const rejected = await store.reviewMention(asthmaInD5.id, 'rejected', 'curator-1');
        return { docs, rejected };
      }

      // 2×2 tables by hand, G² = 2 Σ O ln(O/E) (see the comments for the expected cells).
      const DOC = {
        // S–A: O = 3 1 / 1 1, E = 8/3 4/3 / 4/3 2/3
        A: { npmi: ln(3 * 6 / 16) / -ln(3 / 6), llr: 2 * (3 * ln(3 / (8 / 3)) + ln(1 / (4 / 3)) + ln(1 / (4 / 3)) + ln(1 / (2 / 3))) },
        // S–E: O = 2 2 / 0 2, E = 4/3 8/3 / 2/3 4/3
        E: { npmi: ln(2 * 6 / 8) / -ln(2 / 6), llr: 2 * (2 * ln(2 / (4 / 3)) + 2 * ln(2 / (8 / 3)) + 2 * ln(2 / (4 / 3))) },
        // S–C: O = 2 2 / 2 0, E = 8/3 4/3 / 4/3 2/3; fewer than expected → negative
        C: { npmi: ln(2 * 6 / 16) / -ln(2 / 6), llr: -2 * (2 * ln(2 / (8 / 3)) + 2 * ln(2 / (4 / 3)) + 2 * ln(2 / (4 / 3))) },
      };
      const SENT = {
        // n = 9, S in 4 sentences. S–A: O = 3 1 / 2 3, E = 20/9 16/9 / 25/9 20/9
        A: { npmi: ln(3 * 9 / 20) / -ln(3 / 9), llr: 2 * (3 * ln(3 / (20 / 9)) + ln(1 / (16 / 9)) + 2 * ln(2 / (25 / 9)) + 3 * ln(3 / (20 / 9))) },
        // S–E: O = 1 3 / 1 4, E = 8/9 28/9 / 10/9 35/9
        E: { npmi: ln(1 * 9 / 8) / -ln(1 / 9), llr: 2 * (ln(1 / (8 / 9)) + 3 * ln(3 / (28 / 9)) + ln(1 / (10 / 9)) + 4 * ln(4 / (35 / 9))) },
      };

      it('counts documents and sentences, frequencies and scores exactly (rejected mention and re-annotation included)', async () => {
        const { docs } = await seedCorpus();
        const [d1, d2, d3, , , d6] = docs.map((d) => d.id);
        const page = await store.coMentions(S, { first: 10 });
        expect(page.items.map(({ npmi: _n, llr: _l, ...rest }) => rest)).toEqual([
          { entityId: A, documentCount: 3, sentenceCount: 3, partnerDocumentCount: 4, partnerSentenceCount: 5, evidenceDocumentIds: [d1!, d2!, d6!].sort() },
          { entityId: E, documentCount: 2, sentenceCount: 1, partnerDocumentCount: 2, partnerSentenceCount: 2, evidenceDocumentIds: [d2!, d3!].sort() },
          { entityId: C, documentCount: 2, sentenceCount: 0, partnerDocumentCount: 4, partnerSentenceCount: 4, evidenceDocumentIds: [d1!, d3!].sort() },
        ]);
        expect(page.totalCount).toBe(3);
        for (const item of page.items) {
          const want = DOC[item.entityId === A ? 'A' : item.entityId === E ? 'E' : 'C'];
          expect(item.npmi).toBeCloseTo(want.npmi, 9);
          expect(item.llr).toBeCloseTo(want.llr, 9);
        }

        const sentences = await store.coMentions(S, { first: 10, level: 'SENTENCE' });
        expect(sentences.items.map((c) => [c.entityId, c.sentenceCount, c.evidenceDocumentIds])).toEqual([
          [A, 3, [d1!, d2!, d6!].sort()],
          [E, 1, [d2!]],
        ]);
        expect(sentences.items[0]!.npmi).toBeCloseTo(SENT.A.npmi, 9);
        expect(sentences.items[0]!.llr).toBeCloseTo(SENT.A.llr, 9);
        expect(sentences.items[1]!.npmi).toBeCloseTo(SENT.E.npmi, 9);
        expect(sentences.items[1]!.llr).toBeCloseTo(SENT.E.llr, 9);
      });

      it('orders by NPMI and LLR, filters by minCount and type, pages with ordering-bound cursors', async () => {
        await seedCorpus();
        const ids = async (args: Omit<CoMentionArgs, 'first'>): Promise<string[]> => (await store.coMentions(S, { first: 10, ...args })).items.map((c) => c.entityId);
        expect(await ids({ orderBy: 'NPMI' })).toEqual([E, A, C]);
        expect(await ids({ orderBy: 'LLR' })).toEqual([E, A, C]);
        expect(await ids({ orderBy: 'COUNT', minCount: 3 })).toEqual([A]);
        expect(await ids({ level: 'SENTENCE', minCount: 2 })).toEqual([A]);
        expect(await ids({ orderBy: 'NPMI', type: 'DISEASE' })).toEqual([C]);
        expect((await store.coMentions(S, { first: 10, minCount: 3 })).totalCount).toBe(1);

        const seen: string[] = [];
        let after: string | null = null;
        for (let i = 0; i < 3; i++) {
          const p: Awaited<ReturnType<Store['coMentions']>> = await store.coMentions(S, { first: 1, after, orderBy: 'NPMI' });
          expect(p).toMatchObject({ totalCount: 3, hasNextPage: i < 2 });
          seen.push(...p.items.map((c) => c.entityId));
          after = p.endCursor;
        }
        expect(seen).toEqual([E, A, C]);
        const countCursor = (await store.coMentions(S, { first: 1 })).endCursor;
        await expect(store.coMentions(S, { first: 1, after: countCursor, orderBy: 'LLR' })).rejects.toMatchObject({ code: 'BAD_USER_INPUT' });
        await expect(store.coMentions(S, { first: 1, level: 'PARAGRAPH' as never })).rejects.toMatchObject({ code: 'BAD_USER_INPUT' });
        await expect(store.coMentions(S, { first: 1, orderBy: 'PMI' as never })).rejects.toMatchObject({ code: 'BAD_USER_INPUT' });
        await expect(store.coMentions(S, { first: 1, minCount: 0 })).rejects.toMatchObject({ code: 'BAD_USER_INPUT' });
      });

      it('rolls a MeSH term up with its descendants, counting each document once', async () => {
        await seedCorpus();
        // Group {Bronchial Diseases, Asthma, Bronchitis}: documents d1 d2 d3 d4 d6 (5), sentences d1s0 d2s0 d3s1 d4s0 d6s0 (5).
        const page = await store.coMentions(BRONCHIAL.id, { first: 10, rollUp: true });
        expect(page.items.map((c) => [c.entityId, c.documentCount, c.sentenceCount])).toEqual([[A, 4, 4], [C, 3, 0], [E, 2, 1]]);
        expect(page.items[0]!.npmi).toBeCloseTo(ln(4 * 6 / 20) / -ln(4 / 6), 9);
        const sentences = await store.coMentions(BRONCHIAL.id, { first: 10, rollUp: true, level: 'SENTENCE' });
        expect(sentences.items.map((c) => [c.entityId, c.sentenceCount])).toEqual([[A, 4], [E, 1]]);
        expect(sentences.items[0]!.npmi).toBeCloseTo(ln(4 * 9 / 25) / -ln(4 / 9), 9);
        // Without roll-up the grouping term itself has no mentions; asthma rolled up (no descendants) equals asthma alone.
        expect((await store.coMentions(BRONCHIAL.id, { first: 10 })).totalCount).toBe(0);
        expect((await store.coMentions(S, { first: 10, rollUp: true, orderBy: 'LLR' })).items).toEqual((await store.coMentions(S, { first: 10, orderBy: 'LLR' })).items);
      });

      it('follows review, merge and text changes incrementally', async () => {
        const { docs, rejected } = await seedCorpus();
        await store.reviewMention(rejected.id, 'confirmed', 'curator-1');
        const afterReview = await store.coMentions(S, { first: 10 });
        expect(afterReview.items.map((c) => [c.entityId, c.documentCount, c.sentenceCount])).toEqual([[A, 3, 3], [C, 3, 1], [E, 2, 1]]);
        await store.reviewMention(rejected.id, 'rejected', 'curator-1');

        await store.mergeEntities(E, A, 'curator-1');
        // Aspirin now also stands for ethanol: documents d1 d2 d3 d4 d6, sentences d1s0 d1s1 d2s0 d3s0 d4s0 d6s0.
        const merged = await store.coMentions(S, { first: 10 });
        expect(merged.items.map((c) => [c.entityId, c.documentCount, c.sentenceCount, c.partnerDocumentCount, c.partnerSentenceCount])).toEqual([
          [A, 4, 3, 5, 6],
          [C, 2, 0, 4, 4],
        ]);

        // A changed text drops the document's mentions: d6 no longer counts (5 documents, 8 sentences).
        await store.putDocuments([{ externalId: 'cm-6', text: 'Changed text without annotations.' }]);
        const changed = await store.coMentions(S, { first: 10, level: 'SENTENCE' });
        expect(changed.items.map((c) => [c.entityId, c.documentCount, c.sentenceCount, c.partnerDocumentCount])).toEqual([[A, 3, 2, 4]]);
        // S–A at sentence level: nab 2, S in 3 sentences, A in 5, n = 8.
        expect(changed.items[0]!.npmi).toBeCloseTo(ln(2 * 8 / 15) / -ln(2 / 8), 9);
        expect(docs).toHaveLength(7);
      });

      it('lists evidence per document and per sentence with both mentions and the sentence text', async () => {
        const { docs } = await seedCorpus();
        const [d1, d2, , , , d6] = docs;
        const byDoc = [d1!, d2!, d6!].sort((x, y) => (x.id < y.id ? -1 : 1));
        const first = (doc: StoredDocument, needle: string) => {
          const start = doc.text.indexOf(needle);
          return { start, end: start + needle.length, text: needle };
        };
        const expected = (doc: StoredDocument) => ({
          documentId: doc.id,
          mentionA: first(doc, doc === d1 ? 'asthma' : 'asthma'),
          mentionB: first(doc, doc === d6 ? 'aspirin' : 'Aspirin'),
        });
        const evidence = await store.coMentionEvidence!(S, A, { first: 2 });
        expect(evidence).toMatchObject({ totalCount: 3, hasNextPage: true });
        const strip = (items: CoMentionEvidence[]) => items.map(({ mentionA, mentionB, ...rest }) => ({
          ...rest, mentionA: { start: mentionA.start, end: mentionA.end, text: mentionA.text }, mentionB: { start: mentionB.start, end: mentionB.end, text: mentionB.text },
        }));
        expect(strip(evidence.items)).toEqual(byDoc.slice(0, 2).map((d) => ({ ...expected(d), sentence: null, sentenceText: null })));
        const rest = await store.coMentionEvidence!(S, A, { first: 2, after: evidence.endCursor });
        expect(strip(rest.items)).toEqual(byDoc.slice(2).map((d) => ({ ...expected(d), sentence: null, sentenceText: null })));
        expect(rest.hasNextPage).toBe(false);

        const sentences = await store.coMentionEvidence!(A, C, { first: 10, level: 'SENTENCE' });
        expect(sentences.totalCount).toBe(1);
        expect(strip(sentences.items)).toEqual([{
          documentId: d1!.id, sentence: 1, sentenceText: 'Cough followed aspirin.',
          mentionA: first(d1!, 'aspirin'), mentionB: first(d1!, 'Cough'),
        }]);
        expect((await store.coMentionEvidence!(S, C, { first: 10, level: 'SENTENCE' })).items).toEqual([]);
        await expect(store.coMentionEvidence!(S, S, { first: 10 })).rejects.toMatchObject({ code: 'BAD_USER_INPUT' });
      });

      it('builds bounded graphs and refuses depth or limit beyond the caps', async () => {
        await seedCorpus();
        const edgeIds = (g: CoMentionGraph) => g.edges.map((e) => `${e.a}>${e.b}`);
        const one = await store.coMentionGraph!({ seedIds: [S] });
        expect(one.nodes).toEqual([
          { entityId: S, depth: 0, documentCount: 4, sentenceCount: 4 },
          { entityId: A, depth: 1, documentCount: 4, sentenceCount: 5 },
          { entityId: E, depth: 1, documentCount: 2, sentenceCount: 2 },
          { entityId: C, depth: 1, documentCount: 4, sentenceCount: 4 },
        ]);
        expect(one.edges.map(({ npmi: _n, llr: _l, ...rest }) => rest)).toEqual([
          { a: S, b: A, documentCount: 3, sentenceCount: 3 },
          { a: S, b: E, documentCount: 2, sentenceCount: 1 },
          { a: S, b: C, documentCount: 2, sentenceCount: 0 },
        ]);
        expect(one.edges[0]!.npmi).toBeCloseTo(DOC.A.npmi, 9);
        expect(one.edges[0]!.llr).toBeCloseTo(DOC.A.llr, 9);
        expect(one.truncated).toBe(false);

        const capped = await store.coMentionGraph!({ seedIds: [S], limit: 2, orderBy: 'LLR' });
        expect(edgeIds(capped)).toEqual([`${S}>${E}`, `${S}>${A}`]);
        expect(capped.truncated).toBe(true);

        // Hop 2 from A: S (exists), C (2 documents), then E and B (1 each, by id); from E: C; from C: B.
        const two = await store.coMentionGraph!({ seedIds: [S], depth: 2 });
        expect(edgeIds(two)).toEqual([`${S}>${A}`, `${S}>${E}`, `${S}>${C}`, `${A}>${C}`, `${A}>${E}`, `${A}>${B}`, `${E}>${C}`, `${C}>${B}`]);
        expect(two.nodes.map((n) => [n.entityId, n.depth])).toEqual([[S, 0], [A, 1], [E, 1], [C, 1], [B, 2]]);
        expect(two.truncated).toBe(false);

        const chemicals = await store.coMentionGraph!({ seedIds: [S], depth: 2, types: ['CHEMICAL'], level: 'SENTENCE' });
        expect(edgeIds(chemicals)).toEqual([`${S}>${A}`, `${S}>${E}`, `${A}>${E}`]);

        for (const bad of [{ depth: 3 }, { depth: 0 }, { limit: 501 }, { limit: 0 }, { minCount: 0 }, { types: ['PLANET' as never] }]) {
          await expect(store.coMentionGraph!({ seedIds: [S], ...bad })).rejects.toMatchObject({ code: 'BAD_USER_INPUT' });
        }
        await expect(store.coMentionGraph!({ seedIds: [] })).rejects.toMatchObject({ code: 'BAD_USER_INPUT' });
      });
    });
  });
}

type EntityType = EntityRecord['type'];
