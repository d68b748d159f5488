/**
 * Curation SDL: synonyms, relinking and the audit trail. Merges and reviews are in the main schema.
 * Every field needs the curator role (`@auth(requires: CURATOR)`); the actor of each edit is the
 * calling API key's owner.
 */
export const curationTypeDefs = /* GraphQL */ `
extend type Query {
  "Curation audit trail (who, when, before, after), oldest first. first must be in [0, 100]."
  curationEdits(first: Int = 20, after: String): CurationEditConnection! @auth(requires: CURATOR)
}

extend type Mutation {
  """
  Curation: adds a synonym to an entity (a merged id resolves to its target). The running linker uses
  it for the next document; vocabulary re-imports never remove it. NOT_FOUND for an unknown entity,
  CONFLICT when the entity already has the name.
  """
  addSynonym(entityId: ID!, name: String!): Entity! @auth(requires: CURATOR)
  """
  Curation: removes a name from an entity; the linker stops using it at once and re-imports keep it
  removed. NOT_FOUND for an unknown entity or a name it does not have.
  """
  removeSynonym(entityId: ID!, name: String!): Entity! @auth(requires: CURATOR)
  """
  Curation: links a mention to another entity (method CURATOR, review CONFIRMED); its text then
  counts as a curated link for later linking. BAD_USER_INPUT when the entity's type differs.
  """
  relinkMention(id: ID!, entityId: ID!): Mention! @auth(requires: CURATOR)
}

"One audited curation edit."
type CurationEdit {
  id: ID!
  "ISO-8601 time of the edit."
  at: String!
  "The API key owner who made it, or anonymous."
  actor: String!
  "add-synonym, remove-synonym, merge-entity, review-mention or relink-mention."
  action: String!
  "The entity or mention id the edit changed."
  target: ID!
  "The changed fields before the edit, as JSON."
  before: String
  "The changed fields after the edit, as JSON."
  after: String
}

type CurationEditEdge {
  cursor: String!
  node: CurationEdit!
}

type CurationEditConnection {
  edges: [CurationEditEdge!]!
  pageInfo: PageInfo!
  totalCount: Int!
}
`;
