/** `vaner export`: streams stored documents and their mentions to a file or stdout. */
import { createWriteStream } from 'node:fs';
import { rename, rm } from 'node:fs/promises';
import path from 'node:path';
import { once } from 'node:events';
import type { Writable } from 'node:stream';
import { EXPORT_FORMATS, EXPORT_IDS, exportDocuments, type ExportWarning } from '../../app/export-documents.js';
import { openStore } from '../../main.js';
import { VanerError } from '../../errors.js';
import { parseChoice, parseCommandArgs } from '../args.js';
import { loadCliConfig } from '../cli-config.js';
import type { Env } from '../dispatch.js';
import { checkOutputFile } from '../output-file.js';
import { waitForShutdownSignal } from '../shutdown-signal.js';

export const HELP = `usage: vaner export --format pubtator|biocjson|bioc|jsonl [--external-id-prefix P] [--entity-id ID] [--entity-ids stored|current|legacy] [--out FILE]

Writes the stored documents (oldest first) with their mentions, reading the store page by page so
memory stays flat. With --out, the file appears only once complete (written to a temporary file
beside it, then renamed): a failed or interrupted export leaves nothing behind. A document that
cannot be written is skipped with a warning; in PubTator, an externalId holding a tab, "|" or a line
break (stored before ids were validated) is written with those characters replaced by _, with a warning. Documents keep their original passages and offsets: BioC input is written back
with its passages, PubTator input with its title/abstract split. Rejected mentions are left out;
mentions of one span linked to several entities are written once with all their ids.

options:
  --format F               pubtator, biocjson (BioC JSON), bioc (BioC XML) or jsonl (required)
  --external-id-prefix P   only documents whose externalId starts with P
  --entity-id ID           only documents mentioning the entity ID
  --entity-ids WHICH       stored (default: as the mentions hold them), current (resolved through
                           merges and aliases: an old MeSH id becomes its current descriptor) or
                           legacy (the current entity written under its old MeSH id when it has one)
  --out FILE               write to FILE instead of stdout
  -h, --help               show this help
`;

export async function run(argv: string[], env: Env): Promise<number> {
  const { values } = parseCommandArgs(argv, {
    format: { type: 'string' },
    'external-id-prefix': { type: 'string' },
    'entity-id': { type: 'string' },
    'entity-ids': { type: 'string' },
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
  if (values.out !== undefined) await checkOutputFile('--out', values.out);
  const shutdown = waitForShutdownSignal();
  const abort = new AbortController();
  void shutdown.signal.then(() => abort.abort());
  const store = await openStore(config, logger);
  // A file is written next to its destination and renamed over it only once complete: an export that
  // fails or is interrupted leaves no partial file behind (and an older export stays intact).
  const temp = values.out === undefined ? null : path.join(path.dirname(values.out), `.${path.basename(values.out)}.${process.pid}.tmp`);
  const out: Writable = temp === null ? process.stdout : createWriteStream(temp, { flags: 'wx' });
  const outError = new Promise<never>((_, reject) => out.once('error', reject));
  outError.catch(() => undefined);
  let documents = -1;
  let escaped = 0;
  let skipped = 0;
  let complete = false;
  try {
    const filter = { externalIdPrefix: values['external-id-prefix'] ?? null, entityId: values['entity-id'] ?? null };
    const onWarning = (warning: ExportWarning): void => {
      if (warning.action === 'skipped') skipped++;
      else escaped++;
      process.stderr.write(`warning: ${warning.message}\n`);
    };
    const ids = parseChoice('entity-ids', values['entity-ids'], EXPORT_IDS) ?? 'stored';
    for await (const chunk of exportDocuments(store, { format, filter, signal: abort.signal, onWarning, ids })) {
      if (!out.write(chunk)) await Promise.race([once(out, 'drain'), outError]);
      documents++;
    }
    // The head and the tail are chunks too.
    documents -= 1;
    if (temp !== null && values.out !== undefined) {
      out.end();
      await Promise.race([once(out, 'finish'), outError]);
      await rename(temp, values.out);
      const notes = [skipped > 0 ? `${skipped} skipped` : '', escaped > 0 ? `${escaped} with escaped ids` : ''].filter(Boolean).join(', ');
      process.stderr.write(`exported ${documents} documents as ${format} to ${values.out}${notes ? ` (${notes}; see the warnings above)` : ''}\n`);
    }
    complete = true;
    return 0;
  } finally {
    shutdown.dispose();
    if (!complete && temp !== null) {
      out.destroy();
      await rm(temp, { force: true });
    }
    await store.close();
  }
}
