/**
 * Resolvers of the co-mention SDL (schema.ts here) and of the main schema's `coMentions` fields.
 * Arguments map one to one onto the store port; validation is the store's shared code
 * (store/co-mention-args.ts), run before any lookup so an out-of-bounds request costs nothing.
 * Every entity, document and mention a result refers to is loaded through the request's
 * DataLoaders, so a page or graph of N items costs one batch call per field, not N calls.
 */
import DataLoader from 'dataloader';
import { VanerError } from '../../errors.js';
import type { EntityType, CoMention, CoMentionEvidence, CoMentionGraphNode, CoMentionLevel, CoMentionOrder, Entity, EvidenceMention, Mention } from '../../domain/index.js';
import { checkGraphArgs, checkLevel, checkMinCount, checkOrder, checkRollUp } from '../../store/co-mention-args.js';
import type { Store } from '../../store/port.js';
import type { GraphQLContext } from '../context.js';
import { checkFirst, storeConnection, type Connection } from '../pagination.js';

/** Co-mention evidence document ids returned per partner entity (ascending). */
export const EVIDENCE_LIMIT = 10;

interface PageArgsInput {
  readonly first?: number | null;
  readonly after?: string | null;
}

/** Arguments of `Query.coMentions` (less entityId) and `Entity.coMentions`. */
export interface CoMentionsArgs extends PageArgsInput {
  readonly type?: EntityType | null;
  readonly level?: CoMentionLevel | null;
  readonly orderBy?: CoMentionOrder | null;
  readonly minCount?: number | null;
  readonly rollUp?: boolean | null;
}

/** A co-mention as the API serves it: what `evidenceItems` needs rides along. */
export interface CoMentionNode extends CoMention {
  /** The (resolved) queried entity. */
  readonly seedId: string;
  readonly level: CoMentionLevel;
  readonly rollUp: boolean;
}

/** The entity, or NOT_FOUND; `field` names the argument where a query has more than one id. */
async function requireEntity(ctx: GraphQLContext, entityId: string, field?: string): Promise<Entity> {
  const entity = await ctx.loaders.entities.load(entityId);
  if (!entity) {
    throw new VanerError('NOT_FOUND', `no entity with id ${JSON.stringify(entityId)}`, { details: field === undefined ? { entityId } : { field, entityId } });
  }
  return entity;
}

/** The store's optional-until-now co-mention extension; a coded error, not a crash, when an adapter lacks it. */
function extension<K extends 'coMentionEvidence' | 'coMentionGraph'>(store: Store, method: K): NonNullable<Store[K]> {
  const fn = store[method] as Store[K] | undefined;
  if (typeof fn !== 'function') {
    throw new VanerError('NOT_FOUND', `this server's ${store.kind} store does not provide ${method}`, { details: { feature: method } });
  }
  return fn.bind(store) as NonNullable<Store[K]>;
}

// Mentions by id, one loader per request (the context object is the request's identity, so the
// WeakMap entry, and its cache, go away with the request).
const mentionLoaders = new WeakMap<GraphQLContext, DataLoader<string, Mention | null>>();
function mentionLoader(ctx: GraphQLContext): DataLoader<string, Mention | null> {
  let loader = mentionLoaders.get(ctx);
  if (loader === undefined) {
    loader = new DataLoader<string, Mention | null>(async (ids) => {
      const found = await ctx.store.getMentions(ids);
      if (found.length !== ids.length) throw new VanerError('INTERNAL', `getMentions returned ${found.length} results for ${ids.length} keys`);
      return found;
    });
    mentionLoaders.set(ctx, loader);
  }
  return loader;
}

/**
 * One page of the co-mentions of a resolved entity. Arguments are validated before the store is
 * asked (BAD_USER_INPUT naming the field).
 */
export function coMentionConnection(ctx: GraphQLContext, seedId: string, args: CoMentionsArgs): Promise<Connection<CoMentionNode>> {
  const first = checkFirst(args.first, 20);
  const level = checkLevel(args.level);
  const orderBy = checkOrder(args.orderBy);
  const minCount = checkMinCount(args.minCount);
  const rollUp = checkRollUp(args.rollUp);
  return storeConnection<CoMentionNode>(first, args.after, async (page) => {
    const result = await ctx.store.coMentions(seedId, { ...page, type: args.type ?? null, evidenceLimit: EVIDENCE_LIMIT, level, orderBy, minCount, rollUp });
    return { ...result, items: result.items.map((item) => ({ ...item, seedId, level, rollUp })) };
  });
}

