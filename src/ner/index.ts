/**
 * Public surface of the labeler module: what other modules may use; everything else stays private to ner/. The composition root decides which labeler to
 * build; this module only offers the factories.
 */
export { createLabeler, type ModelLabeler, type ModelLabelerOptions } from './model-labeler.js';
export { createUnionLabeler } from './union-labeler.js';
export { splitWords, splitWords as wordSplit, type Word } from './word-splitter.js';
export { splitSentences, type Sentence } from './sentence-splitter.js';
export { segmentDocument, type SegmentedDocument } from './segment-document.js';
export { tagsToSpans, spansToTags, type WordSpan } from './decode.js';
export { resolveOverlaps, type RankedSpan } from './span-overlaps.js';
export { readManifest, loadBundle, type Bundle } from './bundle.js';
export type { Manifest } from './manifest.js';
export type { ExecutionProvider, BatchTiming, SessionThread } from './predict.js';
export { knowledgeIdsForWords, type KnowledgeMatcher, type CharRange } from './knowledge.js';
export { resolveScheme, BUNDLE_FORMAT_VERSION, type Scheme } from './manifest.js';
