/** Maps the access-control fields of the configuration onto the API server's options. */
import { anonymousReadEnabled, type ApiKeyStore } from '../auth/index.js';
import type { Config } from '../config.js';
import type { ApiServerDeps } from './server.js';

/** `auth` and `queryLimits` for {@link startApiServer}, from the configuration and the key store. */
export function apiAccessFromConfig(config: Config, keys: ApiKeyStore | null): Pick<ApiServerDeps, 'auth' | 'queryLimits'> {
  return {
    auth: {
      keys,
      anonymousRead: anonymousReadEnabled(config.anonymousRead, config.host),
      rateLimit: { perSecond: config.rateLimitPerSecond, burst: config.rateLimitBurst },
    },
    queryLimits: { maxDepth: config.maxQueryDepth, maxCost: config.maxQueryCost, maxAliases: config.maxAliases, maxResponseBytes: config.maxResponseBytes },
  };
}
