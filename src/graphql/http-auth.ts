/**
 * The HTTP side of access control, run before the body is parsed so that a refused caller costs
 * neither body parsing nor GraphQL work: authenticate the Authorization header (401
 * UNAUTHENTICATED for a bad credential), then take a token from the caller's rate-limit bucket
 * (429 RATE_LIMITED with `retryAfter` seconds and a Retry-After header). The principal is left in
 * `res.locals.principal` for the GraphQL context.
 */
import type { NextFunction, Request, Response } from 'express';
import { authenticate, type ApiKeyStore, type Principal, type RateLimiter } from '../auth/index.js';
import { isVanerError, VanerError } from '../errors.js';

export interface HttpAuthOptions {
  /** null: this server knows no keys, so every Bearer token is refused. */
  readonly keys: ApiKeyStore | null;
  readonly anonymousRead: boolean;
  readonly limiter: RateLimiter;
  /** Writes a GraphQL-shaped error body. */
  readonly sendError: (res: Response, status: number, message: string, code: string, extensions?: Record<string, unknown>) => void;
}

/** Stands in when the server manages no keys: every token is refused. */
const NO_KEYS: Pick<ApiKeyStore, 'verify'> = {
  verify: () => Promise.reject(new VanerError('UNAUTHENTICATED', 'this server accepts no API keys')),
};

/** The principal of a response, as left by the middleware. */
export function principalOf(res: Response): Principal | undefined {
  return res.locals['principal'] as Principal | undefined;
}

export function createHttpAuth(options: HttpAuthOptions): (req: Request, res: Response, next: NextFunction) => void {
  const keys = options.keys ?? NO_KEYS;
  const limited = (res: Response, caller: string): boolean => {
    const decision = options.limiter.take(caller);
    if (decision.allowed) return false;
    res.setHeader('Retry-After', String(decision.retryAfterSeconds));
    options.sendError(res, 429, `rate limit exceeded; retry in ${decision.retryAfterSeconds} s`, 'RATE_LIMITED', { retryAfter: decision.retryAfterSeconds });
    return true;
  };
  return (req, res, next) => {
    // The socket address: X-Forwarded-For is not trusted (no proxy is configured), so it cannot be forged.
    const address = `ip:${req.socket.remoteAddress ?? 'unknown'}`;
    authenticate(req.get('authorization'), { keys: keys as ApiKeyStore, anonymousRead: options.anonymousRead }).then(
      (principal) => {
        if (limited(res, principal.keyId === null ? address : `key:${principal.keyId}`)) return;
        res.locals['principal'] = principal;
        next();
      },
      (error: unknown) => {
        if (!isVanerError(error) || error.code !== 'UNAUTHENTICATED') {
          next(error);
          return;
        }
        // Failed attempts count against the address, so guessing is rate limited too.
        if (limited(res, address)) return;
        res.setHeader('WWW-Authenticate', 'Bearer');
        options.sendError(res, 401, error.message, 'UNAUTHENTICATED');
      },
    );
  };
}
