/**
 * The co-mention API (coMentions with levels, orderings and scores; coMentionEvidence;
 * coMentionGraph) against the real embedded store, through Apollo's executeOperation with the same
 * context factory the HTTP server uses. Mentions are written with the store's replaceMentions, as
 * the annotate processor does. Expected scores are computed here from the 2×2 table in the
 * textbook form G² = 2 Σ O ln(O/E) (the store uses the entropy form), so a wrong count or a wrong
 * formula shows.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { ApolloServer } from '@apollo/server';
import { buildSchema, parse, type OperationDefinitionNode } from 'graphql';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createApolloServer } from '../src/graphql/apollo.js';
import { createContext, type GraphQLContext } from '../src/graphql/context.js';
import { operationCost } from '../src/graphql/query-limits.js';
import { typeDefs } from '../src/graphql/schema.js';
import { openInProcessQueue } from '../src/jobs/in-process-queue.js';
import type { JobQueue } from '../src/jobs/port.js';
import { silentLogger } from '../src/log.js';
import type { EntityRecord, MentionInput, StoredDocument } from '../src/domain/index.js';
import type { Store } from '../src/store/port.js';
import { openEmbeddedStore } from '../src/store/embedded/sqlite-store.js';

const ADMIN = { keyId: '0000000000000000', owner: 'test-admin', role: 'admin' as const };
const LIMITS = { maxDocumentChars: 200, maxBatchDocuments: 5 };
const PROVENANCE = { labeler: 'dictionary', modelVersion: 'dict-test', linkerVersion: 'exact-test' };

const L = 'MESH:D008012'; // Lidocaine
const AR = 'MESH:D001145'; // Arrhythmias, Cardiac
const HA = 'MESH:D006323'; // Heart Arrest
const CB = 'MESH:D002220'; // Carbamazepine
const ENTITIES: EntityRecord[] = [
  { id: L, type: 'CHEMICAL', name: 'Lidocaine', synonyms: [], parentIds: [], treeNumbers: ['D02.065.277'], source: 'mesh-2024' },
  { id: AR, type: 'DISEASE', name: 'Arrhythmias, Cardiac', synonyms: ['Arrhythmia'], parentIds: [], treeNumbers: ['C14.280.067'], source: 'ctd-medic' },
  { id: HA, type: 'DISEASE', name: 'Heart Arrest', synonyms: ['Cardiac Arrest'], parentIds: [], treeNumbers: ['C14.280.383'], source: 'ctd-medic' },
  { id: CB, type: 'CHEMICAL', name: 'Carbamazepine', synonyms: [], parentIds: [], treeNumbers: ['D03.438.079.200'], source: 'mesh-2024' },
];

/**
 * Units (s = sentence index):
 *   d1 "Lidocaine caused arrhythmia. Cardiac arrest followed."  s0 {L,AR}  s1 {HA}
 *   d2 "Lidocaine and carbamazepine. Arrhythmia was seen."      s0 {L,CB}  s1 {AR}
 *   d3 "Carbamazepine caused cardiac arrest."                   s0 {CB,HA}
 *   d4 "Lidocaine and cardiac arrest."                          s0 {L,HA}
 *   d5 "Arrhythmia alone."                                      s0 {AR}
 *   d6 "Lidocaine prevented arrhythmia."                        s0 {L,AR}
 *   d7 "Carbamazepine alone."                                   s0 {CB}
 * N = 7 documents, 9 sentences. Document frequency L 4, AR 4, HA 3, CB 3; sentence frequency the same.
 * Lidocaine's partners: AR 3 documents / 2 sentences, HA 2 / 1, CB 1 / 1.
 */
