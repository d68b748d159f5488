/**
 * `vaner eval comentions`: how well chemical–disease co-mentions recover curated relations.
 *
 * The gold file's documents are loaded into a fresh, temporary embedded store, with either the gold
 * mentions and ids (`--annotations gold`) or the platform's own labeler and linker (`platform`), so
 * the numbers come from the store's real co-mention counts. Reported:
 *  - P/R/F1 of (document, chemical, disease) co-mention pairs against the file's CID relations;
 *  - precision@k and average precision of the corpus-level ranking of pairs (by count, NPMI, LLR)
 *    against the set of CID pairs of the whole file, and agreement of the top k with the curated
 *    CTD chemical–disease pairs (data/kb/ctd-chemical-disease-pairs.txt).
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { VanerError } from '../../errors.js';
import { parsePubTatorIds } from '../../formats/entity-ids.js';
import { readDocuments } from '../../formats/read-documents.js';
import type { DocumentRecord } from '../../formats/types.js';
import { createWarningTally } from '../../formats/warning-tally.js';
import { toMentions } from '../../jobs/annotate-processor.js';
import { sentenceIndexer } from '../../jobs/sentence-index.js';
import type { Linker } from '../../kb/linker-types.js';
import { buildLinker } from '../../main.js';
import type { Labeler, CoMentionLevel, MentionInput } from '../../domain/index.js';
import { averagePrecision, precisionAtK, setScores, type SetScores } from '../../eval/index.js';
import { openEmbeddedStore } from '../../store/index.js';
import type { Store } from '../../store/port.js';
import { parseChoice, parseIntegerFlag } from '../args.js';
import { LABELER_CHOICES, openAnnotationResources, type AnnotationResources } from '../annotation-resources.js';
import { loadCliConfig } from '../cli-config.js';
import type { Env } from '../dispatch.js';
import { parseEvalArgs, writeWarnings } from '../eval-common.js';
import { labelRecords } from '../label-records.js';

const ANNOTATIONS = ['gold', 'platform'] as const;
const LEVELS = ['document', 'sentence'] as const;
const PROVENANCE_GOLD = { labeler: 'gold', modelVersion: 'gold', linkerVersion: 'gold' };

export const HELP = `usage: vaner eval comentions --gold <pubtator with CID relations> [--annotations gold|platform] [--level document|sentence]
                             [--labeler auto|model|dictionary|union] [--ctd FILE] [--k 10,50,100] [--json]

Loads the gold documents into a temporary embedded store (gold mentions, or the platform's labeler
and linker), then scores chemical–disease co-mentions against the CID relations: P/R/F1 of
(document, chemical, disease) pairs, and precision@k / average precision of the corpus-level ranking
of pairs by count, NPMI and LLR, plus agreement of the top k with the curated CTD pairs.

options:
  --gold FILE          PubTator file with CID relation lines (required)
  --annotations A      gold (default): the file's mentions and ids; platform: label and link the text
  --level L            document (default) or sentence: co-occurrence unit for pairs and scores
  --labeler L          platform labeler: auto, model, dictionary, union (default VANER_LABELER)
  --ctd FILE           curated CTD chemical–disease pairs (default <VANER_KB_DIR>/ctd-chemical-disease-pairs.txt)
  --k LIST             cut-offs for precision@k (default 10,20,50,100,200,500)
  --batch-size N       documents per labeler call (default VANER_NER_BATCH_SIZE)
  --json               print the results as JSON instead of tables
  -h, --help           show this help
`;

interface RankedPair {
  readonly key: string;
  readonly count: number;
  readonly npmi: number;
  readonly llr: number;
}

export async function run(argv: string[], env: Env): Promise<number> {
  const values = parseEvalArgs(argv, 'comentions', HELP, {
    annotations: { type: 'string' },
    level: { type: 'string' },
    labeler: { type: 'string' },
    ctd: { type: 'string' },
    k: { type: 'string' },
    'batch-size': { type: 'string' },
  });
  if (values === null) return 0;
  const annotations = parseChoice('annotations', values.annotations, ANNOTATIONS) ?? 'gold';
  const level: CoMentionLevel = (parseChoice('level', values.level, LEVELS) ?? 'document') === 'document' ? 'DOCUMENT' : 'SENTENCE';
  const labelerChoice = parseChoice('labeler', values.labeler, LABELER_CHOICES);
  const ks = parseKs(values.k ?? '10,20,50,100,200,500');
  const { config, logger } = loadCliConfig(env, { nerBatchSize: parseIntegerFlag('batch-size', values['batch-size'], 1, 1024) });
  const ctdFile = path.resolve(values.ctd ?? path.join(config.kbDir, 'ctd-chemical-disease-pairs.txt'));
  if (values.ctd !== undefined && !fs.existsSync(ctdFile)) throw new VanerError('BAD_USER_INPUT', `--ctd file ${ctdFile} does not exist`, { details: { flag: 'ctd' } });
  const ctdPairs = fs.existsSync(ctdFile) ? readCtdPairs(ctdFile) : null;

  const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'vaner-eval-comentions-'));
  const store = await openEmbeddedStore({ path: path.join(tmp, 'eval.db'), logger });
  let resources: AnnotationResources | null = null;
  const tally = createWarningTally();
  try {
    const records = readDocuments(path.resolve(values.gold), { format: 'pubtator', onWarning: tally.add });
    const goldTriples = new Set<string>();
    let documents = 0;
    const load = async (record: DocumentRecord, mentions: MentionInput[]): Promise<void> => {
      if (record.externalId === null) throw new VanerError('INVALID_FORMAT', `${record.file}:${record.line}: a document without an id`);
      for (const r of record.relations ?? []) {
        if (r.type !== 'CID') continue;
        const [chemical, disease] = r.args.map((a) => parsePubTatorIds(a));
        if (chemical?.length !== 1 || disease?.length !== 1) {
          throw new VanerError('INVALID_FORMAT', `${record.file}:${r.line}: a CID relation needs one chemical and one disease id`);
        }
        goldTriples.add(`${record.externalId}\t${chemical[0]}\t${disease[0]}`);
      }
      const [put] = await store.putDocuments([{ externalId: record.externalId, title: record.title, text: record.text }]);
      if (put === undefined || put.outcome === 'unchanged') throw new VanerError('INVALID_FORMAT', `document ${record.externalId} appears twice in the gold file`);
      await store.replaceMentions(put.document.id, put.document.textHash, mentions, PROVENANCE_GOLD);
      documents++;
    };

    let platform: { labeler: Labeler; linker: Linker } | null = null;
    if (annotations === 'gold') {
      for await (const record of records) await load(record, goldMentions(record));
    } else {
      resources = await openAnnotationResources(config, labelerChoice ?? config.labeler, logger);
      const linker = await buildLinker(resources.store, config);
      platform = { labeler: resources.labeler, linker };
      for await (const { record, spans } of labelRecords(records, resources.labeler, { batchSize: config.nerBatchSize, types: ['CHEMICAL', 'DISEASE'] })) {
        await load(record, toMentions(record.text, spans, await linker.link(record.text, spans)));
      }
    }
    if (goldTriples.size === 0) throw new VanerError('BAD_USER_INPUT', 'the gold file has no CID relations to score against');

    const predictedTriples = await documentPairs(store, level);
    const pairScores = setScores(predictedTriples, goldTriples);
    const goldPairs = new Set([...goldTriples].map((t) => t.slice(t.indexOf('\t') + 1)));
    const ranked = await corpusPairs(store, level);
    const rankings: [string, RankedPair[]][] = [
      ['COUNT', sortBy(ranked, (p) => p.count)],
      ['NPMI', sortBy(ranked, (p) => p.npmi)],
      ['NPMI, count ≥ 2', sortBy(ranked.filter((p) => p.count >= 2), (p) => p.npmi)],
      ['LLR', sortBy(ranked, (p) => p.llr)],
    ];
    const rankingRows = rankings.map(([name, list]) => {
      const keys = list.map((p) => p.key);
      return {
        ranking: name,
        candidates: keys.length,
        averagePrecision: averagePrecision(keys, goldPairs),
        precisionAtK: Object.fromEntries(ks.map((k) => [k, precisionAtK(keys, goldPairs, k)])),
        ctdAtK: ctdPairs === null ? null : Object.fromEntries(ks.map((k) => [k, precisionAtK(keys, ctdPairs, k)])),
      };
    });
    const candidateKeys = ranked.map((p) => p.key);
    const summary = {
      gold: values.gold,
      annotations,
      level: level.toLowerCase(),
      labeler: platform === null ? null : { kind: platform.labeler.kind, version: platform.labeler.version, linker: platform.linker.version },
      documents,
      documentPairs: pairScores,
      corpusPairs: {
        candidates: candidateKeys.length,
        goldPairs: goldPairs.size,
        goldPairsRecovered: candidateKeys.filter((k) => goldPairs.has(k)).length,
        candidatesInCtd: ctdPairs === null ? null : candidateKeys.filter((k) => ctdPairs.has(k)).length,
      },
      rankings: rankingRows,
    };
    writeWarnings(tally);
    process.stdout.write(values.json ? `${JSON.stringify(summary)}\n` : formatTables(summary.documentPairs, summary, rankingRows, ks, ctdPairs !== null));
    return 0;
  } finally {
    await resources?.close();
    await store.close();
    fs.rmSync(tmp, { recursive: true, force: true });
  }
}

/** Gold mentions as store mentions: one per id (composites name several entities), sentence from the platform's splitter. */
function goldMentions(record: DocumentRecord): MentionInput[] {
  const sentenceOf = sentenceIndexer(record.text);
  return (record.mentions ?? []).flatMap((m): MentionInput[] => {
    const base = { start: m.start, end: m.end, text: m.text, type: m.type, confidence: null, matchedName: null, linkConfidence: null, sentence: sentenceOf(m.start) };
    if (m.ids.length === 0) return [{ ...base, entityId: null, linkMethod: null }];
    return m.ids.map((id, i) => ({ ...base, entityId: id, linkMethod: i === 0 ? ('exact' as const) : ('composite' as const) }));
  });
}

