/**
 * Conformance suite of the knowledge-base port (src/store/ports/knowledge-base.ts): every adapter runs these cases.
 */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { EntityName, EntityRecord, EntityType } from '../../src/domain/index.js';
import type { Store } from '../../src/store/port.js';
import { ASTHMA, COUGH, ASPIRIN, ETHANOL, ASTHMA_SYNDROME, PROVENANCE, asEntity, mention, putOne } from './fixtures.js';

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
          { entityId: ASTHMA.id, type: 'DISEASE', name: 'Wheezing disease', origin: 'curator', source: 'curator' },
        ]);
        expect(names.filter((n) => n.name === 'ACOS')).toEqual([{ entityId: ASTHMA.id, type: 'DISEASE', name: 'ACOS', origin: 'vocabulary', source: 'ctd-medic' }]);
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
          { entityId: ASPIRIN.id, type: 'CHEMICAL', name: 'Aspirin', origin: 'vocabulary', source: 'mesh-2024' },
          { entityId: ASPIRIN.id, type: 'CHEMICAL', name: 'Acetylsalicylic Acid', origin: 'vocabulary', source: 'mesh-2024' },
          { entityId: ASPIRIN.id, type: 'CHEMICAL', name: 'ASA', origin: 'vocabulary', source: 'mesh-2024' },
          { entityId: ASPIRIN.id, type: 'CHEMICAL', name: 'Ethanol', origin: 'vocabulary', source: 'mesh-2024' },
          { entityId: ASPIRIN.id, type: 'CHEMICAL', name: 'Alcohol', origin: 'vocabulary', source: 'mesh-2024' },
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

    // ---------- users' vocabularies, sources, aliases, search ranking (issue 16) ----------

    describe('vocabulary sources and aliases', () => {
      const LAB_SOURCE = { name: 'lab-terms', format: 'tsv', file: 'lab.tsv' };
      const FOO: EntityRecord = { id: 'LAB:0001', type: 'CHEMICAL', name: 'Fooic acid', synonyms: ['FA-1'], parentIds: [], treeNumbers: [], source: 'lab-terms' };
      // An entity another source owns: the vocabulary only adds its names.
      const ASPIRIN_FROM_LAB: EntityRecord = { ...ASPIRIN, synonyms: ['Lab aspirin'], source: 'lab-terms' };
      const names = async (): Promise<EntityName[]> => {
        const out: EntityName[] = [];
        for await (const n of store.iterateNames()) out.push(n);
        return out;
      };

      it('imports a vocabulary in one go: new entities of the source, names on other sources\' entities, idempotent', async () => {
        await store.upsertEntities([ASPIRIN]);
        const r = await store.kbRevision();
        expect(await store.importVocabulary(LAB_SOURCE, [FOO, ASPIRIN_FROM_LAB], [{ id: 'LAB:OLD1', entityId: FOO.id, source: 'lab-terms', evidence: null }])).toEqual({
          entitiesInserted: 1, entitiesUpdated: 0, namesInserted: 3, curatedKept: 0, aliasesInserted: 1,
        });
        expect(await store.kbRevision()).toBeGreaterThan(r);
        const [foo, aspirin, old] = await store.getEntities([FOO.id, ASPIRIN.id, 'LAB:OLD1']);
        expect(foo).toEqual({ ...asEntity(FOO), aliases: ['LAB:OLD1'] });
        expect(aspirin).toMatchObject({ source: 'mesh-2024', name: 'Aspirin', synonyms: ['Acetylsalicylic Acid', 'ASA', 'Lab aspirin'] });
        expect(old?.id).toBe(FOO.id);
        const lab = (await names()).filter((n) => n.source === 'lab-terms').map((n) => `${n.entityId} ${n.name}`).sort();
        expect(lab).toEqual(['LAB:0001 FA-1', 'LAB:0001 Fooic acid', 'MESH:D001241 Lab aspirin']);
        expect(await store.importVocabulary(LAB_SOURCE, [FOO, ASPIRIN_FROM_LAB], [])).toEqual({
          entitiesInserted: 0, entitiesUpdated: 0, namesInserted: 0, curatedKept: 0, aliasesInserted: 0,
        });
        const sources = await store.listSources();
        expect(sources.map(({ importedAt: _at, ...s }) => s)).toEqual([
          { name: 'lab-terms', format: 'tsv', file: 'lab.tsv', enabled: true, entities: 1, names: 3, aliases: 1 },
          { name: 'mesh-2024', format: null, file: null, enabled: true, entities: 1, names: 3, aliases: 0 },
        ]);
        expect(sources[0]!.importedAt).toMatch(/^\d{4}-\d\d-\d\dT/);
      });

      it('refuses a vocabulary that retypes an entity, importing nothing of it', async () => {
        await store.upsertEntities([ASPIRIN]);
        const clash: EntityRecord = { ...ASPIRIN, type: 'DISEASE', source: 'lab-terms' };
        await expect(store.importVocabulary(LAB_SOURCE, [FOO, clash], [])).rejects.toMatchObject({ code: 'CONFLICT', details: { entityId: ASPIRIN.id } });
        expect(await store.getEntities([FOO.id])).toEqual([null]);
        expect((await store.listSources()).map((s) => s.name)).toEqual(['mesh-2024']);
        await expect(store.importVocabulary({ ...LAB_SOURCE, name: 'Bad Name' }, [FOO], [])).rejects.toMatchObject({ code: 'BAD_USER_INPUT' });
      });

      it('disables a source (its names and entities are neither linked nor found) and enables it again', async () => {
        await store.upsertEntities([ASPIRIN]);
        await store.importVocabulary(LAB_SOURCE, [FOO, ASPIRIN_FROM_LAB], []);
        const r = await store.kbRevision();
        expect(await store.setSourceEnabled('lab-terms', false)).toMatchObject({ name: 'lab-terms', enabled: false });
        expect(await store.kbRevision()).toBeGreaterThan(r);
        expect((await names()).filter((n) => n.source === 'lab-terms')).toEqual([]);
        expect(await store.searchEntities('fooic', { first: 5 })).toEqual([]);
        expect(await store.searchEntities('lab aspirin', { first: 5 })).toEqual([]);
        expect(await store.countEntities()).toBe(1);
        // Stored mentions still show what they linked to.
        expect((await store.getEntities([FOO.id]))[0]?.id).toBe(FOO.id);
        expect((await store.getEntities([ASPIRIN.id]))[0]?.synonyms).toEqual(['Acetylsalicylic Acid', 'ASA']);
        await store.setSourceEnabled('lab-terms', true);
        expect((await store.searchEntities('fooic', { first: 5 })).map((e) => e.id)).toEqual([FOO.id]);
        expect(await store.countEntities()).toBe(2);
        await expect(store.setSourceEnabled('nope', false)).rejects.toMatchObject({ code: 'NOT_FOUND' });
      });

      it('removes a source: its entities, its names on other entities, its aliases', async () => {
        await store.upsertEntities([ASPIRIN]);
        await store.importVocabulary(LAB_SOURCE, [FOO, ASPIRIN_FROM_LAB], [{ id: 'LAB:OLD1', entityId: FOO.id, source: 'lab-terms', evidence: null }]);
        expect(await store.removeSource('lab-terms')).toEqual({ entitiesRemoved: 1, namesRemoved: 3, aliasesRemoved: 1 });
        expect(await store.getEntities([FOO.id, 'LAB:OLD1'])).toEqual([null, null]);
        expect((await store.getEntities([ASPIRIN.id]))[0]?.synonyms).toEqual(['Acetylsalicylic Acid', 'ASA']);
        expect((await store.listSources()).map((s) => s.name)).toEqual(['mesh-2024']);
        await expect(store.removeSource('lab-terms')).rejects.toMatchObject({ code: 'NOT_FOUND' });
        await store.addNames([{ entityId: ASPIRIN.id, type: 'CHEMICAL', name: 'Curated aspirin', origin: 'curator' }]);
        await expect(store.removeSource('curator')).rejects.toMatchObject({ code: 'BAD_USER_INPUT' });
      });

      it('resolves alias ids (MeSH history) to the current entity, which lists them', async () => {
        await store.upsertEntities([ASPIRIN, ETHANOL]);
        const added = await store.addAliases([
          { id: 'MESH:C037663', entityId: ASPIRIN.id, source: 'mesh-history', evidence: 'aspirin' },
          { id: 'MESH:C000001', entityId: 'MESH:NOPE', source: 'mesh-history', evidence: null },
          { id: ETHANOL.id, entityId: ASPIRIN.id, source: 'mesh-history', evidence: null },
        ]);
        expect(added).toBe(1);
        const [viaOld, ethanol] = await store.getEntities(['MESH:C037663', ETHANOL.id]);
        expect(viaOld).toEqual({ ...asEntity(ASPIRIN), aliases: ['MESH:C037663'] });
        expect(ethanol?.id).toBe(ETHANOL.id);
        expect((await store.listSources()).find((s) => s.name === 'mesh-history')).toMatchObject({ entities: 0, names: 0, aliases: 1 });
      });

      it('ranks search results: exact preferred name, exact synonym, prefix, partial; ties by documents mentioning the entity', async () => {
        const LITHIUM: EntityRecord = { id: 'MESH:D008094', type: 'CHEMICAL', name: 'Lithium', synonyms: [], parentIds: [], treeNumbers: [], source: 'mesh-2024' };
        const CARBONATE: EntityRecord = { id: 'MESH:D016651', type: 'CHEMICAL', name: 'Lithium Carbonate', synonyms: ['Eskalith'], parentIds: [], treeNumbers: [], source: 'mesh-2024' };
        const CHLORIDE: EntityRecord = { id: 'MESH:D018021', type: 'CHEMICAL', name: 'Lithium Chloride', synonyms: [], parentIds: [], treeNumbers: [], source: 'mesh-2024' };
        const GABA: EntityRecord = { id: 'MESH:D005680', type: 'CHEMICAL', name: 'gamma-Aminobutyric Acid', synonyms: ['GABA', 'Lithium GABA'], parentIds: [], treeNumbers: [], source: 'mesh-2024' };
        const CITRATE: EntityRecord = { id: 'MESH:C000001', type: 'CHEMICAL', name: 'Sodium citrate', synonyms: ['Lithium-free citrate'], parentIds: [], treeNumbers: [], source: 'mesh-2024' };
        const LI: EntityRecord = { id: 'MESH:D000002', type: 'CHEMICAL', name: 'Li-7 isotope', synonyms: ['lithium'], parentIds: [], treeNumbers: [], source: 'mesh-2024' };
        await store.upsertEntities([GABA, CITRATE, CHLORIDE, CARBONATE, LITHIUM, LI]);
        const ids = async (q: string) => (await store.searchEntities(q, { first: 10 })).map((e) => e.id);
        // Before any document: within the prefix tier the shorter name first.
        expect(await ids('lithium')).toEqual([LITHIUM.id, LI.id, CHLORIDE.id, CARBONATE.id, GABA.id, CITRATE.id]);
        // Two documents mention lithium carbonate, one lithium chloride: the more mentioned first.
        for (const [externalId, text, entity] of [['d1', 'Lithium carbonate was given.', CARBONATE.id], ['d2', 'Lithium carbonate again.', CARBONATE.id], ['d3', 'Lithium chloride once.', CHLORIDE.id]] as const) {
          const doc = await putOne(store, { externalId, text });
          await store.replaceMentions(doc.id, doc.textHash, [mention(text, text.split(' ').slice(0, 2).join(' '), 'CHEMICAL', entity)], PROVENANCE);
        }
        expect(await ids('lithium')).toEqual([LITHIUM.id, LI.id, CARBONATE.id, CHLORIDE.id, GABA.id, CITRATE.id]);
        expect(await ids('eskalith')).toEqual([CARBONATE.id]);
        expect(await ids('free')).toEqual([CITRATE.id]);
      });
    });

  });
}
