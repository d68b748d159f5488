/**
 * Builds the Apollo server (schema, resolvers, error policy) without any HTTP, so tests can run
 * operations with `executeOperation` and the HTTP server can add its drain plugin.
 */
import type { Server } from 'node:http';
import { ApolloServer, type ApolloServerPlugin } from '@apollo/server';
import { ApolloServerPluginDrainHttpServer } from '@apollo/server/plugin/drainHttpServer';
import { ApolloServerPluginLandingPageDisabled } from '@apollo/server/plugin/disabled';
import type { Logger } from '../log.js';
import { applyAuthorization } from './authorization.js';
import type { GraphQLContext } from './context.js';
import { createFormatError } from './format-error.js';
import {
  aliasLimitRule,
  DEFAULT_QUERY_LIMITS,
  depthLimitRule,
  MAX_QUERY_TOKENS,
  noIntrospectionRule,
  noSubscriptionsRule,
  operationCost,
  tooComplex,
  type QueryLimits,
} from './query-limits.js';
import { resolvers } from './resolvers.js';
import { responseSizePlugin } from './response-size.js';
import { typeDefs } from './schema.js';

export interface ApolloOptions {
  readonly logger: Logger;
  /** @defaultValue true */
  readonly introspection?: boolean;
  /** When given, shutdown waits for its in-flight requests (graceful drain). */
  readonly httpServer?: Server;
  /** @defaultValue DEFAULT_QUERY_LIMITS (depth 10, cost 5000, aliases 30, 16 MiB of response) */
  readonly queryLimits?: QueryLimits;
  /** More plugins (operation metrics). @defaultValue none */
  readonly plugins?: readonly ApolloServerPlugin<GraphQLContext>[];
}

/** Refuses operations whose estimated cost exceeds `maxCost`; runs once variables are known. */
function costLimitPlugin(maxCost: number): ApolloServerPlugin<GraphQLContext> {
  return {
    async requestDidStart() {
      return {
        async didResolveOperation({ schema, document, operation, request }) {
          if (!operation) return; // Apollo refuses a document without a matching operation itself
          const cost = operationCost(schema, document, operation, request.variables ?? {});
          if (cost > maxCost) {
            throw tooComplex(`the operation's estimated cost is ${cost}; the limit is ${maxCost}`, { limit: 'cost', value: cost, max: maxCost });
          }
        },
      };
    },
  };
}

/** A configured, not yet started ApolloServer for {@link GraphQLContext}. */
export function createApolloServer(options: ApolloOptions): ApolloServer<GraphQLContext> {
  const limits = options.queryLimits ?? DEFAULT_QUERY_LIMITS;
  const plugins: ApolloServerPlugin<GraphQLContext>[] = [
    // Apollo's default landing page loads its sandbox from a CDN; the IDE is served locally instead.
    ApolloServerPluginLandingPageDisabled(),
    costLimitPlugin(limits.maxCost),
    responseSizePlugin<GraphQLContext>(limits.maxResponseBytes),
  ];
  if (options.httpServer) plugins.push(ApolloServerPluginDrainHttpServer({ httpServer: options.httpServer }));
  plugins.push(...(options.plugins ?? []));
  return new ApolloServer<GraphQLContext>({
    typeDefs,
    // Every @auth field and every ID/String argument is checked in one wrapper (authorization.ts).
    resolvers: applyAuthorization(typeDefs, resolvers) as typeof resolvers,
    // Apollo's switch stays on; when introspection is off our rule refuses it with a coded error.
    introspection: true,
    // Without introspection, error messages must not hand out the schema either ("Did you mean ...").
    hideSchemaDetailsFromClientErrors: !(options.introspection ?? true),
    validationRules: [
      noSubscriptionsRule(),
      depthLimitRule(limits.maxDepth),
      aliasLimitRule(limits.maxAliases),
      ...(options.introspection ?? true ? [] : [noIntrospectionRule()]),
    ],
    // Bounds parser work (and its recursion) before any rule runs; the body limit bounds bytes.
    parseOptions: { maxTokens: MAX_QUERY_TOKENS },
    // Arrays of operations in one HTTP body are refused (Apollo's default, stated so it stays off):
    // a batch would multiply every per-request limit above.
    allowBatchedHttpRequests: false,
    includeStacktraceInErrorResponses: false,
    // The composition root owns shutdown order (API, workers, labeler, stores) on SIGTERM.
    stopOnTerminationSignals: false,
    formatError: createFormatError(options.logger, { hideSchemaDetails: !(options.introspection ?? true) }),
    plugins,
  });
}
