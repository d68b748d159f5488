/**
 * Conformance suite of the curation port (src/store/ports/curation.ts): every adapter runs these
 * cases. The rules are the shared curation service's; what differs per adapter is only the storage
 * under it (CurationStorage), so these cases check that each adapter's primitives give the service
 * the same answers: errors and their fields, resolution through merges, the audit trail, the
 * revision bump, atomicity of a refused edit, and edits that race.
 */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { CurationEdit, EntityName, Mention } from '../../src/domain/index.js';
import type { Store } from '../../src/store/port.js';
import { ASPIRIN, ASTHMA, ASTHMA_SYNDROME, COUGH, ETHANOL, PROVENANCE, firstMention, mention, putOne } from './fixtures.js';

const TEXT = 'Aspirin may worsen asthma. Asthma patients avoid aspirin and unknownol.';

export function describeCurationConformance(name: string, open: () => Promise<Store>): void {
  describe(`CurationStore conformance: ${name}`, () => {
    let store: Store;
    beforeEach(async () => {
      store = await open();
    });
    afterEach(async () => {
      await store.close();
    });

    const namesOf = async (entityId: string): Promise<EntityName[]> => {
      const out: EntityName[] = [];
      for await (const n of store.iterateNames()) if (n.entityId === entityId) out.push(n);
      return out;
    };
    const allEdits = async (): Promise<CurationEdit[]> => (await store.curationEdits({ first: 1000 })).items;
    /** A document whose first mention is 'Aspirin' linked to `entityId`; returns that mention. */
    const aspirinMention = async (entityId: string | null = ASPIRIN.id): Promise<Mention> => {
      const doc = await putOne(store, { text: TEXT });
      await store.replaceMentions(doc.id, doc.textHash, [mention(TEXT, 'Aspirin', 'CHEMICAL', entityId), mention(TEXT, 'asthma', 'DISEASE', ASTHMA.id)], PROVENANCE);
      return firstMention(store, doc.id);
    };

    describe('mergeEntities', () => {
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

      it('names the offending field, and a refused merge changes nothing', async () => {
        await store.upsertEntities([ASTHMA, COUGH, ASPIRIN]);
        const r = await store.kbRevision();
        await expect(store.mergeEntities(COUGH.id, 'MESH:NOPE', 'c')).rejects.toMatchObject({ code: 'NOT_FOUND', details: { field: 'targetId' } });
        await expect(store.mergeEntities('MESH:NOPE', COUGH.id, 'c')).rejects.toMatchObject({ code: 'NOT_FOUND', details: { field: 'sourceId' } });
        await expect(store.mergeEntities(COUGH.id, COUGH.id, 'c')).rejects.toMatchObject({ code: 'BAD_USER_INPUT', details: { field: 'targetId' } });
        await expect(store.mergeEntities(ASPIRIN.id, COUGH.id, 'c')).rejects.toMatchObject({
          code: 'BAD_USER_INPUT', message: 'cannot merge a CHEMICAL into a DISEASE', details: { field: 'targetId' },
        });
        await expect(store.mergeEntities(COUGH.id, ASTHMA.id, ' ')).rejects.toMatchObject({ code: 'BAD_USER_INPUT', details: { field: 'actor' } });
        expect(await store.kbRevision()).toBe(r);
        expect(await allEdits()).toEqual([]);
        expect((await store.getEntities([COUGH.id]))[0]).toMatchObject({ id: COUGH.id, mergedInto: null });
      });

      it('serialises two merges of the same source that race: one wins, the other is a CONFLICT', async () => {
        await store.upsertEntities([ASTHMA, COUGH, ASTHMA_SYNDROME]);
        const results = await Promise.allSettled([
          store.mergeEntities(ASTHMA_SYNDROME.id, ASTHMA.id, 'curator-1'),
          store.mergeEntities(ASTHMA_SYNDROME.id, COUGH.id, 'curator-2'),
        ]);
        expect(results.map((r) => r.status).sort()).toEqual(['fulfilled', 'rejected']);
        expect(results.find((r) => r.status === 'rejected')).toMatchObject({ reason: { code: 'CONFLICT' } });
        expect((await allEdits()).map((e) => e.action)).toEqual(['merge-entity']);
      });
    });

    describe('addSynonym and removeSynonym', () => {
      it('adds a trimmed curator name that lookups, search and the name stream see, and bumps the revision', async () => {
        await store.upsertEntities([ASPIRIN, ETHANOL]);
        const r = await store.kbRevision();
        const entity = await store.addSynonym(ASPIRIN.id, '  Aspirina ', 'curator-1');
        expect(entity).toMatchObject({ id: ASPIRIN.id, synonyms: ['Acetylsalicylic Acid', 'ASA', 'Aspirina'] });
        expect(await store.kbRevision()).toBeGreaterThan(r);
        expect((await namesOf(ASPIRIN.id)).find((n) => n.name === 'Aspirina')).toEqual({ entityId: ASPIRIN.id, type: 'CHEMICAL', name: 'Aspirina', origin: 'curator', source: 'curator' });
        expect((await store.searchEntities('aspirina', { first: 5 })).map((e) => e.id)).toEqual([ASPIRIN.id]);
      });

      it('refuses a name the entity already has, an unknown entity and blank input, writing nothing', async () => {
        await store.upsertEntities([ASPIRIN]);
        await store.addSynonym(ASPIRIN.id, 'Aspirina', 'curator-1');
        const r = await store.kbRevision();
        await expect(store.addSynonym(ASPIRIN.id, 'Aspirina', 'curator-2')).rejects.toMatchObject({ code: 'CONFLICT', details: { field: 'name' } });
        await expect(store.addSynonym(ASPIRIN.id, 'ASA', 'curator-2')).rejects.toMatchObject({ code: 'CONFLICT', details: { field: 'name' } });
        await expect(store.addSynonym('MESH:NOPE', 'x', 'curator-2')).rejects.toMatchObject({ code: 'NOT_FOUND', details: { field: 'entityId' } });
        await expect(store.addSynonym(ASPIRIN.id, '  ', 'curator-2')).rejects.toMatchObject({ code: 'BAD_USER_INPUT', details: { field: 'name' } });
        await expect(store.addSynonym(ASPIRIN.id, 'y', '')).rejects.toMatchObject({ code: 'BAD_USER_INPUT', details: { field: 'actor' } });
        await expect(store.removeSynonym(ASPIRIN.id, 'not a name', 'curator-2')).rejects.toMatchObject({ code: 'NOT_FOUND', details: { field: 'name' } });
        await expect(store.removeSynonym('MESH:NOPE', 'ASA', 'curator-2')).rejects.toMatchObject({ code: 'NOT_FOUND', details: { field: 'entityId' } });
        expect(await store.kbRevision()).toBe(r);
        expect((await allEdits()).map((e) => e.action)).toEqual(['add-synonym']);
      });

      it('removes any name; a re-import keeps it removed; adding it again brings it back as the curator’s', async () => {
        await store.upsertEntities([ASPIRIN]);
        const r = await store.kbRevision();
        expect(await store.removeSynonym(ASPIRIN.id, ' ASA ', 'curator-1')).toMatchObject({ id: ASPIRIN.id, synonyms: ['Acetylsalicylic Acid'] });
        expect(await store.kbRevision()).toBeGreaterThan(r);
        expect((await namesOf(ASPIRIN.id)).map((n) => n.name)).not.toContain('ASA');
        await expect(store.removeSynonym(ASPIRIN.id, 'ASA', 'curator-1')).rejects.toMatchObject({ code: 'NOT_FOUND', details: { field: 'name' } });
        await store.upsertEntities([ASPIRIN]);
        expect((await store.getEntities([ASPIRIN.id]))[0]?.synonyms).toEqual(['Acetylsalicylic Acid']);
        expect((await store.addSynonym(ASPIRIN.id, 'ASA', 'curator-2')).synonyms).toEqual(['Acetylsalicylic Acid', 'ASA']);
        expect((await namesOf(ASPIRIN.id)).find((n) => n.name === 'ASA')).toMatchObject({ origin: 'curator' });
      });

      it('edits the merge target when given a merged id, names of merged entities included', async () => {
        await store.upsertEntities([ASTHMA, ASTHMA_SYNDROME]);
        await store.mergeEntities(ASTHMA_SYNDROME.id, ASTHMA.id, 'curator-1');
        expect(await store.addSynonym(ASTHMA_SYNDROME.id, 'ACOS', 'curator-1')).toMatchObject({ id: ASTHMA.id });
        await expect(store.addSynonym(ASTHMA.id, 'Asthma-COPD Overlap Syndrome', 'curator-1')).rejects.toMatchObject({ code: 'CONFLICT' });
        const removed = await store.removeSynonym(ASTHMA.id, 'Asthma-COPD Overlap Syndrome', 'curator-1');
        expect(removed.synonyms).toEqual(['Bronchial Asthma', 'Asthmas', 'ACOS']);
        const edits = await allEdits();
        expect(edits.slice(1).map(({ action, target, before, after }) => ({ action, target, before, after }))).toEqual([
          { action: 'add-synonym', target: ASTHMA.id, before: { name: null }, after: { name: 'ACOS' } },
          { action: 'remove-synonym', target: ASTHMA.id, before: { name: 'Asthma-COPD Overlap Syndrome', origin: 'vocabulary' }, after: { name: null } },
        ]);
      });
    });

    describe('reviewMention', () => {
      it('records review state and refuses unknown mentions', async () => {
        const doc = await putOne(store, { text: TEXT });
        await store.replaceMentions(doc.id, doc.textHash, [mention(TEXT, 'Aspirin', 'CHEMICAL', ASPIRIN.id)], PROVENANCE);
        const m = await firstMention(store, doc.id);
        expect(await store.reviewMention(m.id, 'rejected', 'curator-1')).toMatchObject({ id: m.id, review: 'rejected' });
        expect((await store.getMentions([m.id]))[0]?.review).toBe('rejected');
        await expect(store.reviewMention('men_nope', 'confirmed', 'curator-1')).rejects.toMatchObject({ code: 'NOT_FOUND' });
        await expect(store.reviewMention(m.id, 'maybe' as 'confirmed', 'curator-1')).rejects.toMatchObject({ code: 'BAD_USER_INPUT' });
      });

      it('returns the mention as stored afterwards and audits the change', async () => {
        await store.upsertEntities([ASPIRIN, ASTHMA]);
        const m = await aspirinMention();
        const confirmed = await store.reviewMention(m.id, 'confirmed', 'curator-1');
        expect(confirmed).toEqual({ ...m, review: 'confirmed' });
        expect((await store.getMentions([m.id]))[0]).toEqual(confirmed);
        expect((await allEdits()).map(({ actor, action, target, before, after }) => ({ actor, action, target, before, after }))).toEqual([
          { actor: 'curator-1', action: 'review-mention', target: m.id, before: { review: 'unreviewed' }, after: { review: 'confirmed' } },
        ]);
      });
    });

    describe('relinkMention', () => {
      it('links with method curator, confirmed, and audits the previous link', async () => {
        await store.upsertEntities([ASPIRIN, ETHANOL, ASTHMA]);
        const m = await aspirinMention(ETHANOL.id);
        const relinked = await store.relinkMention(m.id, ASPIRIN.id, 'curator-1');
        expect(relinked).toEqual({ ...m, entityId: ASPIRIN.id, linkMethod: 'curator', matchedName: null, linkConfidence: 1, review: 'confirmed' });
        expect((await store.getMentions([m.id]))[0]).toEqual(relinked);
        expect((await allEdits()).map(({ action, target, before, after }) => ({ action, target, before, after }))).toEqual([{
          action: 'relink-mention', target: m.id,
          before: { entityId: ETHANOL.id, linkMethod: 'exact', review: 'unreviewed' },
          after: { entityId: ASPIRIN.id, linkMethod: 'curator', review: 'confirmed', text: 'Aspirin', type: 'CHEMICAL' },
        }]);
      });

      it('resolves a merged entity id, links an unlinked mention, and keeps the verdict when re-annotation agrees', async () => {
        await store.upsertEntities([ASPIRIN, ETHANOL, ASTHMA]);
        await store.mergeEntities(ETHANOL.id, ASPIRIN.id, 'curator-1');
        const m = await aspirinMention(null);
        expect(await store.relinkMention(m.id, ETHANOL.id, 'curator-1')).toMatchObject({ entityId: ASPIRIN.id, review: 'confirmed' });
        const [doc] = await store.getDocuments([m.documentId]);
        await store.replaceMentions(doc!.id, doc!.textHash, [mention(TEXT, 'Aspirin', 'CHEMICAL', ASPIRIN.id)], PROVENANCE);
        expect((await firstMention(store, doc!.id))).toMatchObject({ entityId: ASPIRIN.id, linkMethod: 'exact', review: 'confirmed' });
      });

      it('refuses another type, unknown ids and blank input, naming the field and changing nothing', async () => {
        await store.upsertEntities([ASPIRIN, ASTHMA]);
        const m = await aspirinMention();
        await expect(store.relinkMention(m.id, ASTHMA.id, 'curator-1')).rejects.toMatchObject({
          code: 'BAD_USER_INPUT', message: 'cannot link a CHEMICAL mention to a DISEASE entity', details: { field: 'entityId' },
        });
        await expect(store.relinkMention('men_nope', ASPIRIN.id, 'curator-1')).rejects.toMatchObject({ code: 'NOT_FOUND', details: { field: 'mentionId' } });
        await expect(store.relinkMention(m.id, 'MESH:NOPE', 'curator-1')).rejects.toMatchObject({ code: 'NOT_FOUND', details: { field: 'entityId' } });
        await expect(store.relinkMention(m.id, ASPIRIN.id, '')).rejects.toMatchObject({ code: 'BAD_USER_INPUT', details: { field: 'actor' } });
        expect((await store.getMentions([m.id]))[0]).toEqual(m);
        expect(await allEdits()).toEqual([]);
      });
    });

    describe('curationEdits', () => {
      it('pages the audit trail oldest first with cursors and a total; refuses a bad page', async () => {
        expect(await store.curationEdits({ first: 10 })).toEqual({ items: [], totalCount: 0, endCursor: null, hasNextPage: false });
        await store.upsertEntities([ASPIRIN, ETHANOL, ASTHMA, COUGH]);
        const m = await aspirinMention(ETHANOL.id);
        await store.addSynonym(ASPIRIN.id, 'Aspirina', 'a');
        await store.removeSynonym(ASPIRIN.id, 'Aspirina', 'b');
        await store.mergeEntities(COUGH.id, ASTHMA.id, 'c');
        await store.reviewMention(m.id, 'rejected', 'd');
        await store.relinkMention(m.id, ASPIRIN.id, 'e');

        const p1 = await store.curationEdits({ first: 2 });
        expect(p1).toMatchObject({ totalCount: 5, hasNextPage: true });
        expect(p1.items.map((e) => [e.action, e.actor])).toEqual([['add-synonym', 'a'], ['remove-synonym', 'b']]);
        const p2 = await store.curationEdits({ first: 2, after: p1.endCursor });
        expect(p2.items.map((e) => [e.action, e.actor])).toEqual([['merge-entity', 'c'], ['review-mention', 'd']]);
        expect(p2.items[0]).toMatchObject({ target: COUGH.id, before: { mergedInto: null }, after: { mergedInto: ASTHMA.id } });
        const p3 = await store.curationEdits({ first: 2, after: p2.endCursor });
        expect(p3).toMatchObject({ totalCount: 5, hasNextPage: false });
        expect(p3.items.map((e) => e.action)).toEqual(['relink-mention']);
        expect(p3.endCursor).not.toBeNull();
        expect(await store.curationEdits({ first: 2, after: p3.endCursor })).toEqual({ items: [], totalCount: 5, endCursor: null, hasNextPage: false });

        const all = await allEdits();
        expect(all.map((e) => e.id)).toEqual([...all.map((e) => e.id)].sort());
        for (const e of all) expect(Number.isNaN(Date.parse(e.at))).toBe(false);
        expect(await store.curationEdits({ first: 0 })).toEqual({ items: [], totalCount: 5, endCursor: null, hasNextPage: true });
        await expect(store.curationEdits({ first: -1 })).rejects.toMatchObject({ code: 'BAD_USER_INPUT', details: { field: 'first' } });
        await expect(store.curationEdits({ first: 1, after: 'not-a-cursor' })).rejects.toMatchObject({ code: 'BAD_USER_INPUT', details: { field: 'after' } });
      });
    });

    describe('curatedLinks', () => {
      it('lists distinct confirmed and curator-linked (text, type, entity), merged ids as their target, rejected left out', async () => {
        expect(await store.curatedLinks()).toEqual([]);
        await store.upsertEntities([ASPIRIN, ETHANOL, ASTHMA]);
        const a = await aspirinMention(ETHANOL.id);
        const b = await aspirinMention(ASPIRIN.id);
        const asthma = (await store.getMentionsByDocument([b.documentId]))[0]!.find((m) => m.text === 'asthma')!;
        await store.reviewMention(a.id, 'confirmed', 'curator-1');
        await store.relinkMention(b.id, ASPIRIN.id, 'curator-1');
        await store.reviewMention(asthma.id, 'rejected', 'curator-1');
        expect(await store.curatedLinks()).toEqual([
          { text: 'Aspirin', type: 'CHEMICAL', entityId: ETHANOL.id },
          { text: 'Aspirin', type: 'CHEMICAL', entityId: ASPIRIN.id },
        ]);
        await store.mergeEntities(ETHANOL.id, ASPIRIN.id, 'curator-1');
        expect(await store.curatedLinks()).toEqual([{ text: 'Aspirin', type: 'CHEMICAL', entityId: ASPIRIN.id }]);
      });
    });
    describe('created and retired entities', () => {
      it("creates a curator's entity and retires it: audited, hidden from names, search and counts, still readable", async () => {
      const allNames = async (): Promise<EntityName[]> => {
        const out: EntityName[] = [];
        for await (const x of store.iterateNames()) out.push(x);
        return out;
      };
        await store.upsertEntities([ASPIRIN]);
        const r = await store.kbRevision();
        const created = await store.createEntity({ id: 'LAB:9', type: 'CHEMICAL', name: 'Fooxib', synonyms: ['FX-9', 'Fooxib'], parentIds: [ASPIRIN.id] }, 'curator-1');
        expect(created).toEqual({ id: 'LAB:9', type: 'CHEMICAL', name: 'Fooxib', synonyms: ['FX-9'], parentIds: [ASPIRIN.id], treeNumbers: [], source: 'curator', mergedInto: null });
        expect(await store.kbRevision()).toBeGreaterThan(r);
        expect((await allNames()).filter((n) => n.entityId === 'LAB:9')).toEqual([
          { entityId: 'LAB:9', type: 'CHEMICAL', name: 'Fooxib', origin: 'curator', source: 'curator' },
          { entityId: 'LAB:9', type: 'CHEMICAL', name: 'FX-9', origin: 'curator', source: 'curator' },
        ]);
        await expect(store.createEntity({ id: 'LAB:9', type: 'CHEMICAL', name: 'Again' }, 'c')).rejects.toMatchObject({ code: 'CONFLICT' });
        await expect(store.createEntity({ id: 'no prefix', type: 'CHEMICAL', name: 'X' }, 'c')).rejects.toMatchObject({ code: 'BAD_USER_INPUT' });
        await expect(store.createEntity({ type: 'CHEMICAL', name: 'X', parentIds: ['LAB:NOPE'] }, 'c')).rejects.toMatchObject({ code: 'NOT_FOUND' });
        const generated = await store.createEntity({ type: 'DISEASE', name: 'Foo fever' }, 'c');
        expect(generated.id).toMatch(/^VANER:entity_/);

        expect(await store.retireEntity('LAB:9', true, 'curator-1')).toMatchObject({ id: 'LAB:9', retired: true });
        expect((await allNames()).filter((n) => n.entityId === 'LAB:9')).toEqual([]);
        expect(await store.searchEntities('fooxib', { first: 5 })).toEqual([]);
        expect(await store.countEntities()).toBe(2);
        expect((await store.getEntities(['LAB:9']))[0]).toMatchObject({ id: 'LAB:9', retired: true });
        // Retiring twice changes nothing and is not audited twice.
        await store.retireEntity('LAB:9', true, 'curator-1');
        await store.retireEntity('LAB:9', false, 'curator-1');
        expect((await store.searchEntities('fooxib', { first: 5 })).map((e) => e.id)).toEqual(['LAB:9']);
        const edits = (await store.curationEdits({ first: 10 })).items.map((e) => [e.action, e.target]);
        expect(edits).toEqual([['create-entity', 'LAB:9'], ['create-entity', generated.id], ['retire-entity', 'LAB:9'], ['restore-entity', 'LAB:9']]);
        await expect(store.retireEntity('LAB:NOPE', true, 'c')).rejects.toMatchObject({ code: 'NOT_FOUND' });
      });

    });
  });
}
