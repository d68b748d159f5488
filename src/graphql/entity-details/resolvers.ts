/** Resolvers of the entity-details SDL (./schema.ts). */
import type { Entity } from '../../domain/index.js';
import type { GraphQLContext } from '../context.js';
import { checkFirst } from '../pagination.js';

export const entityDetailsResolvers = {
  Entity: {
    names: (e: Entity, _: unknown, ctx: GraphQLContext) => ctx.store.getEntityNames(e.id),
    children: async (e: Entity, args: { first?: number | null }, ctx: GraphQLContext) => {
      const children = await ctx.store.getChildEntities(e.id, { first: checkFirst(args.first, 50) });
      for (const child of children) ctx.loaders.entities.prime(child.id, child);
      return children;
    },
  },
};