/** (document external id, chemical, disease) for every chemical and disease sharing a unit; rejected and unlinked mentions do not count. */
async function documentPairs(store: Store, level: CoMentionLevel): Promise<Set<string>> {
  const triples = new Set<string>();
  let after: string | null = null;
  do {
    const page: Awaited<ReturnType<Store['listDocuments']>> = await store.listDocuments({ first: 500, after });
    const mentionLists = await store.getMentionsByDocument(page.items.map((d) => d.id));
    page.items.forEach((doc, i) => {
      const units = new Map<string, { chemicals: Set<string>; diseases: Set<string> }>();
      for (const m of mentionLists[i]!) {
        if (m.entityId === null || m.review === 'rejected') continue;
        if (level === 'SENTENCE' && m.sentence === null) continue;
        const unit = level === 'DOCUMENT' ? '' : String(m.sentence);
        const sets = units.get(unit) ?? { chemicals: new Set<string>(), diseases: new Set<string>() };
        units.set(unit, sets);
        if (m.type === 'CHEMICAL') sets.chemicals.add(m.entityId);
        else if (m.type === 'DISEASE') sets.diseases.add(m.entityId);
      }
      for (const { chemicals, diseases } of units.values()) {
        for (const c of chemicals) for (const d of diseases) triples.add(`${doc.externalId}\t${c}\t${d}`);
      }
    });
    after = page.hasNextPage ? page.endCursor : null;
  } while (after !== null);
  return triples;
}

