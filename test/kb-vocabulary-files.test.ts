import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { basename, join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { VanerError } from '../src/errors.js';
import { readVocabulary, vocabularyFormatOf } from '../src/kb/vocabulary/read-vocabulary.js';

let dir: string;
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'vaner-vocab-'));
});
afterEach(() => rmSync(dir, { recursive: true, force: true }));

const write = (name: string, content: string | Buffer): string => {
  const file = join(dir, name);
  writeFileSync(file, content);
  return file;
};

async function failure(promise: Promise<unknown>): Promise<VanerError> {
  try {
    await promise;
  } catch (error) {
    expect(error).toBeInstanceOf(VanerError);
    return error as VanerError;
  }
  throw new Error('expected a failure');
}

const TSV = [
  'id\ttype\tname\tsynonyms\tparents',
  'LAB:0001\tCHEMICAL\tFoo acid\tfooic acid|FA|Foo acid\t',
  'LAB:0002\tchemical\tFoo acid sodium salt\tsodium fooate\tLAB:0001',
  '# a comment',
  '',
  'DOID:0000003\tDISEASE\tBar syndrome',
].join('\n');

describe('TSV vocabularies', () => {
  it('reads ids with their own prefix, types, synonyms without the preferred name, parents', async () => {
    const file = write('lab.tsv', TSV);
    const v = await readVocabulary(file);
    expect(v.format).toBe('tsv');
    expect(v.terms.map(({ line: _line, ...t }) => t)).toEqual([
      { id: 'LAB:0001', type: 'CHEMICAL', name: 'Foo acid', synonyms: ['fooic acid', 'FA'], parentIds: [], treeNumbers: [] },
      { id: 'LAB:0002', type: 'CHEMICAL', name: 'Foo acid sodium salt', synonyms: ['sodium fooate'], parentIds: ['LAB:0001'], treeNumbers: [] },
      { id: 'DOID:0000003', type: 'DISEASE', name: 'Bar syndrome', synonyms: [], parentIds: [], treeNumbers: [] },
    ]);
    expect(v.terms.map((t) => t.line)).toEqual([2, 3, 6]);
  });

  it('reads gzip by suffix', async () => {
    const v = await readVocabulary(write('lab.tsv.gz', gzipSync(TSV)));
    expect(v.terms).toHaveLength(3);
    expect(vocabularyFormatOf('x.tsv.gz')).toBe('tsv');
  });

  it('reports every bad line with its number and returns nothing', async () => {
    const file = write('bad.tsv', [
      'id\ttype\tname\tsynonyms\tparents',
      'LAB:1\tCHEMICAL\tok\t\t',
      'no-prefix\tCHEMICAL\tx\t\t',
      'LAB:2\tPLANET\tx\t\t',
      'LAB:3\tDISEASE\t \t\t',
      'LAB:1\tCHEMICAL\tagain\t\t',
      'LAB:4\tCHEMICAL',
      'LAB:5\tCHEMICAL\tfive\t\tnot a parent',
    ].join('\n'));
    const error = await failure(readVocabulary(file));
    expect(error.code).toBe('INVALID_FORMAT');
    expect(error.message).toBe("bad.tsv line 3: id 'no-prefix' is not PREFIX:identifier (and 5 more bad lines); nothing was imported");
    expect(error.details!.errors).toEqual([
      { line: 3, problem: "id 'no-prefix' is not PREFIX:identifier" },
      { line: 4, problem: "type 'PLANET' is not an entity type" },
      { line: 5, problem: 'name is empty' },
      { line: 6, problem: 'id LAB:1 already defined on line 2' },
      { line: 7, problem: 'expected 5 tab-separated columns (id, type, name, synonyms, parents), found 2' },
      { line: 8, problem: "parent 'not a parent' is not PREFIX:identifier" },
    ]);
  });

  it('refuses a wrong header and an empty file', async () => {
    const header = await failure(readVocabulary(write('h.tsv', 'id\tname\ttype\n')));
    expect(header.message).toMatch(/^h\.tsv line 1: the header must be 'id<TAB>type<TAB>name<TAB>synonyms<TAB>parents'/);
    const empty = await failure(readVocabulary(write('e.tsv', '')));
    expect(empty.details!.line).toBe(1);
    const missing = await failure(readVocabulary(join(dir, 'nope.tsv')));
    expect(missing.code).toBe('NOT_FOUND');
  });
});

