/**
 * `vaner eval link`: accuracy at 1 of the entity linker on gold mentions, per type, and document-level
 * normalisation P/R/F1 end to end (labeler + linker). Also fits the linker's confidence calibration.
 */
import path from 'node:path';
import { VanerError } from '../../errors.js';
import { readDocuments } from '../../formats/read-documents.js';
import type { DocumentRecord } from '../../formats/types.js';
import { createWarningTally } from '../../formats/warning-tally.js';
import {
  createDictionaryLabeler,
  createExactLinker,
  readAnnotationCounts,
  KB_FILES,
  readCtdMedic,
  readDictionaryRules,
  readKnowledgeBaseNames,
  readKnowledgeBaseAliases,
} from '../../kb/index.js';
import { readAnnotationNameCounts } from '../../kb/annotation-counts.js';
import { createEntityLinker, type EntityLinker, type EntityLinkerOptions } from '../../kb/entity-linker.js';
import { FEATURE_NAMES, fitLogistic, type LinkCalibration, type LinkFeatures } from '../../kb/link-calibration.js';
import { createAccuracyTally, documentNormalizationScores, type AccuracyRow, type PrfRow } from '../../eval/index.js';
import { fitReranker, RERANK_FEATURE_NAMES, rerankFeatureVector, type RerankExample, type RerankModel } from '../../kb/candidate-reranker.js';
import { annotationNameKey } from '../../kb/annotation-counts.js';
import type { Linker } from '../../kb/linker-types.js';
import { buildLinker } from '../../main.js';
import type { EntityType, Labeler, Span, EntityName } from '../../domain/index.js';
import { parseChoice } from '../args.js';
import { openAnnotationResources } from '../annotation-resources.js';
import { loadCliConfig } from '../cli-config.js';
import type { Env } from '../dispatch.js';
import { parseEvalArgs, writeWarnings } from '../eval-common.js';
import { labelRecords } from '../label-records.js';

const LINKERS = ['entity', 'exact'] as const;

export const HELP = `usage: vaner eval link --gold <file> [--kb DIR] [--linker entity|exact] [--threshold T] [--no-end-to-end] [--json]
       vaner eval link --gold <dev file> --kb DIR --fit <train file>[,<train file>...]

Accuracy at 1 of the linker on the gold mentions of <file> (the linker gets the gold spans; a
composite gold mention counts only when every id matches; gold -1 mentions are excluded and
counted), per type; then document-level normalisation P/R/F1 end to end: the set of (document, id)
pairs the labeler + linker produce vs the gold set.

options:
  --gold FILE        gold PubTator file (required)
  --kb DIR           build the linker (and a dictionary labeler) from the vocabulary files in DIR
                     instead of the store in VANER_DATA_DIR; e.g. a training-only folder from
                     \`node scripts/build-kb-data.mjs --train-only --out /tmp/kb-train\`
  --linker L         entity (default) or exact (the v1 exact/normalised linker, for comparison)
  --threshold T      link threshold of the entity linker (default: the calibrated one)
  --fit FILES        fit the confidence calibration on these (TRAINING) gold files, with the
                     corpus-annotation names left out so that the training mentions are unseen;
                     then pick the threshold with the best mention-level F1 on --gold
                     (DEVELOPMENT) and print the calibration as JSON (needs --kb)
  --strict-ids       with --kb, compare gold ids as written; by default a gold id that CTD MEDIC
                     lists as an alternative id of a disease (OMIM ids in NCBI-disease), or an old
                     MeSH supplementary id the knowledge base's MeSH history maps to a current
                     descriptor, counts as that entity's id, the one the knowledge base links to
  --prior-weight W   weight of the frequency prior in approximate ranking (entity linker, with
                     --no-reranker)
  --fit-reranker FILES  fit the candidate re-ranker on these (TRAINING) gold files (cross-fitted:
                     each half of the documents is linked with annotation names and priors from
                     the other half), print its weights as JSON and evaluate with them (needs --kb)
  --no-reranker      rank candidates as linker v2 did (strongest lookup key, then cosine + prior)
  --no-end-to-end    skip the labeler run
  --json             print JSON instead of tables
  -h, --help         show this help
`;

