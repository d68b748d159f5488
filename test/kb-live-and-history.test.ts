import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { EntityRecord, Labeler } from '../src/domain/index.js';
import { fitReranker, rerankFeatureVector, type CandidateFeatures, type RerankExample } from '../src/kb/candidate-reranker.js';
import { createDictionaryLabeler } from '../src/kb/dictionary-labeler.js';
import { createEntityLinker } from '../src/kb/entity-linker.js';
import { createLiveDictionary } from '../src/kb/live-dictionary.js';
import { deriveMeshHistory } from '../src/kb/mesh-history.js';
import { exportDocuments, type ExportIds } from '../src/app/export-documents.js';
import { openEmbeddedStore } from '../src/store/embedded/sqlite-store.js';
import type { Store } from '../src/store/port.js';

describe('MeSH history', () => {
  const descriptors = [
    { id: 'MESH:D000077212', names: ['Ropivacaine', 'Ropivacaine Hydrochloride', 'Naropin'] },
    { id: 'MESH:D000069348', names: ['Quetiapine Fumarate', 'Quetiapine', 'Seroquel'] },
    { id: 'MESH:D002118', names: ['Calcium'] }, // existed in MeSH 2015: never a target
    { id: 'MESH:D000097001', names: ['Twin A'] },
    { id: 'MESH:D000097002', names: ['Twin B', 'twin a'] },
  ];
  const input = {
    descriptors,
    olderDescriptorUis: new Set(['D002118']),
    supplementaryNames: new Map<string, string[]>([
      ['MESH:C037663', ['ropivacaine']],
      ['MESH:C069541', ['quetiapines']], // plural folded
      ['MESH:C000001', ['calcium']], // target is an old descriptor
      ['MESH:C000002', ['Twin A']], // two new descriptors share the name: ambiguous
      ['MESH:C000003', ['Naropin']],
      ['MESH:C555555', ['seroquel']], // a current concept of its own
    ]),
    currentIds: new Set(['MESH:C555555']),
  };

  it('maps an old supplementary id to the one newer descriptor that shares a name, in id order', () => {
    expect(deriveMeshHistory(input)).toEqual([
      { oldId: 'MESH:C000003', currentId: 'MESH:D000077212', name: 'Naropin' },
      { oldId: 'MESH:C037663', currentId: 'MESH:D000077212', name: 'ropivacaine' },
      { oldId: 'MESH:C069541', currentId: 'MESH:D000069348', name: 'quetiapines' },
    ]);
  });

  it('is deterministic whatever the input order', () => {
    const reversed = { ...input, descriptors: [...descriptors].reverse(), supplementaryNames: new Map([...input.supplementaryNames].reverse()) };
    expect(deriveMeshHistory(reversed)).toEqual(deriveMeshHistory(input));
  });
});

describe('candidate re-ranker', () => {
  const features = (over: Partial<CandidateFeatures>): CandidateFeatures => ({
    key: 'approximate', cosine: 0.5, approximateRank: 0, wordOverlap: 0, sameHead: false, entityCount: 0, nameCount: 0,
    annotationName: false, preferredName: false, ambiguous: false, contextOverlap: 0, inDocument: false, shortMention: false, ...over,
  });
  // The right candidate has the higher cosine in one half of the examples and the document context in the other.
  const examples: RerankExample[] = [];
  for (let i = 0; i < 40; i += 1) {
    const right = features({ cosine: 0.6 + (i % 5) / 50, contextOverlap: i % 2 === 0 ? 1 : 0, inDocument: i % 3 === 0 });
    const wrong = features({ cosine: 0.55 + (i % 7) / 50, approximateRank: 1 });
    examples.push(i % 2 === 0 ? { candidates: [rerankFeatureVector(right), rerankFeatureVector(wrong)], gold: 0 } : { candidates: [rerankFeatureVector(wrong), rerankFeatureVector(right)], gold: 1 });
  }

  it('fits the same weights on the same data, every time', () => {
    const a = fitReranker(examples);
    const b = fitReranker(examples.map((e) => ({ candidates: e.candidates.map((c) => [...c]), gold: e.gold })));
    expect(b.weights).toEqual(a.weights);
    // context and an in-document lookup count for a candidate
    expect(a.weights[14]!).toBeGreaterThan(0);
  });

  it('links the same mentions to the same entities on every build', async () => {
    const names = [
      { entityId: 'MESH:D007674', type: 'DISEASE' as const, name: 'Kidney Diseases', origin: 'vocabulary' },
      { entityId: 'MESH:D051437', type: 'DISEASE' as const, name: 'Renal Insufficiency', origin: 'vocabulary' },
      { entityId: 'MESH:D051437', type: 'DISEASE' as const, name: 'Kidney Insufficiency', origin: 'vocabulary' },
      { entityId: 'MESH:D058186', type: 'DISEASE' as const, name: 'Acute Kidney Injury', origin: 'vocabulary' },
    ];
    const text = 'Kidney insufficiency and renal insufficiencies after acute kidney injuries; kidney disease.';
    const spans = [
      { start: 0, end: 20, type: 'DISEASE' as const, text: text.slice(0, 20), confidence: null },
      { start: 25, end: 46, type: 'DISEASE' as const, text: text.slice(25, 46), confidence: null },
      { start: 53, end: 74, type: 'DISEASE' as const, text: text.slice(53, 74), confidence: null },
      { start: 76, end: 90, type: 'DISEASE' as const, text: text.slice(76, 90), confidence: null },
    ];
    const runs = [];
    for (let i = 0; i < 3; i += 1) runs.push(await (await createEntityLinker({ names })).link(text, spans));
    expect(runs[1]).toEqual(runs[0]);
    expect(runs[2]).toEqual(runs[0]);
    expect(runs[0]!.map((r) => r.entityId)).toEqual(['MESH:D051437', 'MESH:D051437', 'MESH:D058186', 'MESH:D007674']);
  });
});

