/**
 * Limits on what one GraphQL request may ask for, so no client can make the server do unbounded
 * work: field depth and aliases (static, as validation rules) and an estimated cost (needs the
 * variables, so it runs once the operation is resolved). Each violation is QUERY_TOO_COMPLEX with
 * `details` naming the limit, the measured value and the configured maximum.
 *
 * Cost model: a field with a selection set costs 1 plus its work (field-costs.ts: searches,
 * exports, co-mention rankings...) plus the length of its list arguments plus its multiplier times
 * the cost of its selection set; a scalar field costs its work and list arguments (most cost 0:
 * they are read from an object already loaded). The multiplier of a field with a `first` argument
 * is `first` (the argument, its variable or the schema default, at most MAX_PAGE_SIZE: larger values
 * are refused by the resolver anyway); of a list field with a list argument and no `first`
 * (`documentsByExternalId(externalIds: [...])`), the argument's length; of another list field,
 * LIST_WEIGHT, except `edges`, which the connection's `first` already counted.
 * A field with a `limit` argument (coMentionGraph: at most `limit` edges and `limit` + seeds nodes)
 * is one object, but its list fields (`nodes`, `edges`) are multiplied by that `limit` (at most
 * MAX_GRAPH_LIMIT) instead of LIST_WEIGHT, so a 500-edge graph asking each node's entity costs 500
 * entity loads, not 10.
 * Depth and cost are computed once per fragment (memoised), never once per spread path: fragments
 * that each spread the next one twice would otherwise cost 2^n walks for n fragments.
 * Introspection (`__schema`, `__type`) is measured like any other field, except that `ofType`
 * chains do not add depth: they are how type references nest (NonNull of List of ...) and each link
 * is one object, and GraphiQL's own introspection query needs nine of them.
 * The bytes of a response are capped separately (response-size.ts).
 */
import {
  GraphQLError,
  Kind,
  type ASTVisitor,
  type DocumentNode,
  type FieldNode,
  type FragmentDefinitionNode,
  type GraphQLSchema,
  type OperationDefinitionNode,
  type SelectionSetNode,
  type ValidationContext,
  type ValidationRule,
} from 'graphql';
import { VanerError } from '../errors.js';
import { MAX_GRAPH_LIMIT } from '../store/co-mention-args.js';
import { FIELD_COSTS } from './field-costs.js';
import { MAX_PAGE_SIZE } from './pagination.js';
import { DEFAULT_MAX_RESPONSE_BYTES } from './response-size.js';

export interface QueryLimits {
  /** Deepest field nesting (a top-level field has depth 1). @defaultValue 10 */
  readonly maxDepth: number;
  /** Largest estimated cost of the operation. @defaultValue 5000 */
  readonly maxCost: number;
  /** Most aliased fields in the document. @defaultValue 30 */
  readonly maxAliases: number;
  /** Most bytes of strings in one response (response-size.ts). @defaultValue 16 MiB */
  readonly maxResponseBytes: number;
}

export const DEFAULT_QUERY_LIMITS: QueryLimits = { maxDepth: 10, maxCost: 5000, maxAliases: 30, maxResponseBytes: DEFAULT_MAX_RESPONSE_BYTES };

/** Weight of a list field without `first` (a document's mentions, an entity's synonyms...). */
export const LIST_WEIGHT = 10;

/**
 * Weight of a list inside introspection. Introspection lists are bounded by the schema (about 60
 * types of about 10 fields) and served from memory, but nested `fields { type { fields ... } } }`
 * still multiplies; weight 3 keeps GraphiQL's own introspection query (cost 735) well under the
 * default limit while refusing such nesting long before it gets large.
 */
export const INTROSPECTION_LIST_WEIGHT = 3;

/** Largest number of lexical tokens a document may have; the parser stops beyond it. */
export const MAX_QUERY_TOKENS = 10_000;

/**
 * Deepest bracket nesting ({, ( and [) a query text may have. graphql-js parses recursively, so a
 * document nested a few thousand levels overflows the stack inside the parser, before the token
 * limit stops it; this linear pre-parse scan refuses such text first. Far above anything the depth
 * limit would accept (each field level is one brace, arguments and input lists add a few).
 */
export const MAX_BRACKET_NESTING = 128;

