/** Argument parsing for commands: node:util parseArgs with errors turned into usage errors. */
import { parseArgs, type ParseArgsConfig } from 'node:util';
import { VanerError } from '../errors.js';

type Options = NonNullable<ParseArgsConfig['options']>;

/** parseArgs in strict mode; unknown flags and missing values become VanerError('BAD_USER_INPUT'). */
export function parseCommandArgs<O extends Options>(argv: readonly string[], options: O, allowPositionals = false) {
  try {
    return parseArgs({ args: [...argv], options, allowPositionals, strict: true });
  } catch (error) {
    const code = (error as { code?: unknown }).code;
    if (typeof code === 'string' && code.startsWith('ERR_PARSE_ARGS')) {
      throw new VanerError('BAD_USER_INPUT', (error as Error).message, { cause: error });
    }
    throw error;
  }
}

/** Parses an integer flag, naming the flag when it is not an integer in [min, max]. */
export function parseIntegerFlag(flag: string, value: string | undefined, min: number, max: number): number | undefined {
  if (value === undefined) return undefined;
  const n = Number(value);
  if (!/^-?\d+$/.test(value.trim()) || !Number.isSafeInteger(n) || n < min || n > max) {
    throw new VanerError('BAD_USER_INPUT', `--${flag} must be an integer from ${min} to ${max}, got "${value}"`, { details: { flag } });
  }
  return n;
}

/** Checks a flag against allowed values, naming them in the error. */
export function parseChoice<T extends string>(flag: string, value: string | undefined, allowed: readonly T[]): T | undefined {
  if (value === undefined) return undefined;
  if (!(allowed as readonly string[]).includes(value)) {
    throw new VanerError('BAD_USER_INPUT', `--${flag} must be one of ${allowed.join(', ')}, got "${value}"`, { details: { flag } });
  }
  return value as T;
}
