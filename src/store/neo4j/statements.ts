/**
 * Every Cypher statement the Neo4j store sends, as named constants, so test/cypher-statements.test.ts
 * can check each one with Neo4j's own parser. Rules: every value is a `$parameter` (never spliced
 * text); integers arrive as `neo4j.int`; writes are idempotent (MERGE on constrained keys) because
 * managed transactions may be retried. Requires Neo4j 5.26 (LTS) or newer for `CALL (x) { … }`.
 *
 * The model is described in docs/neo4j-model.md.
 *
 * Longer than the house's ~350 lines on purpose: one file of constants (mostly Cypher text, one per
 * statement, grouped by port) is what the statement checker and a reviewer of the graph model read.
 */

// ---------- knowledge-base bookkeeping ----------

/**
 * Takes the write lock on the KB counter node, then allocates `$count` name sequence numbers.
 * The SET before the read makes the read happen under the lock (Neo4j reads committed data, so an
 * unlocked read-modify-write could lose an update between concurrent importers).
 */
export const ALLOCATE_NAME_SEQ = `
MERGE (k:KbMeta {id: 1})
  ON CREATE SET k.revision = 0, k.nameSeq = 0
SET k.locked = true
WITH k
WITH k, k.nameSeq AS base
SET k.nameSeq = base + $count
REMOVE k.locked
RETURN base`;

/** Bumps the KB revision (linkers cache on it); under the counter node's write lock. */
export const BUMP_REVISION = `
MERGE (k:KbMeta {id: 1})
  ON CREATE SET k.revision = 0, k.nameSeq = 0
SET k.locked = true
WITH k
SET k.revision = k.revision + 1
REMOVE k.locked
RETURN k.revision AS revision`;

export const READ_REVISION = `
OPTIONAL MATCH (k:KbMeta {id: 1})
RETURN coalesce(k.revision, 0) AS revision`;

// ---------- entities ----------

/**
 * Inserts new entities and updates changed ones that no curator touched. Counts come from the
 * state before the write (OPTIONAL MATCH), so a retried transaction reports the same numbers.
 */
export const UPSERT_ENTITIES = `
UNWIND $rows AS r
OPTIONAL MATCH (old:Entity {id: r.id})
WITH r, old,
     old IS NULL AS inserted,
     old IS NOT NULL AND coalesce(old.curated, false) AS kept,
     old IS NOT NULL AND NOT coalesce(old.curated, false)
       AND (old.type <> r.type OR old.name <> r.name OR old.source <> r.source
            OR old.parentIds <> r.parentIds OR old.treeNumbers <> r.treeNumbers) AS updated
MERGE (e:Entity {id: r.id})
  ON CREATE SET e.type = r.type, e.name = r.name, e.source = r.source, e.parentIds = r.parentIds,
                e.treeNumbers = r.treeNumbers, e.curated = false, e.retired = false, e.updatedAt = $now
FOREACH (_ IN CASE WHEN updated THEN [1] ELSE [] END |
  SET e.type = r.type, e.name = r.name, e.source = r.source, e.parentIds = r.parentIds,
      e.treeNumbers = r.treeNumbers, e.updatedAt = $now)
RETURN sum(CASE WHEN inserted THEN 1 ELSE 0 END) AS entitiesInserted,
       sum(CASE WHEN updated THEN 1 ELSE 0 END) AS entitiesUpdated,
       sum(CASE WHEN kept THEN 1 ELSE 0 END) AS curatedKept`;

/**
 * Adds names (`key` = entityId + U+0000 + name, unique) to existing entities. An existing name is
 * left exactly as it is, which keeps a curator's added or removed name; those are counted as kept.
 */
export const MERGE_NAMES = `
UNWIND $rows AS r
MATCH (e:Entity {id: r.entityId})
OPTIONAL MATCH (old:Name {key: r.key})
WITH r, e, old
MERGE (n:Name {key: r.key})
  ON CREATE SET n.entityId = r.entityId, n.name = r.name, n.norm = r.norm, n.origin = r.origin,
                n.source = r.source, n.removed = false, n.seq = r.seq
MERGE (e)-[:HAS_NAME]->(n)
RETURN sum(CASE WHEN old IS NULL THEN 1 ELSE 0 END) AS namesInserted,
       sum(CASE WHEN old IS NOT NULL AND (old.origin = 'curator' OR old.removed) THEN 1 ELSE 0 END) AS curatedKept`;

/** The ids among `$ids` that are not entities. */
export const MISSING_ENTITIES = `
UNWIND $ids AS id
OPTIONAL MATCH (e:Entity {id: id})
WITH id, e
WHERE e IS NULL
RETURN collect(DISTINCT id) AS missing`;

/**
 * Brings CHILD_OF edges in line with each entity's `parentIds` (run after a whole import, so parents
 * imported later in the same call are linked too).
 */