interface GoldDocument {
  readonly record: DocumentRecord;
}

export async function run(argv: string[], env: Env): Promise<number> {
  const values = parseEvalArgs(argv, 'link', HELP, {
    kb: { type: 'string' },
    linker: { type: 'string' },
    threshold: { type: 'string' },
    fit: { type: 'string' },
    'no-end-to-end': { type: 'boolean' },
    'strict-ids': { type: 'boolean' },
    'prior-weight': { type: 'string' },
    'fit-reranker': { type: 'string' },
    'no-reranker': { type: 'boolean' },
  });
  if (values === null) return 0;
  const linkerChoice = parseChoice('linker', values.linker, LINKERS) ?? 'entity';
  const threshold = values.threshold === undefined ? undefined : Number(values.threshold);
  const priorWeight = values['prior-weight'] === undefined ? undefined : Number(values['prior-weight']);
  if (priorWeight !== undefined && !(priorWeight >= 0)) throw new VanerError('BAD_USER_INPUT', `--prior-weight must be a number >= 0, got "${values['prior-weight']}"`);
  if (threshold !== undefined && !(threshold >= 0 && threshold <= 1)) {
    throw new VanerError('BAD_USER_INPUT', `--threshold must be a number in [0, 1], got "${values.threshold}"`, { details: { flag: 'threshold' } });
  }
  if (values.fit !== undefined && values.kb === undefined) throw new VanerError('BAD_USER_INPUT', '--fit needs --kb DIR (the training-only knowledge base)');
  if (values['fit-reranker'] !== undefined && values.kb === undefined) throw new VanerError('BAD_USER_INPUT', '--fit-reranker needs --kb DIR (the training-only knowledge base)');
  let gold = await readGold(values.gold);

  if (values.kb !== undefined) {
    const kbDir = path.resolve(values.kb);
    const alt = values['strict-ids'] ? new Map<string, string>() : await readAltIds(kbDir);
    gold = mapAltIds(gold, alt);
    const started = performance.now();
    const names: EntityName[] = [];
    for await (const name of readKnowledgeBaseNames(kbDir)) names.push(name);
    const counts = await readAnnotationCounts(kbDir);
    const priors = { annotationCounts: counts, annotationNameCounts: await readAnnotationNameCounts(kbDir), ...(priorWeight !== undefined ? { priorWeight } : {}) };
    process.stderr.write(`read ${names.length} names from ${kbDir} in ${Math.round(performance.now() - started)} ms\n`);
    let reranker: RerankModel | null | undefined = values['no-reranker'] ? null : undefined;
    if (values['fit-reranker'] !== undefined) {
      reranker = await fitRerankerOn(values['fit-reranker'].split(','), names, alt);
      process.stdout.write(`${JSON.stringify(reranker)}\n`);
    }
    const withReranker = reranker === undefined ? priors : { ...priors, reranker };
    let calibration: LinkCalibration | undefined;
    if (values.fit !== undefined) {
      calibration = await fitCalibration(values.fit.split(','), names, withReranker, gold, alt);
      process.stdout.write(`${JSON.stringify(calibration)}\n`);
    }
    const linker = await makeLinker(linkerChoice, names, withReranker, calibration, threshold);
    const labeler = values['no-end-to-end'] ? null : await createDictionaryLabeler({ names, ...(await readDictionaryRules(kbDir)) });
    try {
      await report(gold, linker, labeler, values.json ?? false);
    } finally {
      await labeler?.close();
    }
    return 0;
  }

  const { config, logger } = loadCliConfig(env);
  const resources = await openAnnotationResources(config, config.labeler, logger);
  try {
    const linker = linkerChoice === 'exact' ? await createExactLinker({ names: resources.store.iterateNames() }) : await buildLinker(resources.store, config);
    await report(gold, linker, values['no-end-to-end'] ? null : resources.labeler, values.json ?? false);
    return 0;
  } finally {
    await resources.close();
  }
}

