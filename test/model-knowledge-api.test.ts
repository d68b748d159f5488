/**
 * The VANER model with its knowledge channel, end to end through the API: the composition root's labeler
 * (buildLabeler 'auto': the tiny v2 bundle, fed by the live dictionary over the store), the real embedded store,
 * the in-process queue with the annotate processor, the live linker, and GraphQL through executeOperation.
 * - A curator adds a synonym for a nonsense word; the next submitted document containing it gets a mention from
 *   the MODEL (labeler 'vaner'): the tiny bundle was trained to use knowledge features (MODEL_CARD.md), and it does
 *   not find the word before the synonym exists.
 * - submitDocuments(scheme:) carries the scheme to the worker; stored mentions record it; an unknown scheme is a
 *   coded error naming the available ones.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { ApolloServer } from '@apollo/server';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Principal } from '../src/auth/index.js';
import { loadConfig } from '../src/config.js';
import type { Labeler } from '../src/domain/index.js';
import { createApolloServer } from '../src/graphql/apollo.js';
import { createContext, type GraphQLContext } from '../src/graphql/context.js';
import { createAnnotateProcessor } from '../src/jobs/annotate-processor.js';
import { openInProcessQueue } from '../src/jobs/in-process-queue.js';
import type { JobQueue, QueueWorker } from '../src/jobs/port.js';
import { importKnowledgeBase } from '../src/kb/index.js';
import type { Linker } from '../src/kb/linker-types.js';
import { silentLogger } from '../src/log.js';
import { buildLabeler, buildLinker } from '../src/main.js';
import { openEmbeddedStore, type Store } from '../src/store/index.js';

const CURATOR: Principal = { keyId: '0000000000000001', owner: 'dr-curator', role: 'curator' };

let dir: string;
let store: Store;
let queue: JobQueue;
let labeler: Labeler;
let linker: Linker;
let worker: QueueWorker;
let apollo: ApolloServer<GraphQLContext>;

interface Result {
  data?: Record<string, any> | null;
  errors?: readonly { message: string; extensions?: Record<string, any> }[];
}

async function gql(query: string, variables: Record<string, unknown> = {}): Promise<Result> {
  const labelerInfo = { kind: labeler.kind, version: labeler.version, schemes: labeler.schemes, defaultScheme: labeler.defaultScheme };
  const response = await apollo.executeOperation(
    { query, variables },
    { contextValue: createContext({ store, queue, limits: { maxDocumentChars: 10_000, maxBatchDocuments: 10 }, principal: CURATOR, labelerInfo }) },
  );
  if (response.body.kind !== 'single') throw new Error('expected a single result');
  return JSON.parse(JSON.stringify(response.body.singleResult)) as Result;
}

interface ApiMention {
  text: string;
  type: string;
  labeler: string;
  scheme: string | null;
  link: { entityId: string } | null;
}

/** Submits one document through the API (optionally under a scheme), waits for its job, returns its mentions and job. */
async function submitAndRead(externalId: string, text: string, scheme?: string): Promise<{ mentions: ApiMention[]; job: { scheme: string | null }; documentScheme: string | null }> {
  const submitted = await gql(
    `mutation($docs: [DocumentInput!]!, $scheme: String) { submitDocuments(documents: $docs, scheme: $scheme) { job { id scheme } } }`,
    { docs: [{ externalId, text }], scheme: scheme ?? null },
  );
  expect(submitted.errors).toBeUndefined();
  const jobId = submitted.data!.submitDocuments.job.id as string;
  for (let i = 0; ; i += 1) {
    const [job] = await queue.getJobs([jobId]);
    if (job?.state === 'COMPLETED') break;
    if (job?.state === 'FAILED' || i > 1000) throw new Error(`job did not complete: ${JSON.stringify(job)}`);
    await new Promise((r) => setTimeout(r, 10));
  }
  const read = await gql(
    `query($e: String, $j: ID!) { document(externalId: $e) { scheme mentions { text type labeler scheme link { entityId } } } job(id: $j) { scheme state } }`,
    { e: externalId, j: jobId },
  );
  expect(read.errors).toBeUndefined();
  return { mentions: read.data!.document.mentions, job: read.data!.job, documentScheme: read.data!.document.scheme };
}

