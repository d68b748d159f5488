/**
 * Hostile requests against the real HTTP server (express + Apollo) on a free port, over a real
 * SQLite store, in-process queue and key store in a temp directory, configured from the real
 * defaults (loadConfig): deep nesting, alias floods, costly lists, batches, oversized bodies,
 * huge page sizes, wrong roles, revoked and malformed keys, injection strings in every string
 * argument. Each is answered with its exact coded error (or a correct empty result); afterwards the
 * server is healthy, nothing was written, and no response leaked a stack, statement or path.
 */
import fs from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import Database from 'better-sqlite3';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openSqliteKeyStore, type ApiKeyStore } from '../src/auth/index.js';
import { loadConfig, type Config } from '../src/config.js';
import { apiAccessFromConfig } from '../src/graphql/access-config.js';
import { startApiServer, type ApiServer } from '../src/graphql/server.js';
import { openInProcessQueue } from '../src/jobs/in-process-queue.js';
import type { JobQueue } from '../src/jobs/port.js';
import { createLogger, silentLogger } from '../src/log.js';
import { databasePath } from '../src/main.js';
import type { EntityRecord } from '../src/domain/index.js';
import type { Store } from '../src/store/port.js';
import { openEmbeddedStore } from '../src/store/embedded/sqlite-store.js';

const ENTITIES: EntityRecord[] = [
  { id: 'MESH:D008012', type: 'CHEMICAL', name: 'Lidocaine', synonyms: ['Lignocaine'], parentIds: [], treeNumbers: ['D02.065.277'], source: 'mesh-2024' },
  { id: 'MESH:D001145', type: 'DISEASE', name: 'Arrhythmias, Cardiac', synonyms: ['Arrhythmia'], parentIds: [], treeNumbers: ['C14.280.067'], source: 'ctd-medic' },
];
const TEXT = 'Lidocaine caused arrhythmia.';
const BIG_TEXT = 'Lidocaine caused arrhythmia. '.repeat(34_483).slice(0, 1_000_000);

const INJECTIONS = ["' OR 1=1 --", '"; DROP TABLE documents; --', 'MATCH (n) DETACH DELETE n', "') UNION SELECT * FROM api_keys --", '%', '*'];
const CONTROL = ['abc\u0000def', 'line\nbreak', 'esc\u001b[2J', 'bidi\u202Etxt.exe', 'del\u007f', 'c1\u0085'];

interface Reply {
  status: number;
  body: any;
  headers: Headers;
}

let dir: string;
let config: Config;
let store: Store;
let queue: JobQueue;
let keys: ApiKeyStore;
let server: ApiServer;
const key: Record<'reader' | 'submitter' | 'curator' | 'admin' | 'revoked', string> = { reader: '', submitter: '', curator: '', admin: '', revoked: '' };
let mentionId: string;
let documentId: string;
/** Every response body, checked for leaks at the end. */
const seen: string[] = [];

async function send(body: string, headers: Record<string, string> = {}, url = server.url): Promise<Reply> {
  const res = await fetch(url, { method: 'POST', headers: { 'content-type': 'application/json', ...headers }, body });
  const text = await res.text();
  seen.push(text);
  return { status: res.status, body: JSON.parse(text), headers: res.headers };
}

function gql(query: string, variables: Record<string, unknown> = {}, as?: keyof typeof key, url?: string): Promise<Reply> {
  return send(JSON.stringify({ query, variables }), as ? { authorization: `Bearer ${key[as]}` } : {}, url);
}

/** The single error of a reply as [code, message]. */
function onlyError(r: Reply): [string, string] {
  expect(r.body.errors, JSON.stringify(r.body)).toHaveLength(1);
  return [r.body.errors[0].extensions.code, r.body.errors[0].message];
}

async function counts(): Promise<{ documents: number; entities: number; mentions: number; jobs: number }> {
  const documents = (await store.listDocuments({ first: 1 })).totalCount;
  const mentions = (await store.getMentionsByDocument([documentId]))[0]!.length;
  const jobs = (await queue.listJobs({ first: 1 })).totalCount;
  return { documents, entities: await store.countEntities(), mentions, jobs };
}

let before: Awaited<ReturnType<typeof counts>>;

beforeAll(async () => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'vaner-hostile-'));
  // The shipped defaults (body 10 MiB, depth 10, cost 5000, aliases 30), except a rate limit high
  // enough for this test's volley (the limiter has its own test below) and explicit anonymous reads.
  config = loadConfig({
    VANER_DATA_DIR: dir, VANER_PORT: '0', VANER_LOG_LEVEL: 'silent', VANER_ANONYMOUS_READ: 'true',
    VANER_RATE_LIMIT_PER_SECOND: '100000', VANER_RATE_LIMIT_BURST: '100000',
  });
  const file = databasePath(config);
  store = await openEmbeddedStore({ path: file });
  queue = await openInProcessQueue({ path: file });
  keys = openSqliteKeyStore({ path: file, dataDir: dir });
  await store.upsertEntities(ENTITIES);
  const [put] = await store.putDocuments([{ externalId: 'H:1', title: null, text: TEXT }]);
  documentId = put!.document.id;
  // A document at the size limit (1,000,000 characters): what amplification attacks aim at.
  await store.putDocuments([{ externalId: 'BIG:1', title: null, text: BIG_TEXT }]);
  await store.replaceMentions(documentId, put!.document.textHash, [
    { start: 0, end: 9, text: 'Lidocaine', type: 'CHEMICAL', confidence: null, entityId: 'MESH:D008012', linkMethod: 'exact', matchedName: 'Lidocaine', linkConfidence: 1, sentence: 0 },
    { start: 17, end: 27, text: 'arrhythmia', type: 'DISEASE', confidence: null, entityId: 'MESH:D001145', linkMethod: 'exact', matchedName: 'arrhythmia', linkConfidence: 1, sentence: 0 },
  ], { labeler: 'dictionary', modelVersion: 'd', linkerVersion: 'l' });
  mentionId = (await store.getMentionsByDocument([documentId]))[0]![0]!.id;
  for (const role of ['reader', 'submitter', 'curator', 'admin'] as const) key[role] = (await keys.create({ owner: `${role}-owner`, role, origin: 'cli' })).key;
  const revoked = await keys.create({ owner: 'gone', role: 'admin', origin: 'cli' });
  await keys.revoke(revoked.id);
  key.revoked = revoked.key;
  server = await startApiServer({
    store, queue, logger: silentLogger, host: config.host, port: config.port,
    limits: { maxDocumentChars: config.maxDocumentChars, maxBatchDocuments: config.maxBatchDocuments, maxBodyBytes: config.maxBodyBytes },
    ide: false, introspection: false,
    ...apiAccessFromConfig(config, keys),
  });
  before = await counts();
});