/** CTD MEDIC alternative id -> primary id (the first disease listing it, as the knowledge base resolves them). */
async function readAltIds(kbDir: string): Promise<Map<string, string>> {
  const alt = new Map<string, string>();
  for await (const { record, altIds } of readCtdMedic(path.join(kbDir, KB_FILES.ctdDiseases))) {
    for (const id of altIds) if (!alt.has(id)) alt.set(id, record.id);
  }
  // MeSH history: an old supplementary id the knowledge base knows as an alias of its current descriptor.
  for (const alias of await readKnowledgeBaseAliases(kbDir)) if (!alt.has(alias.id)) alt.set(alias.id, alias.entityId);
  return alt;
}

function mapAltIds(gold: readonly GoldDocument[], alt: ReadonlyMap<string, string>): GoldDocument[] {
  return gold.map(({ record }) => ({
    record: { ...record, mentions: (record.mentions ?? []).map((m) => ({ ...m, ids: [...new Set(m.ids.map((id) => alt.get(id) ?? id))] })) },
  }));
}

/** Reads a gold file; mentions whose offsets do not match their text (a few in NCBI-disease) are skipped with a warning. */
async function readGold(file: string): Promise<GoldDocument[]> {
  const tally = createWarningTally();
  const docs: GoldDocument[] = [];
  for await (const record of readDocuments(path.resolve(file), { format: 'pubtator', onWarning: tally.add, offsetMismatch: 'skip' })) docs.push({ record });
  writeWarnings(tally);
  if (docs.every((d) => (d.record.mentions ?? []).length === 0)) throw new VanerError('BAD_USER_INPUT', `${file} has no gold mentions`);
  return docs;
}

function goldSpans(record: DocumentRecord): Span[] {
  return (record.mentions ?? []).map((m) => ({ start: m.start, end: m.end, type: m.type, text: m.text, confidence: null }));
}

async function makeLinker(
  choice: (typeof LINKERS)[number],
  names: readonly EntityName[],
  priors: Pick<EntityLinkerOptions, 'annotationCounts' | 'annotationNameCounts' | 'priorWeight' | 'reranker'>,
  calibration: LinkCalibration | undefined,
  threshold: number | undefined,
): Promise<Linker> {
  const started = performance.now();
  const linker = choice === 'exact'
    ? await createExactLinker({ names, ...(priors.annotationCounts ? { annotationCounts: priors.annotationCounts } : {}) })
    : await createEntityLinker({ names, ...priors, ...(calibration ? { calibration } : {}), ...(threshold !== undefined ? { threshold } : {}) });
  process.stderr.write(`built ${choice} linker ${linker.version} in ${Math.round(performance.now() - started)} ms\n`);
  return linker;
}

/** Fits weights on the training files (annotation names left out), picks the threshold on `dev`. */
async function fitCalibration(
  files: readonly string[],
  names: readonly EntityName[],
  priors: Pick<EntityLinkerOptions, 'annotationCounts' | 'annotationNameCounts' | 'priorWeight' | 'reranker'>,
  dev: readonly GoldDocument[],
  alt: ReadonlyMap<string, string>,
): Promise<LinkCalibration> {
  // Without the corpus names (and their per-name prior) the training mentions are as unseen as new text is.
  const unseen = await createEntityLinker({
    names: names.filter((n) => n.origin !== 'annotation'),
    ...(priors.annotationCounts ? { annotationCounts: priors.annotationCounts } : {}),
    ...(priors.reranker !== undefined ? { reranker: priors.reranker } : {}),
    threshold: 0,
  });
  const samples: { features: LinkFeatures; correct: boolean }[] = [];
  for (const file of files) {
    for (const { record } of mapAltIds(await readGold(file), alt)) {
      const mentions = record.mentions ?? [];
      const explained = unseen.explain(record.text, goldSpans(record));
      explained.forEach(({ result, features }, i) => {
        const ids = mentions[i]!.ids;
        if (features === null || ids.length === 0) return;
        samples.push({ features, correct: sameIds(ids, predictedIds(result)) });
      });
    }
  }
  const weights = fitLogistic(samples);
  process.stderr.write(`fitted on ${samples.length} training mentions: ${FEATURE_NAMES.map((n, i) => `${n}=${weights[i]}`).join(' ')}\n`);
  const full = await createEntityLinker({ names, ...priors, calibration: { weights, threshold: 0 } });
  const scored: { confidence: number; correct: boolean }[] = [];
  let goldCount = 0;
  for (const { record } of dev) {
    const mentions = record.mentions ?? [];
    full.explain(record.text, goldSpans(record)).forEach(({ result }, i) => {
      const ids = mentions[i]!.ids;
      if (ids.length === 0) return;
      goldCount += 1;
      if (result.entityId !== null) scored.push({ confidence: result.confidence ?? 0, correct: sameIds(ids, predictedIds(result)) });
    });
  }
  const curve: { threshold: number; f1: number }[] = [];
  for (let t = 0; t <= 100; t += 1) {
    const threshold = t / 100;
    const kept = scored.filter((s) => s.confidence >= threshold);
    const tp = kept.filter((s) => s.correct).length;
    const p = kept.length === 0 ? 0 : tp / kept.length;
    const r = tp / goldCount;
    curve.push({ threshold, f1: p + r === 0 ? 0 : (2 * p * r) / (p + r) });
  }
  // The F1 curve is flat near its top; the lowest threshold within 0.002 of the best keeps the most links.
  const top = Math.max(...curve.map((c) => c.f1));
  const best = curve.find((c) => c.f1 >= top - 0.002)!;
  process.stderr.write(`threshold ${best.threshold} gives mention-level F1 ${best.f1.toFixed(4)} on the development file\n`);
  return { weights, threshold: best.threshold };
}

