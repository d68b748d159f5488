/** Public surface of the auth module: identities, roles, API keys, rate limiting. */
export { ROLES, roleIncludes, parseRole, type Role } from './roles.js';
export { anonymousPrincipal, ANONYMOUS_OWNER, type Principal } from './principal.js';
export { KEY_ID, parseToken } from './api-key-token.js';
export type { ApiKeyStore, ApiKeyInfo, CreatedApiKey, CreateKeyInput, KeyOrigin } from './key-store.js';
export { openSqliteKeyStore, type SqliteKeyStoreOptions } from './sqlite-key-store.js';
export { checkOwner, MAX_OWNER_CHARS } from './key-owner.js';
export { authenticate, anonymousReadEnabled, isLoopbackHost, type AuthenticateOptions } from './authenticate.js';
export { createRateLimiter, type RateLimiter, type RateLimitOptions, type RateDecision } from './rate-limiter.js';
export { issueFirstAdminKey } from './first-admin-key.js';
export { loadOrCreateServerSecret, SERVER_SECRET_FILE } from './server-secret.js';
