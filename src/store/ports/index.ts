/** The storage ports, one per concern. `Store` (../port.ts) is all of them together. */
export type { KnowledgeBaseStore, VocabularySourceInput } from './knowledge-base.js';
export type { DocumentStore } from './documents.js';
export type { CoMentionStore } from './co-mentions.js';
export type { CurationStore, CurationStorage, CurationTransaction, EntityState, MemberName, NewEntityInput } from './curation.js';
