/**
 * Authorisation in one place. The schema declares the least role of a field with
 * `@auth(requires: ROLE)`; this module walks the SDL once, at server build time, and wraps the
 * resolver of every field that needs a role (or has ID/String arguments to guard) so it checks the
 * request's principal first. Rules:
 *
 * - a field with `@auth(requires: R)` needs R;
 * - a Query field without it needs READER (anonymous callers have READER only when anonymous
 *   reads are on);
 * - every Mutation field must declare `@auth`; a missing one fails the build, so a new mutation
 *   cannot ship unprotected by accident;
 * - fields of other types inherit the access of the root field that reached them.
 *
 * A caller without a role, or an anonymous caller without enough of one, gets UNAUTHENTICATED; a
 * key with too low a role gets FORBIDDEN naming the role needed.
 */
import { defaultFieldResolver, Kind, parse, type FieldDefinitionNode, type GraphQLFieldResolver, type TypeNode } from 'graphql';
import { roleIncludes, type Principal, type Role } from '../auth/index.js';
import { VanerError } from '../errors.js';
import { argumentRule, checkArgument } from './input-guards.js';

export type ResolverMap = Record<string, unknown>;

type FieldResolver = GraphQLFieldResolver<unknown, { readonly principal: Principal }, Record<string, unknown>>;

/** The role a field declares with @auth, or null. */
function declaredRole(field: FieldDefinitionNode): Role | null {
  const directive = field.directives?.find((d) => d.name.value === 'auth');
  if (!directive) return null;
  const arg = directive.arguments?.find((a) => a.name.value === 'requires');
  if (!arg || arg.value.kind !== Kind.ENUM) throw new VanerError('INTERNAL', `@auth on ${field.name.value} needs requires: <Role>`);
  return arg.value.value.toLowerCase() as Role;
}

/** 'ID' or 'String' for an argument of that scalar type or a list of it (non-null or not); null otherwise. */
function guardedScalar(type: TypeNode): 'ID' | 'String' | null {
  let inner = type;
  while (inner.kind !== Kind.NAMED_TYPE) inner = inner.type;
  return inner.name.value === 'ID' || inner.name.value === 'String' ? inner.name.value : null;
}

/** Throws unless `principal` has at least `need`. */
export function authorize(principal: Principal, need: Role, what: string): void {
  if (principal.role !== null && roleIncludes(principal.role, need)) return;
  if (principal.keyId === null) {
    throw new VanerError('UNAUTHENTICATED', `${what} needs an API key with role ${need} (Authorization: Bearer <key>)`, { details: { required: need } });
  }
  throw new VanerError('FORBIDDEN', `${what} needs role ${need}; this key has role ${principal.role}`, { details: { required: need, role: principal.role } });
}

/**
 * Returns `resolvers` with every field that needs a role or has ID/String arguments wrapped in the
 * check. Throws INTERNAL at build time for a Mutation field without @auth.
 */
export function applyAuthorization(typeDefs: string, resolvers: ResolverMap): ResolverMap {
  const out: ResolverMap = { ...resolvers };
  for (const def of parse(typeDefs).definitions) {
    if (def.kind !== Kind.OBJECT_TYPE_DEFINITION && def.kind !== Kind.OBJECT_TYPE_EXTENSION) continue;
    const typeName = def.name.value;
    // From `out`: a type may be defined once and extended several times (extend type Mutation in
    // the feature SDL modules); each pass must keep the wrappers of the passes before it.
    const typeResolvers = { ...((out[typeName] as Record<string, FieldResolver> | undefined) ?? {}) };
    for (const field of def.fields ?? []) {
      const fieldName = field.name.value;
      const what = `${typeName}.${fieldName}`;
      let need = declaredRole(field);
      if (need === null && typeName === 'Query') need = 'reader';
      if (need === null && typeName === 'Mutation') throw new VanerError('INTERNAL', `${what} declares no @auth(requires: ...) role`);
      const guards = (field.arguments ?? []).flatMap((a) => {
        const scalar = guardedScalar(a.type);
        return scalar ? [{ name: a.name.value, rule: argumentRule(a.name.value, scalar) }] : [];
      });
      if (need === null && guards.length === 0) continue;
      const inner = typeResolvers[fieldName] ?? (defaultFieldResolver as FieldResolver);
      const required = need;
      typeResolvers[fieldName] = (source, args, ctx, info) => {
        if (required !== null) authorize(ctx.principal, required, what);
        for (const g of guards) checkArgument(g.name, g.rule, args[g.name]);
        return inner(source, args, ctx, info);
      };
    }
    out[typeName] = typeResolvers;
  }
  return out;
}
