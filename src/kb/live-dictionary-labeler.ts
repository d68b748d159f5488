/**
 * A dictionary labeler that follows the store's knowledge base while the app runs: before each
 * `label` call it compares `store.kbRevision()` with the revision it was built at and, when the names
 * changed (a curator's synonym or new entity, a vocabulary imported, disabled or removed), rebuilds
 * the dictionary from the store before labelling. Concurrent calls wait for the same rebuild; the
 * old dictionary is closed once the new one is in place.
 */
import type { LabelInput, LabelOptions, Labeler, Span } from '../domain/index.js';
import { silentLogger, type Logger } from '../log.js';
import type { KnowledgeBaseStore } from '../store/ports/index.js';

export interface LiveDictionaryOptions {
  readonly store: Pick<KnowledgeBaseStore, 'kbRevision'>;
  /** Builds the dictionary labeler from the store's current names. */
  readonly build: () => Promise<Labeler>;
  /** @defaultValue silentLogger */
  readonly logger?: Logger;
}

export async function createLiveDictionaryLabeler(options: LiveDictionaryOptions): Promise<Labeler> {
  const logger = options.logger ?? silentLogger;
  const load = async (): Promise<{ labeler: Labeler; revision: number }> => {
    // Read before building: a change made during the build is seen by the next call.
    const revision = await options.store.kbRevision();
    return { labeler: await options.build(), revision };
  };
  let state = await load();
  let pending: Promise<void> | null = null;
  let closed = false;

  const sync = async (): Promise<void> => {
    if ((await options.store.kbRevision()) === state.revision) return;
    const started = performance.now();
    const next = await load();
    const old = state.labeler;
    state = next;
    logger.info('dictionary rebuilt after a knowledge-base change', { revision: next.revision, ms: Math.round(performance.now() - started) });
    await old.close();
  };
  const refresh = (): Promise<void> => {
    pending ??= sync().finally(() => {
      pending = null;
    });
    return pending;
  };

  return {
    kind: state.labeler.kind,
    get version() {
      return state.labeler.version;
    },
    get types() {
      return state.labeler.types;
    },
    async label(inputs: readonly LabelInput[], labelOptions?: LabelOptions): Promise<Span[][]> {
      if (!closed) await refresh();
      return state.labeler.label(inputs, labelOptions);
    },
    async close() {
      if (closed) return;
      closed = true;
      await pending?.catch(() => undefined);
      await state.labeler.close();
    },
  };
}
