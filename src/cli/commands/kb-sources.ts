/** `vaner kb sources`: lists the knowledge base's sources; disables, enables or removes one. */
import { mkdirSync } from 'node:fs';
import { VanerError } from '../../errors.js';
import { openStore } from '../../main.js';
import { parseCommandArgs } from '../args.js';
import { loadCliConfig } from '../cli-config.js';
import type { Env } from '../dispatch.js';

export const HELP = `usage: vaner kb sources [list] [--json]
       vaner kb sources disable|enable|remove NAME

Every vocabulary the knowledge base holds names from: the shipped ones (ctd-medic, mesh-2024,
mesh-2024-diseases, mesh-supplementary, corpus-annotation, mesh-history, ctd-chemical-names-2015 and the
bundled gene and species vocabularies), curators' edits (curator) and the users'
vocabularies imported with \`vaner kb import --vocabulary FILE --source NAME\`.

  list     name, format, file, import time, enabled, entities, names, aliases (the default)
  disable  the source's names and entities are no longer linked or found (stored mentions stay)
  enable   undoes disable
  remove   deletes the source's names, aliases and the entities it created

The running API's linker and dictionary follow a change without a restart.

options:
  --json       print JSON
  -h, --help   show this help
`;

const ACTIONS = ['list', 'disable', 'enable', 'remove'] as const;

export async function run(argv: string[], env: Env): Promise<number> {
  const { values, positionals } = parseCommandArgs(argv, { json: { type: 'boolean' }, help: { type: 'boolean', short: 'h' } }, true);
  if (values.help) {
    process.stdout.write(HELP);
    return 0;
  }
  const [action = 'list', name, ...extra] = positionals;
  if (!(ACTIONS as readonly string[]).includes(action)) {
    throw new VanerError('BAD_USER_INPUT', `unknown action '${action}' (expected ${ACTIONS.join(', ')})`, { details: { field: 'action' } });
  }
  if (action !== 'list' && (name === undefined || extra.length > 0)) throw new VanerError('BAD_USER_INPUT', `vaner kb sources ${action} takes one source name`);
  if (action === 'list' && name !== undefined) throw new VanerError('BAD_USER_INPUT', 'vaner kb sources list takes no name');
  const { config, logger } = loadCliConfig(env);
  if (config.store === 'embedded') mkdirSync(config.dataDir, { recursive: true });
  const store = await openStore(config, logger);
  try {
    if (action === 'disable' || action === 'enable') {
      const s = await store.setSourceEnabled(name!, action === 'enable');
      process.stdout.write(values.json ? `${JSON.stringify(s)}\n` : `source '${s.name}' ${s.enabled ? 'enabled' : 'disabled'}\n`);
      return 0;
    }
    if (action === 'remove') {
      const r = await store.removeSource(name!);
      process.stdout.write(values.json ? `${JSON.stringify(r)}\n` : `removed source '${name}': ${r.entitiesRemoved} entities, ${r.namesRemoved} names, ${r.aliasesRemoved} aliases\n`);
      return 0;
    }
    const sources = await store.listSources();
    if (values.json) {
      process.stdout.write(`${JSON.stringify(sources)}\n`);
      return 0;
    }
    const rows = [['source', 'format', 'file', 'imported', 'enabled', 'entities', 'names', 'aliases']];
    for (const s of sources) {
      rows.push([s.name, s.format ?? '-', s.file ?? '-', s.importedAt?.slice(0, 19) ?? '-', s.enabled ? 'yes' : 'NO', String(s.entities), String(s.names), String(s.aliases)]);
    }
    const widths = rows[0]!.map((_, i) => Math.max(...rows.map((r) => r[i]!.length)));
    process.stdout.write(rows.map((r) => r.map((c, i) => (i >= 5 ? c.padStart(widths[i]!) : c.padEnd(widths[i]!))).join('  ').trimEnd()).join('\n') + '\n');
    return 0;
  } finally {
    await store.close();
  }
}
