// The knowledge-base counter node: revision (linkers cache on it) and the name sequence.
MERGE (k:KbMeta {id: 1})
  ON CREATE SET k.revision = 0, k.nameSeq = 0;
