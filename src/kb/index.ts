/** Public surface of the knowledge-base module: vocabulary import, normalisation, dictionary labeler, linker. */
export { importKnowledgeBase } from './import-knowledge-base.js';
export { KB_FILES, readKnowledgeBase, readKnowledgeBaseNames, readKnowledgeBaseAliases } from './knowledge-base-source.js';
export { CTD_CHEMICAL_NAMES_SOURCE, NAMES_ONLY_ID_PREFIX } from './import/ctd-chemical-names.js';
export { NAMES_ONLY_ID_PREFIXES, isNamesOnlyId } from './names-only.js';
export type { KnowledgeBaseItem } from './knowledge-base-source.js';
export { deriveMeshHistory } from './mesh-history.js';
export type { MeshHistoryLink, MeshHistoryInput } from './mesh-history.js';
export type { ImportKnowledgeBaseOptions, ImportKnowledgeBaseResult } from './import-knowledge-base.js';
export { normalizeName, tokenizeForMatch, foldPlural, genericKey, sortedTokenKey, linkingKeys, foldedKey } from './normalize.js';
export type { MatchToken, LinkingKeys } from './normalize.js';
export { createDictionaryLabeler } from './dictionary-labeler.js';
export type { DictionaryLabeler, DictionaryLabelerOptions, DictionaryStats } from './dictionary-labeler.js';
export { DEFAULT_STOP_NAMES } from './stop-names.js';
export { createExactLinker, EXACT_CONFIDENCE, NORMALIZED_CONFIDENCE } from './exact-linker.js';
export type { ExactLinkerOptions } from './exact-linker.js';
export { readAnnotationCounts, readAnnotationNameCounts, annotationNameKey } from './annotation-counts.js';
export { createEntityLinker } from './entity-linker.js';
export type { EntityLinker, EntityLinkerOptions, ExplainedLink } from './entity-linker.js';
export { createLiveLinker } from './live-linker.js';
export { importVocabularyFile, RESERVED_SOURCES } from './import-vocabulary.js';
export { importBundledVocabularies, BUNDLED_VOCABULARIES } from './bundled-vocabularies.js';
export type { ImportVocabularyOptions, ImportVocabularyResult } from './import-vocabulary.js';
export { readVocabulary, vocabularyFormatOf } from './vocabulary/read-vocabulary.js';
export { VOCABULARY_FORMATS } from './vocabulary/vocabulary-types.js';
export type { VocabularyFormat, VocabularyTerm, VocabularyFile } from './vocabulary/vocabulary-types.js';
export { fitReranker, rerankFeatureVector, rerankScore, RERANK_FEATURE_NAMES } from './candidate-reranker.js';
export type { RerankModel, RerankExample, CandidateFeatures } from './candidate-reranker.js';
export { DEFAULT_RERANKER } from './reranker-weights.js';
export type { LiveLinker, LiveLinkerOptions, LiveLinkerStore } from './live-linker.js';
export { findAbbreviations, abbreviationMap, bestLongFormStart } from './abbreviations.js';
export type { AbbreviationPair } from './abbreviations.js';
export { compositeReadings, splitConjuncts } from './composite-mentions.js';
export { DEFAULT_CALIBRATION, calibratedConfidence, fitLogistic, FEATURE_NAMES } from './link-calibration.js';
export type { LinkCalibration, LinkFeatures, CandidateSource } from './link-calibration.js';
export { buildNgramIndex } from './ngram-index.js';
export { createNgramIndexCache, type NgramIndexCache } from './ngram-index-cache.js';
export type { NgramIndex, NgramHit } from './ngram-index.js';
export { readCtdMedic } from './import/ctd-medic.js';
export type { CtdDisease } from './import/ctd-medic.js';
export { readMeshTrees, parentsFromTrees } from './import/mesh-trees.js';
export type { MeshTrees } from './import/mesh-trees.js';
export { readMeshChemicalDescriptors } from './import/mesh-descriptors.js';
export { readMeshSupplementaryChemicals } from './import/mesh-supplementary.js';
export { readCorpusNames } from './import/corpus-names.js';
export type { CorpusName } from './import/corpus-names.js';
export type { LinkResult, Linker } from './linker-types.js';
export { readDictionaryExclusions, readDictionaryRules, DEFAULT_EXCLUDED_BRANCHES } from './dictionary-exclusions.js';
export {
  LEARNED_STOP_NAMES_FILE,
  DEFAULT_MIN_MATCHES,
  DEFAULT_MAX_ANNOTATED_SHARE,
  countNameMatches,
  chooseStopNames,
  formatStopNames,
  parseStopNames,
  readLearnedStopNames,
  stopNameKey,
  type NameMatchCount,
} from './learned-stop-names.js';
export { propagateAbbreviations } from '../ner/abbreviation-propagation.js';
export { createLiveDictionary } from './live-dictionary.js';
export type { LiveDictionary, LiveDictionaryOptions, LiveDictionaryStore } from './live-dictionary.js';