/** Every chemical–disease pair of the corpus with its count and scores, from the store's coMentions. */
async function corpusPairs(store: Store, level: CoMentionLevel): Promise<RankedPair[]> {
  const chemicals = new Set<string>();
  let after: string | null = null;
  do {
    const page: Awaited<ReturnType<Store['listDocuments']>> = await store.listDocuments({ first: 500, after });
    for (const mentions of await store.getMentionsByDocument(page.items.map((d) => d.id))) {
      for (const m of mentions) if (m.type === 'CHEMICAL' && m.entityId !== null && m.review !== 'rejected') chemicals.add(m.entityId);
    }
    after = page.hasNextPage ? page.endCursor : null;
  } while (after !== null);
  const pairs: RankedPair[] = [];
  for (const chemical of [...chemicals].sort()) {
    let cursor: string | null = null;
    do {
      const page: Awaited<ReturnType<Store['coMentions']>> = await store.coMentions(chemical, { first: 1000, after: cursor, type: 'DISEASE', level, evidenceLimit: 0 });
      for (const c of page.items) pairs.push({ key: `${chemical}\t${c.entityId}`, count: level === 'DOCUMENT' ? c.documentCount : c.sentenceCount!, npmi: c.npmi!, llr: c.llr! });
      cursor = page.hasNextPage ? page.endCursor : null;
    } while (cursor !== null);
  }
  return pairs;
}

