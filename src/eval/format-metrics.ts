import type { NerMetrics, PrfCounts } from './ner-metrics.js';

/**
 * Renders metrics as a fixed-width table, percentages with two decimals:
 * ```
 * type         precision  recall      f1    tp    fp    fn
 * CHEMICAL         90.00   81.82   85.71     9     1     2
 * micro            …
 * ```
 */
export function formatMetricsTable(metrics: NerMetrics): string {
  const header = ['type', 'precision', 'recall', 'f1', 'tp', 'fp', 'fn'];
  const rows: string[][] = [];
  const row = (name: string, c: PrfCounts) => [name, pct(c.precision), pct(c.recall), pct(c.f1), String(c.tp), String(c.fp), String(c.fn)];
  for (const [type, c] of metrics.perType) rows.push(row(type, c));
  rows.push(row('micro', metrics.micro));
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => (r[i] as string).length)));
  const render = (cells: string[]) => cells.map((cell, i) => (i === 0 ? cell.padEnd(widths[i] as number) : cell.padStart(widths[i] as number))).join('  ');
  return [render(header), ...rows.map(render)].join('\n') + '\n';
}

/** Metrics as plain JSON (Maps become objects; ratios kept unrounded). */
export function metricsToJson(metrics: NerMetrics): { documents: number; perType: Record<string, PrfCounts>; micro: PrfCounts } {
  return { documents: metrics.documents, perType: Object.fromEntries(metrics.perType), micro: metrics.micro };
}

function pct(ratio: number): string {
  return (ratio * 100).toFixed(2);
}
