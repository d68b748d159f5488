/** The `vaner` dispatcher: finds the command module, runs it, turns errors into `error [CODE]: …` and an exit status. */
import { readFileSync } from 'node:fs';
import { VanerError } from '../errors.js';
import { COMMANDS, commandGroup, resolveCommand } from './command-table.js';
import { reportError } from './report-error.js';

export type Env = Readonly<Record<string, string | undefined>>;

/** What every command module exports. */
export interface CommandModule {
  run(argv: string[], env: Env): Promise<number>;
}

export function usage(): string {
  const width = Math.max(...COMMANDS.map((c) => c.name.length));
  return [
    'usage: vaner <command> [subcommand] [options]',
    '',
    'commands:',
    ...COMMANDS.map((c) => `  ${c.name.padEnd(width)}  ${c.summary}`),
    '',
    'Run `vaner help <command>` (or `vaner <command> --help`) for its options. Configuration comes from VANER_* environment',
    'variables (see the README); VANER_DEBUG=1 prints stack traces.',
    '',
  ].join('\n');
}

/** The help of a command group: `vaner kb`, `vaner keys`, `vaner eval`, `vaner bench`. */
export function groupUsage(word: string): string {
  const entries = commandGroup(word);
  const width = Math.max(...entries.map((c) => c.name.length));
  return [
    `usage: vaner ${word} <subcommand> [options]`,
    '',
    'subcommands:',
    ...entries.map((c) => `  ${c.name.padEnd(width)}  ${c.summary}`),
    '',
    `Run \`vaner help ${word} <subcommand>\` for its options.`,
    '',
  ].join('\n');
}

const HELP_FLAGS = new Set(['--help', '-h']);

/** Runs `vaner` with argv (without node and script); resolves to the exit status. */
export async function runCli(argv: readonly string[], env: Env): Promise<number> {
  try {
    const [first] = argv;
    if (first === undefined) {
      process.stderr.write(usage());
      return 2;
    }
    if (HELP_FLAGS.has(first) || (first === 'help' && argv.length === 1)) {
      process.stdout.write(usage());
      return 0;
    }
    if (first === '--version' || first === '-v') {
      process.stdout.write(`${packageVersion()}\n`);
      return 0;
    }
    // `vaner help <command>` is `vaner <command> --help`; `vaner help <group>` the group's help.
    if (first === 'help') return await runCommand(argv.slice(1), env, true);
    return await runCommand(argv, env, false);
  } catch (error) {
    return reportError(error, env);
  }
}

async function runCommand(argv: readonly string[], env: Env, help: boolean): Promise<number> {
  const resolved = resolveCommand(argv);
  if (resolved) {
    const module = await loadCommand(resolved.entry.module, resolved.entry.name);
    return module.run(help ? ['--help'] : resolved.rest, env);
  }
  const [word, next] = argv;
  const group = word === undefined ? [] : commandGroup(word);
  if (word !== undefined && group.length > 0) {
    // The group alone (an incomplete command, like `vaner` alone) prints its help to stderr with status 2;
    // asked for (`--help`, `vaner help kb`) to stdout with status 0.
    if (help || (next !== undefined && HELP_FLAGS.has(next))) {
      process.stdout.write(groupUsage(word));
      return 0;
    }
    if (next === undefined) {
      process.stderr.write(groupUsage(word));
      return 2;
    }
    throw new VanerError('BAD_USER_INPUT', `unknown command "${word} ${next}"; \`vaner ${word}\` has ${group.map((c) => c.name.slice(word.length + 1)).join(', ')}`);
  }
  throw new VanerError('BAD_USER_INPUT', `unknown command "${argv.slice(0, 2).join(' ')}"; run \`vaner --help\` for the list`);
}

async function loadCommand(moduleName: string, commandName: string): Promise<CommandModule> {
  // A computed specifier: commands owned by other modules (bench-ner) may be absent from a build,
  // which should be a clear error, not a failure to start the whole CLI.
  const url = new URL(`./commands/${moduleName}.js`, import.meta.url);
  let loaded: Partial<CommandModule>;
  try {
    loaded = (await import(url.href)) as Partial<CommandModule>;
  } catch (error) {
    const code = (error as { code?: unknown }).code;
    if (code === 'ERR_MODULE_NOT_FOUND' && String((error as Error).message).includes(url.pathname)) {
      throw new VanerError('BAD_USER_INPUT', `command "${commandName}" is not available in this build`);
    }
    throw error;
  }
  if (typeof loaded.run !== 'function') throw new VanerError('INTERNAL', `command module ${moduleName} does not export run()`);
  return loaded as CommandModule;
}

function packageVersion(): string {
  const pkg = JSON.parse(readFileSync(new URL('../../package.json', import.meta.url), 'utf8')) as { version?: string };
  return pkg.version ?? 'unknown';
}
