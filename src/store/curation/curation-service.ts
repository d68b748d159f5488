/**
 * Curation, once for every adapter: the rules (what may be merged, renamed or relinked), the errors a
 * curator sees, and the audit record of each edit. Adapters only provide a write transaction with
 * small primitives (`CurationStorage`, src/store/ports/curation.ts), the way they only fetch counts
 * for the shared co-mention ranking. Both adapters pass test/conformance/curation-suite.ts.
 */
import { VanerError } from '../../errors.js';
import { isEntityType, keysetPage, type Entity, type EntityType, type Mention, type ReviewState } from '../../domain/index.js';
import { decodeCursor, encodeCursor } from '../cursor.js';
import { newId } from '../ids.js';
import { checkNonEmpty, checkReview } from '../input-checks.js';
import { checkPageArgs } from '../page-args.js';
import type { KnowledgeBaseStore } from '../ports/knowledge-base.js';
import type { CurationStorage, CurationStore, CurationTransaction, EntityState } from '../ports/curation.js';

/** Merge chains are flattened on write (one hop); this bound only guards against corrupted data. */
const MAX_MERGE_HOPS = 32;

/** The audit actions, as stored in `CurationEdit.action`. */
export const CURATION_ACTIONS = ['add-synonym', 'remove-synonym', 'merge-entity', 'review-mention', 'relink-mention', 'create-entity', 'retire-entity', 'restore-entity'] as const;

/** Ids a curator gives a new entity: a prefix, a colon, no whitespace or '|'. */
const ENTITY_ID = /^[A-Za-z][A-Za-z0-9_.-]*:[^\s|]+$/;
export type CurationAction = (typeof CURATION_ACTIONS)[number];

const notFound = (what: 'entity' | 'mention', id: string, details: Record<string, unknown>): VanerError =>
  new VanerError('NOT_FOUND', `${what} ${id} not found`, { details });

/** The final merge target of `entity` (write-locked), or INTERNAL when the chain does not end. */
async function finalTarget(tx: CurationTransaction, entity: EntityState): Promise<EntityState> {
  let current: EntityState | null = entity;
  for (let hop = 0; current !== null && current.mergedInto !== null && hop < MAX_MERGE_HOPS; hop++) current = await tx.lockEntity(current.mergedInto);
  if (current === null || current.mergedInto !== null) throw new VanerError('INTERNAL', `merge chain of ${entity.id} does not end`);
  return current;
}

/** `entityId` resolved through merges and write-locked; NOT_FOUND naming `entityId` when unknown. */
async function lockResolved(tx: CurationTransaction, entityId: string): Promise<EntityState> {
  const entity = await tx.lockEntity(entityId);
  if (entity === null) throw notFound('entity', entityId, { field: 'entityId' });
  return finalTarget(tx, entity);
}

async function audit(tx: CurationTransaction, actor: string, action: CurationAction, target: string, before: unknown, after: unknown, at = new Date().toISOString()): Promise<void> {
  await tx.recordEdit({ id: newId('edit'), at, actor, action, target, before, after });
}

/**
 * The curation port over an adapter's primitives. `entities` reads the edited entity back after
 * the transaction committed (the same read every other caller gets).
 */
