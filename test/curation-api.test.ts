/**
 * Curation that sticks, end to end: the real embedded store, the in-process queue with the annotate
 * processor, the dictionary labeler, the live entity linker, and the GraphQL API through
 * executeOperation with a curator's principal. Edits made through the API change how the next
 * submitted document is linked, without rebuilding anything by hand.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { ApolloServer } from '@apollo/server';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { Principal } from '../src/auth/index.js';
import { createApolloServer } from '../src/graphql/apollo.js';
import { createContext, type GraphQLContext } from '../src/graphql/context.js';
import { createAnnotateProcessor } from '../src/jobs/annotate-processor.js';
import { openInProcessQueue } from '../src/jobs/in-process-queue.js';
import type { JobQueue, QueueWorker } from '../src/jobs/port.js';
import { createDictionaryLabeler } from '../src/kb/dictionary-labeler.js';
import { createEntityLinker } from '../src/kb/entity-linker.js';
import { createLiveLinker, type LiveLinker } from '../src/kb/live-linker.js';
import { silentLogger } from '../src/log.js';
import type { Labeler, EntityName, EntityRecord } from '../src/domain/index.js';
import type { Store } from '../src/store/port.js';
import { openEmbeddedStore } from '../src/store/embedded/sqlite-store.js';

const CURATOR: Principal = { keyId: '0000000000000001', owner: 'dr-curator', role: 'curator' };
const READER: Principal = { keyId: '0000000000000002', owner: 'a-reader', role: 'reader' };

const ENTITIES: EntityRecord[] = [
  { id: 'MESH:D008012', type: 'CHEMICAL', name: 'Lidocaine', synonyms: ['Lignocaine'], parentIds: [], treeNumbers: ['D02.065.277'], source: 'mesh-2024' },
  { id: 'MESH:D001145', type: 'DISEASE', name: 'Arrhythmias, Cardiac', synonyms: ['Arrhythmia'], parentIds: [], treeNumbers: ['C14.280.067'], source: 'ctd-medic' },
  { id: 'MESH:D006323', type: 'DISEASE', name: 'Heart Arrest', synonyms: ['Cardiac Arrest'], parentIds: [], treeNumbers: ['C14.280.383'], source: 'ctd-medic' },
];
/** A name the labeler finds but the knowledge base does not know yet (as a model would find it). */
const UNKNOWN_TO_KB: EntityName = { entityId: 'LABELER:xylocaine', type: 'CHEMICAL', name: 'Xylocaine', origin: 'vocabulary' };

let dir: string;
let store: Store;
let queue: JobQueue;
let labeler: Labeler;
let linker: LiveLinker;
let worker: QueueWorker;
let apollo: ApolloServer<GraphQLContext>;

interface Result {
  data?: Record<string, any> | null;
  errors?: readonly { message: string; extensions?: Record<string, any> }[];
}

async function gql(query: string, variables: Record<string, unknown> = {}, principal: Principal = CURATOR): Promise<Result> {
  const response = await apollo.executeOperation(
    { query, variables },
    { contextValue: createContext({ store, queue, limits: { maxDocumentChars: 1000, maxBatchDocuments: 10 }, principal }) },
  );
  if (response.body.kind !== 'single') throw new Error('expected a single result');
  return JSON.parse(JSON.stringify(response.body.singleResult)) as Result;
}

/** Submits one document through the API, waits for the worker, returns its mentions as the API shows them. */
async function submitAndRead(externalId: string, text: string): Promise<{ text: string; review: string; id: string; link: { entityId: string; method: string; matchedName: string | null } | null }[]> {
  const submitted = await gql(`mutation($docs: [DocumentInput!]!) { submitDocuments(documents: $docs) { job { id } } }`, { docs: [{ externalId, text }] });
  expect(submitted.errors).toBeUndefined();
  const jobId = submitted.data!.submitDocuments.job.id as string;
  for (let i = 0; i < 500; i += 1) {
    const [job] = await queue.getJobs([jobId]);
    if (job?.state === 'completed') break;
    if (job?.state === 'failed') throw new Error(`job failed: ${job.error}`);
    await new Promise((r) => setTimeout(r, 10));
  }
  const read = await gql(`query($e: String) { document(externalId: $e) { mentions { id text review link { entityId method matchedName } } } }`, { e: externalId });
  expect(read.errors).toBeUndefined();
  return read.data!.document.mentions;
}