export const LINK_PARENTS = `
UNWIND $ids AS id
MATCH (c:Entity {id: id})
CALL (c) {
  MATCH (c)-[old:CHILD_OF]->(p:Entity)
  WHERE NOT p.id IN c.parentIds
  DELETE old
}
CALL (c) {
  UNWIND c.parentIds AS parentId
  MATCH (p:Entity {id: parentId})
  MERGE (c)-[:CHILD_OF]->(p)
}`;

/** Active names of $id and of the entities merged into it, with origin; the target's own first, by sequence. */
export const ENTITY_NAMES = `
MATCH (owner:Entity)
WHERE owner.id = $id OR owner.mergedInto = $id
MATCH (owner)-[:HAS_NAME]->(n:Name)
WHERE NOT n.removed
RETURN owner.id AS entityId, owner.type AS type, n.name AS name, n.origin AS origin
ORDER BY owner.id <> $id, n.seq`;

/** Active entities one level below $id in the tree (CHILD_OF edges follow parentIds), by name then id. */
export const CHILD_ENTITIES = `
MATCH (c:Entity)-[:CHILD_OF]->(:Entity {id: $id})
WHERE c.mergedInto IS NULL
RETURN c.id AS id
ORDER BY c.name, c.id
LIMIT $first`;

/**
 * For each id: the id of its final merge target, or null when the id is neither an entity nor an
 * alias (an old MeSH id) of one. An entity of that id wins over an alias.
 */
export const RESOLVE_ENTITIES = `
UNWIND $ids AS id
OPTIONAL MATCH (e:Entity {id: id})
OPTIONAL MATCH (a:Alias {id: id})
OPTIONAL MATCH (ae:Entity {id: a.entityId})
WITH id, coalesce(e, ae) AS x
RETURN id, CASE WHEN x IS NULL THEN null ELSE coalesce(x.mergedInto, x.id) END AS target`;

/**
 * Active entities with all their active names: their own first, then those of entities merged into
 * them, each group in insertion order (Name.seq).
 */
export const LOAD_ENTITIES = `
UNWIND $ids AS id
MATCH (t:Entity {id: id})
WHERE t.mergedInto IS NULL
CALL (t) {
  MATCH (owner:Entity)
  WHERE owner.id = t.id OR owner.mergedInto = t.id
  MATCH (owner)-[:HAS_NAME]->(n:Name)
  WHERE NOT n.removed AND NOT coalesce(n.source, '') IN $disabled
  WITH n, owner.id <> t.id AS fromMerged
  ORDER BY fromMerged, n.seq
  RETURN collect(n.name) AS names
}
CALL (t) {
  OPTIONAL MATCH (a:Alias {entityId: t.id})
  WITH a
  ORDER BY a.id
  RETURN collect(a.id) AS aliases
}
RETURN t.id AS id, t.type AS type, t.name AS name, t.source AS source, t.parentIds AS parentIds,
       t.treeNumbers AS treeNumbers, coalesce(t.retired, false) AS retired, names, aliases`;

/**
 * Search over normalised names (the TEXT index on Name.norm serves CONTAINS), ranked as the embedded
 * store ranks (KnowledgeBaseStore.searchEntities): equal to the preferred name, to a synonym, prefix
 * of the preferred name, of a synonym, inside the preferred name, inside a synonym; then documents
 * mentioning the entity (or an entity merged into it; rejected mentions left out), most first; then
 * the shorter name; then the id. Retired entities and disabled sources (`$disabled`) are left out.
 */
export const SEARCH_ENTITIES = `
MATCH (n:Name)
WHERE n.norm CONTAINS $key AND NOT n.removed AND NOT coalesce(n.source, '') IN $disabled
MATCH (owner:Entity)-[:HAS_NAME]->(n)
WITH coalesce(owner.mergedInto, owner.id) AS targetId, n
MATCH (t:Entity {id: targetId})
WHERE ($type IS NULL OR t.type = $type) AND NOT coalesce(t.retired, false) AND NOT t.source IN $disabled
WITH t,
     min((CASE WHEN n.norm = $key THEN 0 WHEN n.norm STARTS WITH $key THEN 2 ELSE 4 END)
         + (CASE WHEN n.entityId = t.id AND n.name = t.name THEN 0 ELSE 1 END)) AS tier,
     min(size(n.norm)) AS len
CALL (t) {
  OPTIONAL MATCH (src:Entity {mergedInto: t.id})
  WITH t, [t.id] + collect(src.id) AS ids
  UNWIND ids AS entityId
  OPTIONAL MATCH (m:Mention {entityId: entityId})
  WHERE m.review <> 'rejected'
  RETURN count(DISTINCT m.documentId) AS docs
}
RETURN t.id AS id
ORDER BY tier, docs DESC, len, id
LIMIT $first`;