function evidenceConnection(ctx: GraphQLContext, a: string, b: string, level: CoMentionLevel, first: number, after: string | null | undefined) {
  const evidence = extension(ctx.store, 'coMentionEvidence');
  return storeConnection<CoMentionEvidence>(first, after, (page) => evidence(a, b, { ...page, level }));
}

export const coMentionsResolvers = {
  Query: {
    coMentions: async (_: unknown, args: CoMentionsArgs & { entityId: string }, ctx: GraphQLContext) => {
      checkFirst(args.first, 20);
      checkMinCount(args.minCount);
      // Resolve first: an unknown id is the client's mistake (NOT_FOUND), and a merged id must be
      // queried under its target.
      const entity = await requireEntity(ctx, args.entityId);
      return coMentionConnection(ctx, entity.id, args);
    },

    coMentionEvidence: async (
      _: unknown,
      args: PageArgsInput & { a: string; b: string; level?: CoMentionLevel | null },
      ctx: GraphQLContext,
    ) => {
      const first = checkFirst(args.first, 20);
      const level = checkLevel(args.level);
      const [a, b] = await Promise.all([requireEntity(ctx, args.a, 'a'), requireEntity(ctx, args.b, 'b')]);
      return evidenceConnection(ctx, a.id, b.id, level, first, args.after);
    },

    coMentionGraph: async (
      _: unknown,
      args: {
        seedIds: string[];
        depth?: number | null;
        types?: EntityType[] | null;
        minCount?: number | null;
        limit?: number | null;
        level?: CoMentionLevel | null;
        orderBy?: CoMentionOrder | null;
      },
      ctx: GraphQLContext,
    ) => {
      // Bounds first (the store's own validation), so 10,000 seed ids are refused before any lookup.
      const settings = checkGraphArgs(args);
      const graph = extension(ctx.store, 'coMentionGraph');
      const seeds = await ctx.loaders.entities.loadMany(settings.seedIds);
      const missing = settings.seedIds.filter((_id, i) => seeds[i] === null);
      for (const s of seeds) if (s instanceof Error) throw s;
      if (missing.length > 0) {
        throw new VanerError('NOT_FOUND', `no entity with id ${missing.map((id) => JSON.stringify(id)).join(', ')}`, { details: { field: 'seedIds', entityIds: missing } });
      }
      return graph({ ...settings, seedIds: (seeds as Entity[]).map((e) => e.id) });
    },
  },

  Entity: {
    coMentions: (e: Entity, args: CoMentionsArgs, ctx: GraphQLContext) => coMentionConnection(ctx, e.id, args),
  },

  CoMention: {
    entity: (c: CoMention, _: unknown, ctx: GraphQLContext) => ctx.loaders.entities.load(c.entityId),
    evidence: (c: CoMention) => c.evidenceDocumentIds,
    evidenceDocuments: async (c: CoMention, _: unknown, ctx: GraphQLContext) => {
      const docs = await ctx.loaders.documents.loadMany(c.evidenceDocumentIds);
      // A document deleted since the counts were read has nothing to show; a load error fails the field.
      return docs.filter((d) => {
        if (d instanceof Error) throw d;
        return d !== null;
      });
    },
    evidenceItems: (c: CoMentionNode, args: PageArgsInput, ctx: GraphQLContext) => {
      const first = checkFirst(args.first, 5);
      if (c.rollUp) {
        throw new VanerError('BAD_USER_INPUT', 'evidenceItems is not available for rolled-up co-mentions; use evidence or evidenceDocuments', {
          details: { field: 'rollUp' },
        });
      }
      return evidenceConnection(ctx, c.seedId, c.entityId, c.level, first, args.after);
    },
  },

  CoMentionEvidence: {
    document: async (e: CoMentionEvidence, _: unknown, ctx: GraphQLContext) => {
      const doc = await ctx.loaders.documents.load(e.documentId);
      if (!doc) throw new VanerError('NOT_FOUND', `document ${e.documentId} no longer exists`);
      return doc;
    },
  },

  EvidenceMention: {
    mention: (m: EvidenceMention, _: unknown, ctx: GraphQLContext) => mentionLoader(ctx).load(m.mentionId),
  },

  CoMentionGraphNode: {
    entity: (n: CoMentionGraphNode, _: unknown, ctx: GraphQLContext) => ctx.loaders.entities.load(n.entityId),
  },
};
