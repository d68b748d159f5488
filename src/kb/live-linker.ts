/**
 * A linker that follows the store's knowledge base while the app runs: before each `link` call it
 * compares `store.kbRevision()` and reads the curation edits made since it last looked. Synonyms
 * added or removed and merges are applied to the in-memory linker as deltas (microseconds); a
 * revision change the edits do not explain (a vocabulary re-import) rebuilds it from the store.
 * Confirmed and relinked mentions become curated-link priors as they arrive.
 */
import { silentLogger, type Logger } from '../log.js';
import { isEntityType, type CurationEdit, type EntityType } from '../domain/index.js';
import type { Store } from '../store/port.js';
import { readEditsAfter } from './curation-edit-feed.js';
import { isNamesOnlyId } from './names-only.js';
import type { EntityLinker } from './entity-linker.js';
import type { LinkResult, Linker } from './linker-types.js';

export type LiveLinkerStore = Pick<Store, 'kbRevision' | 'curationEdits' | 'getEntities' | 'getMentions'>;

export interface LiveLinkerOptions {
  readonly store: LiveLinkerStore;
  /** Builds the linker from the store's current state (names, curated links, priors). */
  readonly build: () => Promise<EntityLinker>;
  /** @defaultValue silentLogger */
  readonly logger?: Logger;
}

/** The edits that change names (each bumps kbRevision exactly once). */
const KB_ACTIONS = new Set(['add-synonym', 'remove-synonym', 'merge-entity', 'create-entity', 'retire-entity', 'restore-entity']);

export interface LiveLinker extends Linker {
  /** Brings the linker up to date now (link does this itself); resolves to the number of deltas applied, or -1 after a rebuild. */
  refresh(): Promise<number>;
}

export async function createLiveLinker(options: LiveLinkerOptions): Promise<LiveLinker> {
  const { store, build } = options;
  const logger = options.logger ?? silentLogger;

  /** Reads every edit after `cursor`; returns them and the new cursor. */
  const readEdits = (cursor: string | null) => readEditsAfter(store, cursor);

  // Revision and cursor are read before building, so a change made during the build is seen by the next link.
  const startFull = async (): Promise<{ linker: EntityLinker; revision: number; cursor: string | null }> => {
    const revision = await store.kbRevision();
    const { cursor } = await readEdits(null);
    const started = performance.now();
    const linker = await build();
    logger.info('entity linker built', { names: linker.stats.names, ms: Math.round(performance.now() - started), revision });
    return { linker, revision, cursor };
  };

  let state = await startFull();

  const applyMentionEdit = async (edit: CurationEdit): Promise<void> => {
    const after = (edit.after ?? {}) as { review?: string; entityId?: string; text?: string; type?: string };
    if (edit.action === 'relink-mention' && typeof after.entityId === 'string' && typeof after.text === 'string' && typeof after.type === 'string') {
      state.linker.addCuratedLink({ text: after.text, type: after.type as never, entityId: after.entityId });
    } else if (edit.action === 'review-mention' && after.review === 'confirmed') {
      const [mention] = await store.getMentions([edit.target]);
      if (mention?.entityId) state.linker.addCuratedLink({ text: mention.text, type: mention.type, entityId: mention.entityId });
    }
  };

  const applyKbEdit = async (edit: CurationEdit): Promise<void> => {
    const before = (edit.before ?? {}) as { name?: string };
    const after = (edit.after ?? {}) as { name?: string; mergedInto?: string };
    if (edit.action === 'merge-entity' && typeof after.mergedInto === 'string') {
      state.linker.mergeEntity(edit.target, after.mergedInto);
    } else if (edit.action === 'add-synonym' && typeof after.name === 'string') {
      const [entity] = await store.getEntities([edit.target]);
      if (entity) state.linker.addName({ entityId: entity.id, type: entity.type, name: after.name, origin: 'curator' });
    } else if (edit.action === 'remove-synonym' && typeof before.name === 'string') {
      state.linker.removeName(edit.target, before.name);
    } else if (edit.action === 'create-entity') {
      const created = (edit.after ?? {}) as { type?: string; name?: string; synonyms?: string[] };
      if (typeof created.name === 'string' && isEntityType(created.type ?? '')) {
        for (const name of [created.name, ...(created.synonyms ?? [])]) {
          state.linker.addName({ entityId: edit.target, type: created.type as EntityType, name, origin: 'curator' });
        }
      }
    } else if (edit.action === 'retire-entity' || edit.action === 'restore-entity') {
      state.linker.setRetired(edit.target, edit.action === 'retire-entity');
    }
  };

  const sync = async (): Promise<number> => {
    const revision = await store.kbRevision();
    const { edits, cursor } = await readEdits(state.cursor);
    if (revision === state.revision && edits.length === 0) return 0;
    const kbEdits = edits.filter((e) => KB_ACTIONS.has(e.action));
    // A merged names-only entity's names become the target's, which the in-place linker never indexed (it skips
    // names-only ids): rebuild from the store, which reports them under the target.
    const namesOnlyMerge = kbEdits.some((e) => e.action === 'merge-entity' && isNamesOnlyId(e.target));
    if (revision - state.revision !== kbEdits.length || namesOnlyMerge) {
      // Something other than curation changed the names (an import), or a names-only merge: start over from the store.
      state = await startFull();
      return -1;
    }
    for (const edit of edits) {
      if (KB_ACTIONS.has(edit.action)) await applyKbEdit(edit);
      else await applyMentionEdit(edit);
    }
    state = { ...state, revision, cursor };
    return edits.length;
  };

  // One sync at a time: concurrent link calls wait for the same one.
  let pending: Promise<number> | null = null;
  const refresh = (): Promise<number> => {
    pending ??= sync().finally(() => {
      pending = null;
    });
    return pending;
  };

  return {
    get version() {
      return state.linker.version;
    },
    refresh,
    async link(text, spans): Promise<LinkResult[]> {
      await refresh();
      return state.linker.link(text, spans);
    },
  };
}
