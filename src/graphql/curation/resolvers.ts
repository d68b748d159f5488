/**
 * Resolvers of the curation SDL (schema.ts here). Authorisation is the @auth wrapper's job
 * (graphql/authorization.ts); these record the caller's principal as the edit's actor.
 */
import type { CurationEdit } from '../../domain/index.js';
import type { NewEntityInput } from '../../store/ports/index.js';
import type { GraphQLContext } from '../context.js';
import { checkFirst, storeConnection } from '../pagination.js';

const json = (value: unknown): string | null => (value === null || value === undefined ? null : JSON.stringify(value));

export const curationResolvers = {
  Query: {
    curationEdits: (_: unknown, args: { first?: number | null; after?: string | null }, ctx: GraphQLContext) =>
      storeConnection(checkFirst(args.first, 20), args.after, (page) => ctx.store.curationEdits(page)),
    knowledgeBaseSources: (_: unknown, __: unknown, ctx: GraphQLContext) => ctx.store.listSources(),
  },
  Mutation: {
    addSynonym: (_: unknown, args: { entityId: string; name: string }, ctx: GraphQLContext) =>
      ctx.store.addSynonym(args.entityId, args.name, ctx.principal.owner),
    removeSynonym: (_: unknown, args: { entityId: string; name: string }, ctx: GraphQLContext) =>
      ctx.store.removeSynonym(args.entityId, args.name, ctx.principal.owner),
    relinkMention: (_: unknown, args: { id: string; entityId: string }, ctx: GraphQLContext) =>
      ctx.store.relinkMention(args.id, args.entityId, ctx.principal.owner),
    createEntity: (_: unknown, args: { input: NewEntityInput }, ctx: GraphQLContext) => ctx.store.createEntity(args.input, ctx.principal.owner),
    retireEntity: (_: unknown, args: { id: string; retired?: boolean | null }, ctx: GraphQLContext) =>
      ctx.store.retireEntity(args.id, args.retired ?? true, ctx.principal.owner),
  },
  CurationEdit: {
    before: (edit: CurationEdit) => json(edit.before),
    after: (edit: CurationEdit) => json(edit.after),
  },
};