const OBO = `format-version: 1.2
ontology: doid
default-namespace: disease_ontology

[Term]
id: DOID:4
name: disease

[Term]
id: DOID:1612
name: breast cancer
alt_id: DOID:1614
synonym: "mammary cancer" EXACT []
synonym: "malignant tumour of breast" RELATED [SNOMEDCT:xyz]
synonym: "breast neoplasm \\"plus\\"" EXACT []
synonym: "cancer of chest" BROAD []
is_a: DOID:4 ! disease
xref: UMLS_CUI:C0006142

[Term]
id: DOID:9999
name: obsolete thing
is_obsolete: true

[Typedef]
id: part_of
name: part of
`;

describe('OBO vocabularies', () => {
  it('reads terms, EXACT and RELATED synonyms, is_a, alt_id; skips obsolete terms and typedefs', async () => {
    const v = await readVocabulary(write('doid.obo', OBO));
    expect(v.format).toBe('obo');
    expect(v.skipped).toEqual({ obsolete: 1 });
    expect(v.terms.map(({ line: _line, ...t }) => t)).toEqual([
      { id: 'DOID:4', type: 'DISEASE', name: 'disease', synonyms: [], parentIds: [], treeNumbers: [] },
      {
        id: 'DOID:1612',
        type: 'DISEASE',
        name: 'breast cancer',
        synonyms: ['mammary cancer', 'malignant tumour of breast', 'breast neoplasm "plus"'],
        parentIds: ['DOID:4'],
        treeNumbers: [],
        altIds: ['DOID:1614'],
      },
    ]);
  });

  it('takes the type from the prefix (CHEBI) or from the option, and refuses an unknown prefix', async () => {
    const chebi = await readVocabulary(write('c.obo', '[Term]\nid: CHEBI:15377\nname: water\nexact_synonym: "H2O" []\n'));
    expect(chebi.terms[0]).toMatchObject({ id: 'CHEBI:15377', type: 'CHEMICAL', synonyms: ['H2O'] });
    const mine = write('m.obo', '[Term]\nid: MYO:1\nname: thing\n');
    expect((await readVocabulary(mine, { type: 'GENE' })).terms[0]!.type).toBe('GENE');
    const error = await failure(readVocabulary(mine));
    expect(error.message).toBe('m.obo line 1: no entity type for the prefix of MYO:1; give one with --type; nothing was imported');
  });

  it('reports bad lines', async () => {
    const error = await failure(readVocabulary(write('b.obo', '[Term]\nid: DOID:1\nname: a\nsynonym: unquoted EXACT []\n\n[Term]\nname: no id\n')));
    expect(error.details!.errors).toEqual([
      { line: 4, problem: 'synonym must start with a quoted string' },
      { line: 6, problem: '[Term] without an id' },
    ]);
  });
});