/** The deepest {, ( or [ nesting of a GraphQL source, skipping strings, block strings and comments. */
export function bracketNesting(source: string): number {
  let depth = 0;
  let max = 0;
  for (let i = 0; i < source.length; i += 1) {
    const c = source[i];
    if (c === '#') {
      while (i < source.length && source[i] !== '\n' && source[i] !== '\r') i += 1;
    } else if (c === '"') {
      if (source.startsWith('"""', i)) {
        const end = source.indexOf('"""', i + 3);
        i = end < 0 ? source.length : end + 2;
      } else {
        for (i += 1; i < source.length && source[i] !== '"' && source[i] !== '\n'; i += 1) if (source[i] === '\\') i += 1;
      }
    } else if (c === '{' || c === '(' || c === '[') {
      depth += 1;
      if (depth > max) max = depth;
    } else if (c === '}' || c === ')' || c === ']') {
      depth -= 1;
    }
  }
  return max;
}

/** The error every limit raises: a GraphQL error (for Apollo) whose original error is coded. */
export function tooComplex(message: string, details: Record<string, unknown>, nodes?: readonly FieldNode[]): GraphQLError {
  const original = new VanerError('QUERY_TOO_COMPLEX', message, { details });
  return new GraphQLError(message, {
    ...(nodes ? { nodes } : {}),
    originalError: original,
    // Apollo reads the HTTP status of errors raised before execution from here.
    extensions: { code: 'QUERY_TOO_COMPLEX', details, http: { status: 400 } },
  });
}

function fragmentsOf(document: DocumentNode): Map<string, FragmentDefinitionNode> {
  const fragments = new Map<string, FragmentDefinitionNode>();
  for (const def of document.definitions) if (def.kind === Kind.FRAGMENT_DEFINITION) fragments.set(def.name.value, def);
  return fragments;
}

/**
 * Measures depth with each fragment's depth computed once (memoised by name). Walking every spread
 * path instead is exponential: fragments that each spread the next one twice make 2^n paths from a
 * few hundred bytes of query. A fragment met again while it is being measured (a cycle, which
 * validation reports separately) counts 0 here.
 */
function depthMeter(fragments: Map<string, FragmentDefinitionNode>): (set: SelectionSetNode | undefined) => number {
  const memo = new Map<string, number>();
  const visiting = new Set<string>();
  const depthOf = (set: SelectionSetNode | undefined): number => {
    if (!set) return 0;
    let max = 0;
    for (const sel of set.selections) {
      if (sel.kind === Kind.FIELD) {
        const add = sel.name.value === 'ofType' ? 0 : 1;
        max = Math.max(max, add + depthOf(sel.selectionSet));
      } else if (sel.kind === Kind.INLINE_FRAGMENT) {
        max = Math.max(max, depthOf(sel.selectionSet));
      } else {
        max = Math.max(max, fragmentDepth(sel.name.value));
      }
    }
    return max;
  };
  const fragmentDepth = (name: string): number => {
    const known = memo.get(name);
    if (known !== undefined) return known;
    const fragment = fragments.get(name);
    if (!fragment || visiting.has(name)) return 0;
    visiting.add(name);
    const depth = depthOf(fragment.selectionSet);
    visiting.delete(name);
    memo.set(name, depth);
    return depth;
  };
  return depthOf;
}

/** Validation rule: every operation's depth is at most `maxDepth`. */
export function depthLimitRule(maxDepth: number): ValidationRule {
  return (context: ValidationContext): ASTVisitor => ({
    OperationDefinition(node: OperationDefinitionNode) {
      const depth = depthMeter(fragmentsOf(context.getDocument()))(node.selectionSet);
      if (depth > maxDepth) {
        context.reportError(tooComplex(`the operation is nested ${depth} levels deep; the limit is ${maxDepth}`, { limit: 'depth', value: depth, max: maxDepth }));
      }
    },
  });
}

/**
 * Validation rule used when introspection is off: `__schema` and `__type` are FORBIDDEN with a
 * message naming the setting (Apollo's own rule would tell clients to reconfigure ApolloServer).
 * `__typename` stays allowed: clients need it and it reveals nothing.
 */
export function noIntrospectionRule(): ValidationRule {
  return (context: ValidationContext): ASTVisitor => ({
    Field(node: FieldNode) {
      const name = node.name.value;
      if (name !== '__schema' && name !== '__type') return;
      const message = 'introspection is disabled on this server (VANER_INTROSPECTION=false)';
      context.reportError(
        new GraphQLError(message, {
          nodes: [node],
          originalError: new VanerError('FORBIDDEN', message, { details: { field: name } }),
          extensions: { code: 'FORBIDDEN', http: { status: 400 } },
        }),
      );
    },
  });
}

