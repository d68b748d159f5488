/**
 * Conformance suite of the documents-and-mentions port (src/store/ports/documents.ts): every adapter runs these cases.
 */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { StoredDocument } from '../../src/domain/index.js';
import type { Store } from '../../src/store/port.js';
import { ASTHMA, ASPIRIN, ETHANOL, PROVENANCE, sha256, mention, putOne, firstMention } from './fixtures.js';

export function describeDocumentsConformance(name: string, open: () => Promise<Store>): void {
  describe(`DocumentStore conformance: ${name}`, () => {
    let store: Store;
    beforeEach(async () => {
      store = await open();
    });
    afterEach(async () => {
      await store.close();
    });

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
  });
}
