/** Maps the access-control fields of the configuration onto the API server's options. */
import { anonymousReadEnabled, type ApiKeyStore } from '../auth/index.js';
import type { Config } from '../config.js';
import type { ApiServerDeps } from './server.js';

/** `auth`, `queryLimits` and `connections` for {@link startApiServer}, from the configuration and the key store. */
export function apiAccessFromConfig(config: Config, keys: ApiKeyStore | null): Pick<ApiServerDeps, 'auth' | 'queryLimits' | 'connections'> {
  return {
    auth: {
      keys,
      anonymousRead: anonymousReadEnabled(config.anonymousRead, config.host),
      rateLimit: { perSecond: config.rateLimitPerSecond, burst: config.rateLimitBurst },
    },
    connections: { headersTimeoutMs: config.headersTimeoutMs, requestTimeoutMs: config.requestTimeoutMs, keepAliveTimeoutMs: config.keepAliveTimeoutMs, maxConnections: config.maxConnections },
    queryLimits: { maxDepth: config.maxQueryDepth, maxCost: config.maxQueryCost, maxAliases: config.maxAliases, maxResponseBytes: config.maxResponseBytes },
  };
}
