/**
 * The domain module: types shared by every layer (formats, labelers, knowledge base, stores, jobs,
 * API). It imports nothing from the rest of the project, so any module may depend on it without
 * depending on another layer (docs/architecture.md).
 */
export { ENTITY_TYPES, isEntityType, type EntityType } from './entity-types.js';
export { hasVisibleCharacter, identifierProblem, MAX_IDENTIFIER_CHARS } from './identifiers.js';
export type * from './labeler.js';
export { schemeFor } from './schemes.js';
export type * from './entities.js';
export { SOURCE_NAME, isSourceName } from './source-names.js';
export type * from './documents.js';
export { keysetPage, takePage, type Page, type PageArgs } from './paging.js';
export type * from './co-mentions.js';
export type * from './curation.js';
