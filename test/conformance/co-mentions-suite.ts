/**
 * Conformance suite of the co-mention port (src/store/ports/co-mentions.ts): every adapter runs these cases.
 */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { CoMentionArgs, CoMentionEvidence, CoMentionGraph, EntityRecord, Mention, MentionInput, StoredDocument } from '../../src/domain/index.js';
import type { Store } from '../../src/store/port.js';
import { ASTHMA, COUGH, ASPIRIN, ETHANOL, ASTHMA_SYNDROME, PROVENANCE, mention, putOne, legacyFields } from './fixtures.js';

export function describeCoMentionsConformance(name: string, open: () => Promise<Store>): void {
  describe(`CoMentionStore conformance: ${name}`, () => {
    let store: Store;
    beforeEach(async () => {
      store = await open();
    });
    afterEach(async () => {
      await store.close();
    });

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
        const evidence = await store.coMentionEvidence(S, A, { first: 2 });
        expect(evidence).toMatchObject({ totalCount: 3, hasNextPage: true });
        const strip = (items: CoMentionEvidence[]) => items.map(({ mentionA, mentionB, ...rest }) => ({
          ...rest, mentionA: { start: mentionA.start, end: mentionA.end, text: mentionA.text }, mentionB: { start: mentionB.start, end: mentionB.end, text: mentionB.text },
        }));
        expect(strip(evidence.items)).toEqual(byDoc.slice(0, 2).map((d) => ({ ...expected(d), sentence: null, sentenceText: null })));
        const rest = await store.coMentionEvidence(S, A, { first: 2, after: evidence.endCursor });
        expect(strip(rest.items)).toEqual(byDoc.slice(2).map((d) => ({ ...expected(d), sentence: null, sentenceText: null })));
        expect(rest.hasNextPage).toBe(false);

        const sentences = await store.coMentionEvidence(A, C, { first: 10, level: 'SENTENCE' });
        expect(sentences.totalCount).toBe(1);
        expect(strip(sentences.items)).toEqual([{
          documentId: d1!.id, sentence: 1, sentenceText: 'Cough followed aspirin.',
          mentionA: first(d1!, 'aspirin'), mentionB: first(d1!, 'Cough'),
        }]);
        expect((await store.coMentionEvidence(S, C, { first: 10, level: 'SENTENCE' })).items).toEqual([]);
        await expect(store.coMentionEvidence(S, S, { first: 10 })).rejects.toMatchObject({ code: 'BAD_USER_INPUT' });
      });

      it('builds bounded graphs and refuses depth or limit beyond the caps', async () => {
        await seedCorpus();
        const edgeIds = (g: CoMentionGraph) => g.edges.map((e) => `${e.a}>${e.b}`);
        const one = await store.coMentionGraph({ seedIds: [S] });
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

        const capped = await store.coMentionGraph({ seedIds: [S], limit: 2, orderBy: 'LLR' });
        expect(edgeIds(capped)).toEqual([`${S}>${E}`, `${S}>${A}`]);
        expect(capped.truncated).toBe(true);

        // Hop 2 from A: S (exists), C (2 documents), then E and B (1 each, by id); from E: C; from C: B.
        const two = await store.coMentionGraph({ seedIds: [S], depth: 2 });
        expect(edgeIds(two)).toEqual([`${S}>${A}`, `${S}>${E}`, `${S}>${C}`, `${A}>${C}`, `${A}>${E}`, `${A}>${B}`, `${E}>${C}`, `${C}>${B}`]);
        expect(two.nodes.map((n) => [n.entityId, n.depth])).toEqual([[S, 0], [A, 1], [E, 1], [C, 1], [B, 2]]);
        expect(two.truncated).toBe(false);

        const chemicals = await store.coMentionGraph({ seedIds: [S], depth: 2, types: ['CHEMICAL'], level: 'SENTENCE' });
        expect(edgeIds(chemicals)).toEqual([`${S}>${A}`, `${S}>${E}`, `${A}>${E}`]);

        for (const bad of [{ depth: 3 }, { depth: 0 }, { limit: 501 }, { limit: 0 }, { minCount: 0 }, { types: ['PLANET' as never] }]) {
          await expect(store.coMentionGraph({ seedIds: [S], ...bad })).rejects.toMatchObject({ code: 'BAD_USER_INPUT' });
        }
        await expect(store.coMentionGraph({ seedIds: [] })).rejects.toMatchObject({ code: 'BAD_USER_INPUT' });
      });
    });
  });
}
