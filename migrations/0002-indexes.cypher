// Range indexes for the lookups the store makes by non-key properties.
CREATE INDEX entity_merged_into IF NOT EXISTS FOR (e:Entity) ON (e.mergedInto);
CREATE INDEX entity_type IF NOT EXISTS FOR (e:Entity) ON (e.type);
CREATE INDEX mention_entity IF NOT EXISTS FOR (m:Mention) ON (m.entityId);
CREATE INDEX mention_document IF NOT EXISTS FOR (m:Mention) ON (m.documentId, m.start);
CREATE INDEX name_norm IF NOT EXISTS FOR (n:Name) ON (n.norm);
CREATE INDEX name_seq IF NOT EXISTS FOR (n:Name) ON (n.seq);
CREATE INDEX curation_edit_target IF NOT EXISTS FOR (c:CurationEdit) ON (c.target, c.at);
