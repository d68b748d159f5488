// Uniqueness constraints: each also creates the range index that MERGE and lookups by that key use.
// Property uniqueness constraints exist in Neo4j 5 Community and Enterprise alike (node keys and
// existence constraints would need Enterprise, so none are used).
CREATE CONSTRAINT entity_id IF NOT EXISTS FOR (e:Entity) REQUIRE e.id IS UNIQUE;
CREATE CONSTRAINT document_id IF NOT EXISTS FOR (d:Document) REQUIRE d.id IS UNIQUE;
CREATE CONSTRAINT document_external_id IF NOT EXISTS FOR (d:Document) REQUIRE d.externalId IS UNIQUE;
CREATE CONSTRAINT mention_id IF NOT EXISTS FOR (m:Mention) REQUIRE m.id IS UNIQUE;
// A name is unique per entity: key = entityId + U+0000 + name (one property, so no composite key is needed).
CREATE CONSTRAINT name_key IF NOT EXISTS FOR (n:Name) REQUIRE n.key IS UNIQUE;
CREATE CONSTRAINT curation_edit_id IF NOT EXISTS FOR (c:CurationEdit) REQUIRE c.id IS UNIQUE;
CREATE CONSTRAINT kb_meta_id IF NOT EXISTS FOR (k:KbMeta) REQUIRE k.id IS UNIQUE;