/**
 * Every active name under its active entity, in insertion order; `$types` null means all types.
 * Names of disabled sources (`$disabled`) and of retired entities are left out.
 */
export const ITERATE_NAMES = `
MATCH (owner:Entity)-[:HAS_NAME]->(n:Name)
WHERE NOT n.removed AND NOT coalesce(n.source, '') IN $disabled
  AND NOT owner.source IN $disabled AND NOT coalesce(owner.retired, false)
MATCH (t:Entity {id: coalesce(owner.mergedInto, owner.id)})
WHERE ($types IS NULL OR t.type IN $types) AND NOT t.source IN $disabled AND NOT coalesce(t.retired, false)
RETURN t.id AS entityId, t.type AS type, n.name AS name, n.origin AS origin, n.source AS source
ORDER BY n.seq`;

export const COUNT_ENTITIES = `
MATCH (e:Entity)
WHERE e.mergedInto IS NULL AND NOT coalesce(e.retired, false) AND NOT e.source IN $disabled
RETURN count(e) AS count`;

// ---------- sources and aliases (issue 16) ----------

/** Names of the disabled sources. */
export const DISABLED_SOURCES = `
OPTIONAL MATCH (s:KbSource)
WHERE s.enabled = false
RETURN collect(s.name) AS names`;

/** Records a user's vocabulary import (a new source starts enabled; an existing one keeps its flag). */
export const UPSERT_KB_SOURCE = `
MERGE (s:KbSource {name: $name})
  ON CREATE SET s.enabled = true
SET s.format = $format, s.file = $file, s.importedAt = $now`;

/** The first record of `$rows` whose id is an entity of another type, if any. */
export const VOCABULARY_TYPE_CONFLICT = `
UNWIND $rows AS r
MATCH (e:Entity {id: r.id})
WHERE e.type <> r.type
RETURN e.id AS id, e.type AS type, e.source AS source, r.type AS offered
LIMIT 1`;

/**
 * A user's vocabulary records under source `$source`: new ids become entities of the source; the
 * source's own entities are updated unless a curator edited them; other sources' entities are left
 * as they are (the caller adds this source's names to them). Counts from the state before the write.
 */
export const IMPORT_VOCABULARY_ENTITIES = `
UNWIND $rows AS r
OPTIONAL MATCH (old:Entity {id: r.id})
WITH r, old,
     old IS NULL AS inserted,
     old IS NOT NULL AND old.source = $source AND coalesce(old.curated, false) AS kept,
     old IS NOT NULL AND old.source = $source AND NOT coalesce(old.curated, false)
       AND (old.name <> r.name OR old.parentIds <> r.parentIds OR old.treeNumbers <> r.treeNumbers) AS updated
MERGE (e:Entity {id: r.id})
  ON CREATE SET e.type = r.type, e.name = r.name, e.source = $source, e.parentIds = r.parentIds,
                e.treeNumbers = r.treeNumbers, e.curated = false, e.retired = false, e.updatedAt = $now
FOREACH (_ IN CASE WHEN updated THEN [1] ELSE [] END |
  SET e.name = r.name, e.parentIds = r.parentIds, e.treeNumbers = r.treeNumbers, e.updatedAt = $now)
RETURN sum(CASE WHEN inserted THEN 1 ELSE 0 END) AS entitiesInserted,
       sum(CASE WHEN updated THEN 1 ELSE 0 END) AS entitiesUpdated,
       sum(CASE WHEN kept THEN 1 ELSE 0 END) AS curatedKept`;

/** Adds alias ids whose target entity exists and that are not entity ids themselves; existing aliases are kept. */
export const MERGE_ALIASES = `
UNWIND $rows AS r
MATCH (e:Entity {id: r.entityId})
OPTIONAL MATCH (x:Entity {id: r.id})
OPTIONAL MATCH (old:Alias {id: r.id})
WITH r, x, old
WHERE x IS NULL
MERGE (a:Alias {id: r.id})
  ON CREATE SET a.entityId = r.entityId, a.source = r.source, a.evidence = r.evidence
RETURN sum(CASE WHEN old IS NULL THEN 1 ELSE 0 END) AS inserted`;

export const SOURCE_ROWS = `
MATCH (s:KbSource)
RETURN s.name AS name, s.format AS format, s.file AS file, s.importedAt AS importedAt, s.enabled AS enabled`;

export const SOURCE_ENTITY_COUNTS = `
MATCH (e:Entity)
RETURN e.source AS name, count(e) AS n`;

export const SOURCE_NAME_COUNTS = `
MATCH (n:Name)
WHERE NOT n.removed
RETURN coalesce(n.source, '') AS name, count(n) AS n`;

