/**
 * The curation edits made after a cursor, read page by page: how the live linker and the live dictionary learn what
 * changed in the knowledge base since they last looked (kb/live-linker.ts, kb/live-dictionary.ts).
 */
import type { CurationEdit } from '../domain/index.js';
import type { Store } from '../store/port.js';

const EDIT_PAGE = 100;

/** Every edit after `cursor` (null: from the first) and the cursor to continue from. */
export async function readEditsAfter(
  store: Pick<Store, 'curationEdits'>,
  cursor: string | null,
): Promise<{ edits: CurationEdit[]; cursor: string | null }> {
  const edits: CurationEdit[] = [];
  let after = cursor;
  for (;;) {
    const page = await store.curationEdits({ first: EDIT_PAGE, after });
    edits.push(...page.items);
    if (page.endCursor !== null) after = page.endCursor;
    if (!page.hasNextPage) return { edits, cursor: after };
  }
}
