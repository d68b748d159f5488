/** The GraphQL module's public surface. */
export { startApiServer, GRAPHQL_PATH, type ApiServer, type ApiServerDeps } from './server.js';
export { createApolloServer, type ApolloOptions } from './apollo.js';
export { createContext, type ContextDeps, type GraphQLContext, type LabelerInfo } from './context.js';
export { createFormatError } from './format-error.js';
export { typeDefs } from './schema.js';
export { MAX_PAGE_SIZE } from './pagination.js';
export { apiAccessFromConfig } from './access-config.js';
export { DEFAULT_QUERY_LIMITS, type QueryLimits } from './query-limits.js';
