/**
 * Limits on what one GraphQL request may ask for, so no client can make the server do unbounded
 * work: field depth and aliases (static, as validation rules) and an estimated cost (needs the
 * variables, so it runs once the operation is resolved). Each violation is QUERY_TOO_COMPLEX with
 * `details` naming the limit, the measured value and the configured maximum.
 *
 * Cost model: a field with a selection set costs 1 plus its multiplier times the cost of its
 * selection set; scalar fields cost nothing (they are read from an object already loaded). The
 * multiplier of a field with a `first` argument is `first` (the argument, its variable or the
 * schema default, at most MAX_PAGE_SIZE: larger values are refused by the resolver anyway); of
 * another list field, LIST_WEIGHT, except `edges`, which the connection's `first` already counted.
 * Introspection (`__schema`, `__type`) is measured like any other field, except that `ofType`
 * chains do not add depth: they are how type references nest (NonNull of List of ...) and each link
 * is one object, and GraphiQL's own introspection query needs nine of them.
 */
import {
  GraphQLError,
  Kind,
  getNamedType,
  getNullableType,
  isListType,
  isObjectType,
  isInterfaceType,
  valueFromAST,
  type ASTVisitor,
  type DocumentNode,
  type FieldNode,
  type FragmentDefinitionNode,
  type GraphQLField,
  type GraphQLNamedType,
  type GraphQLSchema,
  type OperationDefinitionNode,
  type SelectionSetNode,
  type ValidationContext,
  type ValidationRule,
} from 'graphql';
import { VanerError } from '../errors.js';
import { MAX_PAGE_SIZE } from './pagination.js';

export interface QueryLimits {
  /** Deepest field nesting (a top-level field has depth 1). @defaultValue 10 */
  readonly maxDepth: number;
  /** Largest estimated cost of the operation. @defaultValue 5000 */
  readonly maxCost: number;
  /** Most aliased fields in the document. @defaultValue 30 */
  readonly maxAliases: number;
}

export const DEFAULT_QUERY_LIMITS: QueryLimits = { maxDepth: 10, maxCost: 5000, maxAliases: 30 };

/** Weight of a list field without `first` (a document's mentions, an entity's synonyms...). */
export const LIST_WEIGHT = 10;

/** Largest number of lexical tokens a document may have; the parser stops beyond it. */
export const MAX_QUERY_TOKENS = 10_000;

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
 * The depth of a selection set: fragments are expanded (each at most once per path, so a fragment
 * cycle, which validation reports separately, cannot loop here).
 */
function depthOf(set: SelectionSetNode | undefined, fragments: Map<string, FragmentDefinitionNode>, seen: ReadonlySet<string>): number {
  if (!set) return 0;
  let max = 0;
  for (const sel of set.selections) {
    if (sel.kind === Kind.FIELD) {
      const add = sel.name.value === 'ofType' ? 0 : 1;
      max = Math.max(max, (sel.selectionSet ? add : add) + depthOf(sel.selectionSet, fragments, seen));
    } else if (sel.kind === Kind.INLINE_FRAGMENT) {
      max = Math.max(max, depthOf(sel.selectionSet, fragments, seen));
    } else {
      const name = sel.name.value;
      const fragment = fragments.get(name);
      if (fragment && !seen.has(name)) max = Math.max(max, depthOf(fragment.selectionSet, fragments, new Set([...seen, name])));
    }
  }
  return max;
}

/** Validation rule: every operation's depth is at most `maxDepth`. */
export function depthLimitRule(maxDepth: number): ValidationRule {
  return (context: ValidationContext): ASTVisitor => ({
    OperationDefinition(node: OperationDefinitionNode) {
      const depth = depthOf(node.selectionSet, fragmentsOf(context.getDocument()), new Set());
      if (depth > maxDepth) {
        context.reportError(tooComplex(`the operation is nested ${depth} levels deep; the limit is ${maxDepth}`, { limit: 'depth', value: depth, max: maxDepth }));
      }
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

function fieldDef(type: GraphQLNamedType, name: string): GraphQLField<unknown, unknown> | undefined {
  return isObjectType(type) || isInterfaceType(type) ? type.getFields()[name] : undefined;
}

function multiplier(field: FieldNode, def: GraphQLField<unknown, unknown>, variables: Readonly<Record<string, unknown>>): number {
  const firstArg = def.args.find((a) => a.name === 'first');
  if (firstArg) {
    const node = field.arguments?.find((a) => a.name.value === 'first');
    const value = node ? valueFromAST(node.value, firstArg.type, variables) : firstArg.defaultValue;
    // Missing, null or invalid values are refused later; count them at the largest allowed page.
    return typeof value === 'number' && Number.isInteger(value) && value >= 0 ? Math.min(value, MAX_PAGE_SIZE) : MAX_PAGE_SIZE;
  }
  if (isListType(getNullableType(def.type)) && def.name !== 'edges') return LIST_WEIGHT;
  return 1;
}

/** The estimated cost of an operation (see the module comment). */
export function operationCost(
  schema: GraphQLSchema,
  document: DocumentNode,
  operation: OperationDefinitionNode,
  variables: Readonly<Record<string, unknown>> = {},
): number {
  const fragments = fragmentsOf(document);
  const root = operation.operation === 'mutation' ? schema.getMutationType() : operation.operation === 'subscription' ? schema.getSubscriptionType() : schema.getQueryType();
  const costOf = (set: SelectionSetNode, type: GraphQLNamedType, seen: ReadonlySet<string>): number => {
    let total = 0;
    for (const sel of set.selections) {
      if (sel.kind === Kind.FIELD) {
        if (!sel.selectionSet) continue;
        const name = sel.name.value;
        const def = name === '__schema' ? schema.getQueryType()?.getFields()['__schema'] ?? null : fieldDef(type, name) ?? null;
        const introspection = name === '__schema' || name === '__type';
        const childType = def ? getNamedType(def.type) : introspection ? schema.getType(name === '__schema' ? '__Schema' : '__Type') : undefined;
        if (!childType) continue; // unknown field: validation reports it
        const mult = def ? multiplier(sel, def, variables) : 1;
        total += 1 + mult * costOf(sel.selectionSet, childType, seen);
      } else if (sel.kind === Kind.INLINE_FRAGMENT) {
        const cond = sel.typeCondition ? schema.getType(sel.typeCondition.name.value) : type;
        total += costOf(sel.selectionSet, cond ?? type, seen);
      } else {
        const fragment = fragments.get(sel.name.value);
        if (!fragment || seen.has(sel.name.value)) continue;
        const cond = schema.getType(fragment.typeCondition.name.value) ?? type;
        total += costOf(fragment.selectionSet, cond, new Set([...seen, sel.name.value]));
      }
    }
    return total;
  };
  return root ? costOf(operation.selectionSet, root, new Set()) : 0;
}