export function createCurationService(storage: CurationStorage, entities: Pick<KnowledgeBaseStore, 'getEntities'>): CurationStore {
  const entityAfterEdit = async (id: string): Promise<Entity> => {
    const [entity] = await entities.getEntities([id]);
    if (entity === null || entity === undefined) throw new VanerError('INTERNAL', `entity ${id} vanished after a curation edit`);
    return entity;
  };
  const mentionAfterEdit = async (tx: CurationTransaction, id: string): Promise<Mention> => {
    const mention = await tx.lockMention(id);
    if (mention === null) throw new VanerError('INTERNAL', `mention ${id} vanished during a curation edit`);
    return mention;
  };

  return {
    async mergeEntities(sourceId, targetId, actor) {
      checkNonEmpty([['sourceId', sourceId], ['targetId', targetId], ['actor', actor]]);
      const target = await storage.curationTransaction(async (tx) => {
        const source = await tx.lockEntity(sourceId);
        if (source === null) throw notFound('entity', sourceId, { field: 'sourceId' });
        const named = await tx.lockEntity(targetId);
        if (named === null) throw notFound('entity', targetId, { field: 'targetId' });
        if (source.mergedInto !== null) {
          throw new VanerError('CONFLICT', `entity ${sourceId} is already merged into ${source.mergedInto}`, { details: { field: 'sourceId' } });
        }
        const final = await finalTarget(tx, named);
        if (final.id === source.id) throw new VanerError('BAD_USER_INPUT', 'cannot merge an entity into itself', { details: { field: 'targetId' } });
        if (final.type !== source.type) {
          throw new VanerError('BAD_USER_INPUT', `cannot merge a ${source.type} into a ${final.type}`, { details: { field: 'targetId' } });
        }
        const at = new Date().toISOString();
        await tx.setMergedInto(source.id, final.id, at);
        await audit(tx, actor, 'merge-entity', source.id, { mergedInto: null }, { mergedInto: final.id }, at);
        await tx.bumpKbRevision();
        return final.id;
      });
      return entityAfterEdit(target);
    },

    async addSynonym(entityId, name, actor) {
      checkNonEmpty([['entityId', entityId], ['name', name], ['actor', actor]]);
      const trimmed = name.trim();
      const target = await storage.curationTransaction(async (tx) => {
        const { id } = await lockResolved(tx, entityId);
        const rows = await tx.memberNames(id, trimmed);
        if (rows.some((r) => !r.removed)) {
          throw new VanerError('CONFLICT', `entity ${id} already has the name ${JSON.stringify(trimmed)}`, { details: { field: 'name' } });
        }
        await tx.putCuratorName(id, trimmed);
        await audit(tx, actor, 'add-synonym', id, { name: null }, { name: trimmed });
        await tx.bumpKbRevision();
        return id;
      });
      return entityAfterEdit(target);
    },

    async removeSynonym(entityId, name, actor) {
      checkNonEmpty([['entityId', entityId], ['name', name], ['actor', actor]]);
      const trimmed = name.trim();
      const target = await storage.curationTransaction(async (tx) => {
        const { id } = await lockResolved(tx, entityId);
        const active = (await tx.memberNames(id, trimmed)).filter((r) => !r.removed);
        if (active.length === 0) throw new VanerError('NOT_FOUND', `entity ${id} has no name ${JSON.stringify(trimmed)}`, { details: { field: 'name' } });
        await tx.removeMemberNames(id, trimmed);
        await audit(tx, actor, 'remove-synonym', id, { name: trimmed, origin: active[0]!.origin }, { name: null });
        await tx.bumpKbRevision();
        return id;
      });
      return entityAfterEdit(target);
    },

    async createEntity(input, actor) {
      checkNonEmpty([['name', input?.name], ['actor', actor]]);
      if (!isEntityType(input.type)) throw new VanerError('BAD_USER_INPUT', `unknown entity type ${JSON.stringify(input.type)}`, { details: { field: 'type' } });
      const id = input.id === undefined || input.id === null ? `VANER:${newId('entity')}` : input.id.trim();
      if (!ENTITY_ID.test(id)) throw new VanerError('BAD_USER_INPUT', `entity id ${JSON.stringify(id)} must be PREFIX:identifier`, { details: { field: 'id' } });
      const name = input.name.trim();
      const synonyms = [...new Set((input.synonyms ?? []).map((s) => s.trim()).filter((s) => s !== '' && s !== name))];
      const parentIds = [...new Set(input.parentIds ?? [])];
      await storage.curationTransaction(async (tx) => {
        if ((await tx.lockEntity(id)) !== null) throw new VanerError('CONFLICT', `entity ${id} already exists`, { details: { field: 'id' } });
        for (const parent of parentIds) {
          const p = await tx.lockEntity(parent);
          if (p === null) throw notFound('entity', parent, { field: 'parentIds' });
        }
        const at = new Date().toISOString();
        await tx.insertEntity({ id, type: input.type, name, synonyms, parentIds, treeNumbers: [], source: 'curator' }, at);
        await audit(tx, actor, 'create-entity', id, null, { type: input.type, name, synonyms, parentIds }, at);
        await tx.bumpKbRevision();
      });
      return entityAfterEdit(id);
    },

    async retireEntity(entityId, retired, actor) {
      checkNonEmpty([['entityId', entityId], ['actor', actor]]);
      if (typeof retired !== 'boolean') throw new VanerError('BAD_USER_INPUT', 'retired must be a boolean', { details: { field: 'retired' } });
      const target = await storage.curationTransaction(async (tx) => {
        const entity = await lockResolved(tx, entityId);
        if (entity.retired === retired) return entity.id;
        const at = new Date().toISOString();
        await tx.setRetired(entity.id, retired, at);
        await audit(tx, actor, retired ? 'retire-entity' : 'restore-entity', entity.id, { retired: !retired }, { retired }, at);
        await tx.bumpKbRevision();
        return entity.id;
      });
      return entityAfterEdit(target);
    },

    async reviewMention(mentionId: string, state: ReviewState, actor: string) {
      checkReview(state, actor);
      return storage.curationTransaction(async (tx) => {
        const before = await tx.lockMention(mentionId);
        if (before === null) throw notFound('mention', mentionId, { mentionId });
        const at = new Date().toISOString();
        await tx.setReview(mentionId, state, actor, at);
        await audit(tx, actor, 'review-mention', mentionId, { review: before.review }, { review: state }, at);
        return mentionAfterEdit(tx, mentionId);
      });
    },

    async relinkMention(mentionId, entityId, actor) {
      checkNonEmpty([['mentionId', mentionId], ['entityId', entityId], ['actor', actor]]);
      return storage.curationTransaction(async (tx) => {
        const before = await tx.lockMention(mentionId);
        if (before === null) throw notFound('mention', mentionId, { field: 'mentionId' });
        const entity = await lockResolved(tx, entityId);
        const type: EntityType = entity.type;
        if (type !== before.type) {
          throw new VanerError('BAD_USER_INPUT', `cannot link a ${before.type} mention to a ${type} entity`, { details: { field: 'entityId' } });
        }
        const at = new Date().toISOString();
        await tx.setCuratorLink(mentionId, entity.id, actor, at);
        await audit(
          tx, actor, 'relink-mention', mentionId,
          { entityId: before.entityId, linkMethod: before.linkMethod, review: before.review },
          { entityId: entity.id, linkMethod: 'curator', review: 'confirmed', text: before.text, type: before.type },
          at,
        );
        return mentionAfterEdit(tx, mentionId);
      });
    },

    async curationEdits(args) {
      const first = checkPageArgs(args);
      const after = args.after === undefined || args.after === null ? null : (decodeCursor('curation-edits', args.after, ['string'])[0] as string);
      const { edits, totalCount } = await storage.readCurationEdits(after, first + 1);
      return keysetPage(edits, first, totalCount, (last) => encodeCursor('curation-edits', [last.id]));
    },

    curatedLinks: () => storage.curatedLinks(),
  };
}