const CORPUS: [string, [needle: string, type: MentionInput['type'], id: string, sentence: number][]][] = [
  ['Lidocaine caused arrhythmia. Cardiac arrest followed.', [['Lidocaine', 'CHEMICAL', L, 0], ['arrhythmia', 'DISEASE', AR, 0], ['Cardiac arrest', 'DISEASE', HA, 1]]],
  ['Lidocaine and carbamazepine. Arrhythmia was seen.', [['Lidocaine', 'CHEMICAL', L, 0], ['carbamazepine', 'CHEMICAL', CB, 0], ['Arrhythmia', 'DISEASE', AR, 1]]],
  ['Carbamazepine caused cardiac arrest.', [['Carbamazepine', 'CHEMICAL', CB, 0], ['cardiac arrest', 'DISEASE', HA, 0]]],
  ['Lidocaine and cardiac arrest.', [['Lidocaine', 'CHEMICAL', L, 0], ['cardiac arrest', 'DISEASE', HA, 0]]],
  ['Arrhythmia alone.', [['Arrhythmia', 'DISEASE', AR, 0]]],
  ['Lidocaine prevented arrhythmia.', [['Lidocaine', 'CHEMICAL', L, 0], ['arrhythmia', 'DISEASE', AR, 0]]],
  ['Carbamazepine alone.', [['Carbamazepine', 'CHEMICAL', CB, 0]]],
];

/** NPMI and signed G² of a pair from its 2×2 table, written out independently of the store's code. */
function scores(nab: number, na: number, nb: number, n: number): { npmi: number; llr: number } {
  const o = [nab, na - nab, nb - nab, n - na - nb + nab];
  const e = [(na * nb) / n, (na * (n - nb)) / n, ((n - na) * nb) / n, ((n - na) * (n - nb)) / n];
  const g2 = 2 * o.reduce((sum, oi, i) => sum + (oi === 0 ? 0 : oi * Math.log(oi / e[i]!)), 0);
  const pab = nab / n;
  return { npmi: Math.log(pab / ((na / n) * (nb / n))) / -Math.log(pab), llr: nab * n < na * nb ? -g2 : g2 };
}

/** The real store with every method call recorded (name and arguments), to count batch calls. */
function recording(target: Store): { store: Store; calls: { method: string; args: unknown[] }[] } {
  const calls: { method: string; args: unknown[] }[] = [];
  const proxy = new Proxy(target, {
    get(t, prop, receiver) {
      const value = Reflect.get(t, prop, receiver) as unknown;
      if (typeof value !== 'function') return value;
      return (...args: unknown[]) => {
        calls.push({ method: String(prop), args });
        return (value as (...a: unknown[]) => unknown).apply(t, args);
      };
    },
  });
  return { store: proxy, calls };
}

interface Result {
  data?: Record<string, any> | null;
  errors?: readonly { message: string; path?: readonly (string | number)[]; extensions?: Record<string, any> }[];
}

let dir: string;
let store: Store;
let queue: JobQueue;
let apollo: ApolloServer<GraphQLContext>;
/** d1 … d7 in corpus order. */
let docs: StoredDocument[];

async function run(query: string, variables: Record<string, unknown> = {}, options: { store?: Store } = {}): Promise<Result> {
  const response = await apollo.executeOperation(
    { query, variables },
    { contextValue: createContext({ store: options.store ?? store, queue, limits: LIMITS, principal: ADMIN }) },
  );
  if (response.body.kind !== 'single') throw new Error('expected a single result');
  return JSON.parse(JSON.stringify(response.body.singleResult)) as Result;
}

const codes = (r: Result) => r.errors?.map((e) => e.extensions?.['code']);

beforeEach(async () => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'vaner-graphql-co-'));
  const file = path.join(dir, 'vaner.db');
  store = await openEmbeddedStore({ path: file });
  queue = await openInProcessQueue({ path: file });
  await store.upsertEntities(ENTITIES);
  docs = [];
  for (const [i, [text, mentions]] of CORPUS.entries()) {
    const [{ document }] = (await store.putDocuments([{ externalId: `PMID:${i + 1}`, text }])) as [{ document: StoredDocument }];
    const inputs = mentions.map(([needle, type, entityId, sentence]): MentionInput => {
      const start = text.indexOf(needle);
      if (start < 0) throw new Error(`test setup: ${needle} not in ${text}`);
      return { start, end: start + needle.length, text: needle, type, confidence: null, entityId, linkMethod: 'exact', matchedName: needle, linkConfidence: 1, sentence };
    });
    expect(await store.replaceMentions(document.id, document.textHash, inputs, PROVENANCE)).toBe(true);
    docs.push(document);
  }
  apollo = createApolloServer({ logger: silentLogger });
  await apollo.start();
});

