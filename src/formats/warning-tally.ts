import type { FormatWarning } from './types.js';

/** Counts skipped annotations by kind and subject so a command can print one summary line per cause. */
export interface WarningTally {
  /** Pass as a reader's `onWarning`. */
  readonly add: (warning: FormatWarning) => void;
  readonly total: () => number;
  /** `[{ kind, subject, count, first }]`, most frequent first; `first` is the first occurrence's `file:line`. */
  readonly entries: () => { kind: FormatWarning['kind']; subject: string; count: number; first: string }[];
  /** Human-readable lines, e.g. `skipped 570 UNKNOWN_TYPE "OTHER" (first at x.txt:12)`. */
  readonly lines: () => string[];
}

export function createWarningTally(): WarningTally {
  const counts = new Map<string, { kind: FormatWarning['kind']; subject: string; count: number; first: string }>();
  const entries = () =>
    [...counts.values()].map((e) => ({ ...e })).sort((a, b) => b.count - a.count || a.kind.localeCompare(b.kind) || a.subject.localeCompare(b.subject));
  return {
    add(warning) {
      const subject = warning.subject ?? '';
      const key = `${warning.kind}\u0000${subject}`;
      const entry = counts.get(key);
      if (entry) entry.count += 1;
      else counts.set(key, { kind: warning.kind, subject, count: 1, first: `${warning.file}:${warning.line}` });
    },
    total: () => [...counts.values()].reduce((sum, e) => sum + e.count, 0),
    entries,
    lines() {
      return entries().map((e) => `skipped ${e.count} ${e.kind}${e.subject ? ` "${e.subject}"` : ''} (first at ${e.first})`);
    },
  };
}
