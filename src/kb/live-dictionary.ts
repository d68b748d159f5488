/**
 * A dictionary labeler that follows the store's knowledge base while the app runs, the way live-linker.ts does
 * for the linker: before each `label` call it compares `store.kbRevision()` and reads the curation edits made since
 * it last looked. Added synonyms are indexed as deltas (microseconds: `DictionaryLabeler.addNames`); any other
 * change of the names (a removed synonym, a merge, a vocabulary re-import) rebuilds the dictionary from the store.
 * So a curator's `addSynonym` is matched in the next document, by the dictionary labeler and by the VANER model's
 * knowledge channel alike (docs/bundle-format.md, "Knowledge ids").
 */
import type { Logger } from '../log.js';
import { silentLogger } from '../log.js';
import type { CurationEdit, EntityName, LabelInput, LabelOptions, Span } from '../domain/index.js';
import type { Store } from '../store/port.js';
import { readEditsAfter } from './curation-edit-feed.js';
import type { DictionaryLabeler } from './dictionary-labeler.js';

export type LiveDictionaryStore = Pick<Store, 'kbRevision' | 'curationEdits' | 'getEntities'>;

export interface LiveDictionaryOptions {
  readonly store: LiveDictionaryStore;
  /** Builds the dictionary from the store's current names (the same options every time). */
  readonly build: () => Promise<DictionaryLabeler>;
  /** @defaultValue silentLogger */
  readonly logger?: Logger;
}

export interface LiveDictionary extends DictionaryLabeler {
  /** Brings the dictionary up to date now (label does this itself); the number of names added, or -1 after a rebuild. */
  refresh(): Promise<number>;
}

/** The edits that change names (each bumps kbRevision exactly once). */
const KB_ACTIONS = new Set(['add-synonym', 'remove-synonym', 'merge-entity']);

export async function createLiveDictionary(options: LiveDictionaryOptions): Promise<LiveDictionary> {
  const { store, build } = options;
  const logger = options.logger ?? silentLogger;

  const readEdits = (cursor: string | null) => readEditsAfter(store, cursor);

  // Revision and cursor are read before building, so a change made during the build is seen by the next call.
  const startFull = async (): Promise<{ dictionary: DictionaryLabeler; revision: number; cursor: string | null }> => {
    const revision = await store.kbRevision();
    const { cursor } = await readEdits(null);
    const started = performance.now();
    const dictionary = await build();
    logger.info('dictionary built', { names: dictionary.stats.namesIndexed, ms: Math.round(performance.now() - started), revision });
    return { dictionary, revision, cursor };
  };

  let state = await startFull();
  let closed = false;

  const sync = async (): Promise<number> => {
    const revision = await store.kbRevision();
    if (revision === state.revision) return 0;
    const { edits, cursor } = await readEdits(state.cursor);
    const kbEdits = edits.filter((e) => KB_ACTIONS.has(e.action));
    if (revision - state.revision !== kbEdits.length || kbEdits.some((e) => e.action !== 'add-synonym')) {
      // A removal or merge (the trie only grows), or a change curation does not explain (an import): rebuild.
      const old = state.dictionary;
      state = await startFull();
      await old.close();
      return -1;
    }
    const added: EntityName[] = [];
    for (const edit of kbEdits) {
      const name = (edit.after as { name?: unknown } | null)?.name;
      if (typeof name !== 'string') continue;
      // getEntities resolves a merged id to its target, whose id and type iterateNames reports the name under.
      const [entity] = await store.getEntities([edit.target]);
      if (entity) added.push({ entityId: entity.id, type: entity.type, name, origin: 'curator' });
    }
    const indexed = state.dictionary.addNames(added);
    state = { ...state, revision, cursor };
    logger.info('dictionary updated', { added: indexed, revision });
    return indexed;
  };

  // One sync at a time: concurrent label calls wait for the same one.
  let pending: Promise<number> | null = null;
  const refresh = (): Promise<number> => {
    pending ??= sync().finally(() => {
      pending = null;
    });
    return pending;
  };

  return {
    kind: 'dictionary',
    get version() {
      return state.dictionary.version;
    },
    get types() {
      return state.dictionary.types;
    },
    schemes: [],
    defaultScheme: null,
    get stats() {
      return state.dictionary.stats;
    },
    addNames: (names) => state.dictionary.addNames(names),
    refresh,
    async label(inputs: readonly LabelInput[], labelOptions?: LabelOptions): Promise<Span[][]> {
      if (!closed) await refresh();
      return state.dictionary.label(inputs, labelOptions);
    },
    async close() {
      closed = true;
      await pending?.catch(() => undefined);
      await state.dictionary.close();
    },
  };
}