afterEach(async () => {
  await apollo.stop();
  await queue.close();
  await store.close();
  fs.rmSync(dir, { recursive: true, force: true });
});

const CO_MENTIONS = `query Co($id: ID!, $type: EntityType, $level: CoMentionLevel, $orderBy: CoMentionOrder, $minCount: Int, $first: Int, $after: String) {
  coMentions(entityId: $id, type: $type, level: $level, orderBy: $orderBy, minCount: $minCount, first: $first, after: $after) {
    totalCount
    pageInfo { hasNextPage endCursor }
    edges { node { entityId documentCount sentenceCount partnerDocumentCount partnerSentenceCount npmi llr evidence } }
  }
}`;

describe('coMentions', () => {
  it('counts documents and sentences with exact frequencies, NPMI and LLR at both levels', async () => {
    const r = await run(CO_MENTIONS, { id: L });
    expect(r.errors).toBeUndefined();
    const c = r.data!['coMentions'];
    expect(c.totalCount).toBe(3);
    const [d1, d2, , d4, , d6] = docs.map((d) => d.id);
    expect(c.edges.map((e: any) => [e.node.entityId, e.node.documentCount, e.node.sentenceCount, e.node.partnerDocumentCount, e.node.partnerSentenceCount, e.node.evidence])).toEqual([
      [AR, 3, 2, 4, 4, [d1, d2, d6].sort()],
      [HA, 2, 1, 3, 3, [d1, d4].sort()],
      [CB, 1, 1, 3, 3, [d2]],
    ]);
    const wantDoc = { [AR]: scores(3, 4, 4, 7), [HA]: scores(2, 4, 3, 7), [CB]: scores(1, 4, 3, 7) };
    for (const { node } of c.edges) {
      expect(node.npmi).toBeCloseTo(wantDoc[node.entityId]!.npmi, 12);
      expect(node.llr).toBeCloseTo(wantDoc[node.entityId]!.llr, 12);
    }
    expect(wantDoc[CB]!.llr).toBeLessThan(0); // 1·7 < 4·3: the pair avoids each other, and the sign says so

    const s = (await run(CO_MENTIONS, { id: L, level: 'SENTENCE', orderBy: 'LLR' })).data!['coMentions'];
    // Sentence level: AR 2 of 9 (2·9 > 4·4, attraction), CB and HA 1 (1·9 < 4·3, both negative and equal: by id).
    expect(s.edges.map((e: any) => [e.node.entityId, e.node.sentenceCount, e.node.evidence])).toEqual([
      [AR, 2, [d1, d6].sort()],
      [CB, 1, [d2]],
      [HA, 1, [d4]],
    ]);
    const wantSent = { [AR]: scores(2, 4, 4, 9), [CB]: scores(1, 4, 3, 9), [HA]: scores(1, 4, 3, 9) };
    for (const { node } of s.edges) {
      expect(node.npmi).toBeCloseTo(wantSent[node.entityId]!.npmi, 12);
      expect(node.llr).toBeCloseTo(wantSent[node.entityId]!.llr, 12);
    }
  });

  it('diseases co-mentioned with Lidocaine by LLR at sentence level (the documented example)', async () => {
    const r = await run(`{ coMentions(entityId: "MESH:D008012", type: DISEASE, level: SENTENCE, orderBy: LLR, first: 5) {
      totalCount edges { node { entity { name } sentenceCount llr } } } }`);
    expect(r.errors).toBeUndefined();
    expect(r.data!['coMentions'].totalCount).toBe(2);
    expect(r.data!['coMentions'].edges.map((e: any) => [e.node.entity.name, e.node.sentenceCount])).toEqual([['Arrhythmias, Cardiac', 2], ['Heart Arrest', 1]]);
  });

  it('orders by COUNT, NPMI and LLR, filters by minCount, pages with cursors bound to the ordering', async () => {
    const ids = async (id: string, vars: Record<string, unknown>) =>
      ((await run(CO_MENTIONS, { id, ...vars })).data!['coMentions'].edges as any[]).map((e) => e.node.entityId);
    expect(await ids(L, { orderBy: 'COUNT' })).toEqual([AR, HA, CB]);
    expect(await ids(L, { orderBy: 'LLR' })).toEqual([AR, HA, CB]);
    expect(await ids(L, { minCount: 2 })).toEqual([AR, HA]);
    expect(await ids(L, { level: 'SENTENCE', minCount: 2 })).toEqual([AR]);
    expect(await ids(L, { type: 'CHEMICAL' })).toEqual([CB]);
    // Carbamazepine meets each partner once: COUNT falls back to id order; NPMI and LLR prefer the
    // rarer Heart Arrest (3 documents) over AR and L (4 each, tied, so by id).
    expect(await ids(CB, { orderBy: 'COUNT' })).toEqual([AR, HA, L]);
    expect(await ids(CB, { orderBy: 'NPMI' })).toEqual([HA, AR, L]);
    expect(await ids(CB, { orderBy: 'LLR' })).toEqual([HA, AR, L]);

    const seen: string[] = [];
    let after: string | null = null;
    for (let i = 0; i < 3; i++) {
      const page: any = (await run(CO_MENTIONS, { id: CB, orderBy: 'NPMI', first: 1, after })).data!['coMentions'];
      expect(page.pageInfo.hasNextPage).toBe(i < 2);
      expect(page.totalCount).toBe(3);
      seen.push(...page.edges.map((e: any) => e.node.entityId));
      after = page.pageInfo.endCursor;
    }
    expect(seen).toEqual([HA, AR, L]);

    const countCursor = (await run(CO_MENTIONS, { id: L, first: 1 })).data!['coMentions'].pageInfo.endCursor;
    const mixed = await run(CO_MENTIONS, { id: L, first: 1, after: countCursor, orderBy: 'LLR' });
    expect(codes(mixed)).toEqual(['BAD_USER_INPUT']);
    const zero = await run(CO_MENTIONS, { id: L, minCount: 0 });
    expect(codes(zero)).toEqual(['BAD_USER_INPUT']);
    expect(zero.errors![0]!.extensions!['details']).toMatchObject({ field: 'minCount' });
    expect(codes(await run(CO_MENTIONS, { id: L, level: 'PARAGRAPH' }))).toEqual(['BAD_USER_INPUT']); // enum coercion
  });

  it('keeps the original fields and serves the same arguments on Entity.coMentions', async () => {
    const r = await run(`{ entity(id: "MESH:D001145") { coMentions(type: CHEMICAL, level: SENTENCE) {
      edges { node { entityId entity { id } documentCount sentenceCount evidence evidenceDocuments { externalId } } } } } }`);
    expect(r.errors).toBeUndefined();
    // AR's chemical partners: L (documents d1 d2 d6, sentences d1s0 d6s0), CB (document d2, no shared sentence: left out).
    expect(r.data!['entity'].coMentions.edges).toEqual([
      { node: { entityId: L, entity: { id: L }, documentCount: 3, sentenceCount: 2, evidence: [docs[0]!.id, docs[5]!.id].sort(), evidenceDocuments: [docs[0]!, docs[5]!].sort((x, y) => (x.id < y.id ? -1 : 1)).map((d) => ({ externalId: d.externalId })) } },
    ]);
  });

  it('rolls a term up with its descendants', async () => {
    await store.upsertEntities([{ id: 'MESH:D006331', type: 'DISEASE', name: 'Heart Diseases', synonyms: [], parentIds: [], treeNumbers: ['C14.280'], source: 'ctd-medic' }]);
    // Group {Heart Diseases, AR, HA}: documents d1 d2 d3 d4 d5 d6; L in d1 d2 d4 d6, CB in d2 d3.
    const r = await run(`{ coMentions(entityId: "MESH:D006331", rollUp: true) { totalCount edges { node { entityId documentCount sentenceCount npmi } } } }`);
    expect(r.errors).toBeUndefined();
    expect(r.data!['coMentions'].edges.map((e: any) => [e.node.entityId, e.node.documentCount, e.node.sentenceCount])).toEqual([[L, 4, 3], [CB, 2, 1]]);
    expect(r.data!['coMentions'].edges[0].node.npmi).toBeCloseTo(scores(4, 6, 4, 7).npmi, 12);
    const plain = await run(`{ coMentions(entityId: "MESH:D006331") { totalCount } }`);
    expect(plain.data!['coMentions'].totalCount).toBe(0);
    const items = await run(`{ coMentions(entityId: "MESH:D006331", rollUp: true, first: 1) { edges { node { evidenceItems { totalCount } } } } }`);
    expect(codes(items)).toEqual(['BAD_USER_INPUT']);
    expect(items.errors![0]!.extensions!['details']).toEqual({ field: 'rollUp' });
  });

  it('unknown entity → NOT_FOUND', async () => {
    const r = await run(CO_MENTIONS, { id: 'MESH:D999999' });
    expect(codes(r)).toEqual(['NOT_FOUND']);
    expect(r.errors![0]!.path).toEqual(['coMentions']);
  });

  it('loads the partner entities of a page in one batch (no N+1)', async () => {
    const { store: recorded, calls } = recording(store);
    const r = await run(`{ coMentions(entityId: "MESH:D008012") { edges { node { entity { id name } } } } }`, {}, { store: recorded });
    expect(r.errors).toBeUndefined();
    expect(r.data!['coMentions'].edges.map((e: any) => e.node.entity.name)).toEqual(['Arrhythmias, Cardiac', 'Heart Arrest', 'Carbamazepine']);
    // One lookup of the queried entity, one store call for the page, one batch for all three partners.
    expect(calls.map((c) => [c.method, c.args[0]])).toEqual([
      ['getEntities', [L]],
      ['coMentions', L],
      ['getEntities', [AR, HA, CB]],
    ]);
  });
});