export const SOURCE_ALIAS_COUNTS = `
MATCH (a:Alias)
RETURN a.source AS name, count(a) AS n`;

export const SET_SOURCE_ENABLED = `
MERGE (s:KbSource {name: $name})
SET s.enabled = $enabled`;

/** Ids of the entities a source created. */
export const SOURCE_ENTITY_IDS = `
MATCH (e:Entity {source: $name})
RETURN collect(e.id) AS ids`;

/** Deletes the names of a source and every name of the entities `$ids` (which are being removed). */
export const DELETE_SOURCE_NAMES = `
MATCH (n:Name)
WHERE n.source = $name OR n.entityId IN $ids
DETACH DELETE n
RETURN count(n) AS removed`;

export const DELETE_SOURCE_ALIASES = `
MATCH (a:Alias)
WHERE a.source = $name OR a.entityId IN $ids
DETACH DELETE a
RETURN count(a) AS removed`;

/** Entities a curator merged into a removed entity become active again. */
export const UNMERGE_FROM = `
MATCH (e:Entity)
WHERE e.mergedInto IN $ids
SET e.mergedInto = null`;

export const DELETE_SOURCE_ENTITIES = `
MATCH (e:Entity {source: $name})
DETACH DELETE e
RETURN count(e) AS removed`;

export const DELETE_KB_SOURCE = `
MATCH (s:KbSource {name: $name})
DELETE s`;

/** Write-locks one entity (so concurrent merges serialise) and returns what a merge must check. */
export const LOCK_ENTITY = `
MATCH (e:Entity {id: $id})
SET e.locked = true
REMOVE e.locked
RETURN e.id AS id, e.type AS type, e.mergedInto AS mergedInto, coalesce(e.retired, false) AS retired`;

/** A curator's new entity with its names (origin and source 'curator') and CHILD_OF edges to its parents. */
export const CREATE_CURATOR_ENTITY = `
CREATE (e:Entity {id: $id, type: $type, name: $name, source: 'curator', parentIds: $parentIds, treeNumbers: $treeNumbers,
                  curated: true, retired: false, updatedAt: $now})
WITH e
CALL (e) {
  UNWIND $names AS n
  MERGE (name:Name {key: n.key})
    ON CREATE SET name.entityId = e.id, name.name = n.name, name.norm = n.norm, name.seq = n.seq
  SET name.origin = 'curator', name.source = 'curator', name.removed = false
  MERGE (e)-[:HAS_NAME]->(name)
}
CALL (e) {
  UNWIND e.parentIds AS parentId
  MATCH (p:Entity {id: parentId})
  MERGE (e)-[:CHILD_OF]->(p)
}`;

/** Retires or restores an entity. */
export const SET_RETIRED = `
MATCH (e:Entity {id: $id})
SET e.retired = $retired, e.curated = true, e.updatedAt = $now`;

/**
 * Merges `$sourceId` into `$targetId` (already the final target): the source and everything merged
 * into it now point at the target directly (chains stay one hop long), with MERGED_INTO edges to match.
 */
export const MERGE_ENTITY = `
MATCH (s:Entity {id: $sourceId})
MATCH (t:Entity {id: $targetId})
SET s.mergedInto = t.id, s.curated = true, s.updatedAt = $now
MERGE (s)-[:MERGED_INTO]->(t)
WITH s, t
CALL (s, t) {
  MATCH (x:Entity {mergedInto: s.id})
  OPTIONAL MATCH (x)-[old:MERGED_INTO]->(s)
  DELETE old
  SET x.mergedInto = t.id, x.updatedAt = $now
  MERGE (x)-[:MERGED_INTO]->(t)
}
RETURN t.id AS id`;

/** Audit record of a curation edit; `before`/`after` are JSON strings. */
export const CREATE_CURATION_EDIT = `
MERGE (c:CurationEdit {id: $id})
  ON CREATE SET c.at = $at, c.actor = $actor, c.action = $action, c.target = $target,
                c.before = $before, c.after = $after`;

// ---------- curation ----------

/** The active or removed names called `$name` of an entity and of the entities merged into it. */
export const FIND_MEMBER_NAMES = `
MATCH (t:Entity {id: $entityId})
MATCH (owner:Entity)-[:HAS_NAME]->(n:Name {name: $name})
WHERE owner.id = t.id OR owner.mergedInto = t.id
RETURN n.key AS key, owner.id AS ownerId, n.origin AS origin, n.removed AS removed
ORDER BY n.removed, n.seq`;

/** Adds (or brings back) a curator's name; idempotent by the name key. */
export const ADD_CURATOR_NAME = `
MATCH (e:Entity {id: $entityId})
MERGE (n:Name {key: $key})
  ON CREATE SET n.entityId = $entityId, n.name = $name, n.norm = $norm, n.seq = $seq
SET n.origin = 'curator', n.source = 'curator', n.removed = false
MERGE (e)-[:HAS_NAME]->(n)`;

