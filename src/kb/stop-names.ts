/**
 * Vocabulary names the dictionary labeler ignores because, in running text, they are far more often
 * ordinary English (or generic scientific words) than mentions of the entity: 'lead' the verb, 'can'
 * the modal, 'men' (MEN, multiple endocrine neoplasia, is kept through its all-caps abbreviation).
 *
 * Chosen from general knowledge of English and from the categories of false positives measured on
 * BC5CDR development (scripts/eval-dictionary-dev.mjs), never by listing development mention strings.
 * Entries are compared after normalizeName, so plural and case variants need no entries of their own.
 * Names that are real, frequent mentions ('iron', 'gold', 'cancer', 'oxygen') deliberately stay.
 */
export const DEFAULT_STOP_NAMES: ReadonlySet<string> = new Set([
  // function words and everyday words that are also vocabulary entries or abbreviations
  'a', 'an', 'as', 'at', 'be', 'by', 'can', 'do', 'for', 'had', 'has', 'have', 'he', 'in', 'is', 'it', 'may',
  'me', 'men', 'no', 'not', 'of', 'on', 'or', 'so', 'the', 'to', 'was', 'we', 'were', 'all', 'and', 'any',
  'are', 'but', 'did', 'one', 'two', 'three', 'out', 'per', 'set', 'use', 'used', 'via', 'who', 'how',
  'lead', 'led', 'tin', 'aid', 'air', 'cat', 'dog', 'fat', 'oil', 'wax', 'salt', 'soap', 'sand', 'dust',
  'water', 'food', 'diet', 'milk', 'wine', 'beer', 'coffee', 'tea', 'smoke', 'light', 'heat', 'cold',
  'ice', 'gas', 'fuel', 'paper', 'glass', 'plastic', 'rubber', 'cement', 'soil', 'mud', 'ash',
  'rest', 'fit', 'fits', 'sting', 'bite', 'bites', 'cut', 'fall', 'falls', 'strain', 'spell',
  'man', 'woman', 'men', 'women', 'child', 'children', 'patient', 'patients', 'control', 'controls',
  'animal', 'animals', 'rat', 'rats', 'mouse', 'mice', 'human', 'humans',
  'period', 'cycle', 'phase', 'stage', 'grade', 'form', 'type', 'case', 'cases', 'level', 'levels',
  'dose', 'doses', 'drug', 'drugs', 'agent', 'agents', 'compound', 'compounds', 'substance',
  'substances', 'product', 'products', 'chemical', 'chemicals', 'medication', 'medications',
  'medicine', 'medicines', 'solution', 'mixture', 'reagent', 'metabolite', 'metabolites',
  'disease', 'diseases', 'disorder', 'disorders', 'syndrome', 'syndromes', 'condition', 'conditions',
  'illness', 'sign', 'signs', 'symptom', 'symptoms', 'lesion', 'lesions', 'injury', 'injuries',
  'damage', 'defect', 'defects', 'abnormality', 'abnormalities', 'complication', 'complications',
  'normal', 'positive', 'negative', 'high', 'low', 'early', 'late', 'acute', 'chronic', 'mild',
  'severe', 'total', 'free', 'active', 'base', 'bases', 'acid', 'acids', 'ion', 'ions', 'element',
  'elements', 'protein', 'proteins', 'enzyme', 'enzymes', 'peptide', 'peptides', 'hormone',
  'hormones', 'lipid', 'lipids', 'sugar', 'sugars', 'vitamin', 'vitamins', 'mineral', 'minerals',
  'nutrient', 'nutrients', 'toxin', 'toxins', 'poison', 'poisons', 'venom', 'antigen', 'antigens',
  'antibody', 'antibodies', 'receptor', 'receptors', 'ligand', 'ligands', 'inhibitor', 'inhibitors',
  'antagonist', 'antagonists', 'agonist', 'agonists', 'blocker', 'blockers', 'analog', 'analogs',
  'derivative', 'derivatives', 'preparation', 'preparations', 'formulation', 'vehicle', 'placebo',
  'label', 'labels', 'marker', 'markers', 'probe', 'probes', 'dye', 'dyes', 'stain', 'indicator',
  'response', 'effect', 'effects', 'action', 'activity', 'function', 'release', 'uptake', 'binding',
  'mass', 'weight', 'volume', 'pressure', 'rate', 'time', 'age', 'sex', 'gender', 'race', 'status',
  'behavior', 'memory', 'learning', 'sleep', 'pregnancy', 'birth', 'growth', 'aging',
  'cell', 'cells', 'tissue', 'tissues', 'blood', 'plasma', 'serum', 'urine', 'bone', 'skin', 'hair',
  'heart', 'brain', 'liver', 'kidney', 'lung', 'eye', 'ear', 'head', 'neck', 'arm', 'leg', 'hand',
  'foot', 'back', 'chest', 'face', 'nose', 'mouth', 'tooth', 'teeth',
  'culture', 'medium', 'media', 'fraction', 'extract', 'extracts', 'powder', 'tablet', 'tablets',
  'capsule', 'capsules', 'injection', 'injections', 'infusion', 'spray', 'cream', 'gel', 'paste',
  'balance', 'change', 'changes', 'increase', 'decrease', 'loss', 'gain',
  'strength', 'energy', 'power', 'force', 'charge', 'contrast', 'image', 'imaging',
  'ethanol extract', 'vivo', 'vitro', 'study', 'studies', 'trial', 'trials', 'model', 'models',
  'group', 'groups', 'report', 'reports', 'review', 'result', 'results', 'method', 'methods',
  'role', 'risk', 'factor', 'factors', 'process', 'mechanism', 'mechanisms', 'pathway', 'pathways',
  'gene', 'genes', 'mutation', 'mutations', 'variant', 'variants', 'allele', 'alleles',
  'complex', 'complexes', 'system', 'systems', 'unit', 'units', 'component', 'components',
  'state', 'states', 'order', 'range', 'scale', 'score', 'index', 'ratio', 'value', 'values',
  // outcomes and measurements that MeSH/CTD file under diseases but annotators do not treat as such
  'death', 'deaths', 'emergency', 'body weight', 'recurrence', 'relapse',
  // element symbols that are also English words (element-like names match case-sensitively)
  'in', 'he', 'be', 'at', 'no', 'as', 'i', 'y',
  'china', 'japan', 'india', 'france', 'germany', 'america', 'africa', 'europe',
]);