afterAll(async () => {
  await server?.close();
  await keys?.close();
  await queue?.close();
  await store?.close();
  fs.rmSync(dir, { recursive: true, force: true });
});

describe('query shape limits', () => {
  it('deep nesting: depth 11 is QUERY_TOO_COMPLEX naming the limit; depth 10 is accepted', async () => {
    // entity (1) + two hops of coMentions > edges > node > entity (4 each) + a last field.
    const hop = 'coMentions(first: 1) { edges { node { entity { ';
    const depth10 = `{ entity(id: "MESH:D008012") { ${hop.repeat(2)}id${' } } } }'.repeat(2)} } }`;
    const depth11 = `{ entity(id: "MESH:D008012") { ${hop.repeat(2)}coMentions(first: 1) { totalCount }${' } } } }'.repeat(2)} } }`;
    const ok = await gql(depth10);
    expect(ok.status, JSON.stringify(ok.body)).toBe(200);
    expect(ok.body.data.entity.coMentions.edges[0].node.entity.coMentions.edges[0].node.entity).toEqual({ id: 'MESH:D008012' });
    const deep = await gql(depth11);
    expect(deep.status).toBe(400);
    expect(deep.body.errors).toEqual([{ message: 'the operation is nested 11 levels deep; the limit is 10', extensions: { code: 'QUERY_TOO_COMPLEX', details: { limit: 'depth', value: 11, max: 10 } } }]);
  });

  it('depth is measured through fragments too', async () => {
    const r = await gql(`query { entity(id: "x") { ...P } } fragment P on Entity { parents { parents { parents { parents { parents { parents { parents { parents { parents { id } } } } } } } } } }`);
    expect(r.status).toBe(400);
    expect(onlyError(r)).toEqual(['QUERY_TOO_COMPLEX', 'the operation is nested 11 levels deep; the limit is 10']);
  });

  it('absurd nesting (20,000 levels) is refused before parsing, huge flat documents at the token limit: coded 400s, no crash', async () => {
    const r = await gql(`{ ${'a { '.repeat(20_000)}b${' }'.repeat(20_000)} }`);
    expect(r.status).toBe(400);
    expect(r.body).toEqual({ errors: [{ message: 'the query text is nested 20001 brackets deep; the limit is 128', extensions: { code: 'QUERY_TOO_COMPLEX', details: { limit: 'nesting', value: 20001, max: 128 } } }] });
    // Flat but long documents stop at the parser's token limit.
    const long = await gql(`{ ${'health { ok } '.repeat(2600)}}`);
    expect(long.status).toBe(400);
    expect(onlyError(long)).toEqual(['GRAPHQL_PARSE_FAILED', 'Syntax Error: Document contains more that 10000 tokens. Parsing aborted.']);
  });

  it('alias flooding: 31 aliases are refused, 30 accepted; 1,500 are refused just as fast', async () => {
    const aliases = (n: number) => `{ ${Array.from({ length: n }, (_, i) => `a${i}: health { ok }`).join(' ')} }`;
    const ok = await gql(aliases(30));
    expect(ok.status).toBe(200);
    expect(Object.keys(ok.body.data)).toHaveLength(30);
    const flood = await gql(aliases(31));
    expect(flood.status).toBe(400);
    expect(flood.body.errors).toEqual([{ message: 'the document has 31 aliases; the limit is 30', extensions: { code: 'QUERY_TOO_COMPLEX', details: { limit: 'aliases', value: 31, max: 30 } } }]);
    const started = Date.now();
    const huge = await gql(aliases(1500));
    expect(huge.status).toBe(400);
    expect(huge.body.errors.find((e: any) => e.extensions.code === 'QUERY_TOO_COMPLEX').extensions.details).toEqual({ limit: 'aliases', value: 1500, max: 30 });
    expect(Date.now() - started).toBeLessThan(5000);
  });

  it('cost: nested pages multiply by first; 202,301 is refused with the exact estimate', async () => {
    const q = `query($n: Int) { documents(first: $n) { edges { node { mentions { entity { documents(first: 100) { edges { node { id } } } } } } } } }`;
    const r = await gql(q, { n: 100 });
    expect(r.status).toBe(400);
    expect(r.body.errors).toEqual([{ message: "the operation's estimated cost is 202301; the limit is 5000", extensions: { code: 'QUERY_TOO_COMPLEX', details: { limit: 'cost', value: 202301, max: 5000 } } }]);
    // The same shape with small pages is cheap and runs: 1 + 2 * (1 + 1 + 1 + 10 * (1 + 1 + 2 * 2)) = 127.
    const small = await gql(q.replace('first: 100', 'first: 2'), { n: 2 });
    expect(small.status).toBe(200);
    expect(small.body.data.documents.edges[0].node.mentions).toHaveLength(2);
  });

  it('first: 1000000 is BAD_USER_INPUT on every paginated field', async () => {
    for (const q of [
      '{ documents(first: 1000000) { totalCount } }',
      '{ searchEntities(query: "lido", first: 1000000) { id } }',
      '{ coMentions(entityId: "MESH:D008012", first: 1000000) { totalCount } }',
      '{ entity(id: "MESH:D008012") { mentions(first: 1000000) { totalCount } } }',
    ]) {
      const r = await gql(q);
      expect(onlyError(r)).toEqual(['BAD_USER_INPUT', 'first must be an integer between 0 and 100']);
    }
  });

  it('a batched (array) body is refused with a code; none of its operations run', async () => {
    const r = await send(JSON.stringify([{ query: '{ health { ok } }' }, { query: '{ health { ok } }' }]));
    expect(r.status).toBe(400);
    expect(onlyError(r)).toEqual(['BAD_REQUEST', 'Operation batching disabled.']);
  });

  it('a body over 10 MiB is 413 PAYLOAD_TOO_LARGE; a 10 MB document inside the limit is DOCUMENT_TOO_LARGE', async () => {
    const limit = 10 * 1024 * 1024;
    expect(config.maxBodyBytes).toBe(limit);
    const envelope = JSON.stringify({ query: 'mutation($t: String!) { submitDocuments(documents: [{ text: $t }]) { job { id } } }', variables: { t: '' } });
    const over = await send(envelope.replace('"t":""', `"t":"${'a'.repeat(limit + 1 - envelope.length)}"`), { authorization: `Bearer ${key.submitter}` });
    expect(over.status).toBe(413);
    expect(over.body).toEqual({ errors: [{ message: `request body exceeds ${limit} bytes`, extensions: { code: 'PAYLOAD_TOO_LARGE', limit } }] });
    const tenMb = await send(envelope.replace('"t":""', `"t":"${'a'.repeat(10_000_000)}"`), { authorization: `Bearer ${key.submitter}` });
    expect(tenMb.status).toBe(200);
    expect(onlyError(tenMb)).toEqual(['DOCUMENT_TOO_LARGE', 'text has 10000000 characters; the limit is 1000000']);
  });
});