/** Marks names removed (re-imports keep them removed: MERGE_NAMES never touches an existing name). */
export const REMOVE_NAMES = `
UNWIND $keys AS key
MATCH (n:Name {key: key})
SET n.removed = true`;

/** A curator's link of one mention: method 'curator', confirmed. */
export const RELINK_MENTION = `
MATCH (m:Mention {id: $mentionId})
SET m.entityId = $entityId, m.linkMethod = 'curator', m.matchedName = null, m.linkConfidence = 1.0,
    m.review = 'confirmed', m.reviewedBy = $actor, m.reviewedAt = $now
RETURN m {.*} AS mention`;

/** Audit trail, oldest first; keyset-paged by edit id (time-ordered). */
export const CURATION_EDITS_PAGE = `
MATCH (c:CurationEdit)
WHERE $after IS NULL OR c.id > $after
RETURN c {.*} AS edit
ORDER BY c.id
LIMIT $limit`;

export const COUNT_CURATION_EDITS = `
MATCH (c:CurationEdit)
RETURN count(c) AS count`;

/** Distinct (text, type, final entity) of confirmed and curator-relinked mentions. */
export const CURATED_LINKS = `
MATCH (m:Mention)
WHERE m.entityId IS NOT NULL AND (m.review = 'confirmed' OR m.linkMethod = 'curator')
OPTIONAL MATCH (e:Entity {id: m.entityId})
WITH DISTINCT m.text AS text, m.type AS type, coalesce(e.mergedInto, m.entityId) AS entityId
RETURN text, type, entityId
ORDER BY text, type, entityId`;

// ---------- documents ----------

/**
 * Idempotent put by externalId. MERGE on the constrained externalId takes a lock, so two concurrent
 * puts of one externalId serialise; the marker set ON CREATE tells this transaction it created it.
 */
export const PUT_DOCUMENT_BY_EXTERNAL_ID = `
MERGE (d:Document {externalId: $externalId})
  ON CREATE SET d.createdBy = $id
WITH d, coalesce(d.createdBy = $id, false) AS created
REMOVE d.createdBy
WITH d, CASE WHEN created THEN 'created' WHEN d.textHash = $props.textHash THEN 'unchanged' ELSE 'updated' END AS outcome
FOREACH (_ IN CASE WHEN outcome = 'created' THEN [1] ELSE [] END |
  SET d += $props, d.id = $id, d.createdAt = $now, d.updatedAt = $now)
FOREACH (_ IN CASE WHEN outcome = 'updated' THEN [1] ELSE [] END |
  SET d += $props, d.updatedAt = $now, d.annotatedAt = null, d.labeler = null, d.modelVersion = null, d.scheme = null)
RETURN d {.*} AS document, outcome`;

export const CREATE_DOCUMENT = `
MERGE (d:Document {id: $id})
  ON CREATE SET d += $props, d.createdAt = $now, d.updatedAt = $now
RETURN d {.*} AS document`;

export const DELETE_MENTIONS_OF_DOCUMENT = `
MATCH (:Document {id: $documentId})-[:HAS_MENTION]->(m:Mention)
DETACH DELETE m`;

export const GET_DOCUMENTS = `
UNWIND $ids AS id
MATCH (d:Document {id: id})
RETURN d {.*} AS document`;

export const GET_DOCUMENTS_BY_EXTERNAL_ID = `
UNWIND $externalIds AS externalId
MATCH (d:Document {externalId: externalId})
RETURN d {.*} AS document`;

/**
 * A document page in id order. `$entity` (already resolved) filters to documents with a non-rejected
 * mention of it or of anything merged into it; null filters are off.
 */
export const LIST_DOCUMENTS = `
WITH CASE WHEN $entity IS NULL THEN null
          ELSE [$entity] + COLLECT { MATCH (x:Entity {mergedInto: $entity}) RETURN x.id } END AS members
MATCH (d:Document)
WHERE ($after IS NULL OR d.id > $after)
  AND ($prefix IS NULL OR d.externalId STARTS WITH $prefix)
  AND ($annotated IS NULL OR (d.annotatedAt IS NOT NULL) = $annotated)
  AND ($text IS NULL OR toLower(d.text) CONTAINS $text OR toLower(coalesce(d.title, '')) CONTAINS $text)
  AND (members IS NULL OR EXISTS {
        MATCH (d)-[:HAS_MENTION]->(m:Mention)
        WHERE m.entityId IN members AND m.review <> 'rejected'
      })
RETURN d {.*} AS document
ORDER BY d.id
LIMIT $limit`;