/** Descending by the score, ties by pair key, so every ranking is deterministic. */
function sortBy(pairs: readonly RankedPair[], score: (p: RankedPair) => number): RankedPair[] {
  return [...pairs].sort((a, b) => score(b) - score(a) || (a.key < b.key ? -1 : a.key > b.key ? 1 : 0));
}

/** `C000081 D012640` lines → `MESH:C000081\tMESH:D012640`. */
function readCtdPairs(file: string): Set<string> {
  const pairs = new Set<string>();
  fs.readFileSync(file, 'utf8').split('\n').forEach((line, i) => {
    const trimmed = line.trim();
    if (trimmed === '' || trimmed.startsWith('#')) return;
    const [chemical, disease, extra] = trimmed.split(/\s+/);
    if (chemical === undefined || disease === undefined || extra !== undefined) {
      throw new VanerError('INVALID_FORMAT', `${file}:${i + 1}: expected "chemical disease" MeSH ids`);
    }
    pairs.add(`${parsePubTatorIds(chemical)[0]}\t${parsePubTatorIds(disease)[0]}`);
  });
  return pairs;
}

function parseKs(value: string): number[] {
  const ks = value.split(',').map((k) => k.trim());
  if (ks.some((k) => !/^\d+$/.test(k) || Number(k) < 1)) throw new VanerError('BAD_USER_INPUT', `--k takes positive integers separated by commas; got "${value}"`, { details: { flag: 'k' } });
  return ks.map(Number);
}

const f3 = (v: number): string => v.toFixed(3);

function formatTables(
  pairs: SetScores,
  summary: { annotations: string; level: string; documents: number; corpusPairs: { candidates: number; goldPairs: number; goldPairsRecovered: number; candidatesInCtd: number | null } },
  rows: { ranking: string; candidates: number; averagePrecision: number; precisionAtK: Record<number, number>; ctdAtK: Record<number, number> | null }[],
  ks: readonly number[],
  ctd: boolean,
): string {
  const out: string[] = [];
  out.push(`annotations: ${summary.annotations}, level: ${summary.level}, documents: ${summary.documents}`, '');
  out.push('| pairs | TP | predicted | gold | precision | recall | F1 |', '|---|---|---|---|---|---|---|');
  out.push(`| (document, chemical, disease) co-mentioned in one ${summary.level} vs CID | ${pairs.truePositives} | ${pairs.predicted} | ${pairs.gold} | ${f3(pairs.precision)} | ${f3(pairs.recall)} | ${f3(pairs.f1)} |`, '');
  const c = summary.corpusPairs;
  out.push(`corpus pairs: ${c.candidates} candidates, ${c.goldPairsRecovered} of ${c.goldPairs} gold CID pairs among them${c.candidatesInCtd === null ? '' : `, ${c.candidatesInCtd} in CTD`}`, '');
  out.push(`| ranking | candidates | AP | ${ks.map((k) => `P@${k}`).join(' | ')} |${ctd ? ` ${ks.map((k) => `CTD@${k}`).join(' | ')} |` : ''}`);
  out.push(`|---|---|---|${ks.map(() => '---').join('|')}|${ctd ? `${ks.map(() => '---').join('|')}|` : ''}`);
  for (const r of rows) {
    out.push(`| ${r.ranking} | ${r.candidates} | ${f3(r.averagePrecision)} | ${ks.map((k) => f3(r.precisionAtK[k]!)).join(' | ')} |${r.ctdAtK === null ? '' : ` ${ks.map((k) => f3(r.ctdAtK![k]!)).join(' | ')} |`}`);
  }
  return `${out.join('\n')}\n`;
}
