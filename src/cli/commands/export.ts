/** `vaner export`: streams stored documents and their mentions to a file or stdout. */
import { createWriteStream } from 'node:fs';
import { once } from 'node:events';
import type { Writable } from 'node:stream';
import { EXPORT_FORMATS, exportDocuments } from '../../app/export-documents.js';
import { openStore } from '../../main.js';
import { VanerError } from '../../errors.js';
import { parseChoice, parseCommandArgs } from '../args.js';
import { loadCliConfig } from '../cli-config.js';
import type { Env } from '../dispatch.js';
import { waitForShutdownSignal } from '../shutdown-signal.js';

export const HELP = `usage: vaner export --format pubtator|biocjson|bioc|jsonl [--external-id-prefix P] [--entity-id ID] [--out FILE]

Writes the stored documents (oldest first) with their mentions, reading the store page by page so
memory stays flat. Documents keep their original passages and offsets: BioC input is written back
with its passages, PubTator input with its title/abstract split. Rejected mentions are left out;
mentions of one span linked to several entities are written once with all their ids.

options:
  --format F               pubtator, biocjson (BioC JSON), bioc (BioC XML) or jsonl (required)
  --external-id-prefix P   only documents whose externalId starts with P
  --entity-id ID           only documents mentioning the entity ID
  --out FILE               write to FILE instead of stdout
  -h, --help               show this help
`;

export async function run(argv: string[], env: Env): Promise<number> {
  const { values } = parseCommandArgs(argv, {
    format: { type: 'string' },
    'external-id-prefix': { type: 'string' },
    'entity-id': { type: 'string' },
    out: { type: 'string' },
    help: { type: 'boolean', short: 'h' },
  });
  if (values.help) {
    process.stdout.write(HELP);
    return 0;
  }
  const format = parseChoice('format', values.format, EXPORT_FORMATS);
  if (format === undefined) throw new VanerError('BAD_USER_INPUT', '--format is required; see `vaner export --help`');
  const { config, logger } = loadCliConfig(env);
  const shutdown = waitForShutdownSignal();
  const abort = new AbortController();
  void shutdown.signal.then(() => abort.abort());
  const store = await openStore(config, logger);
  const out: Writable = values.out === undefined ? process.stdout : createWriteStream(values.out);
  let documents = -1;
  try {
    const filter = { externalIdPrefix: values['external-id-prefix'] ?? null, entityId: values['entity-id'] ?? null };
    for await (const chunk of exportDocuments(store, { format, filter, signal: abort.signal })) {
      if (!out.write(chunk)) await once(out, 'drain');
      documents++;
    }
    // The head and the tail are chunks too.
    documents -= 1;
    if (values.out !== undefined) {
      out.end();
      await once(out, 'finish');
      process.stderr.write(`exported ${documents} documents as ${format} to ${values.out}\n`);
    }
    return 0;
  } finally {
    shutdown.dispose();
    await store.close();
  }
}
