/**
 * Resolvers. Every read of an entity, document, document's mentions or job goes through the
 * request's DataLoaders, so a list of N items costs one store batch call per field, not N calls.
 * Paginated per-entity lists (mentions, documents, co-mentions) call the store directly: they
 * are connections with their own cursors and have no batch form.
 */
import type { ApiKeyInfo, ApiKeyStore, Role } from '../auth/index.js';
import { VanerError } from '../errors.js';
import { isNamesOnlyId } from '../kb/index.js';
import type { JobInfo } from '../jobs/port.js';
import { schemeFor, type EntityType, type Entity, type Mention, type ReviewState, type StoredDocument } from '../domain/index.js';
import { coMentionsResolvers } from './co-mentions/resolvers.js';
import type { GraphQLContext } from './context.js';
import { curationResolvers } from './curation/resolvers.js';
import { entityDetailsResolvers } from './entity-details/resolvers.js';
import { jobsResolvers } from './jobs/resolvers.js';
import { checkFirst, listConnection, storeConnection } from './pagination.js';
import { submitDocuments, type SubmitDocumentInput } from '../app/submit-documents.js';
import { uploadsResolvers } from './uploads/resolvers.js';

export { EVIDENCE_LIMIT } from './co-mentions/resolvers.js';

interface PageArgsInput {
  readonly first?: number | null;
  readonly after?: string | null;
}

/** Keeps the values a batch load found; an Error for one key fails the field, as it should. */
function present<T>(values: (T | null | Error)[]): T[] {
  const out: T[] = [];
  for (const v of values) {
    if (v instanceof Error) throw v;
    if (v !== null) out.push(v);
  }
  return out;
}

function keyStore(ctx: GraphQLContext): ApiKeyStore {
  if (!ctx.keys) throw new VanerError('NOT_FOUND', 'this server does not manage API keys');
  return ctx.keys;
}

function primeDocuments(ctx: GraphQLContext, docs: readonly StoredDocument[]): void {
  for (const doc of docs) ctx.loaders.documents.prime(doc.id, doc);
}

