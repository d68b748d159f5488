/** `vaner kb import`: imports (or refreshes) the vocabularies into the configured store. */
import { mkdirSync } from 'node:fs';
import path from 'node:path';
import { importKnowledgeBase } from '../../kb/index.js';
import { databasePath } from '../../main.js';
import { openEmbeddedStore } from '../../store/index.js';
import { parseCommandArgs } from '../args.js';
import { loadCliConfig } from '../cli-config.js';
import type { Env } from '../dispatch.js';

export const HELP = `usage: vaner kb import [--kb-dir DIR]

Imports the vocabularies (CTD MEDIC diseases, MeSH chemicals, corpus names) into the store in
VANER_DATA_DIR. Repeating it is safe: unchanged records are left alone and curator edits are kept.

options:
  --kb-dir DIR  folder with the vocabulary files (default VANER_KB_DIR, the repository's data/kb)
  -h, --help    show this help
`;

export async function run(argv: string[], env: Env): Promise<number> {
  const { values } = parseCommandArgs(argv, { 'kb-dir': { type: 'string' }, help: { type: 'boolean', short: 'h' } });
  if (values.help) {
    process.stdout.write(HELP);
    return 0;
  }
  const kbDir = values['kb-dir'] === undefined ? undefined : path.resolve(values['kb-dir']);
  const { config, logger } = loadCliConfig(env, { kbDir });
  // The store does not create its folder; serve gets it from createApp, these commands make it here.
  mkdirSync(config.dataDir, { recursive: true });
  const store = await openEmbeddedStore({ path: databasePath(config), logger });
  try {
    const result = await importKnowledgeBase(store, { kbDir: config.kbDir, logger });
    const { summary } = result;
    const perType = Object.entries(result.entities).map(([type, n]) => `${type.toLowerCase()} ${n}`).join(', ');
    process.stdout.write(
      [
        `imported knowledge base from ${config.kbDir} in ${result.seconds.toFixed(1)} s`,
        `  entities offered: ${perType || 'none'}`,
        `  names offered:    ${result.names}`,
        `  entities inserted ${summary.entitiesInserted}, updated ${summary.entitiesUpdated}; names inserted ${summary.namesInserted}; curated kept ${summary.curatedKept}`,
        `  entities in store: ${await store.countEntities()}`,
        '',
      ].join('\n'),
    );
    return 0;
  } finally {
    await store.close();
  }
}
