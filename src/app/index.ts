/**
 * The application layer: the use cases `graphql/` and `cli/` share, each a function of the ports it
 * needs (docs/architecture.md). Evaluation, the fourth use case, is its own module (src/eval/).
 */
export { submitDocuments, validateDocument, type SubmitLimits, type SubmitDocumentInput, type SubmissionResult, type SubmissionOutcome, type SubmissionOutcomeKind, type InputError } from './submit-documents.js';
export { checkPassages, passagesMetadata, type PassageInput } from './passages.js';
export { EXPORT_FORMATS, exportDocuments, exportOneDocument, formatDocument, exportHead, type ExportFormat, type ExportOptions } from './export-documents.js';
export { submitFiles, MAX_UPLOAD_FILES, type UploadFile, type FileSubmissionResult } from './submit-files.js';
export { reannotate, type ReannotateOptions, type ReannotateResult } from './reannotate.js';
