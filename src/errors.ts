/**
 * One error base for the whole project. Every error that can reach a client, cross the queue,
 * or be logged carries a stable `code` and whether retrying could help (`retriable`).
 * GraphQL maps `code` to `extensions.code` in one place (src/graphql/format-error.ts).
 */
export type ErrorCode =
  | 'BAD_USER_INPUT'
  | 'NOT_FOUND'
  | 'INVALID_FORMAT'
  | 'INVALID_UTF8'
  | 'EMPTY_TEXT'
  | 'DOCUMENT_TOO_LARGE'
  | 'PAYLOAD_TOO_LARGE'
  | 'CONFLICT'
  | 'CONFIG_INVALID'
  | 'MODEL_INVALID'
  | 'MODEL_UNAVAILABLE'
  | 'STORE_UNAVAILABLE'
  | 'QUEUE_UNAVAILABLE'
  | 'CANCELLED'
  | 'UNAUTHENTICATED'
  | 'FORBIDDEN'
  | 'RATE_LIMITED'
  | 'QUERY_TOO_COMPLEX'
  | 'RESPONSE_TOO_LARGE'
  | 'OPERATION_NOT_SUPPORTED'
  | 'INTERNAL';

export interface VanerErrorOptions {
  retriable?: boolean;
  cause?: unknown;
  /** Safe, client-visible details (field names, line numbers). Never stack traces or statements. */
  details?: Record<string, unknown>;
}

export class VanerError extends Error {
  readonly code: ErrorCode;
  readonly retriable: boolean;
  readonly details: Record<string, unknown> | undefined;

  constructor(code: ErrorCode, message: string, options: VanerErrorOptions = {}) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.name = 'VanerError';
    this.code = code;
    this.retriable = options.retriable ?? false;
    this.details = options.details;
  }
}

/** Recognises a VanerError also after it crossed a process or queue boundary (by name and code). */
export function isVanerError(value: unknown): value is VanerError {
  return (
    value instanceof VanerError ||
    (typeof value === 'object' && value !== null && (value as { name?: unknown }).name === 'VanerError' &&
      typeof (value as { code?: unknown }).code === 'string')
  );
}
