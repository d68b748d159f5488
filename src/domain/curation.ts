/**
 * Curation records: the audit trail of edits and the curated links the linker uses as priors.
 */
import type { EntityType } from './entity-types.js';

/** One audited curation edit. `before`/`after` are the changed fields (JSON values), null when none. */
export interface CurationEdit {
  readonly id: string;
  /** ISO-8601 time of the edit. */
  readonly at: string;
  /** Who made it: the API key's owner, or 'anonymous'. */
  readonly actor: string;
  /** 'add-synonym' | 'remove-synonym' | 'merge-entity' | 'review-mention' | 'relink-mention' */
  readonly action: string;
  /** The entity or mention id the edit changed. */
  readonly target: string;
  readonly before: unknown;
  readonly after: unknown;
}

/** A curator's verdict used as a linking prior: this mention text of this type means this entity. */
export interface CuratedLink {
  readonly text: string;
  readonly type: EntityType;
  readonly entityId: string;
}