export const COUNT_DOCUMENTS = `
WITH CASE WHEN $entity IS NULL THEN null
          ELSE [$entity] + COLLECT { MATCH (x:Entity {mergedInto: $entity}) RETURN x.id } END AS members
MATCH (d:Document)
WHERE ($prefix IS NULL OR d.externalId STARTS WITH $prefix)
  AND ($annotated IS NULL OR (d.annotatedAt IS NOT NULL) = $annotated)
  AND ($text IS NULL OR toLower(d.text) CONTAINS $text OR toLower(coalesce(d.title, '')) CONTAINS $text)
  AND (members IS NULL OR EXISTS {
        MATCH (d)-[:HAS_MENTION]->(m:Mention)
        WHERE m.entityId IN members AND m.review <> 'rejected'
      })
RETURN count(d) AS count`;

// ---------- mentions ----------

/** Write-locks a document (concurrent replaceMentions of one document serialise) and reads its text. */
export const LOCK_DOCUMENT = `
MATCH (d:Document {id: $documentId})
SET d.locked = true
REMOVE d.locked
RETURN d.text AS text, d.textHash AS textHash`;

/** Mentions of a document a curator reviewed, to carry their verdicts over a re-annotation. */
export const REVIEWED_MENTIONS_OF_DOCUMENT = `
MATCH (:Document {id: $documentId})-[:HAS_MENTION]->(m:Mention)
WHERE m.review <> 'unreviewed'
RETURN m {.*} AS mention`;

/** Inserts a document's mentions; REFERS_TO links those whose entity the KB holds. */
export const INSERT_MENTIONS = `
MATCH (d:Document {id: $documentId})
UNWIND $rows AS r
MERGE (m:Mention {id: r.id})
  ON CREATE SET m += r
MERGE (d)-[:HAS_MENTION]->(m)
WITH m
OPTIONAL MATCH (e:Entity {id: m.entityId})
FOREACH (_ IN CASE WHEN e IS NULL THEN [] ELSE [1] END | MERGE (m)-[:REFERS_TO]->(e))`;

export const MARK_ANNOTATED = `
MATCH (d:Document {id: $documentId})
SET d.annotatedAt = $now, d.labeler = $labeler, d.modelVersion = $modelVersion, d.scheme = $scheme`;

export const GET_MENTIONS_OF_DOCUMENTS = `
UNWIND $ids AS id
MATCH (:Document {id: id})-[:HAS_MENTION]->(m:Mention)
RETURN m {.*} AS mention
ORDER BY m.documentId, m.start, m.end, m.id`;

export const GET_MENTIONS = `
UNWIND $ids AS id
MATCH (m:Mention {id: id})
RETURN m {.*} AS mention`;

/** Non-rejected mentions of `$entity` (resolved) and of what is merged into it, by (document, start, id). */
export const MENTIONS_BY_ENTITY = `
WITH [$entity] + COLLECT { MATCH (x:Entity {mergedInto: $entity}) RETURN x.id } AS members
MATCH (m:Mention)
WHERE m.entityId IN members AND m.review <> 'rejected'
  AND ($afterDoc IS NULL OR m.documentId > $afterDoc
       OR (m.documentId = $afterDoc AND (m.start > $afterStart OR (m.start = $afterStart AND m.id > $afterId))))
RETURN m {.*} AS mention
ORDER BY m.documentId, m.start, m.id
LIMIT $limit`;

export const COUNT_MENTIONS_BY_ENTITY = `
WITH [$entity] + COLLECT { MATCH (x:Entity {mergedInto: $entity}) RETURN x.id } AS members
MATCH (m:Mention)
WHERE m.entityId IN members AND m.review <> 'rejected'
RETURN count(m) AS count`;

/** Write-locks a mention and returns it as stored (a curation edit's "before", or its result). */
export const LOCK_MENTION = `
MATCH (m:Mention {id: $mentionId})
SET m.locked = true
REMOVE m.locked
RETURN m {.*} AS mention`;

export const SET_REVIEW = `
MATCH (m:Mention {id: $mentionId})
SET m.review = $state, m.reviewedBy = $actor, m.reviewedAt = $now
RETURN m {.*} AS mention`;

// ---------- co-mention counts, scores, evidence and graph (neo4j-co-mentions.ts) ----------
//
// Counted at query time (the embedded store keeps count tables by triggers): a counting mention has
// an entityId and is not rejected; it counts for coalesce(entity.mergedInto, entityId). A "group" is
// a list of resolved ids counted as one (one id, or a MeSH term and its descendants for roll-up);
// its members are the group's ids plus every id merged into one of them, so the seed side is an
// index seek on Mention.entityId. Sentence units are [documentId, sentence] pairs.

