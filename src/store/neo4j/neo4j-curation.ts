/**
 * The Neo4j adapter's curation primitives (CurationStorage, src/store/ports/curation.ts): rows read
 * and written inside one managed write transaction. The rules, errors and audit records are the
 * shared curation service's (src/store/curation/curation-service.ts); nothing here decides anything.
 * "Locking" a node is a write to it (SET … REMOVE), which holds its write lock until the transaction
 * ends, so concurrent merges and edits of the same entity serialise.
 */
import type { ManagedTransaction } from 'neo4j-driver';
import type { CuratedLink, CurationEdit, EntityType } from '../../domain/index.js';
import { nameKey } from '../name-key.js';
import type { CurationStorage, CurationTransaction, EntityState } from '../ports/curation.js';
import { int, num, single, toMention, type Props, type Unit } from './neo4j-session.js';
import * as Q from './statements.js';

function curationTransaction(tx: ManagedTransaction): CurationTransaction {
  const memberNames = async (entityId: string, name: string) =>
    (await tx.run(Q.FIND_MEMBER_NAMES, { entityId, name })).records.map((r) => ({
      key: r.get('key') as string,
      entityId: r.get('ownerId') as string,
      origin: r.get('origin') as string,
      removed: r.get('removed') === true,
    }));
  return {
    async lockEntity(id): Promise<EntityState | null> {
      const r = (await tx.run(Q.LOCK_ENTITY, { id })).records[0];
      return r === undefined ? null : { id: r.get('id') as string, type: r.get('type') as EntityType, mergedInto: (r.get('mergedInto') as string | null) ?? null, retired: r.get('retired') === true };
    },
    memberNames: async (entityId, name) => (await memberNames(entityId, name)).map(({ entityId: owner, origin, removed }) => ({ entityId: owner, origin, removed })),
    async putCuratorName(entityId, name) {
      const base = num(single(await tx.run(Q.ALLOCATE_NAME_SEQ, { count: int(1) }), 'base'))!;
      await tx.run(Q.ADD_CURATOR_NAME, { entityId, key: `${entityId}\u0000${name}`, name, norm: nameKey(name), seq: int(base) });
    },
    async removeMemberNames(entityId, name) {
      const keys = (await memberNames(entityId, name)).filter((n) => !n.removed).map((n) => n.key);
      if (keys.length > 0) await tx.run(Q.REMOVE_NAMES, { keys });
    },
    async setMergedInto(sourceId, targetId, at) {
      await tx.run(Q.MERGE_ENTITY, { sourceId, targetId, now: at });
    },
    async lockMention(id) {
      const r = (await tx.run(Q.LOCK_MENTION, { mentionId: id })).records[0];
      return r === undefined ? null : toMention(r.get('mention') as Props);
    },
    async setReview(mentionId, state, actor, at) {
      await tx.run(Q.SET_REVIEW, { mentionId, state, actor, now: at });
    },
    async setCuratorLink(mentionId, entityId, actor, at) {
      await tx.run(Q.RELINK_MENTION, { mentionId, entityId, actor, now: at });
    },
    async insertEntity(record, at) {
      const names = [record.name, ...record.synonyms];
      const base = num(single(await tx.run(Q.ALLOCATE_NAME_SEQ, { count: int(names.length) }), 'base'))!;
      await tx.run(Q.CREATE_CURATOR_ENTITY, {
        id: record.id, type: record.type, name: record.name, parentIds: [...record.parentIds], treeNumbers: [...record.treeNumbers], now: at,
        names: names.map((name, i) => ({ key: `${record.id}\u0000${name}`, name, norm: nameKey(name), seq: int(base + i) })),
      });
    },
    async setRetired(entityId, retired, at) {
      await tx.run(Q.SET_RETIRED, { id: entityId, retired, now: at });
    },
    async recordEdit(edit) {
      await tx.run(Q.CREATE_CURATION_EDIT, { ...edit, before: JSON.stringify(edit.before), after: JSON.stringify(edit.after) });
    },
    async bumpKbRevision() {
      await tx.run(Q.BUMP_REVISION);
    },
  };
}

export function createNeo4jCurationStorage(unit: Unit): CurationStorage {
  const parse = (v: unknown): unknown => (typeof v === 'string' ? (JSON.parse(v) as unknown) : null);
  return {
    curationTransaction: (work) => unit.write((tx) => work(curationTransaction(tx))),
    readCurationEdits: (afterId, limit) =>
      unit.read(async (tx) => {
        const edits = (await tx.run(Q.CURATION_EDITS_PAGE, { after: afterId, limit: int(limit) })).records.map((r): CurationEdit => {
          const p = r.get('edit') as Props;
          return { id: String(p.id), at: String(p.at), actor: String(p.actor), action: String(p.action), target: String(p.target), before: parse(p.before), after: parse(p.after) };
        });
        return { edits, totalCount: num(single(await tx.run(Q.COUNT_CURATION_EDITS), 'count')) ?? 0 };
      }),
    curatedLinks: () =>
      unit.read(async (tx) =>
        (await tx.run(Q.CURATED_LINKS)).records.map((r): CuratedLink => ({ text: r.get('text') as string, type: r.get('type') as EntityType, entityId: r.get('entityId') as string })),
      ),
  };
}
