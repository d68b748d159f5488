/** Document formats: streaming readers (PubTator, plain text, JSONL, CoNLL, BRAT) and the PubTator writer. */
export type { DocumentRecord, FormatName, FormatWarning, GoldMention, GoldRelation, ReaderOptions } from './types.js';
export { FORMAT_NAMES } from './types.js';
export { readDocuments, readPlanned, resolveFormat, countDocuments, type ReadDocumentsOptions } from './read-documents.js';
export { planInputs, describeInputs, type PlannedInput } from './input-plan.js';
export { detectFormat } from './detect-format.js';
export { readPubTator, formatPubTatorDocument, writePubTator, pubTatorText, type PubTatorDocument } from './pubtator.js';
export { readText, readTextFile } from './text.js';
export { readJsonl } from './jsonl.js';
export { readConll, type ConllOptions } from './conll.js';
export { readBrat } from './brat.js';
export { readBiocJson } from './bioc-json.js';
export { readBiocXml } from './bioc-xml.js';
export type { StoredPassage } from './bioc-model.js';
export { readLines, type Line } from './line-reader.js';
export { newlinesBeforeBadUtf8 } from './strict-utf8.js';
export { mapEntityType, pubTatorTypeName } from './entity-type-map.js';
export { parsePubTatorIds, formatPubTatorIds } from './entity-ids.js';
export { createWarningTally, type WarningTally } from './warning-tally.js';
