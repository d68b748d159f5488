import { isVanerError, type ErrorCode } from '../errors.js';

/** Codes that mean "the command line or configuration is wrong": exit status 2, like most Unix tools. */
const USAGE_CODES: ReadonlySet<ErrorCode> = new Set(['BAD_USER_INPUT', 'CONFIG_INVALID']);

/**
 * Prints `error [CODE]: message` to stderr and returns the exit status: 2 for usage and configuration
 * errors, 1 for everything else. Stack traces (and causes) only with VANER_DEBUG=1.
 */
export function reportError(error: unknown, env: Readonly<Record<string, string | undefined>>, write: (text: string) => void = (t) => process.stderr.write(t)): number {
  const debug = env.VANER_DEBUG === '1';
  // The reader of our stdout went away (`vaner annotate f | head`): nothing to report, like cat.
  if ((error as { code?: unknown } | null)?.code === 'EPIPE') return 0;
  if (isVanerError(error)) {
    write(`error [${error.code}]: ${error.message}\n`);
    if (debug) writeStack(error, write);
    return USAGE_CODES.has(error.code) ? 2 : 1;
  }
  const message = error instanceof Error ? error.message : String(error);
  write(`error [INTERNAL]: ${message}\n`);
  if (debug) writeStack(error, write);
  else write('(set VANER_DEBUG=1 for the stack trace)\n');
  return 1;
}

function writeStack(error: unknown, write: (text: string) => void): void {
  let current: unknown = error;
  for (let depth = 0; current instanceof Error && depth < 5; depth += 1) {
    write(`${depth === 0 ? '' : 'caused by: '}${current.stack ?? current.message}\n`);
    current = current.cause;
  }
}
