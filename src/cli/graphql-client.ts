/**
 * A minimal GraphQL-over-HTTP client for the CLI (fetch, JSON), with retries for transient
 * failures: network errors, HTTP 429/502/503/504, and GraphQL errors whose code says "try later"
 * (STORE_UNAVAILABLE, QUEUE_UNAVAILABLE, MODEL_UNAVAILABLE, RATE_LIMITED). Everything else fails
 * at once with the server's code, so a bad batch is never resent.
 */
import { setTimeout as sleep } from 'node:timers/promises';
import { VanerError, type ErrorCode } from '../errors.js';

export interface GraphQLClientOptions {
  readonly url: string;
  /** API key sent as `Authorization: Bearer …` (VANER_API_KEY for the CLI). Writes need one. */
  readonly apiKey?: string | null;
  /** Tries after the first. @defaultValue 5 */
  readonly retries?: number;
  /** First backoff delay; doubles per retry, with ±25 % jitter, capped at 30 s. @defaultValue 500 */
  readonly baseDelayMs?: number;
  /** Per-request timeout. @defaultValue 300000 */
  readonly timeoutMs?: number;
  /** Called before each retry (for a log line). */
  readonly onRetry?: (attempt: number, delayMs: number, reason: string) => void;
  readonly signal?: AbortSignal;
}

const RETRIABLE_STATUS = new Set([429, 502, 503, 504]);
const RETRIABLE_CODES = new Set(['STORE_UNAVAILABLE', 'QUEUE_UNAVAILABLE', 'MODEL_UNAVAILABLE', 'RATE_LIMITED']);
const KNOWN_CODES = new Set<string>([
  'BAD_USER_INPUT', 'NOT_FOUND', 'INVALID_FORMAT', 'INVALID_UTF8', 'EMPTY_TEXT', 'DOCUMENT_TOO_LARGE', 'PAYLOAD_TOO_LARGE',
  'CONFLICT', 'STORE_UNAVAILABLE', 'QUEUE_UNAVAILABLE', 'MODEL_UNAVAILABLE', 'CANCELLED', 'UNAUTHENTICATED', 'FORBIDDEN',
  'RATE_LIMITED', 'QUERY_TOO_COMPLEX',
]);

interface GraphQLResponse<T> {
  data?: T | null;
  errors?: { message?: string; extensions?: { code?: string; details?: Record<string, unknown> } }[];
}

export interface GraphQLClient {
  request<T>(query: string, variables?: Record<string, unknown>): Promise<T>;
}

export function createGraphQLClient(options: GraphQLClientOptions): GraphQLClient {
  const retries = options.retries ?? 5;
  const baseDelay = options.baseDelayMs ?? 500;
  const timeoutMs = options.timeoutMs ?? 300_000;
  return {
    async request<T>(query: string, variables: Record<string, unknown> = {}): Promise<T> {
      for (let attempt = 0; ; attempt += 1) {
        try {
          return await once<T>(options.url, options.apiKey ?? null, query, variables, timeoutMs, options.signal);
        } catch (error) {
          const retriable = error instanceof VanerError && error.retriable;
          if (!retriable || attempt >= retries || options.signal?.aborted) throw error;
          const delay = Math.min(30_000, baseDelay * 2 ** attempt) * (0.75 + Math.random() * 0.5);
          options.onRetry?.(attempt + 1, Math.round(delay), (error as Error).message);
          await sleep(delay, undefined, options.signal ? { signal: options.signal } : undefined);
        }
      }
    },
  };
}

async function once<T>(url: string, apiKey: string | null, query: string, variables: Record<string, unknown>, timeoutMs: number, signal?: AbortSignal): Promise<T> {
  let response: Response;
  try {
    const timeout = AbortSignal.timeout(timeoutMs);
    response = await fetch(url, {
      method: 'POST',
      headers: {
        'content-type': 'application/json',
        accept: 'application/json',
        ...(apiKey ? { authorization: `Bearer ${apiKey}` } : {}),
      },
      body: JSON.stringify({ query, variables }),
      signal: signal ? AbortSignal.any([signal, timeout]) : timeout,
    });
  } catch (error) {
    if (signal?.aborted) throw new VanerError('CANCELLED', 'request cancelled', { cause: error });
    // undici reports the system error (ECONNREFUSED, ENOTFOUND) or its reason ("bad port") in `cause`.
    const cause = (error as { cause?: { code?: string; message?: string } }).cause;
    const reason = cause?.code ?? cause?.message ?? (error as Error).message;
    // No ErrorCode names "API unreachable"; INTERNAL with retriable=true, the message says what happened.
    throw new VanerError('INTERNAL', `cannot reach ${url} (${reason})`, { retriable: true, cause: error });
  }
  let body: GraphQLResponse<T> | null = null;
  try {
    body = (await response.json()) as GraphQLResponse<T>;
  } catch {
    body = null;
  }
  const first = body?.errors?.[0];
  const serverCode = first?.extensions?.code;
  if (!response.ok && (body === null || !first)) {
    throw new VanerError(response.status === 413 ? 'PAYLOAD_TOO_LARGE' : 'INTERNAL', `${url} answered HTTP ${response.status}`, {
      retriable: RETRIABLE_STATUS.has(response.status),
      details: { status: response.status },
    });
  }
  // Also with data: a nullable field that failed comes back as null beside its error (`{ job: null }` while the
  // queue is down), which the CLI would take for "not there". Its requests need every field they ask for.
  if (first) {
    const code: ErrorCode = serverCode && KNOWN_CODES.has(serverCode) ? (serverCode as ErrorCode) : 'INTERNAL';
    throw new VanerError(code, `server: ${first.message ?? 'error without a message'}${serverCode && code === 'INTERNAL' ? ` (${serverCode})` : ''}`, {
      retriable: RETRIABLE_STATUS.has(response.status) || (serverCode !== undefined && RETRIABLE_CODES.has(serverCode)),
      // The server's own details (safe by contract, e.g. submitDocuments' per-document errors) travel along.
      details: { status: response.status, serverCode, ...(first.extensions?.details === undefined ? {} : { server: first.extensions.details }) },
    });
  }
  if (body?.data === null || body?.data === undefined) throw new VanerError('INTERNAL', `${url} answered HTTP ${response.status} without data`);
  return body.data;
}