const MESH = `<?xml version="1.0"?>
<!DOCTYPE DescriptorRecordSet SYSTEM "https://www.nlm.nih.gov/databases/dtd/nlmdescriptorrecordset_20240101.dtd">
<DescriptorRecordSet LanguageCode="eng">
<DescriptorRecord DescriptorClass="1">
  <DescriptorUI>D009930</DescriptorUI>
  <DescriptorName><String>Organic Chemicals</String></DescriptorName>
  <TreeNumberList><TreeNumber>D02</TreeNumber></TreeNumberList>
  <ConceptList><Concept PreferredConceptYN="Y"><ConceptUI>M1</ConceptUI><ConceptName><String>Organic Chemicals</String></ConceptName>
    <TermList><Term><TermUI>T1</TermUI><String>Organic Chemicals</String></Term><Term><TermUI>T2</TermUI><String>Organic Compounds</String></Term></TermList>
  </Concept></ConceptList>
</DescriptorRecord>
<DescriptorRecord DescriptorClass="1">
  <DescriptorUI>D000077212</DescriptorUI>
  <DescriptorName><String>Ropivacaine</String></DescriptorName>
  <TreeNumberList><TreeNumber>D02.123</TreeNumber></TreeNumberList>
  <ConceptList>
    <Concept PreferredConceptYN="Y"><ConceptUI>M2</ConceptUI><ConceptName><String>Ropivacaine</String></ConceptName>
      <TermList><Term><TermUI>T3</TermUI><String>Ropivacaine</String></Term></TermList></Concept>
    <Concept PreferredConceptYN="N"><ConceptUI>M3</ConceptUI><ConceptName><String>Ropivacaine Hydrochloride</String></ConceptName>
      <TermList><Term><TermUI>T4</TermUI><String>Ropivacaine Hydrochloride</String></Term><Term><TermUI>T5</TermUI><String>Naropin</String></Term></TermList></Concept>
  </ConceptList>
</DescriptorRecord>
<DescriptorRecord DescriptorClass="1">
  <DescriptorUI>D012640</DescriptorUI>
  <DescriptorName><String>Seizures</String></DescriptorName>
  <TreeNumberList><TreeNumber>C10.597.742</TreeNumber><TreeNumber>C23.888.592.742</TreeNumber></TreeNumberList>
  <ConceptList><Concept PreferredConceptYN="Y"><ConceptUI>M4</ConceptUI><ConceptName><String>Seizures</String></ConceptName>
    <TermList><Term><TermUI>T6</TermUI><String>Seizure</String></Term></TermList></Concept></ConceptList>
</DescriptorRecord>
<DescriptorRecord DescriptorClass="1">
  <DescriptorUI>D000001</DescriptorUI>
  <DescriptorName><String>Body Regions</String></DescriptorName>
  <TreeNumberList><TreeNumber>A01</TreeNumber></TreeNumberList>
</DescriptorRecord>
</DescriptorRecordSet>
`;

describe('MeSH XML vocabularies', () => {
  it('reads descriptors with every term, types from trees, parents from trees; skips records of no type', async () => {
    const v = await readVocabulary(write('desc2024.xml', MESH));
    expect(v.format).toBe('mesh-xml');
    expect(v.skipped).toEqual({ 'no entity type': 1 });
    expect(v.terms.map(({ line: _line, ...t }) => t)).toEqual([
      { id: 'MESH:D009930', type: 'CHEMICAL', name: 'Organic Chemicals', synonyms: ['Organic Compounds'], parentIds: [], treeNumbers: ['D02'] },
      { id: 'MESH:D000077212', type: 'CHEMICAL', name: 'Ropivacaine', synonyms: ['Ropivacaine Hydrochloride', 'Naropin'], parentIds: ['MESH:D009930'], treeNumbers: ['D02.123'] },
      { id: 'MESH:D012640', type: 'DISEASE', name: 'Seizures', synonyms: ['Seizure'], parentIds: [], treeNumbers: ['C10.597.742', 'C23.888.592.742'] },
    ]);
    expect(v.terms[0]!.line).toBe(4);
  });

  it('reads supplementary records with their class and mapped descriptors', async () => {
    const supp = `<SupplementalRecordSet><SupplementalRecord SCRClass="1"><SupplementalRecordUI>C000081</SupplementalRecordUI>
      <SupplementalRecordName><String>4-tert-octylphenol</String></SupplementalRecordName>
      <HeadingMappedToList><HeadingMappedTo><DescriptorReferredTo><DescriptorUI>*D010636</DescriptorUI><DescriptorName><String>Phenols</String></DescriptorName></DescriptorReferredTo></HeadingMappedTo></HeadingMappedToList>
      <ConceptList><Concept><TermList><Term><String>4-tert-octylphenol</String></Term><Term><String>tetramethylbutylphenol</String></Term></TermList></Concept></ConceptList>
      </SupplementalRecord><SupplementalRecord SCRClass="2"><SupplementalRecordUI>C000100</SupplementalRecordUI><SupplementalRecordName><String>CHOP protocol</String></SupplementalRecordName></SupplementalRecord></SupplementalRecordSet>`;
    const v = await readVocabulary(write('supp.xml.gz', gzipSync(supp)));
    expect(v.terms.map(({ line: _line, ...t }) => t)).toEqual([
      { id: 'MESH:C000081', type: 'CHEMICAL', name: '4-tert-octylphenol', synonyms: ['tetramethylbutylphenol'], parentIds: ['MESH:D010636'], treeNumbers: [] },
    ]);
    expect(v.skipped).toEqual({ 'no entity type': 1 });
  });

  it('reports malformed XML with its line', async () => {
    const error = await failure(readVocabulary(write('broken.xml', '<DescriptorRecordSet>\n<DescriptorRecord>\n<DescriptorUI>D1</Descriptor>\n')));
    expect(error.code).toBe('INVALID_FORMAT');
    expect(error.message).toMatch(/^broken\.xml line 3: not well-formed XML/);
  });
});

