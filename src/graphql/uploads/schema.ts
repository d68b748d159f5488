/**
 * Upload SDL: whole files (as a browser reads them) submitted in one call and read on the server by
 * the same readers as `vaner submit`. Needs the submitter role, like submitDocuments.
 */
export const uploadsTypeDefs = /* GraphQL */ `
"Document file formats the readers understand (as vaner submit --format)."
enum UploadFormat {
  "Detected per file from its name and first lines; a set with .ann files is BRAT."
  AUTO
  PUBTATOR
  TEXT
  JSONL
  CONLL
  BRAT
  "BioC XML"
  BIOC
  BIOCJSON
}

enum UploadEncoding {
  UTF8
  "For binary content, e.g. a .gz file. Content that is not standard base64 is BAD_USER_INPUT."
  BASE64
}

input UploadFileInput {
  "The file name (its last path segment is used; it names the file in errors and gives text files their externalId)."
  name: String!
  content: String!
  encoding: UploadEncoding = UTF8
}

type FileSubmission {
  "The formats the files were read as."
  formats: [UploadFormat!]!
  "Documents read from the files."
  documentCount: Int!
  "One submission (and job) per batch of at most the configured maximum of documents."
  submissions: [Submission!]!
  "What the readers skipped (file:line: KIND message), at most 100."
  warnings: [String!]!
}

extend type Mutation {
  """
  Reads the files (PubTator, BioC XML/JSON, BRAT .txt+.ann, JSONL, CoNLL, plain text; gzip as BASE64),
  stores their documents and queues them for annotation, as submitDocuments does for each batch.
  INVALID_FORMAT or INVALID_UTF8 (naming the file and line) when a file cannot be read; nothing is
  stored then. The request body limit bounds the upload size (PAYLOAD_TOO_LARGE). Invalid documents
  are REJECTED in their batch's outcomes while the others are stored; a batch with no valid document
  gets an empty job; an upload with no valid document at all is refused with every error in
  details.errors (indices counted across the upload) and nothing is stored.
  """
  submitFiles(files: [UploadFileInput!]!, format: UploadFormat = AUTO): FileSubmission! @auth(requires: SUBMITTER)
}
`;
