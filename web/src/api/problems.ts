/** API errors as the dashboard shows them: the stable code from extensions.code and the message. */
import type { CombinedError } from 'urql';

export interface ApiProblem {
  readonly code: string;
  readonly message: string;
}

/** What to do about each code a person can act on. */
const ADVICE: Record<string, string> = {
  UNAUTHENTICATED: 'Sign in again with a valid API key (an admin creates one with npx vaner keys create).',
  FORBIDDEN: 'Your API key’s role does not allow this; ask an admin for a key with a higher role.',
  RATE_LIMITED: 'Too many requests at once; wait a moment and try again.',
  PAYLOAD_TOO_LARGE: 'The upload is larger than the server accepts (VANER_MAX_BODY_BYTES); split it into smaller files.',
  NETWORK: 'The server did not answer; check that vaner serve is running.',
};

export function adviceFor(code: string): string | undefined {
  return ADVICE[code];
}

export function problemsOf(error: CombinedError | undefined | null): ApiProblem[] {
  if (!error) return [];
  if (error.graphQLErrors.length > 0) {
    return error.graphQLErrors.map((e) => ({ code: String((e.extensions as { code?: unknown } | undefined)?.code ?? 'ERROR'), message: e.message }));
  }
  return [{ code: 'NETWORK', message: error.networkError?.message ?? error.message }];
}