describe('vocabulary bytes are decoded strictly', () => {
  it('invalid UTF-8 in a TSV or OBO vocabulary is INVALID_UTF8 naming the line (it was stored as U+FFFD)', async () => {
    const tsv = write('bytes.tsv', Buffer.concat([Buffer.from(`${TSV.split('\n').slice(0, 2).join('\n')}\nLAB:0003\tCHEMICAL\tfoo`), Buffer.from([0xff, 0xfe]), Buffer.from('bar\t\t\n')]));
    const tsvError = await failure(readVocabulary(tsv));
    expect([tsvError.code, tsvError.message, tsvError.details]).toEqual(['INVALID_UTF8', 'bytes.tsv line 3: invalid UTF-8 byte sequence; nothing was imported', { file: 'bytes.tsv', line: 3 }]);
    const obo = write('bytes.obo', Buffer.concat([Buffer.from('format-version: 1.2\n\n[Term]\nid: CHEBI:1\nname: qu'), Buffer.from([0xc3]), Buffer.from('x\n')]));
    const oboError = await failure(readVocabulary(obo));
    expect([oboError.code, oboError.message]).toEqual(['INVALID_UTF8', 'bytes.obo line 5: invalid UTF-8 byte sequence; nothing was imported']);
    // gzip (by suffix) and missing files still behave as before.
    expect((await failure(readVocabulary(join(dir, 'missing.tsv')))).code).toBe('NOT_FOUND');
  });

  it('a directory is BAD_USER_INPUT in every format (it was INVALID_FORMAT "unreadable after line 0" or "not well-formed XML (EISDIR)")', async () => {
    for (const format of ['tsv', 'obo', 'mesh-xml'] as const) {
      const error = await failure(readVocabulary(dir, { format }));
      expect([error.code, error.message]).toEqual(['BAD_USER_INPUT', `vocabulary file ${basename(dir)} is a directory; give one file`]);
    }
  });

  it('MeSH XML: a character split between two 64 KiB reads stays whole; invalid UTF-8 is INVALID_UTF8 naming the line', async () => {
    const head = '<DescriptorRecordSet>\n<!-- ';
    const record = (name: string): string =>
      `<DescriptorRecord><DescriptorUI>D000001</DescriptorUI><DescriptorName><String>${name}</String></DescriptorName><TreeNumberList><TreeNumber>C10.1</TreeNumber></TreeNumberList></DescriptorRecord>\n`;
    const beforeName = ' -->\n<DescriptorRecord><DescriptorUI>D000001</DescriptorUI><DescriptorName><String>M';
    // Pad so that é (C3 A9) starts at byte 65,535: its two bytes arrive in two reads of the file.
    const pad = 65_535 - Buffer.byteLength(head + beforeName);
    const xml = `${head}${'x'.repeat(pad)}${beforeName}énière Disease</String></DescriptorName><TreeNumberList><TreeNumber>C10.1</TreeNumber></TreeNumberList></DescriptorRecord>\n</DescriptorRecordSet>\n`;
    expect(Buffer.from(xml).indexOf(Buffer.from('é'))).toBe(65_535);
    const v = await readVocabulary(write('split.xml', xml));
    expect(v.terms.map((t) => t.name)).toEqual(['Ménière Disease']);

    const bad = Buffer.from(`<DescriptorRecordSet>\n${record('Seizures')}${record('Lith\u0000ium')}</DescriptorRecordSet>\n`);
    const at = bad.indexOf(0);
    const error = await failure(readVocabulary(write('bad.xml', Buffer.concat([bad.subarray(0, at), Buffer.from([0xff]), bad.subarray(at + 1)]))));
    expect([error.code, error.message]).toEqual(['INVALID_UTF8', 'bad.xml line 3: invalid UTF-8 byte sequence; nothing was imported']);
  });
});