beforeEach(async () => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'vaner-curation-'));
  const file = path.join(dir, 'vaner.db');
  store = await openEmbeddedStore({ path: file });
  queue = await openInProcessQueue({ path: file });
  await store.upsertEntities(ENTITIES);
  const names: EntityName[] = [UNKNOWN_TO_KB];
  for await (const name of store.iterateNames()) names.push(name);
  labeler = await createDictionaryLabeler({ names });
  linker = await createLiveLinker({
    store,
    build: async () => createEntityLinker({ names: store.iterateNames(), curatedLinks: await store.curatedLinks(), threshold: 0.2 }),
  });
  worker = queue.startWorker(createAnnotateProcessor({ store, labeler, linker, logger: silentLogger }));
  apollo = createApolloServer({ logger: silentLogger });
  await apollo.start();
});

afterEach(async () => {
  await apollo.stop();
  await worker.close();
  await labeler.close();
  await queue.close();
  await store.close();
  fs.rmSync(dir, { recursive: true, force: true });
});

describe('curation through the API', () => {
  it('a synonym added by a curator links the next submitted document', async () => {
    const before = await submitAndRead('PMID:1', 'Xylocaine was given.');
    expect(before.map((m) => [m.text, m.link])).toEqual([['Xylocaine', null]]);

    const added = await gql(`mutation { addSynonym(entityId: "MESH:D008012", name: "Xylocaine") { id synonyms } }`);
    expect(added.errors).toBeUndefined();
    expect(added.data!.addSynonym).toEqual({ id: 'MESH:D008012', synonyms: ['Lignocaine', 'Xylocaine'] });

    const after = await submitAndRead('PMID:2', 'Xylocaine was given again.');
    expect(after.map((m) => [m.text, m.link])).toEqual([['Xylocaine', { entityId: 'MESH:D008012', method: 'EXACT', matchedName: 'Xylocaine' }]]);

    // removing it again unlinks the next document
    const removed = await gql(`mutation { removeSynonym(entityId: "MESH:D008012", name: "Xylocaine") { synonyms } }`);
    expect(removed.data!.removeSynonym.synonyms).toEqual(['Lignocaine']);
    expect((await submitAndRead('PMID:3', 'Xylocaine, a third time.')).map((m) => m.link)).toEqual([null]);

    const edits = await gql(`query { curationEdits(first: 10) { totalCount edges { node { actor action target before after } } } }`);
    expect(edits.data!.curationEdits).toEqual({
      totalCount: 2,
      edges: [
        { node: { actor: 'dr-curator', action: 'add-synonym', target: 'MESH:D008012', before: '{"name":null}', after: '{"name":"Xylocaine"}' } },
        { node: { actor: 'dr-curator', action: 'remove-synonym', target: 'MESH:D008012', before: '{"name":"Xylocaine","origin":"curator"}', after: '{"name":null}' } },
      ],
    });
  });

  it('an entity a curator creates is linked on the next document; retiring it stops that; both audited', async () => {
    expect((await submitAndRead('PMID:20', 'Xylocaine was given.')).map((m) => m.link)).toEqual([null]);
    const created = await gql(`mutation { createEntity(input: { id: "LAB:0042", type: CHEMICAL, name: "Xylocaine", synonyms: ["Xylo"] }) { id name synonyms source retired aliases } }`);
    expect(created.errors).toBeUndefined();
    expect(created.data!.createEntity).toEqual({ id: 'LAB:0042', name: 'Xylocaine', synonyms: ['Xylo'], source: 'curator', retired: false, aliases: [] });
    expect((await submitAndRead('PMID:21', 'Xylocaine was given again.')).map((m) => m.link)).toEqual([
      { entityId: 'LAB:0042', method: 'EXACT', matchedName: 'Xylocaine' },
    ]);
    const duplicate = await gql(`mutation { createEntity(input: { id: "LAB:0042", type: CHEMICAL, name: "Other" }) { id } }`);
    expect(duplicate.errors?.[0]?.extensions?.code).toBe('CONFLICT');
    const badParent = await gql(`mutation { createEntity(input: { type: DISEASE, name: "Something", parentIds: ["MESH:NOPE"] }) { id } }`);
    expect(badParent.errors?.[0]?.extensions?.code).toBe('NOT_FOUND');
    const forbidden = await gql(`mutation { createEntity(input: { type: DISEASE, name: "Something" }) { id } }`, {}, READER);
    expect(forbidden.errors?.[0]?.extensions?.code).toBe('FORBIDDEN');

    const retired = await gql(`mutation { retireEntity(id: "LAB:0042") { id retired } }`);
    expect(retired.data!.retireEntity).toEqual({ id: 'LAB:0042', retired: true });
    expect((await submitAndRead('PMID:22', 'Xylocaine, a third time.')).map((m) => m.link)).toEqual([null]);
    expect((await gql(`query { searchEntities(query: "xylocaine") { id } }`)).data!.searchEntities).toEqual([]);
    // The document linked before the retirement still shows its entity.
    const old = await gql(`query { document(externalId: "PMID:21") { mentions { entity { id retired } } } }`);
    expect(old.data!.document.mentions).toEqual([{ entity: { id: 'LAB:0042', retired: true } }]);
    await gql(`mutation { retireEntity(id: "LAB:0042", retired: false) { id } }`);
    expect((await submitAndRead('PMID:23', 'Xylocaine, restored.')).map((m) => m.link?.entityId)).toEqual(['LAB:0042']);

    const edits = await gql(`query { curationEdits(first: 10) { edges { node { actor action target after } } } }`);
    expect(edits.data!.curationEdits.edges.map((e: { node: unknown }) => e.node)).toEqual([
      { actor: 'dr-curator', action: 'create-entity', target: 'LAB:0042', after: '{"type":"CHEMICAL","name":"Xylocaine","synonyms":["Xylo"],"parentIds":[]}' },
      { actor: 'dr-curator', action: 'retire-entity', target: 'LAB:0042', after: '{"retired":true}' },
      { actor: 'dr-curator', action: 'restore-entity', target: 'LAB:0042', after: '{"retired":false}' },
    ]);
  });

  it("a user's vocabulary imported while the API runs links the next document; disabling the source unlinks it", async () => {
    const file = path.join(dir, 'lab.tsv');
    fs.writeFileSync(file, 'id\ttype\tname\tsynonyms\tparents\nLAB:77\tCHEMICAL\tXylocaine hydrochloride\tXylocaine\t\n');
    const { importVocabularyFile } = await import('../src/kb/import-vocabulary.js');
    await importVocabularyFile(store, { file, source: 'lab' });
    expect((await submitAndRead('PMID:30', 'Xylocaine was given.')).map((m) => m.link?.entityId)).toEqual(['LAB:77']);
    const sources = await gql(`query { knowledgeBaseSources { name format file enabled entities names } }`, {}, READER);
    expect(sources.data!.knowledgeBaseSources.find((s: { name: string }) => s.name === 'lab')).toEqual({ name: 'lab', format: 'tsv', file: 'lab.tsv', enabled: true, entities: 1, names: 2 });
    await store.setSourceEnabled('lab', false);
    expect((await submitAndRead('PMID:31', 'Xylocaine was given again.')).map((m) => m.link)).toEqual([null]);
  });

  it('after a merge, new documents link to the target and the merged id keeps resolving', async () => {
    expect((await submitAndRead('PMID:10', 'Cardiac arrest occurred.')).map((m) => m.link?.entityId)).toEqual(['MESH:D006323']);
    const merged = await gql(`mutation { mergeEntities(sourceId: "MESH:D006323", targetId: "MESH:D001145") { id synonyms } }`);
    expect(merged.data!.mergeEntities).toEqual({ id: 'MESH:D001145', synonyms: ['Arrhythmia', 'Heart Arrest', 'Cardiac Arrest'] });
    expect((await submitAndRead('PMID:11', 'Cardiac arrest occurred again.')).map((m) => m.link)).toEqual([
      { entityId: 'MESH:D001145', method: 'NORMALIZED', matchedName: 'Cardiac Arrest' },
    ]);
    const entity = await gql(`query { entity(id: "MESH:D006323") { id name } }`);
    expect(entity.data!.entity).toEqual({ id: 'MESH:D001145', name: 'Arrhythmias, Cardiac' });
  });

  it('a rejected mention drops out of co-mentions; relinking sets method CURATOR', async () => {
    const mentions = await submitAndRead('PMID:20', 'Lidocaine caused arrhythmia.');
    expect(mentions.map((m) => [m.text, m.link?.entityId])).toEqual([['Lidocaine', 'MESH:D008012'], ['arrhythmia', 'MESH:D001145']]);
    const co = `query { coMentions(entityId: "MESH:D008012") { totalCount edges { node { entityId documentCount } } } }`;
    expect((await gql(co)).data!.coMentions).toEqual({ totalCount: 1, edges: [{ node: { entityId: 'MESH:D001145', documentCount: 1 } }] });

    const rejected = await gql(`mutation($id: ID!) { reviewMention(id: $id, state: REJECTED) { review } }`, { id: mentions[1]!.id });
    expect(rejected.data!.reviewMention).toEqual({ review: 'REJECTED' });
    expect((await gql(co)).data!.coMentions).toEqual({ totalCount: 0, edges: [] });

    const relinked = await gql(`mutation($id: ID!) { relinkMention(id: $id, entityId: "MESH:D006323") { review link { entityId method matchedName confidence } } }`, { id: mentions[1]!.id });
    expect(relinked.data!.relinkMention).toEqual({ review: 'CONFIRMED', link: { entityId: 'MESH:D006323', method: 'CURATOR', matchedName: null, confidence: 1 } });
    // the curator's verdict becomes a prior: 'arrhythmia' now links to Heart Arrest in new documents
    expect((await submitAndRead('PMID:21', 'Another arrhythmia.')).map((m) => m.link)).toEqual([
      { entityId: 'MESH:D006323', method: 'EXACT', matchedName: 'arrhythmia' },
    ]);
    const wrongType = await gql(`mutation($id: ID!) { relinkMention(id: $id, entityId: "MESH:D008012") { review } }`, { id: mentions[1]!.id });
    expect(wrongType.errors?.[0]?.extensions?.code).toBe('BAD_USER_INPUT');
  });

  it('needs the curator role', async () => {
    const denied = await gql(`mutation { addSynonym(entityId: "MESH:D008012", name: "Xylo") { id } }`, {}, READER);
    expect(denied.errors?.[0]?.extensions?.code).toBe('FORBIDDEN');
    const edits = await store.curationEdits({ first: 10 });
    expect(edits.totalCount).toBe(0);
  });

  it('re-importing the vocabulary never undoes a curated edit', async () => {
    await store.addSynonym('MESH:D008012', 'Xylocaine', 'dr-curator');
    await store.removeSynonym('MESH:D008012', 'Lignocaine', 'dr-curator');
    const summary = await store.upsertEntities(ENTITIES);
    expect(summary).toEqual({ entitiesInserted: 0, entitiesUpdated: 0, namesInserted: 0, curatedKept: 1 });
    const [entity] = await store.getEntities(['MESH:D008012']);
    expect(entity!.synonyms).toEqual(['Xylocaine']);
    await expect(store.addSynonym('MESH:D008012', 'Xylocaine', 'x')).rejects.toMatchObject({ code: 'CONFLICT' });
    await expect(store.removeSynonym('MESH:D008012', 'Nope', 'x')).rejects.toMatchObject({ code: 'NOT_FOUND' });
    await expect(store.addSynonym('MESH:NOPE', 'x', 'x')).rejects.toMatchObject({ code: 'NOT_FOUND' });
  });
});
