/**
 * Builds the Apollo server (schema, resolvers, error policy) without any HTTP, so tests can run
 * operations with `executeOperation` and the HTTP server can add its drain plugin.
 */
import type { Server } from 'node:http';
import { ApolloServer, type ApolloServerPlugin } from '@apollo/server';
import { ApolloServerPluginDrainHttpServer } from '@apollo/server/plugin/drainHttpServer';
import { ApolloServerPluginLandingPageDisabled } from '@apollo/server/plugin/disabled';
import type { Logger } from '../log.js';
import type { GraphQLContext } from './context.js';
import { createFormatError } from './format-error.js';
import { resolvers } from './resolvers.js';
import { typeDefs } from './schema.js';

export interface ApolloOptions {
  readonly logger: Logger;
  /** @defaultValue true */
  readonly introspection?: boolean;
  /** When given, shutdown waits for its in-flight requests (graceful drain). */
  readonly httpServer?: Server;
}

/** A configured, not yet started ApolloServer for {@link GraphQLContext}. */
export function createApolloServer(options: ApolloOptions): ApolloServer<GraphQLContext> {
  const plugins: ApolloServerPlugin<GraphQLContext>[] = [
    // Apollo's default landing page loads its sandbox from a CDN; the IDE is served locally instead.
    ApolloServerPluginLandingPageDisabled(),
  ];
  if (options.httpServer) plugins.push(ApolloServerPluginDrainHttpServer({ httpServer: options.httpServer }));
  return new ApolloServer<GraphQLContext>({
    typeDefs,
    resolvers,
    introspection: options.introspection ?? true,
    includeStacktraceInErrorResponses: false,
    // The composition root owns shutdown order (API, workers, labeler, stores) on SIGTERM.
    stopOnTerminationSignals: false,
    formatError: createFormatError(options.logger),
    plugins,
  });
}
