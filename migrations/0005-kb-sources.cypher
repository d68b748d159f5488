// Issue 16: users' vocabularies, the source of every name, alias ids (MeSH history), retired entities.
CREATE CONSTRAINT kb_source_name IF NOT EXISTS FOR (s:KbSource) REQUIRE s.name IS UNIQUE;
CREATE CONSTRAINT alias_id IF NOT EXISTS FOR (a:Alias) REQUIRE a.id IS UNIQUE;
CREATE INDEX alias_entity IF NOT EXISTS FOR (a:Alias) ON (a.entityId);
CREATE INDEX entity_source IF NOT EXISTS FOR (e:Entity) ON (e.source);
CREATE INDEX name_source IF NOT EXISTS FOR (n:Name) ON (n.source);
// Names stored before this migration take their source from their origin and their entity.
MATCH (e:Entity)-[:HAS_NAME]->(n:Name)
WHERE n.source IS NULL
SET n.source = CASE n.origin WHEN 'annotation' THEN 'corpus-annotation' WHEN 'curator' THEN 'curator' ELSE e.source END;
MATCH (e:Entity)
WHERE e.retired IS NULL
SET e.retired = false;
