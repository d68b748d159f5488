/**
 * Composite mentions: one span naming several concepts through coordination, "breast and ovarian
 * cancer", "renal or hepatic failure", "colorectal, endometrial, and ovarian cancers". The shared
 * head is written once, after the last conjunct; each earlier conjunct is a modifier that needs it.
 */

/** Coordinators between conjuncts: ', ', ' and ', ' or ', ' and/or ', ', and ', ' / '. */
const COORDINATION = /\s*,\s*(?:and\/or\s+|and\s+|or\s+)?|\s+(?:and\/or|and|or|&)\s+|\s*\/\s*(?=\p{L})/giu;

/** The conjuncts of a coordinated mention, or null when it has no coordination. */
export function splitConjuncts(mention: string): string[] | null {
  const parts = mention.split(COORDINATION).map((p) => p.trim()).filter((p) => p !== '');
  return parts.length >= 2 ? parts : null;
}

/**
 * The readings to try for each concept of a composite mention, in order of preference. For every
 * conjunct but the last: the conjunct completed with ever shorter tails of the last conjunct
 * ('breast' + 'cancer'), then the conjunct alone (for 'hypertension and diabetes'). For the last
 * conjunct: itself. Null when the mention has no coordination.
 *
 * @example compositeReadings('breast and ovarian cancer') // [['breast cancer', 'breast'], ['ovarian cancer']]
 */
export function compositeReadings(mention: string): string[][] | null {
  const conjuncts = splitConjuncts(mention);
  if (conjuncts === null) return null;
  const last = conjuncts[conjuncts.length - 1]!;
  const lastWords = last.split(/\s+/u);
  const readings = conjuncts.slice(0, -1).map((conjunct) => {
    const options: string[] = [];
    // Longest shared head first: 'Duchenne muscular dystrophy' before 'Duchenne dystrophy', and
    // 'small intestine neoplasms' before 'small neoplasms'; only strong (non-approximate) matches count.
    for (let i = 1; i < lastWords.length; i += 1) options.push(`${conjunct} ${lastWords.slice(i).join(' ')}`);
    options.push(conjunct);
    return options;
  });
  readings.push([last]);
  return readings;
}