/**
 * Fits the candidate re-ranker on TRAINING gold files, cross-fitted: the documents are split in two
 * halves (by position), and the mentions of each half are linked by a linker whose annotation names
 * and priors come from the other half only, so every training mention is as unseen as a new
 * document's would be while the priors still behave as they do at run time.
 */
async function fitRerankerOn(files: readonly string[], names: readonly EntityName[], alt: ReadonlyMap<string, string>): Promise<RerankModel> {
  const docs: GoldDocument[] = [];
  for (const file of files) docs.push(...mapAltIds(await readGold(file), alt));
  const vocabulary = names.filter((n) => n.origin !== 'annotation');
  const examples: RerankExample[] = [];
  let mentions = 0;
  let covered = 0;
  for (const half of [0, 1]) {
    const priorDocs = docs.filter((_, i) => i % 2 !== half);
    const annotationNames: EntityName[] = [];
    const counts = new Map<string, number>();
    const nameCounts = new Map<string, number>();
    for (const { record } of priorDocs) {
      for (const m of record.mentions ?? []) {
        if (m.ids.length !== 1) continue;
        const id = m.ids[0]!;
        annotationNames.push({ entityId: id, type: m.type, name: m.text, origin: 'annotation' });
        counts.set(id, (counts.get(id) ?? 0) + 1);
        const key = annotationNameKey(id, m.text);
        nameCounts.set(key, (nameCounts.get(key) ?? 0) + 1);
      }
    }
    const linker = await createEntityLinker({ names: [...vocabulary, ...annotationNames], annotationCounts: counts, annotationNameCounts: nameCounts, threshold: 0, reranker: null });
    docs.forEach(({ record }, i) => {
      if (i % 2 !== half) return;
      const ms = record.mentions ?? [];
      linker.explain(record.text, goldSpans(record), true).forEach((explained, j) => {
        const ids = ms[j]!.ids;
        if (ids.length !== 1) return;
        mentions += 1;
        const list = explained.candidates ?? [];
        const gold = list.findIndex((c) => c.entityId === ids[0]);
        if (gold >= 0) covered += 1;
        // Examples follow the candidates' id order, not the ranking, so no earlier model leaks in.
        const sorted = [...list].sort((a, b) => (a.entityId < b.entityId ? -1 : a.entityId > b.entityId ? 1 : 0));
        if (gold >= 0 && sorted.length > 1) {
          examples.push({ candidates: sorted.map((c) => rerankFeatureVector(c.features)), gold: sorted.findIndex((c) => c.entityId === ids[0]) });
        }
      });
    });
  }
  const model = fitReranker(examples);
  process.stderr.write(
    `re-ranker: ${mentions} training mentions, right entity among the candidates for ${covered} (${((100 * covered) / Math.max(1, mentions)).toFixed(1)} %), ${examples.length} with a choice to learn from\n` +
      `  ${RERANK_FEATURE_NAMES.map((n, i) => `${n}=${model.weights[i]}`).join(' ')}\n`,
  );
  return model;
}