describe('coMentionEvidence', () => {
  const EVIDENCE = `query Ev($a: ID!, $b: ID!, $level: CoMentionLevel, $first: Int, $after: String) {
    coMentionEvidence(a: $a, b: $b, level: $level, first: $first, after: $after) {
      totalCount
      pageInfo { hasNextPage endCursor }
      edges { node { document { id } sentence sentenceText mentionA { text start end mention { id entity { id } } } mentionB { text start end } } }
    }
  }`;

  it('pages the documents mentioning both, with both mentions as document offsets', async () => {
    const both = [docs[0]!, docs[1]!, docs[5]!].sort((x, y) => (x.id < y.id ? -1 : 1));
    const expected = (d: StoredDocument) => {
      const a = d.text.indexOf('Lidocaine');
      const needle = d === docs[1] ? 'Arrhythmia' : 'arrhythmia';
      const b = d.text.indexOf(needle);
      return { document: { id: d.id }, sentence: null, sentenceText: null, mentionA: { text: 'Lidocaine', start: a, end: a + 9 }, mentionB: { text: needle, start: b, end: b + needle.length } };
    };
    const strip = (edges: any[]) => edges.map((e) => ({ ...e.node, mentionA: { text: e.node.mentionA.text, start: e.node.mentionA.start, end: e.node.mentionA.end } }));
    const p1 = (await run(EVIDENCE, { a: L, b: AR, first: 2 })).data!['coMentionEvidence'];
    expect(p1.totalCount).toBe(3);
    expect(p1.pageInfo.hasNextPage).toBe(true);
    expect(strip(p1.edges)).toEqual(both.slice(0, 2).map(expected));
    expect(p1.edges.map((e: any) => e.node.mentionA.mention.entity.id)).toEqual([L, L]);
    const p2 = (await run(EVIDENCE, { a: L, b: AR, first: 2, after: p1.pageInfo.endCursor })).data!['coMentionEvidence'];
    expect(strip(p2.edges)).toEqual(both.slice(2).map(expected));
    expect(p2.pageInfo.hasNextPage).toBe(false);
  });

  it('lists sentences with their text at SENTENCE level', async () => {
    const r = (await run(EVIDENCE, { a: L, b: HA, level: 'SENTENCE' })).data!['coMentionEvidence'];
    // d1 mentions both but in different sentences; only d4 s0 holds both.
    expect(r.totalCount).toBe(1);
    const d4 = docs[3]!;
    expect(r.edges.map((e: any) => ({ ...e.node, mentionA: { ...e.node.mentionA, mention: undefined } }))).toEqual([
      {
        document: { id: d4.id }, sentence: 0, sentenceText: 'Lidocaine and cardiac arrest.',
        mentionA: { text: 'Lidocaine', start: 0, end: 9, mention: undefined }, mentionB: { text: 'cardiac arrest', start: 14, end: 28 },
      },
    ]);
  });

  it('is also a field of each co-mention (evidenceItems), at the query level', async () => {
    const r = await run(`{ coMentions(entityId: "MESH:D008012", level: SENTENCE, first: 1) { edges { node { entityId
      evidenceItems(first: 1) { totalCount pageInfo { hasNextPage } edges { node { sentence sentenceText mentionB { text } } } } } } } }`);
    expect(r.errors).toBeUndefined();
    const node = r.data!['coMentions'].edges[0].node;
    expect(node.entityId).toBe(AR);
    expect(node.evidenceItems.totalCount).toBe(2);
    expect(node.evidenceItems.pageInfo.hasNextPage).toBe(true);
    const first = [docs[0]!, docs[5]!].sort((x, y) => (x.id < y.id ? -1 : 1))[0]!;
    expect(node.evidenceItems.edges[0].node.sentenceText).toBe(first === docs[0] ? 'Lidocaine caused arrhythmia.' : 'Lidocaine prevented arrhythmia.');
    expect(node.evidenceItems.edges[0].node.mentionB.text).toBe('arrhythmia');
  });

  it('unknown id → NOT_FOUND naming the argument; the same entity twice → BAD_USER_INPUT', async () => {
    const r = await run(EVIDENCE, { a: L, b: 'MESH:D999999' });
    expect(codes(r)).toEqual(['NOT_FOUND']);
    expect(r.errors![0]!.extensions!['details']).toMatchObject({ field: 'b' });
    expect(codes(await run(EVIDENCE, { a: L, b: L }))).toEqual(['BAD_USER_INPUT']);
    expect(codes(await run(EVIDENCE, { a: L, b: AR, first: 101 }))).toEqual(['BAD_USER_INPUT']);
  });
});