/**
 * Validation rule: subscription operations are refused with OPERATION_NOT_SUPPORTED (the schema has
 * no Subscription type and the dashboard polls; graphql-js would otherwise fail at execution with an
 * uncoded internal error).
 */
export function noSubscriptionsRule(): ValidationRule {
  return (context: ValidationContext): ASTVisitor => ({
    OperationDefinition(node: OperationDefinitionNode) {
      if (node.operation !== 'subscription') return;
      const message = 'subscriptions are not supported by this API; poll instead (e.g. job(id) { state progress })';
      context.reportError(
        new GraphQLError(message, {
          nodes: [node],
          originalError: new VanerError('OPERATION_NOT_SUPPORTED', message),
          extensions: { code: 'OPERATION_NOT_SUPPORTED', http: { status: 400 } },
        }),
      );
    },
  });
}

/** Validation rule: the whole document has at most `maxAliases` aliased fields. */
export function aliasLimitRule(maxAliases: number): ValidationRule {
  return (context: ValidationContext): ASTVisitor => {
    let aliases = 0;
    return {
      Field(node: FieldNode) {
        if (node.alias) aliases += 1;
      },
      Document: {
        leave() {
          if (aliases > maxAliases) {
            context.reportError(tooComplex(`the document has ${aliases} aliases; the limit is ${maxAliases}`, { limit: 'aliases', value: aliases, max: maxAliases }));
          }
        },
      },
    };
  };
}

// Types are inspected by shape (getFields, the printed type reference), not with graphql's
// isObjectType/isListType: those use instanceof, and the schema Apollo builds may come from the
// other (CJS) build of graphql than the one this module loads.
interface FieldShape {
  readonly name: string;
  readonly type: { toString(): string };
  readonly args: readonly { readonly name: string; readonly type: { toString(): string }; readonly defaultValue?: unknown }[];
}

function fieldsOf(type: unknown): Record<string, FieldShape> {
  const getFields = (type as { getFields?: () => Record<string, FieldShape> } | undefined)?.getFields;
  return typeof getFields === 'function' ? getFields.call(type) : {};
}

/** `[Entity!]!` → { list: true, name: 'Entity' }. */
function typeRef(field: FieldShape): { list: boolean; name: string } {
  const printed = field.type.toString().replace(/!$/, '');
  return { list: printed.startsWith('['), name: printed.replace(/[[\]!]/g, '') };
}

function argValue(field: FieldNode, def: FieldShape, name: string, variables: Readonly<Record<string, unknown>>): unknown {
  const node = field.arguments?.find((a) => a.name.value === name);
  if (!node) return def.args.find((a) => a.name === name)?.defaultValue;
  if (node.value.kind === Kind.INT) return Number(node.value.value);
  if (node.value.kind === Kind.VARIABLE) return variables[node.value.name.value] ?? def.args.find((a) => a.name === name)?.defaultValue;
  return undefined;
}

/** A size argument's value, at most `max`; missing, null or invalid values are refused later, so count them at `max`. */
function sizeArg(field: FieldNode, def: FieldShape, name: string, variables: Readonly<Record<string, unknown>>, max: number): number {
  const value = argValue(field, def, name, variables);
  return typeof value === 'number' && Number.isInteger(value) && value >= 0 ? Math.min(value, max) : max;
}

/**
 * The total length of a field's list arguments (`documentsByExternalId(externalIds: [...])`,
 * `coMentionGraph(seedIds: [...])`): each element is a lookup. A literal list counts its items, a
 * variable its array's length; a single value where a list is expected counts 1 (GraphQL's input
 * coercion), null counts 0.
 */
function listArgumentLength(field: FieldNode, def: FieldShape, variables: Readonly<Record<string, unknown>>): number {
  let total = 0;
  for (const arg of def.args) {
    if (!arg.type.toString().startsWith('[')) continue;
    const node = field.arguments?.find((a) => a.name.value === arg.name);
    if (!node) continue;
    const value = node.value.kind === Kind.VARIABLE ? variables[node.value.name.value] : node.value;
    if (Array.isArray(value)) total += value.length;
    else if (typeof value === 'object' && value !== null && (value as { kind?: unknown }).kind === Kind.LIST) total += (value as { values: readonly unknown[] }).values.length;
    else if (value !== null && value !== undefined && (value as { kind?: unknown }).kind !== Kind.NULL) total += 1;
  }
  return total;
}

