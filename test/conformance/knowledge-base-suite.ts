/**
 * Conformance suite of the knowledge-base port (src/store/ports/knowledge-base.ts): every adapter runs these cases.
 */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { EntityName, EntityRecord, EntityType } from '../../src/domain/index.js';
import type { Store } from '../../src/store/port.js';
import { ASTHMA, COUGH, ASPIRIN, ETHANOL, ASTHMA_SYNDROME, asEntity } from './fixtures.js';

export function describeKnowledgeBaseConformance(name: string, open: () => Promise<Store>): void {
  describe(`KnowledgeBaseStore conformance: ${name}`, () => {
    let store: Store;
    beforeEach(async () => {
      store = await open();
    });
    afterEach(async () => {
      await store.close();
    });

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

    });
  });
}
