/**
 * Token-bucket rate limiting per caller (an API key id, or the client address for anonymous
 * callers). Each bucket holds up to `burst` tokens and refills at `perSecond`; a request takes one.
 * In memory and per process: with several API processes each allows the rate on its own.
 */
import { VanerError } from '../errors.js';

export interface RateLimitOptions {
  /** Sustained requests per second per caller; 0 turns limiting off. @defaultValue 20 */
  readonly perSecond: number;
  /** Requests a caller may make at once after being idle. @defaultValue 40 */
  readonly burst: number;
  /**
   * Most callers tracked; beyond it the buckets idle longest (which are full again, so forgetting
   * them changes nothing) are dropped, so many client addresses cannot exhaust memory.
   * @defaultValue 10000
   */
  readonly maxCallers?: number;
  /** Clock in milliseconds. @defaultValue performance.now */
  readonly now?: () => number;
}

export type RateDecision = { readonly allowed: true } | { readonly allowed: false; readonly retryAfterSeconds: number };

export interface RateLimiter {
  /** Takes one token from `caller`'s bucket. */
  take(caller: string): RateDecision;
}

interface Bucket {
  tokens: number;
  at: number;
}

/** Builds a limiter; CONFIG_INVALID when perSecond or burst is negative or not finite. */
export function createRateLimiter(options: RateLimitOptions): RateLimiter {
  const { perSecond, burst } = options;
  if (!Number.isFinite(perSecond) || perSecond < 0) throw new VanerError('CONFIG_INVALID', 'rate limit perSecond must be >= 0', { details: { field: 'perSecond' } });
  if (!Number.isFinite(burst) || burst < 1) throw new VanerError('CONFIG_INVALID', 'rate limit burst must be >= 1', { details: { field: 'burst' } });
  const maxCallers = options.maxCallers ?? 10_000;
  const now = options.now ?? (() => performance.now());
  // A Map iterates in insertion order; re-inserting on every use keeps the least recently used first.
  const buckets = new Map<string, Bucket>();
  return {
    take(caller) {
      if (perSecond === 0) return { allowed: true };
      const t = now();
      const bucket = buckets.get(caller) ?? { tokens: burst, at: t };
      buckets.delete(caller);
      bucket.tokens = Math.min(burst, bucket.tokens + ((t - bucket.at) / 1000) * perSecond);
      bucket.at = t;
      buckets.set(caller, bucket);
      if (buckets.size > maxCallers) buckets.delete(buckets.keys().next().value!);
      if (bucket.tokens >= 1) {
        bucket.tokens -= 1;
        return { allowed: true };
      }
      return { allowed: false, retryAfterSeconds: Math.max(1, Math.ceil((1 - bucket.tokens) / perSecond)) };
    },
  };
}