function predictedIds(result: { entityId: string | null; additionalEntityIds?: readonly string[] }): string[] {
  return result.entityId === null ? [] : [result.entityId, ...(result.additionalEntityIds ?? [])];
}

function sameIds(a: readonly string[], b: readonly string[]): boolean {
  const sa = new Set(a);
  const sb = new Set(b);
  return sa.size === sb.size && [...sa].every((x) => sb.has(x));
}

async function report(gold: readonly GoldDocument[], linker: Linker | EntityLinker, labeler: Labeler | null, json: boolean): Promise<void> {
  const tally = createAccuracyTally();
  const goldPairs = new Map<EntityType, Set<string>>();
  for (const { record } of gold) {
    const mentions = record.mentions ?? [];
    const links = await linker.link(record.text, goldSpans(record));
    mentions.forEach((m, i) => {
      tally.add(m.type, m.ids, predictedIds(links[i]!));
      const set = goldPairs.get(m.type) ?? new Set<string>();
      for (const id of m.ids) set.add(`${record.externalId}\u0000${id}`);
      goldPairs.set(m.type, set);
    });
  }
  const accuracy = tally.rows();
  let endToEnd: PrfRow[] | null = null;
  if (labeler !== null) {
    const types = [...goldPairs.keys()].filter((t) => labeler.types.includes(t));
    const predicted = new Map<EntityType, Set<string>>();
    async function* records(): AsyncGenerator<DocumentRecord> {
      for (const { record } of gold) yield record;
    }
    for await (const { record, spans } of labelRecords(records(), labeler, { batchSize: 16, types })) {
      const links = await linker.link(record.text, spans);
      spans.forEach((span, i) => {
        const set = predicted.get(span.type) ?? new Set<string>();
        for (const id of predictedIds(links[i]!)) set.add(`${record.externalId}\u0000${id}`);
        predicted.set(span.type, set);
      });
    }
    endToEnd = documentNormalizationScores(new Map([...goldPairs].filter(([t]) => types.includes(t))), predicted);
  }
  if (json) {
    process.stdout.write(`${JSON.stringify({ linker: linker.version, labeler: labeler ? `${labeler.kind} ${labeler.version}` : null, accuracy, endToEnd })}\n`);
    return;
  }
  process.stdout.write(formatAccuracy(accuracy, linker.version));
  if (endToEnd !== null) process.stdout.write(formatPrf(endToEnd, labeler!));
}

function formatAccuracy(rows: readonly AccuracyRow[], version: string): string {
  const lines = [`acc@1 on gold mentions (linker ${version})`, 'type      mentions  correct  acc@1   composite  abstained  gold -1'];
  for (const r of rows) {
    lines.push(
      `${r.type.padEnd(9)} ${String(r.mentions).padStart(8)} ${String(r.correct).padStart(8)}  ${r.accuracy.toFixed(4)}  ${`${r.compositeCorrect}/${r.composite}`.padStart(9)}  ${String(r.abstained).padStart(9)}  ${String(r.unlinkedGold).padStart(7)}`,
    );
  }
  return `${lines.join('\n')}\n`;
}

function formatPrf(rows: readonly PrfRow[], labeler: Labeler): string {
  const lines = [`document-level normalisation, end to end (labeler ${labeler.kind} ${labeler.version})`, 'type      gold  predicted    tp  precision  recall  f1'];
  for (const r of rows) {
    lines.push(`${r.type.padEnd(9)} ${String(r.gold).padStart(5)} ${String(r.predicted).padStart(10)} ${String(r.truePositives).padStart(5)}  ${r.precision.toFixed(4).padStart(9)}  ${r.recall.toFixed(4)}  ${r.f1.toFixed(4)}`);
  }
  return `${lines.join('\n')}\n`;
}
