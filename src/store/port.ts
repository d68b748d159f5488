/**
 * The whole storage port: every concern's port together (ports/). The embedded SQLite adapter
 * (embedded/, the default) and the Neo4j adapter (neo4j/) implement it and pass the same
 * conformance suites (test/conformance/). Consumers that need only one concern declare that port
 * (or a `Pick` of it) instead of `Store`.
 */
import type { CoMentionStore, CurationStore, DocumentStore, KnowledgeBaseStore } from './ports/index.js';

export type * from './ports/index.js';

export interface Store extends KnowledgeBaseStore, DocumentStore, CurationStore, CoMentionStore {
  readonly kind: 'embedded' | 'neo4j';
  close(): Promise<void>;
}
