/**
 * A labeler that unions the spans of several labelers (e.g. the VANER model and the dictionary), resolving
 * overlaps with the same rule as between the model's own types (span-overlaps.ts).
 */
import { VanerError } from '../errors.js';
import { resolveOverlaps } from './span-overlaps.js';
import type { EntityType, Labeler, Span } from './types.js';

/**
 * Unions labelers. `types` is the union of theirs, in order of first appearance (which also breaks overlap ties);
 * `version` joins the parts' `kind:version` with `+`. Each call asks every part for the requested types it
 * supports, in parallel. `close()` is idempotent and closes every part even if one fails.
 * @throws VanerError('BAD_USER_INPUT') when given no labelers
 */
export function createUnionLabeler(labelers: readonly Labeler[]): Labeler {
  if (labelers.length === 0) throw new VanerError('BAD_USER_INPUT', 'createUnionLabeler: needs at least one labeler');
  const types: EntityType[] = [];
  for (const l of labelers) for (const t of l.types) if (!types.includes(t)) types.push(t);
  let closing: Promise<void> | null = null;
  return {
    kind: 'union',
    version: labelers.map((l) => `${l.kind}:${l.version}`).join('+'),
    types,
    async label(inputs, options = {}) {
      const wanted = options.types ?? types;
      const unsupported = wanted.filter((t) => !types.includes(t));
      if (unsupported.length > 0) {
        throw new VanerError('BAD_USER_INPUT', `types: ${unsupported.join(', ')} not supported (has ${types.join(', ')})`);
      }
      const parts = await Promise.all(
        labelers.map((l) => {
          const own = l.types.filter((t) => wanted.includes(t));
          if (own.length === 0) return Promise.resolve(inputs.map((): Span[] => []));
          return l.label(inputs, { ...(options.signal === undefined ? {} : { signal: options.signal }), types: own });
        }),
      );
      return inputs.map((_, i) => resolveOverlaps(parts.flatMap((p) => p[i] ?? []), types));
    },
    close() {
      closing ??= (async () => {
        const results = await Promise.allSettled(labelers.map((l) => l.close()));
        const failures = results.filter((r): r is PromiseRejectedResult => r.status === 'rejected').map((r) => r.reason as unknown);
        if (failures.length > 0) {
          throw new VanerError('INTERNAL', `closing the union labeler failed: ${failures.map(String).join('; ')}`, {
            cause: new AggregateError(failures),
          });
        }
      })();
      return closing;
    },
  };
}