describe('live dictionary labeler', () => {
  let dir: string;
  let store: Store;
  let labeler: Labeler;
  const LIDOCAINE: EntityRecord = { id: 'MESH:D008012', type: 'CHEMICAL', name: 'Lidocaine', synonyms: [], parentIds: [], treeNumbers: [], source: 'mesh-2024' };

  beforeEach(async () => {
    dir = mkdtempSync(join(tmpdir(), 'vaner-live-dict-'));
    store = await openEmbeddedStore({ path: join(dir, 'vaner.db') });
    await store.upsertEntities([LIDOCAINE]);
    labeler = await createLiveDictionary({ store, build: () => createDictionaryLabeler({ names: store.iterateNames() }) });
  });
  afterEach(async () => {
    await labeler.close();
    await store.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it("labels a curator's new entity and synonym on the next call, without a restart", async () => {
    const text = 'Xylocaine and lidocaine and Novocaine.';
    const spans = async () => (await labeler.label([{ id: 'd', text }]))[0]!.map((s) => s.text);
    expect(await spans()).toEqual(['lidocaine']);
    await store.createEntity({ id: 'LAB:1', type: 'CHEMICAL', name: 'Novocaine' }, 'curator-1');
    await store.addSynonym(LIDOCAINE.id, 'Xylocaine', 'curator-1');
    expect(await spans()).toEqual(['Xylocaine', 'lidocaine', 'Novocaine']);
    await store.retireEntity('LAB:1', true, 'curator-1');
    expect(await spans()).toEqual(['Xylocaine', 'lidocaine']);
  });
});

describe('exports with current or old MeSH ids', () => {
  it('writes stored, current (aliases resolved) or legacy (the old id) entity ids', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'vaner-export-ids-'));
    const store = await openEmbeddedStore({ path: join(dir, 'vaner.db') });
    try {
      await store.upsertEntities([{ id: 'MESH:D000077212', type: 'CHEMICAL', name: 'Ropivacaine', synonyms: [], parentIds: [], treeNumbers: [], source: 'mesh-2024' }]);
      await store.addAliases([{ id: 'MESH:C037663', entityId: 'MESH:D000077212', source: 'mesh-history', evidence: 'ropivacaine' }]);
      const text = 'Ropivacaine or ropivacaine.';
      const [{ document }] = (await store.putDocuments([{ externalId: '1', title: null, text }])) as [{ document: { id: string; textHash: string } }];
      const mention = (start: number, entityId: string) => ({ start, end: start + 11, text: text.slice(start, start + 11), type: 'CHEMICAL' as const, confidence: null, entityId, linkMethod: 'exact' as const, matchedName: 'Ropivacaine', linkConfidence: 1, sentence: 0 });
      await store.replaceMentions(document.id, document.textHash, [mention(0, 'MESH:D000077212'), mention(15, 'MESH:C037663')], { labeler: 'test', modelVersion: 'm', linkerVersion: 'l' });
      const ids = async (which: ExportIds) => {
        let out = '';
        for await (const chunk of exportDocuments(store, { format: 'pubtator', ids: which })) out += chunk;
        return out.split('\n').filter((l) => l.includes('\tChemical\t')).map((l) => l.split('\t')[5]);
      };
      expect(await ids('stored')).toEqual(['D000077212', 'C037663']); // PubTator writes MeSH ids without their prefix
      expect(await ids('current')).toEqual(['D000077212', 'D000077212']);
      expect(await ids('legacy')).toEqual(['C037663', 'C037663']);
    } finally {
      await store.close();
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