describe('amplification', () => {
  /** A query whose fragments F0..F(n-1) each spread the next one twice: 2^n spread paths. */
  const fanOut = (n: number, leaf: string, wrap = (inner: string) => inner) =>
    `query { entity(id: "MESH:D008012") { ...F0 } } ${Array.from({ length: n }, (_, i) =>
      `fragment F${i} on Entity { ${wrap(`...F${i + 1} ...F${i + 1}`)} }`).join(' ')} fragment F${n} on Entity { ${leaf} }`;

  it('exponential fragment fan-out (2^40 paths) is priced in linear time and refused by cost', async () => {
    const started = performance.now();
    const r = await gql(fanOut(40, 'parents { id }'));
    const ms = performance.now() - started;
    expect(r.status).toBe(400);
    const [code, message] = onlyError(r);
    expect(code).toBe('QUERY_TOO_COMPLEX');
    expect(message).toMatch(/^the operation's estimated cost is \d+; the limit is 5000$/);
    expect(r.body.errors[0].extensions.details).toMatchObject({ limit: 'cost', max: 5000 });
    expect(r.body.errors[0].extensions.details.value).toBeGreaterThan(2 ** 40);
    expect(ms).toBeLessThan(1000);
  });

  it('fan-out through nested fields is refused by depth, just as fast; a small fan-out runs', async () => {
    const started = performance.now();
    const deep = await gql(fanOut(30, 'id', (inner) => `parents { ${inner} }`));
    expect(deep.status).toBe(400);
    // entity 1 + 30 parents + id.
    expect(onlyError(deep)).toEqual(['QUERY_TOO_COMPLEX', 'the operation is nested 32 levels deep; the limit is 10']);
    expect(performance.now() - started).toBeLessThan(1000);
    // Four levels: the spreads merge at execution; the cost counts each spread (16 paths · parents 1 + 10).
    const ok = await gql(fanOut(4, 'parents { id } name'));
    expect(ok.body).toEqual({ data: { entity: { parents: [], name: 'Lidocaine' } } });
  });

  it('every expensive field, aliased up to the alias limit, exceeds the cost budget; one alias runs', async () => {
    const EXPENSIVE = [
      'searchEntities(query: "li", first: 1) { id }',
      'document(externalId: "H:1") { export(format: PUBTATOR) }',
      'coMentions(entityId: "MESH:D008012", first: 1) { totalCount }',
      'entity(id: "MESH:D008012") { coMentions(first: 1) { totalCount } }',
      'coMentionEvidence(a: "MESH:D008012", b: "MESH:D001145", first: 1) { totalCount }',
      'coMentions(entityId: "MESH:D008012", first: 1) { edges { node { evidenceItems(first: 1) { totalCount } } } }',
      'coMentionGraph(seedIds: ["MESH:D008012"], limit: 1) { truncated }',
    ];
    for (const field of EXPENSIVE) {
      const one = await gql(`{ a0: ${field} }`);
      expect(one.status, `${field}: ${JSON.stringify(one.body)}`).toBe(200);
      expect(one.body.errors, field).toBeUndefined();
      const thirty = await gql(`{ ${Array.from({ length: 30 }, (_, i) => `a${i}: ${field}`).join(' ')} }`);
      expect(thirty.status, field).toBe(400);
      expect(onlyError(thirty)[0], field).toBe('QUERY_TOO_COMPLEX');
      expect(thirty.body.errors[0].extensions.details.limit, field).toBe('cost');
    }
  });

  it('a page of exports costs per document: documents(first: 20) { export } is refused, first: 5 runs', async () => {
    const q = (n: number) => `{ documents(first: ${n}) { edges { node { export(format: JSONL) } } } }`;
    const refused = await gql(q(20));
    expect(refused.body.errors[0].extensions).toEqual({ code: 'QUERY_TOO_COMPLEX', details: { limit: 'cost', value: 1 + 20 * (1 + 1 + 500), max: 5000 } });
    const ok = await gql(q(5));
    expect(ok.body.data.documents.edges).toHaveLength(2);
  });

  it('list arguments are priced by their length: documentsByExternalId with 600 ids', async () => {
    const ids = Array.from({ length: 600 }, (_, i) => `PMID:${i}`);
    // Each id is a lookup (600) and a document (600 times its selection: text 5 + export 500).
    const exportAll = await gql('query($ids: [String!]!) { documentsByExternalId(externalIds: $ids) { id export(format: PUBTATOR) } }', { ids });
    expect(exportAll.status).toBe(400);
    expect(exportAll.body.errors[0].extensions.details).toEqual({ limit: 'cost', value: 1 + 600 + 600 * 500, max: 5000 });
    // Inline lists count the same way.
    const inline = await gql(`{ documentsByExternalId(externalIds: [${ids.map((id) => JSON.stringify(id)).join(', ')}]) { id export(format: PUBTATOR) } }`);
    expect(inline.body.errors[0].extensions.details.value).toBe(1 + 600 + 600 * 500);
    // Affordable: 600 lookups of ids and texts (1 + 600 + 600 * 5) run and answer null for unknown ids.
    const texts = await gql('query($ids: [String!]!) { documentsByExternalId(externalIds: $ids) { id text } }', { ids: [...ids.slice(1), 'H:1'] });
    expect(texts.status).toBe(200);
    expect(texts.body.data.documentsByExternalId).toHaveLength(600);
    expect(texts.body.data.documentsByExternalId.filter((d: unknown) => d !== null)).toEqual([{ id: documentId, text: TEXT }]);
    // The same 600 lookups of the 1M-character document would answer 600 MB: capped, not built.
    const big = await gql('query($ids: [String!]!) { documentsByExternalId(externalIds: $ids) { text } }', { ids: Array(600).fill('BIG:1') });
    expect(big.status).toBe(200);
    expect(big.body.data).toBeNull();
    expect(onlyError(big)[0]).toBe('RESPONSE_TOO_LARGE');
    // More than 1000 ids: refused before any lookup.
    expect(onlyError(await gql('query($ids: [String!]!) { documentsByExternalId(externalIds: $ids) { id } }', { ids: Array(1001).fill('x') }))).toEqual(['BAD_USER_INPUT', 'at most 1000 externalIds per call']);
  });

  it('a response over VANER_MAX_RESPONSE_BYTES (16 MiB) is one RESPONSE_TOO_LARGE error; 16 aliases of a 1M-character text fit', async () => {
    const texts = (n: number) => `{ ${Array.from({ length: n }, (_, i) => `a${i}: document(externalId: "BIG:1") { text }`).join(' ')} }`;
    const fits = await gql(texts(16));
    expect(fits.status).toBe(200);
    expect(fits.body.data.a15.text).toHaveLength(1_000_000);
    const started = performance.now();
    const over = await gql(texts(30));
    expect(performance.now() - started).toBeLessThan(5000);
    expect(over.body).toEqual({ data: null, errors: [{
      message: 'the response exceeds 16777216 bytes; ask for fewer or smaller fields (smaller pages, fewer aliases)',
      extensions: { code: 'RESPONSE_TOO_LARGE', details: { limit: 'responseBytes', value: 17_000_000, max: 16_777_216 } },
    }] });
  });
});

describe('identities and roles', () => {
  const SUBMIT = 'mutation { submitDocuments(documents: [{ text: "Lidocaine." }]) { job { id } } }';

  it('anonymous callers read but cannot write; a reader cannot submit; the messages name the role', async () => {
    expect((await gql('{ viewer { keyId owner role } }')).body.data.viewer).toEqual({ keyId: null, owner: 'anonymous', role: 'READER' });
    expect(onlyError(await gql(SUBMIT))).toEqual(['UNAUTHENTICATED', 'Mutation.submitDocuments needs an API key with role submitter (Authorization: Bearer <key>)']);
    const reader = await gql(SUBMIT, {}, 'reader');
    expect(reader.body.data).toBeNull();
    expect(reader.body.errors).toEqual([{
      message: 'Mutation.submitDocuments needs role submitter; this key has role reader',
      locations: [{ line: 1, column: 12 }], path: ['submitDocuments'],
      extensions: { code: 'FORBIDDEN', details: { required: 'submitter', role: 'reader' } },
    }]);
  });

  it('curation needs a curator: a submitter is FORBIDDEN, a curator succeeds and the audit trail names its owner', async () => {
    const review = `mutation($id: ID!) { reviewMention(id: $id, state: CONFIRMED) { id review } }`;
    expect(onlyError(await gql(review, { id: mentionId }, 'submitter'))).toEqual(['FORBIDDEN', 'Mutation.reviewMention needs role curator; this key has role submitter']);
    const ok = await gql(review, { id: mentionId }, 'curator');
    expect(ok.body).toEqual({ data: { reviewMention: { id: mentionId, review: 'CONFIRMED' } } });
    const edits = await store.curationEdits({ first: 10 });
    expect(edits.items.map((e) => [e.actor, e.action, e.target])).toEqual([['curator-owner', 'review-mention', mentionId]]);
    // Restore for the counts check at the end (reviews do not change counts, but keep state clean).
    await gql(`mutation($id: ID!) { reviewMention(id: $id, state: UNREVIEWED) { id } }`, { id: mentionId }, 'admin');
  });

  it('key administration needs an admin: createApiKey shows the key once, apiKeys lists it, revokeApiKey locks it out', async () => {
    expect(onlyError(await gql('{ apiKeys { id } }', {}, 'curator'))).toEqual(['FORBIDDEN', 'Query.apiKeys needs role admin; this key has role curator']);
    expect(onlyError(await gql('mutation { createApiKey(owner: "x", role: ADMIN) { key } }', {}, 'curator'))[0]).toBe('FORBIDDEN');
    const created = (await gql('mutation { createApiKey(owner: "robot", role: READER) { id key role owner } }', {}, 'admin')).body.data.createApiKey;
    expect(created).toEqual({ id: expect.stringMatching(/^[0-9a-f]{16}$/), key: expect.stringMatching(/^vk_/), role: 'READER', owner: 'robot' });
    const listed = (await gql('{ apiKeys { id owner role origin createdBy revokedAt } }', {}, 'admin')).body.data.apiKeys;
    expect(listed.find((k: any) => k.id === created.id)).toEqual({ id: created.id, owner: 'robot', role: 'READER', origin: 'api', createdBy: 'admin-owner', revokedAt: null });
    expect(JSON.stringify(listed)).not.toContain(created.key.slice(20));
    const viewer = await send(JSON.stringify({ query: '{ viewer { owner role } }' }), { authorization: `Bearer ${created.key}` });
    expect(viewer.body.data.viewer).toEqual({ owner: 'robot', role: 'READER' });
    const revoked = await gql(`mutation { revokeApiKey(id: "${created.id}") { id revokedAt } }`, {}, 'admin');
    expect(revoked.body.data.revokeApiKey.revokedAt).toMatch(/^\d{4}-/);
    const after = await send(JSON.stringify({ query: '{ viewer { owner } }' }), { authorization: `Bearer ${created.key}` });
    expect(after.status).toBe(401);
  });

  it('a revoked key and malformed credentials are 401 UNAUTHENTICATED before any GraphQL runs', async () => {
    const revoked = await gql('{ health { ok } }', {}, 'revoked');
    expect(revoked.status).toBe(401);
    expect(revoked.headers.get('www-authenticate')).toBe('Bearer');
    expect(revoked.body).toEqual({ errors: [{ message: 'invalid or revoked API key', extensions: { code: 'UNAUTHENTICATED' } }] });
    for (const header of ['Bearer nonsense', 'Bearer vk_zz_zz', 'Basic YWRtaW46YWRtaW4=', 'Bearer ', `Bearer ${key.admin}x`, `Bearer ${key.admin.replace('vk_', 'VK_')}`]) {
      const r = await send(JSON.stringify({ query: '{ health { ok } }' }), { authorization: header });
      expect(r.status).toBe(401);
      expect(r.body.errors[0].extensions.code).toBe('UNAUTHENTICATED');
    }
  });
});

describe('identifiers, invisible text, raw bytes, passages, exports', () => {
  const SUBMIT_ALL = 'mutation($docs: [DocumentInput!]!) { submitDocuments(documents: $docs) { job { id } } }';
  const BAD_IDS: [string, string][] = [
    ['x'.repeat(10_240), 'externalId is longer than 256 characters'],
    ['PMID\t1', 'externalId contains control or invisible formatting characters'],
    ['PMID\n1', 'externalId contains control or invisible formatting characters'],
    ['PMID\u00001', 'externalId contains control or invisible formatting characters'],
    ['PMID:1\u202Etxt', 'externalId contains control or invisible formatting characters'],
    ['PMID\u200B1', 'externalId contains control or invisible formatting characters'],
    ['PMID|1', 'externalId must not contain "|"'],
    [' PMID:1', 'externalId must not start or end with whitespace'],
    ['PMID:\uD8001', 'externalId is not valid Unicode (it contains a lone UTF-16 surrogate)'],
  ];

  it('externalIds follow the identifier rule: 10 KB, tab, newline, NUL, bidi override, zero-width, |, padding are refused per document', async () => {
    const r = await gql(SUBMIT_ALL, { docs: BAD_IDS.map(([externalId]) => ({ externalId, text: TEXT })) }, 'submitter');
    expect(r.body.data).toBeNull();
    expect(r.body.errors[0].extensions).toEqual({
      code: 'BAD_USER_INPUT',
      details: { errors: BAD_IDS.map(([, message], index) => ({ index, code: index === 8 ? 'INVALID_UTF8' : 'BAD_USER_INPUT', message })) },
    });
    // The same rule guards lookups, alone or as list elements.
    for (const [v, message] of BAD_IDS.slice(1, 8)) {
      expect(onlyError(await gql('query($v: String!) { document(externalId: $v) { id } }', { v }))).toEqual(['BAD_USER_INPUT', message]);
    }
    const list = await gql('query($ids: [String!]!) { documentsByExternalId(externalIds: $ids) { id } }', { ids: ['H:1', 'PMID|2'] });
    expect(list.body.errors[0]).toMatchObject({ message: 'externalIds[1] must not contain "|"', extensions: { code: 'BAD_USER_INPUT', details: { field: 'externalIds[1]' } } });
    const seeds = await gql('{ coMentionGraph(seedIds: ["MESH:D008012", "MESH:D00\\u0000"]) { truncated } }');
    expect(onlyError(seeds)).toEqual(['BAD_USER_INPUT', 'seedIds[1] contains control or invisible formatting characters']);
    const retry = await gql('mutation { retryDocuments(jobId: "j", documentIds: ["a", "b\\tc"]) { id } }', {}, 'submitter');
    expect(onlyError(retry)).toEqual(['BAD_USER_INPUT', 'documentIds[1] contains control or invisible formatting characters']);
  });

  it('text without a visible character is EMPTY_TEXT (zero-width spaces, fillers, separators, a lone combining mark)', async () => {
    const invisible = ['\u200B\u200B\u200B', '\u3164', '\u00A0\u2028\u3000', '\u0301', '\uFEFF', '\u2066\u2069', '\u2800 \t\n'];
    const r = await gql(SUBMIT_ALL, { docs: invisible.map((text) => ({ text })) }, 'submitter');
    expect(r.body.errors[0].extensions).toEqual({
      code: 'EMPTY_TEXT',
      details: { errors: invisible.map((_, index) => ({ index, code: 'EMPTY_TEXT', message: 'text is empty or has no visible character' })) },
    });
  });

  it('raw invalid UTF-8 in a request body is 400 INVALID_UTF8, never silently replaced', async () => {
    for (const bad of [[0xff], [0xc3, 0x28], [0xc0, 0xaf], [0xed, 0xa0, 0x80], [0xf4, 0x90, 0x80, 0x80]]) {
      const body = Buffer.concat([
        Buffer.from('{"query":"mutation($t: String!) { submitDocuments(documents: [{ text: $t }]) { job { id } } }","variables":{"t":"Lidocaine '),
        Buffer.from(bad),
        Buffer.from('"}}'),
      ]);
      const res = await fetch(server.url, { method: 'POST', headers: { 'content-type': 'application/json', authorization: `Bearer ${key.submitter}` }, body });
      const text = await res.text();
      seen.push(text);
      expect(res.status, bad.join(',')).toBe(400);
      expect(JSON.parse(text)).toEqual({ errors: [{ message: 'request body is not valid UTF-8', extensions: { code: 'INVALID_UTF8' } }] });
    }
    // Valid multi-byte UTF-8 still passes (and is kept exactly).
    const ok = await send(JSON.stringify({ query: '{ document(externalId: "Lidoca\u00efne\u{1F48A}") { id } }' }));
    expect(ok.body).toEqual({ data: { document: null } });
  });

  it('passages are bounded: 10,000 empty passages are refused; a long or control-character passage type too', async () => {
    const empty = Array.from({ length: 10_000 }, () => ({ offset: 0, length: 0 }));
    const r = await gql(SUBMIT_ALL, { docs: [{ text: TEXT, passages: empty }] }, 'submitter');
    expect(onlyError(r)).toEqual(['BAD_USER_INPUT', '10000 passages; the limit is 1000']);
    const typed = await gql(SUBMIT_ALL, { docs: [{ text: TEXT, passages: [{ offset: 0, length: 9, type: 'title\u001b[2J' }] }] }, 'submitter');
    expect(onlyError(typed)).toEqual(['BAD_USER_INPUT', 'passages[0].type must be at most 64 characters without control or invisible formatting characters']);
  });

  it('a page of PubTator exports never fails because of one document: an old externalId with "|" and a tab is escaped', async () => {
    // Stored before identifiers were validated: written straight into the database file.
    const db = new Database(databasePath(config));
    try {
      db.prepare('UPDATE documents SET external_id = ? WHERE id = ?').run('OLD|1\t2', documentId);
      const r = await gql('{ documents(first: 5) { edges { node { externalId export(format: PUBTATOR) } } } }');
      expect(r.body.errors).toBeUndefined();
      const [old, big] = r.body.data.documents.edges.map((e: any) => e.node);
      expect(old.externalId).toBe('OLD|1\t2');
      expect(old.export).toBe('OLD_1_2|t|Lidocaine caused arrhythmia.\nOLD_1_2|a|\nOLD_1_2\t0\t9\tLidocaine\tChemical\tD008012\nOLD_1_2\t17\t27\tarrhythmia\tDisease\tD001145\n\n');
      expect(big.export.startsWith('BIG:1|t|')).toBe(true);
    } finally {
      db.prepare('UPDATE documents SET external_id = ? WHERE id = ?').run('H:1', documentId);
      db.close();
    }
  });
});

describe('injection strings and control characters in every string argument', () => {
  const READS: { query: string; empty: unknown; cursor?: boolean }[] = [
    { query: 'query($v: ID!) { document(id: $v) { id } }', empty: { document: null } },
    { query: 'query($v: String!) { document(externalId: $v) { id } }', empty: { document: null } },
    { query: 'query($v: ID!) { documents(entityId: $v) { totalCount } }', empty: { documents: { totalCount: 0 } } },
    { query: 'query($v: String!) { documents(externalIdPrefix: $v) { totalCount } }', empty: { documents: { totalCount: 0 } } },
    { query: 'query($v: ID!) { entity(id: $v) { id } }', empty: { entity: null } },
    { query: 'query($v: String!) { searchEntities(query: $v) { id } }', empty: { searchEntities: [] } },
    { query: 'query($v: ID!) { job(id: $v) { id } }', empty: { job: null } },
    { query: 'query($v: String!) { documents(after: $v) { totalCount } }', empty: null, cursor: true },
    { query: 'query($v: String!) { entity(id: "MESH:D008012") { mentions(after: $v) { totalCount } } }', empty: null, cursor: true },
  ];

  it('reads: injection strings find nothing (or are invalid cursors); control characters are BAD_USER_INPUT', async () => {
    for (const { query, empty, cursor } of READS) {
      for (const v of INJECTIONS) {
        const r = await gql(query, { v });
        if (cursor) expect(onlyError(r), `${query} ${v}`).toEqual(['BAD_USER_INPUT', 'invalid pagination cursor']);
        else expect(r.body, `${query} ${v}`).toEqual({ data: empty });
      }
      for (const v of CONTROL) {
        const r = await gql(query, { v });
        expect(onlyError(r)[0], `${query} ${JSON.stringify(v)}`).toBe('BAD_USER_INPUT');
        expect(onlyError(r)[1]).toMatch(/^\w+ contains control or invisible formatting characters$/);
      }
    }
    // The only document's own prefix still matches: the filter works, it is just not injectable.
    expect((await gql('{ documents(externalIdPrefix: "H:") { totalCount } }')).body.data.documents.totalCount).toBe(1);
    expect(onlyError(await gql('query($v: ID!) { coMentions(entityId: $v) { totalCount } }', { v: INJECTIONS[0] }))[0]).toBe('NOT_FOUND');
    expect(onlyError(await gql('query($v: ID!) { entity(id: $v) { id } }', { v: 'x'.repeat(257) }))).toEqual(['BAD_USER_INPUT', 'id is longer than 256 characters']);
  });

  it('writes: injection ids are NOT_FOUND, owners are stored verbatim, control characters are refused', async () => {
    for (const v of INJECTIONS) {
      expect(onlyError(await gql('mutation($v: ID!) { reviewMention(id: $v, state: REJECTED) { id } }', { v }, 'curator'))[0]).toBe('NOT_FOUND');
      expect(onlyError(await gql('mutation($v: ID!) { mergeEntities(sourceId: $v, targetId: "MESH:D008012") { id } }', { v }, 'curator'))[0]).toBe('NOT_FOUND');
      expect(onlyError(await gql('mutation($v: ID!) { revokeApiKey(id: $v) { id } }', { v }, 'admin'))[0]).toBe('NOT_FOUND');
    }
    const owner = '"; DROP TABLE api_keys; --';
    const created = await gql('mutation($o: String!) { createApiKey(owner: $o, role: READER) { id owner } }', { o: owner }, 'admin');
    expect(created.body.data.createApiKey.owner).toBe(owner);
    await gql(`mutation { revokeApiKey(id: "${created.body.data.createApiKey.id}") { id } }`, {}, 'admin');
    for (const v of CONTROL) {
      expect(onlyError(await gql('mutation($o: String!) { createApiKey(owner: $o, role: READER) { id } }', { o: v }, 'admin'))[0]).toBe('BAD_USER_INPUT');
    }
  });
});

describe('introspection off, rate limits', () => {
  it('VANER_INTROSPECTION=false refuses __schema and __type with FORBIDDEN; __typename still works', async () => {
    const r = await gql('{ __schema { types { name } } }');
    expect(r.status).toBe(400);
    expect(onlyError(r)).toEqual(['FORBIDDEN', 'introspection is disabled on this server (VANER_INTROSPECTION=false)']);
    expect(onlyError(await gql('{ __type(name: "Query") { name } }'))[0]).toBe('FORBIDDEN');
    expect((await gql('{ __typename }')).body).toEqual({ data: { __typename: 'Query' } });
  });

  it('a key over its rate gets 429 RATE_LIMITED with retryAfter; other keys are unaffected; bad tokens count per address', async () => {
    const limited = await startApiServer({
      store, queue, logger: silentLogger, host: '127.0.0.1', port: 0,
      limits: { maxDocumentChars: 100, maxBatchDocuments: 1, maxBodyBytes: 1 << 16 }, ide: false, introspection: false,
      auth: { keys, anonymousRead: true, rateLimit: { perSecond: 0.5, burst: 2 } },
    });
    try {
      const q = '{ health { ok } }';
      expect((await gql(q, {}, 'reader', limited.url)).status).toBe(200);
      expect((await gql(q, {}, 'reader', limited.url)).status).toBe(200);
      const third = await gql(q, {}, 'reader', limited.url);
      expect(third.status).toBe(429);
      expect(third.headers.get('retry-after')).toBe('2');
      expect(third.body).toEqual({ errors: [{ message: 'rate limit exceeded; retry in 2 s', extensions: { code: 'RATE_LIMITED', retryAfter: 2 } }] });
      expect((await gql(q, {}, 'curator', limited.url)).status).toBe(200);
      const bad = { authorization: 'Bearer nope' };
      expect((await send(JSON.stringify({ query: q }), bad, limited.url)).status).toBe(401);
      expect((await send(JSON.stringify({ query: q }), bad, limited.url)).status).toBe(401);
      expect((await send(JSON.stringify({ query: q }), bad, limited.url)).status).toBe(429);
      // Anonymous callers share the address's bucket, now empty.
      expect((await gql(q, {}, undefined, limited.url)).status).toBe(429);
    } finally {
      await limited.close();
    }
  });
});

describe('schema details, subscriptions, aborted bodies, slow clients, key timing', () => {
  it('with introspection off, errors suggest no field, argument or enum names', async () => {
    const field = await gql('{ documentz { totalCount } }');
    expect(field.status).toBe(400);
    expect(onlyError(field)).toEqual(['GRAPHQL_VALIDATION_FAILED', 'Cannot query field "documentz" on type "Query".']);
    const arg = await gql('{ documents(fisrt: 1) { totalCount } }');
    expect(onlyError(arg)).toEqual(['GRAPHQL_VALIDATION_FAILED', 'Unknown argument "fisrt" on field "Query.documents".']);
    const literal = await gql('{ searchEntities(query: "x", type: CHEMICL) { id } }');
    expect(onlyError(literal)[1]).toBe('Value "CHEMICL" does not exist in "EntityType" enum.');
    const variable = await gql('query($t: EntityType) { searchEntities(query: "x", type: $t) { id } }', { t: 'CHEMICL' });
    expect(onlyError(variable)[0]).toBe('BAD_USER_INPUT');
    for (const r of [field, arg, literal, variable]) expect(JSON.stringify(r.body)).not.toMatch(/Did you mean|CHEMICAL|"documents"/);
  });

  it('a subscription operation is 400 OPERATION_NOT_SUPPORTED', async () => {
    const r = await gql('subscription { health { ok } }');
    expect(r.status).toBe(400);
    expect(onlyError(r)).toEqual(['OPERATION_NOT_SUPPORTED', 'subscriptions are not supported by this API; poll instead (e.g. job(id) { state progress })']);
  });

  /** A server with small connection limits and a logger whose lines the test reads. */
  async function limitedServer(lines: string[]): Promise<ApiServer> {
    return startApiServer({
      store, queue, logger: createLogger('debug', (line) => lines.push(line)), host: '127.0.0.1', port: 0,
      limits: { maxDocumentChars: 100, maxBatchDocuments: 1, maxBodyBytes: 1 << 16 }, ide: false, introspection: false,
      connections: { headersTimeoutMs: 400, requestTimeoutMs: 800, keepAliveTimeoutMs: 300, maxConnections: 3 },
      auth: { keys, anonymousRead: true },
    });
  }

  /** Opens a raw connection, writes `text`, and resolves with what came back and after how long the server closed it. */
  function rawConnection(port: number, text: string, timeoutMs = 5000): Promise<{ data: string; closedAfterMs: number | null }> {
    return new Promise((resolve) => {
      const started = performance.now();
      const socket = net.connect(port, '127.0.0.1', () => socket.write(text));
      let data = '';
      socket.setEncoding('utf8');
      socket.on('data', (chunk: string) => (data += chunk));
      socket.on('error', () => undefined);
      const timer = setTimeout(() => {
        socket.destroy();
        resolve({ data, closedAfterMs: null });
      }, timeoutMs);
      socket.on('close', () => {
        clearTimeout(timer);
        resolve({ data, closedAfterMs: performance.now() - started });
      });
    });
  }

  it('a client that aborts its body is logged once at debug level, without a stack, and is not a server error', async () => {
    const lines: string[] = [];
    const limited = await limitedServer(lines);
    try {
      const port = Number(new URL(limited.url).port);
      const socket = net.connect(port, '127.0.0.1');
      await new Promise((resolve) => socket.once('connect', resolve));
      socket.write('POST /graphql HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nContent-Length: 5000\r\n\r\n{"query":"{ hea');
      await new Promise((resolve) => setTimeout(resolve, 100));
      socket.destroy();
      await new Promise((resolve) => setTimeout(resolve, 300));
      const entries = lines.map((l) => JSON.parse(l) as { level: string; message: string });
      const aborted = entries.filter((e) => e.message === 'client aborted the request body');
      expect(aborted).toHaveLength(1);
      expect(JSON.stringify(aborted[0])).not.toMatch(/stack|\bat \S+:\d+/);
      expect(aborted[0]!.level).toBe('debug');
      expect(entries.filter((e) => e.level === 'error' || e.level === 'warn')).toEqual([]);
      // The server still answers.
      expect((await gql('{ health { ok } }', {}, undefined, limited.url)).body).toEqual({ data: { health: { ok: true } } });
    } finally {
      await limited.close();
    }
  });

  it('slow headers, slow bodies and idle keep-alive connections are closed on time; past the connection cap, new ones at once', async () => {
    const lines: string[] = [];
    const limited = await limitedServer(lines);
    try {
      const port = Number(new URL(limited.url).port);
      // Headers never finished: 408 and closed after the 400 ms header deadline (checked every 100 ms).
      const slowHeaders = await rawConnection(port, 'POST /graphql HTTP/1.1\r\nHost: x\r\n');
      expect(slowHeaders.data).toMatch(/^HTTP\/1\.1 408 /);
      expect(slowHeaders.closedAfterMs).toBeGreaterThan(350);
      expect(slowHeaders.closedAfterMs).toBeLessThan(2000);
      // Body never finished: closed after the 800 ms request deadline.
      const slowBody = await rawConnection(port, 'POST /graphql HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nContent-Length: 100\r\n\r\n{"q');
      expect(slowBody.closedAfterMs).toBeGreaterThan(750);
      expect(slowBody.closedAfterMs).toBeLessThan(2500);
      // A finished request on a keep-alive connection: answered, then closed after 300 ms idle.
      const body = '{"query":"{ health { ok } }"}';
      const keepAlive = await rawConnection(port, `POST /graphql HTTP/1.1\r\nHost: x\r\nConnection: keep-alive\r\nContent-Type: application/json\r\nContent-Length: ${body.length}\r\n\r\n${body}`);
      expect(keepAlive.data).toMatch(/^HTTP\/1\.1 200 /);
      expect(keepAlive.closedAfterMs).toBeLessThan(2000);
      // Three connections held open (headers pending); a fourth is closed at once, unanswered.
      const held = [0, 1, 2].map(() => rawConnection(port, 'GET /healthz HTTP/1.1\r\n'));
      await new Promise((resolve) => setTimeout(resolve, 100));
      const fourth = await rawConnection(port, 'GET /healthz HTTP/1.1\r\nHost: x\r\n\r\n');
      expect(fourth.data).toBe('');
      expect(fourth.closedAfterMs).toBeLessThan(300);
      await Promise.all(held);
      // Once they are gone, connections are served again.
      const after = await rawConnection(port, 'GET /healthz HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n');
      expect(after.data).toMatch(/^HTTP\/1\.1 200 /);
    } finally {
      await limited.close();
    }
  });

  it('the key check takes as long for an unknown key id as for a wrong secret', async () => {
    const known = key.reader.split('_')[1]!;
    const unknownId = `vk_${'0'.repeat(known.length)}_${key.reader.split('_')[2]}`;
    const wrongSecret = `${key.reader.slice(0, -4)}${key.reader.endsWith('aaaa') ? 'bbbb' : 'aaaa'}`;
    const time = async (token: string): Promise<number> => {
      const at = process.hrtime.bigint();
      await keys.verify(token).catch(() => undefined);
      return Number(process.hrtime.bigint() - at);
    };
    for (let i = 0; i < 200; i++) await time(i % 2 ? unknownId : wrongSecret); // warm-up
    const unknown: number[] = [];
    const wrong: number[] = [];
    // Interleaved, so load on the host affects both alike.
    for (let i = 0; i < 3000; i++) {
      unknown.push(await time(unknownId));
      wrong.push(await time(wrongSecret));
    }
    const median = (xs: number[]) => xs.sort((a, b) => a - b)[xs.length >> 1]!;
    const ratio = median(unknown) / median(wrong);
    expect(ratio).toBeGreaterThan(0.85);
    expect(ratio).toBeLessThan(1.15);
  });
});

describe('afterwards', () => {
  it('the server is healthy, normal queries work, nothing was written', async () => {
    const health = await fetch(server.url.replace('/graphql', '/healthz'));
    expect(health.status).toBe(200);
    expect(await health.json()).toEqual({ status: 'ok', store: 'embedded', queue: 'in-process', entityCount: 2 });
    const doc = await gql('{ document(externalId: "H:1") { text mentions { text review entity { id } } } }', {}, 'reader');
    expect(doc.body).toEqual({ data: { document: { text: TEXT, mentions: [
      { text: 'Lidocaine', review: 'UNREVIEWED', entity: { id: 'MESH:D008012' } },
      { text: 'arrhythmia', review: 'UNREVIEWED', entity: { id: 'MESH:D001145' } },
    ] } } });
    expect(await counts()).toEqual(before);
    expect((await store.getEntities(['MESH:D008012']))[0]!.mergedInto).toBeNull();
  });

  it('no response carried a stack trace, statement, file path or driver message', () => {
    expect(seen.length).toBeGreaterThan(150);
    const leaks = /(\bat \S+:\d+:\d+)|\.ts\b|\.js:\d|node_modules|\/tmp\/|\/work\/|SQLITE|sqlite|better-sqlite|SELECT |INSERT |DELETE FROM|neo4j|Cypher|stack/i;
    // The injection strings are echoed back by design in a few places (e.g. a stored owner); drop them first.
    const echoed = [...INJECTIONS, '"; DROP TABLE api_keys; --'].map((v) => JSON.stringify(v).slice(1, -1));
    const leaking = seen.filter((body) => leaks.test(echoed.reduce((b, v) => b.split(v).join(''), body)));
    expect(leaking.map((b) => b.slice(0, 400))).toEqual([]);
  });
});
