/** `vaner keys create`: issues an API key. The key goes to stdout alone (for scripts), once. */
import { parseRole, ROLES } from '../../auth/index.js';
import { VanerError } from '../../errors.js';
import { parseCommandArgs } from '../args.js';
import { loadCliConfig } from '../cli-config.js';
import type { Env } from '../dispatch.js';
import { openConfiguredKeyStore } from './keys-open.js';

export const HELP = `usage: vaner keys create --role ROLE --owner NAME

Creates an API key in the data directory's database (VANER_DATA_DIR) and prints it to stdout. The key
is shown only this once (only its hash is stored). Clients send it as "Authorization: Bearer <key>";
a running server accepts it at once.

options:
  --role ROLE    ${ROLES.join(' < ')} (each includes the ones before it)
  --owner NAME   who holds the key (1-100 printable characters); recorded in the curation audit trail
  -h, --help     show this help
`;

export async function run(argv: string[], env: Env): Promise<number> {
  const { values } = parseCommandArgs(argv, {
    role: { type: 'string' },
    owner: { type: 'string' },
    help: { type: 'boolean', short: 'h' },
  });
  if (values.help) {
    process.stdout.write(HELP);
    return 0;
  }
  if (values.role === undefined) throw new VanerError('BAD_USER_INPUT', `--role is required (${ROLES.join(', ')})`, { details: { flag: 'role' } });
  if (values.owner === undefined) throw new VanerError('BAD_USER_INPUT', '--owner is required', { details: { flag: 'owner' } });
  const role = parseRole(values.role, '--role');
  const { config } = loadCliConfig(env);
  const keys = openConfiguredKeyStore(config);
  try {
    const created = await keys.create({ owner: values.owner, role, origin: 'cli' });
    process.stdout.write(`${created.key}\n`);
    process.stderr.write(`created ${created.role} key ${created.id} for ${created.owner}; store the key now, it cannot be shown again\n`);
    return 0;
  } finally {
    await keys.close();
  }
}
