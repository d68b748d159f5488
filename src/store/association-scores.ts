/**
 * Association scores of two entities from co-occurrence counts over N units (documents or
 * sentences). Pure functions; the formulas are spelled out in docs/co-mentions.md.
 *
 * The 2×2 contingency table of units:
 *
 *             b present     b absent
 *   a present  k11 = nab     k12 = na − nab
 *   a absent   k21 = nb − nab k22 = n − na − nb + nab
 */
import { VanerError } from '../errors.js';

/** Co-occurrence counts of a pair: units with both, units with a, units with b, all units. */
export interface PairCounts {
  readonly nab: number;
  readonly na: number;
  readonly nb: number;
  readonly n: number;
}

/** Throws BAD_USER_INPUT unless the counts form a valid contingency table (non-negative integers, n > 0). */
export function checkPairCounts(c: PairCounts): void {
  const { nab, na, nb, n } = c;
  const ok =
    [nab, na, nb, n].every((v) => Number.isSafeInteger(v) && v >= 0) && n > 0 && nab <= na && nab <= nb && na + nb - nab <= n;
  if (!ok) throw new VanerError('BAD_USER_INPUT', `inconsistent co-occurrence counts ${JSON.stringify(c)}`, { details: { field: 'counts' } });
}

/**
 * Normalised pointwise mutual information, in [−1, 1]:
 * NPMI = ln(p(a,b) / (p(a) p(b))) / −ln p(a,b), with p(x) = count / n.
 *
 * Conventions at the edges: −1 when the pair never co-occurs (nab = 0, the limit of the formula);
 * 1 when a and b occur in every unit (p(a,b) = 1 makes both numerator and denominator 0; the pair
 * co-occurs perfectly).
 */
export function npmi(c: PairCounts): number {
  checkPairCounts(c);
  const { nab, na, nb, n } = c;
  if (nab === 0) return -1;
  if (nab === n) return 1;
  const pab = nab / n;
  // ln(pab / (pa pb)) = ln(nab · n / (na · nb)); computed from the counts to keep precision.
  const pmi = Math.log(nab) + Math.log(n) - Math.log(na) - Math.log(nb);
  return pmi / -Math.log(pab);
}

const xLogX = (x: number): number => (x === 0 ? 0 : x * Math.log(x));

/**
 * Dunning's log-likelihood ratio G² = 2 Σ k_ij ln(k_ij / E_ij) of the 2×2 table, with
 * E_ij = row_i · col_j / n and 0 · ln 0 = 0. Computed in the entropy form
 * G² = 2 (Σ x ln x over cells − Σ over row sums − Σ over column sums + n ln n), which is the same
 * sum without dividing small numbers. Never negative (tiny negative rounding is clamped to 0); exactly 0
 * under exact independence.
 */
export function gSquared(c: PairCounts): number {
  checkPairCounts(c);
  const { nab, na, nb, n } = c;
  // Exact independence (observed = expected in every cell) is 0 exactly, not rounding noise around it.
  if (nab * n === na * nb) return 0;
  const k12 = na - nab;
  const k21 = nb - nab;
  const k22 = n - na - nb + nab;
  const cells = xLogX(nab) + xLogX(k12) + xLogX(k21) + xLogX(k22);
  const rows = xLogX(na) + xLogX(n - na);
  const cols = xLogX(nb) + xLogX(n - nb);
  return Math.max(0, 2 * (cells - rows - cols + xLogX(n)));
}

/**
 * G² with the sign of the association: negative when the pair co-occurs less often than expected
 * under independence (nab · n < na · nb). G² alone is large for strong avoidance too; the sign makes
 * "largest first" mean "most strongly attracted first", which is what a ranking wants.
 */
export function signedLogLikelihoodRatio(c: PairCounts): number {
  const g2 = gSquared(c);
  // Integer comparison (exact for the counts a store holds) instead of comparing floats.
  return c.nab * c.n < c.na * c.nb ? -g2 : g2;
}
