import { describe, expect, it } from 'vitest';
import { abbreviationMap, bestLongFormStart, findAbbreviations } from '../src/kb/abbreviations.js';

const pairs = (text: string) => findAbbreviations(text).map((p) => [p.short, p.long]);

describe('findAbbreviations (Schwartz–Hearst)', () => {
  it.each([
    // the paper's running example and classic cases
    ['Heat shock transcription factor (HSF) binds DNA.', [['HSF', 'Heat shock transcription factor']]],
    ['tumor necrosis factor-alpha (TNF-alpha) levels rose', [['TNF-alpha', 'tumor necrosis factor-alpha']]],
    // biomedical: diseases and chemicals, possessives, hyphens, plurals
    ["Parkinson's disease (PD) patients received levodopa. PD worsened.", [['PD', "Parkinson's disease"]]],
    ['We measured the hemorrhagic cystitis (HC) rate; HC was common.', [['HC', 'hemorrhagic cystitis']]],
    ['puromycin aminonucleoside (PAN)-induced nephrosis', [['PAN', 'puromycin aminonucleoside']]],
    ['non-steroidal anti-inflammatory drugs (NSAIDs) and aspirin (ASA, 81 mg)', [['NSAIDs', 'non-steroidal anti-inflammatory drugs']]],
    // SHORT (long form)
    ['The ACE (angiotensin-converting enzyme) inhibitors were used.', [['ACE', 'angiotensin-converting enzyme']]],
  ])('%s', (text, expected) => {
    expect(pairs(text)).toEqual(expected);
  });

  it('finds no definition in parentheses that are not one', () => {
    expect(pairs('in the study (n = 12) we found a value (p < 0.05) in cells (HeLa)')).toEqual([]);
  });

  it('reports offsets into the text and keeps the first definition of a short form', () => {
    const text = 'Hemorrhagic cystitis (HC) is rare. Hypertrophic cardiomyopathy (HC) is not.';
    const found = findAbbreviations(text);
    expect(found).toEqual([{ short: 'HC', long: 'Hemorrhagic cystitis', shortStart: 22, shortEnd: 24, longStart: 0, longEnd: 20 }]);
    expect(text.slice(found[0]!.longStart, found[0]!.longEnd)).toBe('Hemorrhagic cystitis');
  });

  it('bestLongFormStart requires the first letter to start a word', () => {
    expect(bestLongFormStart('HSF', 'the Heat shock transcription factor')).toBe(4);
    expect(bestLongFormStart('XYZ', 'heat shock factor')).toBe(-1);
  });

  it('abbreviationMap also finds a plural short form', () => {
    const map = abbreviationMap(findAbbreviations('angiotensin-converting enzyme inhibitor (ACEI) use; ACEIs were stopped'));
    expect(map.get('ACEIs')?.long).toBe('angiotensin-converting enzyme inhibitor');
  });
});
