/**
 * Moved to the domain module (src/domain/). This re-export only keeps branches written before the
 * move compiling while they rebase; import from src/domain/index.js instead. Removed in the next step
 * of issue 13 (docs/architecture.md).
 */
export * from '../domain/index.js';