/** Corpus totals: documents, resp. (document, sentence) units, holding at least one counting mention. */
export const CO_MENTION_TOTALS = `
MATCH (m:Mention)
WHERE m.entityId IS NOT NULL AND m.review <> 'rejected'
RETURN count(DISTINCT m.documentId) AS documents,
       count(DISTINCT CASE WHEN m.sentence IS NULL THEN null ELSE [m.documentId, m.sentence] END) AS sentences`;

/**
 * Document and sentence frequency of each group of `$groups` ({key, ids}): the units in which any
 * member has a counting mention, each unit once.
 */
export const CO_MENTION_GROUP_FREQUENCIES = `
UNWIND $groups AS g
CALL (g) {
  WITH g.ids + COLLECT { MATCH (x:Entity) WHERE x.mergedInto IN g.ids RETURN x.id } AS members
  MATCH (m:Mention)
  WHERE m.entityId IN members AND m.review <> 'rejected'
  RETURN count(DISTINCT m.documentId) AS documents,
         count(DISTINCT CASE WHEN m.sentence IS NULL THEN null ELSE [m.documentId, m.sentence] END) AS sentences
}
RETURN g.key AS key, documents, sentences`;

/**
 * The MeSH roll-up of a resolved entity: merge targets of every entity with a tree number that
 * extends one of the entity's tree numbers (C08.127 -> C08.127.446). Empty when the id is not an entity.
 */
export const CO_MENTION_ROLL_UP_GROUP = `
OPTIONAL MATCH (s:Entity {id: $entity})
UNWIND coalesce(s.treeNumbers, []) AS tn
MATCH (d:Entity)
WHERE any(t IN coalesce(d.treeNumbers, []) WHERE t STARTS WITH tn + '.')
RETURN collect(DISTINCT coalesce(d.mergedInto, d.id)) AS ids`;

/**
 * Partners of each group of `$groups` ({key, ids}): per partner (resolved, outside the group, of one
 * of `$types` when given: KB type, else the mention's type), the documents and the sentences holding
 * both, and the partner's own document and sentence frequency. Partners whose count at `$level` is
 * below `$minCount` are left out. Unordered: ranking is shared code (co-mention-ranking.ts).
 */
export const CO_MENTION_PARTNERS = `
UNWIND $groups AS g
CALL (g) {
  WITH g.ids AS grp, g.ids + COLLECT { MATCH (x:Entity) WHERE x.mergedInto IN g.ids RETURN x.id } AS members
  MATCH (m:Mention)
  WHERE m.entityId IN members AND m.review <> 'rejected'
  WITH grp, m.documentId AS documentId, collect(DISTINCT m.sentence) AS seedSentences
  MATCH (p:Mention {documentId: documentId})
  WHERE p.entityId IS NOT NULL AND p.review <> 'rejected'
  OPTIONAL MATCH (e:Entity {id: p.entityId})
  WITH grp, documentId, seedSentences, p, coalesce(e.mergedInto, p.entityId) AS partner
  WHERE NOT partner IN grp
  OPTIONAL MATCH (t:Entity {id: partner})
  WITH documentId, partner, coalesce(t.type, p.type) AS partnerType,
       CASE WHEN p.sentence IN seedSentences THEN p.sentence ELSE null END AS shared
  WHERE $types IS NULL OR partnerType IN $types
  WITH partner, count(DISTINCT documentId) AS documentCount,
       count(DISTINCT CASE WHEN shared IS NULL THEN null ELSE [documentId, shared] END) AS sentenceCount
  WHERE (CASE WHEN $level = 'DOCUMENT' THEN documentCount ELSE sentenceCount END) >= $minCount
  RETURN partner, documentCount, sentenceCount
}
CALL (partner) {
  WITH [partner] + COLLECT { MATCH (x:Entity {mergedInto: partner}) RETURN x.id } AS partnerMembers
  MATCH (q:Mention)
  WHERE q.entityId IN partnerMembers AND q.review <> 'rejected'
  RETURN count(DISTINCT q.documentId) AS partnerDocumentCount,
         count(DISTINCT CASE WHEN q.sentence IS NULL THEN null ELSE [q.documentId, q.sentence] END) AS partnerSentenceCount
}
RETURN g.key AS key, partner AS entityId, documentCount, sentenceCount, partnerDocumentCount, partnerSentenceCount`;

/**
 * Up to `$evidenceLimit` document ids (ascending) per partner of `$partners` in which the group
 * `$group` and the partner both have a counting mention (at SENTENCE level: in one sentence).
 */