/**
 * The multiplier of one field. `listSize` is the parent field's `limit` (the most items each of its
 * lists holds), when the parent has that argument; `listArgs` is the length of the field's own list
 * arguments (a list result without `first` has one item per argument element).
 */
function multiplier(field: FieldNode, def: FieldShape, variables: Readonly<Record<string, unknown>>, introspection: boolean, listSize: number | undefined, listArgs: number): number {
  if (def.args.some((a) => a.name === 'first')) return sizeArg(field, def, 'first', variables, MAX_PAGE_SIZE);
  if (typeRef(def).list && def.name !== 'edges') {
    if (listArgs > 0) return listArgs;
    return listSize ?? (introspection ? INTROSPECTION_LIST_WEIGHT : LIST_WEIGHT);
  }
  return 1;
}

/** Costs past this are reported as this (exponential fan-out would otherwise print as Infinity). */
const COST_CEILING = Number.MAX_SAFE_INTEGER;

/**
 * The estimated cost of an operation (see the module comment). Each fragment's cost is computed
 * once per list size it is spread under (memoised), so fragments that spread each other
 * exponentially many times cost linear time to price; a fragment met again while it is being
 * priced (a cycle, refused by validation) costs 0.
 */
export function operationCost(
  schema: GraphQLSchema,
  document: DocumentNode,
  operation: OperationDefinitionNode,
  variables: Readonly<Record<string, unknown>> = {},
): number {
  const fragments = fragmentsOf(document);
  const root = operation.operation === 'mutation' ? schema.getMutationType() : operation.operation === 'subscription' ? schema.getSubscriptionType() : schema.getQueryType();
  const memo = new Map<string, number>();
  const visiting = new Set<string>();
  const typeName = (type: unknown): string => (type as { name?: string } | null)?.name ?? '';
  const fragmentCost = (name: string, type: unknown, listSize: number | undefined): number => {
    const key = `${name}\u0000${listSize ?? ''}`;
    const known = memo.get(key);
    if (known !== undefined) return known;
    const fragment = fragments.get(name);
    if (!fragment || visiting.has(key)) return 0;
    visiting.add(key);
    const cond = schema.getType(fragment.typeCondition.name.value) ?? type;
    const cost = costOf(fragment.selectionSet, cond, listSize);
    visiting.delete(key);
    memo.set(key, cost);
    return cost;
  };
  const costOf = (set: SelectionSetNode, type: unknown, listSize?: number): number => {
    let total = 0;
    for (const sel of set.selections) {
      if (sel.kind === Kind.FIELD) {
        const name = sel.name.value;
        // __schema and __type are answered by graphql itself and absent from getFields().
        const def = name === '__schema' || name === '__type' ? null : fieldsOf(type)[name];
        if (def === undefined) continue; // unknown field (or __typename): validation reports it
        const work = def ? (FIELD_COSTS[`${typeName(type)}.${name}`] ?? 0) : 0;
        const listArgs = def ? listArgumentLength(sel, def, variables) : 0;
        if (!sel.selectionSet) {
          total += work + listArgs;
          continue;
        }
        const childType = def ? schema.getType(typeRef(def).name) : schema.getType(name === '__schema' ? '__Schema' : '__Type');
        if (!childType) continue;
        const introspection = childType.name.startsWith('__');
        const mult = def ? multiplier(sel, def, variables, introspection, listSize, listArgs) : 1;
        const childListSize = def && def.args.some((a) => a.name === 'limit') ? sizeArg(sel, def, 'limit', variables, MAX_GRAPH_LIMIT) : undefined;
        total += 1 + work + listArgs + mult * costOf(sel.selectionSet, childType, childListSize);
      } else if (sel.kind === Kind.INLINE_FRAGMENT) {
        const cond = sel.typeCondition ? schema.getType(sel.typeCondition.name.value) : type;
        total += costOf(sel.selectionSet, cond ?? type, listSize);
      } else {
        total += fragmentCost(sel.name.value, type, listSize);
      }
    }
    return Math.min(total, COST_CEILING);
  };
  return root ? costOf(operation.selectionSet, root) : 0;
}
