/**
 * A labeler that unions the spans of several labelers (e.g. the VANER model and the dictionary), resolving
 * overlaps with the same rule as between the model's own types (span-overlaps.ts).
 */
import { VanerError } from '../errors.js';
import { resolveOverlaps } from './span-overlaps.js';
import { schemeFor, type EntityType, type Labeler, type Span } from '../domain/index.js';

export interface UnionOptions {
  /**
   * How overlapping spans of different labelers are resolved:
   * `confidence` — the rule between the model's own types (higher confidence, then longer, then type order);
   * `priority` — a span of an earlier labeler wins over any overlapping span of a later one (e.g. a curated
   * dictionary first, the model filling what it does not cover); within one labeler, `confidence` applies.
   * @defaultValue 'confidence'
   */
  readonly overlap?: 'confidence' | 'priority';
}

/**
 * Unions labelers. `types` is the union of theirs, in order of first appearance (which also breaks overlap ties);
 * `version` joins the parts' `kind:version` with `+`. Each call asks every part for the requested types it
 * supports, in parallel. `schemes` are those of the parts that have any (the model's); a call's scheme goes to
 * those parts only (the dictionary has none). `close()` is idempotent and closes every part even if one fails.
 * @throws VanerError('BAD_USER_INPUT') when given no labelers
 */
export function createUnionLabeler(labelers: readonly Labeler[], options: UnionOptions = {}): Labeler {
  const overlap = options.overlap ?? 'confidence';
  if (overlap !== 'confidence' && overlap !== 'priority') {
    throw new VanerError('CONFIG_INVALID', `options.overlap: must be 'confidence' or 'priority', got ${String(overlap)}`);
  }
  if (labelers.length === 0) throw new VanerError('BAD_USER_INPUT', 'createUnionLabeler: needs at least one labeler');
  const types: EntityType[] = [];
  for (const l of labelers) for (const t of l.types) if (!types.includes(t)) types.push(t);
  const schemes: string[] = [];
  for (const l of labelers) for (const s of l.schemes) if (!schemes.includes(s)) schemes.push(s);
  const defaultScheme = labelers.find((l) => l.defaultScheme !== null)?.defaultScheme ?? null;
  let closing: Promise<void> | null = null;
  return {
    kind: 'union',
    get version() {
      return labelers.map((l) => `${l.kind}:${l.version}`).join('+');
    },
    types,
    schemes,
    defaultScheme,
    async label(inputs, options = {}) {
      const scheme = schemeFor({ kind: 'union', schemes, defaultScheme }, options.scheme);
      const wanted = options.types ?? types;
      const unsupported = wanted.filter((t) => !types.includes(t));
      if (unsupported.length > 0) {
        throw new VanerError('BAD_USER_INPUT', `types: ${unsupported.join(', ')} not supported (has ${types.join(', ')})`);
      }
      const parts = await Promise.all(
        labelers.map((l) => {
          const own = l.types.filter((t) => wanted.includes(t));
          if (own.length === 0) return Promise.resolve(inputs.map((): Span[] => []));
          return l.label(inputs, {
            ...(options.signal === undefined ? {} : { signal: options.signal }),
            ...(scheme !== null && l.schemes.includes(scheme) ? { scheme } : {}),
            types: own,
          });
        }),
      );
      if (overlap === 'confidence') return inputs.map((_, i) => resolveOverlaps(parts.flatMap((p) => p[i] ?? []), types));
      return inputs.map((_, i) => {
        const kept: Span[] = [];
        for (const part of parts) {
          const own = resolveOverlaps(part[i] ?? [], types);
          for (const span of own) if (!kept.some((k) => k.start < span.end && span.start < k.end)) kept.push(span);
        }
        return kept.sort((a, b) => a.start - b.start || a.end - b.end);
      });
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