describe('coMentionGraph', () => {
  const GRAPH = `query G($seeds: [ID!]!, $depth: Int, $limit: Int, $types: [EntityType!], $level: CoMentionLevel, $orderBy: CoMentionOrder, $minCount: Int) {
    coMentionGraph(seedIds: $seeds, depth: $depth, limit: $limit, types: $types, level: $level, orderBy: $orderBy, minCount: $minCount) {
      nodes { entityId documentCount sentenceCount depth }
      edges { a b documentCount sentenceCount npmi llr }
      truncated
    }
  }`;

  it('builds the one-hop neighbourhood with frequencies and scored edges', async () => {
    const r = await run(GRAPH, { seeds: [L] });
    expect(r.errors).toBeUndefined();
    const g = r.data!['coMentionGraph'];
    expect(g.nodes).toEqual([
      { entityId: L, documentCount: 4, sentenceCount: 4, depth: 0 },
      { entityId: AR, documentCount: 4, sentenceCount: 4, depth: 1 },
      { entityId: HA, documentCount: 3, sentenceCount: 3, depth: 1 },
      { entityId: CB, documentCount: 3, sentenceCount: 3, depth: 1 },
    ]);
    expect(g.edges.map((e: any) => [e.a, e.b, e.documentCount, e.sentenceCount])).toEqual([[L, AR, 3, 2], [L, HA, 2, 1], [L, CB, 1, 1]]);
    expect(g.edges[0].npmi).toBeCloseTo(scores(3, 4, 4, 7).npmi, 12);
    expect(g.edges[0].llr).toBeCloseTo(scores(3, 4, 4, 7).llr, 12);
    expect(g.truncated).toBe(false);
  });

  it('bounds the graph by limit and expands two hops', async () => {
    const capped = (await run(GRAPH, { seeds: [L], limit: 2 })).data!['coMentionGraph'];
    expect(capped.edges.map((e: any) => `${e.a}>${e.b}`)).toEqual([`${L}>${AR}`, `${L}>${HA}`]);
    expect(capped.truncated).toBe(true);
    // Hop 2: AR's new partners CB (d2) and HA (d1), one document each, by id; HA's: CB (d3).
    const two = (await run(GRAPH, { seeds: [L], depth: 2 })).data!['coMentionGraph'];
    expect(two.edges.map((e: any) => `${e.a}>${e.b}`)).toEqual([`${L}>${AR}`, `${L}>${HA}`, `${L}>${CB}`, `${AR}>${CB}`, `${AR}>${HA}`, `${HA}>${CB}`]);
    expect(two.truncated).toBe(false);
    const diseases = (await run(GRAPH, { seeds: [L], types: ['DISEASE'], level: 'SENTENCE', orderBy: 'LLR' })).data!['coMentionGraph'];
    expect(diseases.edges.map((e: any) => [e.b, e.sentenceCount])).toEqual([[AR, 2], [HA, 1]]);
  });

  it('refuses depth 3, limit 501, minCount 0 and no seeds with BAD_USER_INPUT naming the field; unknown seed → NOT_FOUND', async () => {
    for (const [vars, field] of [[{ depth: 3 }, 'depth'], [{ limit: 501 }, 'limit'], [{ limit: 0 }, 'limit'], [{ minCount: 0 }, 'minCount']] as const) {
      const r = await run(GRAPH, { seeds: [L], ...vars });
      expect(codes(r)).toEqual(['BAD_USER_INPUT']);
      expect(r.errors![0]!.extensions!['details']).toMatchObject({ field });
    }
    expect(codes(await run(GRAPH, { seeds: [] }))).toEqual(['BAD_USER_INPUT']);
    const unknown = await run(GRAPH, { seeds: [L, 'MESH:D999999'] });
    expect(codes(unknown)).toEqual(['NOT_FOUND']);
    expect(unknown.errors![0]!.extensions!['details']).toEqual({ field: 'seedIds', entityIds: ['MESH:D999999'] });
  });

  it('loads every node entity in one batch', async () => {
    const { store: recorded, calls } = recording(store);
    const r = await run(`{ coMentionGraph(seedIds: ["MESH:D008012"]) { nodes { entity { name } } } }`, {}, { store: recorded });
    expect(r.errors).toBeUndefined();
    expect(r.data!['coMentionGraph'].nodes.map((n: any) => n.entity.name)).toEqual(['Lidocaine', 'Arrhythmias, Cardiac', 'Heart Arrest', 'Carbamazepine']);
    // The seed lookup, the graph, then one batch for the three new nodes (the seed is cached).
    expect(calls.map((c) => c.method)).toEqual(['getEntities', 'coMentionGraph', 'getEntities']);
    expect(calls[2]!.args[0]).toEqual([AR, HA, CB]);
  });

  it('answers with a coded error when the store lacks the graph', async () => {
    const bare = new Proxy(store, { get: (t, prop, receiver) => (prop === 'coMentionGraph' ? undefined : (Reflect.get(t, prop, receiver) as unknown)) });
    const r = await run(GRAPH, { seeds: [L] }, { store: bare });
    expect(codes(r)).toEqual(['NOT_FOUND']);
    expect(r.errors![0]!.extensions!['details']).toEqual({ feature: 'coMentionGraph' });
  });

  it('weighs the graph lists by limit in the query cost', async () => {
    const schema = buildSchema(typeDefs);
    const cost = (query: string) => {
      const doc = parse(query);
      return operationCost(schema, doc, doc.definitions[0] as OperationDefinitionNode);
    };
    const deep = (limit: number) => `{ coMentionGraph(seedIds: ["MESH:D008012"], limit: ${limit}) { nodes { entity { parents { parents { name } } } } edges { a } } }`;
    // parents{name} 1, parents{…} 1 + 10·1, entity 1 + 11, nodes 1 + limit·12, edges 1 + limit·0,
    // graph 1 + its work (500, field-costs.ts) + one seed + those.
    expect(cost(deep(500))).toBe(1 + 500 + 1 + (1 + 500 * 12) + 1);
    expect(cost(deep(100))).toBe(1 + 500 + 1 + (1 + 100 * 12) + 1);
    expect(cost('{ coMentionGraph(seedIds: ["x", "y"]) { nodes { entity { name } } } }')).toBe(1 + 500 + 2 + (1 + 100 * 1)); // default limit 100
    const refused = await run(deep(500));
    expect(codes(refused)).toEqual(['QUERY_TOO_COMPLEX']);
    expect(refused.errors![0]!.extensions!['details']).toEqual({ limit: 'cost', value: 6504, max: 5000 });
    expect((await run(deep(100))).errors).toBeUndefined();
  });
});
