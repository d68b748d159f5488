/**
 * What the `vaner eval` commands share: the common flags (--gold, --json, --help) with the same
 * usage errors, and how gold-file warnings are reported. Each command adds its own flags.
 */
import type { ParseArgsConfig } from 'node:util';
import { VanerError } from '../errors.js';
import type { WarningTally } from '../formats/warning-tally.js';
import { parseCommandArgs } from './args.js';

type Options = NonNullable<ParseArgsConfig['options']>;

/** Flags every eval command takes. */
const EVAL_FLAGS = {
  gold: { type: 'string' },
  json: { type: 'boolean' },
  help: { type: 'boolean', short: 'h' },
} as const;

/**
 * Parses `argv` with the command's own `options` plus --gold, --json and --help. Prints `help` and
 * returns null for --help; otherwise throws BAD_USER_INPUT for a positional argument or a missing
 * --gold (naming `vaner eval <command> --help`), and returns the values with `gold` present.
 */
export function parseEvalArgs<O extends Options>(argv: readonly string[], command: string, help: string, options: O) {
  const { values, positionals } = parseCommandArgs(argv, { ...options, ...EVAL_FLAGS });
  // The generic options hide the common flags' types from the compiler; EVAL_FLAGS fixes them.
  const common = values as { gold?: string; help?: boolean };
  if (common.help) {
    process.stdout.write(help);
    return null;
  }
  if (positionals.length > 0) throw new VanerError('BAD_USER_INPUT', `unexpected argument "${positionals[0]}"; the gold file goes after --gold`);
  if (common.gold === undefined) throw new VanerError('BAD_USER_INPUT', `--gold <file> is required; see \`vaner eval ${command} --help\``);
  return { ...values, gold: common.gold };
}

/** Writes each summary line of a gold file's warning tally to stderr, prefixed with `warning: `. */
export function writeWarnings(tally: WarningTally): void {
  for (const line of tally.lines()) process.stderr.write(`warning: ${line}\n`);
}
