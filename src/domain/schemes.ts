/**
 * Choosing the annotation scheme of a labeling call (README "Schemes"). Used by every entry point that takes a
 * scheme (the annotate processor, GraphQL submitDocuments, the CLI), so all of them refuse an unknown name with the
 * same coded error. Imports only the project's error class.
 */
import { VanerError } from '../errors.js';
import type { Labeler } from './labeler.js';

/**
 * The scheme a call to `labeler` runs under: `scheme` when given, else the labeler's default (null for a labeler
 * without schemes).
 * @throws VanerError('BAD_USER_INPUT') naming the available schemes when `scheme` is not one of them
 */
export function schemeFor(labeler: Pick<Labeler, 'kind' | 'schemes' | 'defaultScheme'>, scheme: string | null | undefined): string | null {
  if (scheme === undefined || scheme === null) return labeler.defaultScheme ?? null;
  if (labeler.schemes.includes(scheme)) return scheme;
  const message = labeler.schemes.length === 0
    ? `unknown annotation scheme '${scheme}': the ${labeler.kind} labeler has no annotation schemes (a VANER model bundle has)`
    : `unknown annotation scheme '${scheme}': available schemes are ${labeler.schemes.join(', ')}`;
  throw new VanerError('BAD_USER_INPUT', message, { details: { field: 'scheme', scheme, available: [...labeler.schemes] } });
}