export const resolvers = {
  LinkMethod: { EXACT: 'exact', NORMALIZED: 'normalized', ABBREVIATION: 'abbreviation', APPROXIMATE: 'approximate', CURATOR: 'curator', COMPOSITE: 'composite' },
  ReviewState: { UNREVIEWED: 'unreviewed', CONFIRMED: 'confirmed', REJECTED: 'rejected' },
  Role: { READER: 'reader', SUBMITTER: 'submitter', CURATOR: 'curator', ADMIN: 'admin' },
  ExportFormat: jobsResolvers.ExportFormat,
  UploadFormat: uploadsResolvers.UploadFormat,
  UploadEncoding: uploadsResolvers.UploadEncoding,

  Query: {
    health: async (_: unknown, __: unknown, ctx: GraphQLContext) => ({
      ok: true,
      store: ctx.store.kind,
      queue: ctx.queue.kind,
      labeler: ctx.labelerInfo && { schemes: [], defaultScheme: null, ...ctx.labelerInfo },
      entityCount: await ctx.store.countEntities(),
    }),

    job: (_: unknown, args: { id: string }, ctx: GraphQLContext) => ctx.loaders.jobs.load(args.id),

    document: (_: unknown, args: { id?: string | null; externalId?: string | null }, ctx: GraphQLContext) => {
      const hasId = args.id !== undefined && args.id !== null;
      const hasExternalId = args.externalId !== undefined && args.externalId !== null;
      if (hasId === hasExternalId) {
        throw new VanerError('BAD_USER_INPUT', 'document needs exactly one of id or externalId', { details: { fields: ['id', 'externalId'] } });
      }
      return hasId ? ctx.loaders.documents.load(args.id!) : ctx.loaders.documentsByExternalId.load(args.externalId!);
    },

    documents: async (
      _: unknown,
      args: PageArgsInput & { entityId?: string | null; externalIdPrefix?: string | null; annotated?: boolean | null; text?: string | null },
      ctx: GraphQLContext,
    ) => {
      const first = checkFirst(args.first, 20);
      const filter = { entityId: args.entityId ?? null, externalIdPrefix: args.externalIdPrefix ?? null, annotated: args.annotated ?? null, text: args.text ?? null };
      const connection = await storeConnection(first, args.after, (page) => ctx.store.listDocuments({ ...page, filter }));
      primeDocuments(ctx, connection.edges.map((e) => e.node));
      return connection;
    },

    entity: (_: unknown, args: { id: string }, ctx: GraphQLContext) => ctx.loaders.entities.load(args.id),

    searchEntities: async (_: unknown, args: { query: string; type?: EntityType | null; first?: number | null }, ctx: GraphQLContext) => {
      const first = checkFirst(args.first, 10);
      if (args.query.trim() === '') throw new VanerError('BAD_USER_INPUT', 'query must not be empty', { details: { field: 'query' } });
      const entities = await ctx.store.searchEntities(args.query, { type: args.type ?? null, first });
      for (const e of entities) ctx.loaders.entities.prime(e.id, e);
      return entities;
    },

    ...coMentionsResolvers.Query,

    viewer: (_: unknown, __: unknown, ctx: GraphQLContext) => ctx.principal,

    apiKeys: (_: unknown, __: unknown, ctx: GraphQLContext): Promise<ApiKeyInfo[]> => keyStore(ctx).list(),
    ...curationResolvers.Query,
    ...jobsResolvers.Query,
  },

  Mutation: {
    submitDocuments: async (_: unknown, args: { documents: SubmitDocumentInput[]; scheme?: string | null }, ctx: GraphQLContext) => {
      const scheme = args.scheme ?? null;
      // Checked here when this process knows the labeler (serve with a worker), so a typo fails the call rather
      // than the job; otherwise the worker fails the job with the same coded error.
      if (scheme !== null && ctx.labelerInfo !== null) {
        schemeFor({ kind: ctx.labelerInfo.kind, schemes: ctx.labelerInfo.schemes ?? [], defaultScheme: ctx.labelerInfo.defaultScheme ?? null }, scheme);
      }
      const result = await submitDocuments(ctx.store, ctx.queue, ctx.limits, args.documents, { owner: ctx.principal.owner, scheme });
      primeDocuments(ctx, result.documents);
      ctx.loaders.jobs.prime(result.job.id, result.job);
      return result;
    },

    // The audit trail records the key's owner: the person or service the admin issued the key to.
    mergeEntities: (_: unknown, args: { sourceId: string; targetId: string }, ctx: GraphQLContext) =>
      ctx.store.mergeEntities(args.sourceId, args.targetId, ctx.principal.owner),

    reviewMention: (_: unknown, args: { id: string; state: ReviewState }, ctx: GraphQLContext) =>
      ctx.store.reviewMention(args.id, args.state, ctx.principal.owner),

    createApiKey: (_: unknown, args: { owner: string; role: Role }, ctx: GraphQLContext) =>
      keyStore(ctx).create({ owner: args.owner, role: args.role, origin: 'api', createdBy: ctx.principal.owner }),

    revokeApiKey: (_: unknown, args: { id: string }, ctx: GraphQLContext) => keyStore(ctx).revoke(args.id),
    ...curationResolvers.Mutation,
    ...jobsResolvers.Mutation,
    ...uploadsResolvers.Mutation,
  },
  CurationEdit: curationResolvers.CurationEdit,

  Job: {
    documents: (job: JobInfo, args: PageArgsInput) => listConnection(job.documentIds, checkFirst(args.first, 20), args.after),
  },

  DocumentEdge: {
    // A job's connection carries ids (loaded here, batched); the store's carries documents.
    node: async (edge: { node: StoredDocument | string }, _: unknown, ctx: GraphQLContext) => {
      if (typeof edge.node !== 'string') return edge.node;
      const doc = await ctx.loaders.documents.load(edge.node);
      if (!doc) throw new VanerError('NOT_FOUND', `document ${edge.node} of this job no longer exists`);
      return doc;
    },
  },

  Document: {
    ...jobsResolvers.Document,
    mentions: async (doc: StoredDocument, args: { type?: EntityType | null }, ctx: GraphQLContext) => {
      const mentions = await ctx.loaders.mentionsByDocument.load(doc.id);
      return args.type ? mentions.filter((m) => m.type === args.type) : mentions;
    },
  },

  Mention: {
    entity: (m: Mention, _: unknown, ctx: GraphQLContext) => (m.entityId === null ? null : ctx.loaders.entities.load(m.entityId)),
    link: (m: Mention) =>
      m.entityId === null ? null : { entityId: m.entityId, method: m.linkMethod, matchedName: m.matchedName, confidence: m.linkConfidence },
    document: async (m: Mention, _: unknown, ctx: GraphQLContext) => {
      const doc = await ctx.loaders.documents.load(m.documentId);
      if (!doc) throw new VanerError('NOT_FOUND', `document ${m.documentId} of mention ${m.id} no longer exists`);
      return doc;
    },
  },

  Link: {
    entity: (link: { entityId: string }, _: unknown, ctx: GraphQLContext) => ctx.loaders.entities.load(link.entityId),
  },

  Entity: {
    aliases: (e: Entity) => e.aliases ?? [],
    retired: (e: Entity) => e.retired ?? false,
    namesOnly: (e: Entity) => isNamesOnlyId(e.id),
    parents: async (e: Entity, _: unknown, ctx: GraphQLContext) =>
      // A parent id outside the imported vocabulary (e.g. a MeSH branch not loaded) has no entity to show.
      present(await ctx.loaders.entities.loadMany(e.parentIds)),
    mentions: (e: Entity, args: PageArgsInput, ctx: GraphQLContext) =>
      storeConnection(checkFirst(args.first, 20), args.after, (page) => ctx.store.getMentionsByEntity(e.id, page)),
    documents: async (e: Entity, args: PageArgsInput, ctx: GraphQLContext) => {
      const connection = await storeConnection(checkFirst(args.first, 20), args.after, (page) => ctx.store.getDocumentsByEntity(e.id, page));
      primeDocuments(ctx, connection.edges.map((edge) => edge.node));
      return connection;
    },
    ...coMentionsResolvers.Entity,
    ...entityDetailsResolvers.Entity,
  },

  CoMention: coMentionsResolvers.CoMention,
  CoMentionEvidence: coMentionsResolvers.CoMentionEvidence,
  EvidenceMention: coMentionsResolvers.EvidenceMention,
  CoMentionGraphNode: coMentionsResolvers.CoMentionGraphNode,
};
