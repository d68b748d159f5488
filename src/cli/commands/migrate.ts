/** `vaner migrate`: applies the pending Neo4j schema migrations (migrations/NNNN-*.cypher). */
import neo4j from 'neo4j-driver';
import { VanerError } from '../../errors.js';
import { createLogger, type LogLevel } from '../../log.js';
import { DEFAULT_MIGRATIONS_DIR, migrate, readMigrations } from '../../store/neo4j/migrate.js';
import { parseCommandArgs } from '../args.js';
import type { Env } from '../dispatch.js';

export const HELP = `usage: vaner migrate [--dir DIR] [--dry-run]

Applies the pending Neo4j schema migrations in version order and records each one in the database
as (:Migration {version, name, checksum, appliedAt}). Safe to run twice and from several processes
at once (a lock node serialises them). Refuses an applied migration whose file changed.

environment:
  NEO4J_URI        Neo4j 5 URI, e.g. neo4j://localhost:7687 (required)
  NEO4J_USER       user (default neo4j)
  NEO4J_PASSWORD   password (required)
  NEO4J_DATABASE   database (default: the server's default database)

options:
  --dir DIR     migrations folder (default: the shipped migrations/)
  --dry-run     only check and list the migration files; do not connect
  -h, --help    show this help
`;

export async function run(argv: string[], env: Env): Promise<number> {
  const { values } = parseCommandArgs(argv, {
    help: { type: 'boolean', short: 'h' },
    dir: { type: 'string' },
    'dry-run': { type: 'boolean' },
  });
  if (values.help) {
    process.stdout.write(HELP);
    return 0;
  }
  const dir = values.dir ?? DEFAULT_MIGRATIONS_DIR;
  if (values['dry-run']) {
    for (const file of await readMigrations(dir)) process.stdout.write(`${file.file}\t${file.statements.length} statements\t${file.checksum}\n`);
    return 0;
  }
  const uri = env.NEO4J_URI;
  const password = env.NEO4J_PASSWORD;
  if (uri === undefined || uri === '') throw new VanerError('CONFIG_INVALID', 'NEO4J_URI is not set', { details: { variable: 'NEO4J_URI' } });
  if (password === undefined) throw new VanerError('CONFIG_INVALID', 'NEO4J_PASSWORD is not set', { details: { variable: 'NEO4J_PASSWORD' } });
  const level = (env.VANER_LOG_LEVEL ?? 'info') as LogLevel;
  const logger = createLogger(['silent', 'error', 'warn', 'info', 'debug'].includes(level) ? level : 'info');
  const driver = neo4j.driver(uri, neo4j.auth.basic(env.NEO4J_USER ?? 'neo4j', password), { disableLosslessIntegers: true });
  try {
    try {
      await driver.verifyConnectivity({ database: env.NEO4J_DATABASE || undefined });
    } catch (error) {
      throw new VanerError('STORE_UNAVAILABLE', `cannot reach Neo4j at ${uri}`, { retriable: true, cause: error });
    }
    const result = await migrate(driver, { dir, logger, database: env.NEO4J_DATABASE || undefined });
    process.stdout.write(
      result.applied.length === 0
        ? `up to date (${result.alreadyApplied} migrations applied earlier)\n`
        : `applied ${result.applied.length}: ${result.applied.join(', ')}\n`,
    );
    return 0;
  } finally {
    await driver.close();
  }
}