describe('shipped species and gene vocabularies', () => {
  it('are valid TSV vocabularies with prefixed NCBI ids', async () => {
    const genes = await readVocabulary(join(import.meta.dirname, '..', 'data', 'kb', 'ncbi-gene-train.tsv.gz'));
    const species = await readVocabulary(join(import.meta.dirname, '..', 'data', 'kb', 'ncbi-taxonomy-s800-train.tsv.gz'));
    expect(genes.terms.length).toBeGreaterThan(3000);
    expect(species.terms.length).toBeGreaterThan(500);
    expect(genes.terms.every((t) => t.type === 'GENE' && /^NCBIGene:\d+$/.test(t.id))).toBe(true);
    expect(species.terms.every((t) => t.type === 'SPECIES' && /^NCBITaxon:\d+$/.test(t.id))).toBe(true);
    expect(species.terms.find((t) => t.id === 'NCBITaxon:9606')).toMatchObject({ name: 'human', synonyms: ['humans', 'Human'] });
  });

  it('MeSH organisms: species-level names with abbreviated binomials, no genus or group names (scripts/build-mesh-organisms.mjs)', async () => {
    const { terms } = await readVocabulary(join(import.meta.dirname, '..', 'data', 'kb', 'mesh-organisms.tsv.gz'));
    expect(terms.length).toBeGreaterThan(1000);
    expect(terms.every((t) => t.type === 'SPECIES' && /^MESH:D\d+$/.test(t.id))).toBe(true);
    const byId = new Map(terms.map((t) => [t.id, t]));
    expect(byId.get('MESH:D042726')).toMatchObject({ name: 'Burkholderia mallei' });
    expect(byId.get('MESH:D042726')!.synonyms).toEqual(expect.arrayContaining(['B. mallei', 'Pseudomonas mallei']));
    expect(byId.get('MESH:D011198')!.synonyms).toContain('S. tuberosum'); // also in MeSH tree J (food): kept
    expect(byId.get('MESH:D006801')!.synonyms).toContain('Human'); // one word, annotated in the training corpora
    expect(terms.flatMap((t) => [t.name, ...t.synonyms])).toEqual(expect.arrayContaining(['HIV', 'HIV-1', 'EBV'])); // acronyms, not genera
    const names = terms.flatMap((t) => [t.name, ...t.synonyms]);
    // One-word genus or higher-taxon names, inverted or qualified forms, strain groups, and ids the corpora type
    // otherwise (Cannabis: a BC5CDR chemical) are all left out.
    for (const absent of ['Plants', 'Insects', 'Fusarium', 'Bacteria', 'Mice, Inbred BALB C', 'BALB C Mice', 'tuberosum, Solanum', 'Man (Taxonomy)', 'Cannabis']) {
      expect(names).not.toContain(absent);
    }
    expect(names.some((n) => n.includes(', ') || n.includes('('))).toBe(false);
    // Every parent is a descriptor of the file, so the graph has no dangling edge.
    expect(terms.every((t) => t.parentIds.every((p) => byId.has(p)))).toBe(true);
    expect(terms.filter((t) => t.parentIds.length > 0).length).toBeGreaterThan(500);
  });
});