beforeAll(async () => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'vaner-model-kb-'));
  const config = loadConfig({
    VANER_DATA_DIR: dir,
    VANER_KB_DIR: path.resolve('test/fixtures/kb-tiny'),
    VANER_MODEL_DIR: path.resolve('test/fixtures/tiny-bundle'),
    VANER_NER_THREADS: '1',
  });
  const file = path.join(dir, 'vaner.db');
  store = await openEmbeddedStore({ path: file });
  queue = await openInProcessQueue({ path: file, pollIntervalMs: 20 });
  await importKnowledgeBase(store, { kbDir: config.kbDir });
  [labeler, linker] = await Promise.all([buildLabeler(store, config, 'auto', silentLogger), buildLinker(store, config)]);
  worker = queue.startWorker(createAnnotateProcessor({ store, labeler, linker, logger: silentLogger }));
  apollo = createApolloServer({ logger: silentLogger });
  await apollo.start();
});

afterAll(async () => {
  await apollo?.stop();
  await worker?.close();
  await labeler?.close();
  await queue?.close();
  await store?.close();
  fs.rmSync(dir, { recursive: true, force: true });
});

describe('the model reads the live knowledge base', () => {
  it("a curator's synonym for a nonsense word is recognised by the MODEL in the next document, without restart", async () => {
    expect(labeler.kind).toBe('vaner');
    const before = await submitAndRead('PMID:1', 'Patients received zorblatine before surgery.');
    expect(before.mentions.map((m) => m.text)).not.toContain('zorblatine');

    const added = await gql(`mutation { addSynonym(entityId: "MESH:D008094", name: "Zorblatine") { id synonyms } }`);
    expect(added.errors).toBeUndefined();

    const after = await submitAndRead('PMID:2', 'Two patients received zorblatine before surgery.');
    const found = after.mentions.filter((m) => m.text === 'zorblatine');
    // labeler 'vaner': the model labelled it (the dictionary is only its knowledge input); the live linker links it.
    expect(found).toEqual([{ text: 'zorblatine', type: 'CHEMICAL', labeler: 'vaner', scheme: 'bc5cdr', link: { entityId: 'MESH:D008094' } }]);
  });
});

describe('annotation schemes through GraphQL', () => {
  it('submitDocuments(scheme:) reaches the worker and stored mentions record it; the default is the bundle default', async () => {
    const text = 'Lithium carbonate toxicity caused tricuspid regurgitation and atrial flutter in a newborn infant.';
    const byDefault = await submitAndRead('PMID:10', text);
    expect(byDefault.job.scheme).toBeNull();
    expect(byDefault.mentions.length).toBeGreaterThan(0);
    expect(new Set(byDefault.mentions.map((m) => m.scheme))).toEqual(new Set(['bc5cdr']));

    const ncbi = await submitAndRead('PMID:11', text, 'ncbi-disease');
    expect(ncbi.job.scheme).toBe('ncbi-disease');
    expect(ncbi.mentions.length).toBeGreaterThan(0);
    expect(new Set(ncbi.mentions.map((m) => [m.scheme, m.labeler].join(' ')))).toEqual(new Set(['ncbi-disease vaner']));

    // The same document again under another scheme is annotated again (the processor does not skip it).
    const again = await submitAndRead('PMID:10', text, 's800');
    expect(new Set(again.mentions.map((m) => m.scheme))).toEqual(new Set(['s800']));
    expect(again.documentScheme).toBe('s800');
  });

  it('an unknown scheme fails the call with BAD_USER_INPUT naming the available schemes; health lists them', async () => {
    const result = await gql(`mutation { submitDocuments(documents: [{ text: "Lithium." }], scheme: "bc4cdr") { job { id } } }`);
    expect(result.errors?.[0]).toMatchObject({
      message: "unknown annotation scheme 'bc4cdr': available schemes are bc5cdr, ncbi-disease, bc2gm, jnlpba, linnaeus, s800",
      extensions: { code: 'BAD_USER_INPUT' },
    });
    const health = await gql('query { health { labeler { kind schemes defaultScheme } } }');
    expect(health.data!.health.labeler).toEqual({
      kind: 'vaner', schemes: ['bc5cdr', 'ncbi-disease', 'bc2gm', 'jnlpba', 'linnaeus', 's800'], defaultScheme: 'bc5cdr',
    });
  });
});
