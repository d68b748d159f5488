// Entity search. The TEXT index (trigram-based since Neo4j 5.1, provider text-2.0) answers
// `n.norm CONTAINS $key`: substring matching, exactly what the embedded store's FTS5 trigram index gives.
CREATE TEXT INDEX name_norm_text IF NOT EXISTS FOR (n:Name) ON (n.norm);
// Lucene full-text index over the names, for word-level relevance search (db.index.fulltext.queryNodes):
// tokenised and scored, so deliberately not used by searchEntities, whose contract is substring matching.
CREATE FULLTEXT INDEX name_fulltext IF NOT EXISTS FOR (n:Name) ON EACH [n.name, n.norm]
OPTIONS { indexConfig: { `fulltext.analyzer`: 'standard-no-stop-words', `fulltext.eventually_consistent`: false } };
