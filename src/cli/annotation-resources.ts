/**
 * The labeler and linker built from the knowledge base in the configured store, for commands that
 * annotate without storing documents (annotate, eval ner). The store is only read, except that an
 * empty knowledge base is imported first (as `serve` does on first start).
 */
import { mkdirSync } from 'node:fs';
import type { Config } from '../config.js';
import type { Linker } from '../kb/linker-types.js';
import type { Logger } from '../log.js';
import { buildLabeler, buildLinker, ensureKnowledgeBase, openStore, type LabelerChoice } from '../main.js';
import type { Labeler } from '../domain/index.js';
import type { Store } from '../store/port.js';

/** The values of a command's --labeler flag (the VANER_LABELER choices). */
export const LABELER_CHOICES = ['auto', 'model', 'dictionary', 'union'] as const satisfies readonly LabelerChoice[];

export interface AnnotationResources {
  readonly store: Store;
  readonly labeler: Labeler;
  /** Built on first use (eval ner never links). */
  linker(): Promise<Linker>;
  /** Closes the labeler, then the store; idempotent. */
  close(): Promise<void>;
}

export async function openAnnotationResources(config: Config, choice: LabelerChoice, logger: Logger): Promise<AnnotationResources> {
  // The store does not create its folder; serve gets it from createApp, these commands make it here.
  mkdirSync(config.dataDir, { recursive: true });
  const store = await openStore(config, logger);
  let labeler: Labeler;
  try {
    await ensureKnowledgeBase(store, config, logger);
    labeler = await buildLabeler(store, config, choice, logger);
  } catch (error) {
    await store.close();
    throw error;
  }
  let linker: Promise<Linker> | null = null;
  let closed: Promise<void> | null = null;
  return {
    store,
    labeler,
    linker: () => (linker ??= buildLinker(store, config)),
    close() {
      closed ??= (async () => {
        try {
          await labeler.close();
        } finally {
          await store.close();
        }
      })();
      return closed;
    },
  };
}