export const CO_MENTION_EVIDENCE_DOCUMENTS = `
WITH $group + COLLECT { MATCH (x:Entity) WHERE x.mergedInto IN $group RETURN x.id } AS members
MATCH (m:Mention)
WHERE m.entityId IN members AND m.review <> 'rejected'
WITH m.documentId AS documentId, collect(DISTINCT m.sentence) AS seedSentences
MATCH (p:Mention {documentId: documentId})
WHERE p.entityId IS NOT NULL AND p.review <> 'rejected' AND ($level = 'DOCUMENT' OR p.sentence IN seedSentences)
OPTIONAL MATCH (e:Entity {id: p.entityId})
WITH documentId, coalesce(e.mergedInto, p.entityId) AS partner
WHERE partner IN $partners
WITH DISTINCT partner, documentId
ORDER BY partner, documentId
WITH partner, collect(documentId) AS documentIds
RETURN partner, documentIds[0..$evidenceLimit] AS evidence`;

/** Documents and sentences in which the resolved entities `$a` and `$b` both have a counting mention. */
export const CO_MENTION_PAIR_COUNTS = `
WITH [$a] + COLLECT { MATCH (x:Entity {mergedInto: $a}) RETURN x.id } AS aMembers,
     [$b] + COLLECT { MATCH (x:Entity {mergedInto: $b}) RETURN x.id } AS bMembers
MATCH (m:Mention)
WHERE m.entityId IN aMembers AND m.review <> 'rejected'
WITH bMembers, m.documentId AS documentId, collect(DISTINCT m.sentence) AS aSentences
MATCH (q:Mention {documentId: documentId})
WHERE q.entityId IN bMembers AND q.review <> 'rejected'
WITH documentId, aSentences, collect(DISTINCT q.sentence) AS bSentences
RETURN count(documentId) AS documents, sum(size([s IN aSentences WHERE s IN bSentences])) AS sentences`;

/** Documents mentioning both `$a` and `$b` after `$afterDoc`, ascending, at most `$limit`. */
export const CO_MENTION_DOCUMENT_UNITS = `
WITH [$a] + COLLECT { MATCH (x:Entity {mergedInto: $a}) RETURN x.id } AS aMembers,
     [$b] + COLLECT { MATCH (x:Entity {mergedInto: $b}) RETURN x.id } AS bMembers
MATCH (m:Mention)
WHERE m.entityId IN aMembers AND m.review <> 'rejected' AND ($afterDoc IS NULL OR m.documentId > $afterDoc)
WITH DISTINCT bMembers, m.documentId AS documentId
WHERE EXISTS { MATCH (q:Mention {documentId: documentId}) WHERE q.entityId IN bMembers AND q.review <> 'rejected' }
RETURN documentId
ORDER BY documentId
LIMIT $limit`;

/** Sentences (document, index) mentioning both `$a` and `$b` after (`$afterDoc`, `$afterSentence`), ascending, at most `$limit`. */
export const CO_MENTION_SENTENCE_UNITS = `
WITH [$a] + COLLECT { MATCH (x:Entity {mergedInto: $a}) RETURN x.id } AS aMembers,
     [$b] + COLLECT { MATCH (x:Entity {mergedInto: $b}) RETURN x.id } AS bMembers
MATCH (m:Mention)
WHERE m.entityId IN aMembers AND m.review <> 'rejected' AND m.sentence IS NOT NULL
  AND ($afterDoc IS NULL OR m.documentId > $afterDoc OR (m.documentId = $afterDoc AND m.sentence > $afterSentence))
WITH DISTINCT bMembers, m.documentId AS documentId, m.sentence AS sentence
WHERE EXISTS { MATCH (q:Mention {documentId: documentId, sentence: sentence}) WHERE q.entityId IN bMembers AND q.review <> 'rejected' }
RETURN documentId, sentence
ORDER BY documentId, sentence
LIMIT $limit`;

/** Counting mentions of the resolved entities `$a` and `$b` in `$documents`, with the resolved entity id. */
export const CO_MENTION_UNIT_MENTIONS = `
UNWIND $documents AS documentId
MATCH (m:Mention {documentId: documentId})
WHERE m.entityId IS NOT NULL AND m.review <> 'rejected'
OPTIONAL MATCH (e:Entity {id: m.entityId})
WITH m, coalesce(e.mergedInto, m.entityId) AS entityId
WHERE entityId IN [$a, $b]
RETURN m.id AS mentionId, m.documentId AS documentId, m.sentence AS sentence, m.start AS startOffset,
       m.end AS endOffset, m.text AS text, entityId`;

/** The texts of `$ids` (documents), for sentence evidence. */
export const CO_MENTION_DOCUMENT_TEXTS = `
UNWIND $ids AS id
MATCH (d:Document {id: id})
RETURN d.id AS id, d.text AS text`;

// ---------- maintenance ----------

/** Test helper: removes all data but keeps the schema and the migration records. */
export const DELETE_ALL_DATA = `
MATCH (n)
WHERE NOT n:Migration AND NOT n:MigrationLock
CALL (n) {
  DETACH DELETE n
} IN TRANSACTIONS OF 10000 ROWS`;

export const PING = 'RETURN 1 AS ok';
