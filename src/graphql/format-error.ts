/**
 * The one place that decides what a client sees of an error.
 *
 * - VanerError (thrown, or wrapped by Apollo as a GraphQL error's originalError): its `code` becomes `extensions.code`; messages and `details` of client-facing codes
 *   are written for clients and pass through. Unavailable backends keep their code (clients may
 *   retry) with a generic message.
 * - Errors Apollo or graphql-js raise about the request itself (parse, validation, variable
 *   coercion) keep Apollo's codes and messages.
 * - Anything else is INTERNAL_SERVER_ERROR with a generic message and a `requestId`; the real
 *   error is logged under that id. Stack traces, SQL, Cypher and file paths never reach a client.
 */
import { unwrapResolverError } from '@apollo/server/errors';
import type { GraphQLFormattedError } from 'graphql';
import { isVanerError, type ErrorCode, type VanerError } from '../errors.js';
import type { Logger } from '../log.js';
import { currentRequestId } from './request-id.js';

/** Codes whose message and details are safe and useful for clients. */
const CLIENT_CODES: ReadonlySet<ErrorCode> = new Set<ErrorCode>([
  'BAD_USER_INPUT',
  'NOT_FOUND',
  'INVALID_FORMAT',
  'INVALID_UTF8',
  'EMPTY_TEXT',
  'DOCUMENT_TOO_LARGE',
  'PAYLOAD_TOO_LARGE',
  'CONFLICT',
  'CANCELLED',
  'UNAUTHENTICATED',
  'FORBIDDEN',
  'RATE_LIMITED',
  'QUERY_TOO_COMPLEX',
  'RESPONSE_TOO_LARGE',
  'OPERATION_NOT_SUPPORTED',
]);

/** Backend outages: the code is useful (retry later), the underlying message is not for clients. */
const UNAVAILABLE_MESSAGES: Partial<Record<ErrorCode, string>> = {
  STORE_UNAVAILABLE: 'the store is temporarily unavailable; retry later',
  QUEUE_UNAVAILABLE: 'the job queue is temporarily unavailable; retry later',
  MODEL_UNAVAILABLE: 'the labeler is temporarily unavailable; retry later',
};

export const INTERNAL_MESSAGE = 'internal server error';

function located(formatted: GraphQLFormattedError, message: string, extensions: Record<string, unknown>): GraphQLFormattedError {
  return {
    message,
    ...(formatted.locations ? { locations: formatted.locations } : {}),
    ...(formatted.path ? { path: formatted.path } : {}),
    extensions,
  };
}

/**
 * The code of an error Apollo or graphql-js raised about the request (parse, validation, variable
 * coercion), or null. Recognised by shape, not `instanceof GraphQLError`: graphql ships both CJS
 * and ESM builds, and Apollo may load the other one than this module does.
 */
function requestErrorCode(error: unknown): string | null {
  if (!(error instanceof Error)) return null;
  const extensions = (error as { extensions?: unknown }).extensions;
  if (typeof extensions !== 'object' || extensions === null) return null;
  const code = (extensions as { code?: unknown }).code;
  return typeof code === 'string' && code !== 'INTERNAL_SERVER_ERROR' ? code : null;
}

function describe(error: unknown): Record<string, unknown> {
  if (error instanceof Error) return { errorName: error.name, errorMessage: error.message, stack: error.stack };
  return { error: String(error) };
}

/** The first VanerError along an error's originalError chain (at most three links), or null. */
function codedCause(error: unknown): VanerError | null {
  let current: unknown = error;
  for (let i = 0; i < 4 && typeof current === 'object' && current !== null; i += 1) {
    if (isVanerError(current)) return current;
    current = (current as { originalError?: unknown }).originalError;
  }
  return null;
}

/** Builds Apollo's `formatError` option; internal errors are logged to `logger` with their requestId. */
export function createFormatError(
  logger: Logger,
  options: { readonly hideSchemaDetails?: boolean } = {},
): (formatted: GraphQLFormattedError, error: unknown) => GraphQLFormattedError {
  // With introspection off, graphql-js's suggestions ("Did you mean \"documents\"?", "Did you mean
  // the enum value ...") would list the schema one guess at a time.
  const clean = options.hideSchemaDetails ? (message: string) => message.replace(/\s*Did you mean [^?]*\?/g, '') : (message: string) => message;
  return (formatted, error) => {
    const unwrapped = unwrapResolverError(error);
    // Limits raised in validation rules or plugins (query-limits.ts) arrive wrapped by Apollo as a
    // GraphQL error whose originalError is the coded VanerError; use the coded one.
    // Apollo may wrap it once more when the error came from the other build of graphql (CJS/ESM).
    const original = codedCause(unwrapped) ?? unwrapped;
    if (isVanerError(original)) {
      if (CLIENT_CODES.has(original.code)) {
        return located(formatted, original.message, {
          code: original.code,
          ...(original.details ? { details: original.details } : {}),
        });
      }
      const unavailable = UNAVAILABLE_MESSAGES[original.code];
      if (unavailable) {
        const requestId = currentRequestId();
        logger.warn('backend unavailable', { requestId, code: original.code, path: formatted.path, ...describe(original) });
        return located(formatted, unavailable, { code: original.code, retriable: true, requestId });
      }
    } else {
      const code = requestErrorCode(original);
      if (code !== null) return located(formatted, clean(formatted.message), { code });
    }
    const requestId = currentRequestId();
    logger.error('internal error in GraphQL request', { requestId, path: formatted.path, ...describe(original) });
    return located(formatted, INTERNAL_MESSAGE, { code: 'INTERNAL_SERVER_ERROR', requestId });
  };
}
