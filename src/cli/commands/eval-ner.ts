/** `vaner eval ner`: strict entity-level P/R/F1 of a labeler against a gold file. */
import { VanerError } from '../../errors.js';
import { computeNerMetrics, defaultGoldTypeMap, mapGoldTypes, type EvalDocument, type GoldTypeMap, type ScoredSpan, formatMetricsTable, metricsToJson } from '../../eval/index.js';
import { mapEntityType, planInputs, readPlanned, createWarningTally, type PlannedInput } from '../../formats/index.js';
import { ENTITY_TYPES, isEntityType, schemeFor, type EntityType } from '../../domain/index.js';
import { parseChoice, parseIntegerFlag } from '../args.js';
import { LABELER_CHOICES, openAnnotationResources } from '../annotation-resources.js';
import { loadCliConfig } from '../cli-config.js';
import type { Env } from '../dispatch.js';
import { parseEvalArgs, writeWarnings } from '../eval-common.js';
import { openCliInputs, type CliInput } from '../input-files.js';
import { labelRecords } from '../label-records.js';
import { waitForShutdownSignal } from '../shutdown-signal.js';
import { openPredictionWriter, type PredictionWriter } from '../prediction-writer.js';

const GOLD_FORMATS = ['auto', 'pubtator', 'conll', 'brat', 'jsonl'] as const;

export const HELP = `usage: vaner eval ner --gold <file> [--input-format pubtator|conll|brat|jsonl] [--labeler auto|model|dictionary|union] [--scheme NAME] [--types CHEMICAL,DISEASE] [--gold-type-map FROM=TO,...|none] [--predictions FILE] [--json]

Labels the text of every gold document and prints strict entity-level precision, recall and F1
(exact start, end and type) per type and micro-averaged. Only types that occur in the gold file are
scored (intersected with --types when given). CoNLL gold is scored on the text rebuilt from its
tokens (joined by single spaces), so offsets compare directly.

Gold PROTEIN mentions (JNLPBA's protein) are scored as GENE when the labeler labels GENE and has no
PROTEIN type, as the VANER model does (it reports proteins as GENE), unless --types names PROTEIN;
one stderr line says how many.
--gold-type-map replaces that rule: none scores gold types as they are; FROM=TO pairs rename those.

options:
  --gold FILE          gold file or BRAT directory (required)
  --input-format F     gold format: auto (default), pubtator, conll, brat, jsonl; --format is an
                       old spelling, still accepted here (the output is chosen with --json)
  --labeler L          auto, model, dictionary, union (default VANER_LABELER)
  --scheme NAME        annotation scheme of the model (bc5cdr, ncbi-disease, bc2gm, jnlpba, linnaeus,
                       s800; README "Schemes"); default VANER_SCHEME, else the bundle's default
  --types T1,T2        restrict to these types (${ENTITY_TYPES.join(', ')}); applied
                       after the gold types are renamed
  --gold-type-map M    rename gold types before scoring: FROM=TO pairs separated by commas
                       (protein=GENE, cell_line=CELL_TYPE; corpus spellings accepted), or none;
                       default: protein=GENE when the labeler has GENE and no PROTEIN type
  --default-type T     CoNLL: type of bare B/I tags
  --skip-mismatched    skip gold mentions whose offsets do not match their text (with a warning)
                       instead of failing; some public corpora have a few
  --batch-size N       documents per labeler call (default VANER_NER_BATCH_SIZE)
  --predictions FILE   also write one JSON line per document (id, text, gold and predicted spans with
                       their confidence) for error analysis; the file is replaced
  --json               print the scores as JSON instead of a table
  -h, --help           show this help
`;

export async function run(argv: string[], env: Env): Promise<number> {
  const values = parseEvalArgs(argv, 'ner', HELP, {
    'input-format': { type: 'string' },
    format: { type: 'string' },
    labeler: { type: 'string' },
    scheme: { type: 'string' },
    types: { type: 'string' },
    'gold-type-map': { type: 'string' },
    'default-type': { type: 'string' },
    'skip-mismatched': { type: 'boolean' },
    'batch-size': { type: 'string' },
    predictions: { type: 'string' },
  });
  if (values === null) return 0;
  if (values.format !== undefined && values['input-format'] !== undefined) {
    throw new VanerError('BAD_USER_INPUT', '--format is the old spelling of --input-format; give only --input-format');
  }
  const format = parseChoice(values['input-format'] !== undefined ? 'input-format' : 'format', values['input-format'] ?? values.format, GOLD_FORMATS) ?? 'auto';
  if (values.format !== undefined) process.stderr.write('warning: --format means the output format in other commands; use --input-format for the gold file\n');
  const labelerChoice = parseChoice('labeler', values.labeler, LABELER_CHOICES);
  const requested = values.types === undefined ? null : parseTypes('types', values.types);
  const defaultType = values['default-type'] === undefined ? undefined : parseTypes('default-type', values['default-type'])[0];
  const givenTypeMap = values['gold-type-map'] === undefined ? null : parseGoldTypeMap(values['gold-type-map']);
  const { config, logger } = loadCliConfig(env, { nerBatchSize: parseIntegerFlag('batch-size', values['batch-size'], 1, 1024) });

  // Resolve (and so check) the gold file before opening the store: a typo must not cost a KB import.
  const opened = await openCliInputs([values.gold]);
  const [gold] = opened.inputs as [CliInput];
  let goldPlan: PlannedInput[];
  try {
    goldPlan = await planInputs(gold.path, format);
  } catch (error) {
    await opened.dispose();
    throw error;
  }
  const abort = new AbortController();
  const shutdown = waitForShutdownSignal();
  void shutdown.signal.then(() => abort.abort());
  let resources: Awaited<ReturnType<typeof openAnnotationResources>>;
  try {
    resources = await openAnnotationResources(config, labelerChoice ?? config.labeler, logger);
  } catch (error) {
    shutdown.dispose();
    await opened.dispose();
    throw error;
  }
  const tally = createWarningTally();
  let predictions: PredictionWriter | null = null;
  try {
    // Checked before reading the gold file: an unknown scheme names the available ones.
    const scheme = schemeFor(resources.labeler, values.scheme);
    // The default renaming leaves alone a type the user asked for by name (--types PROTEIN scores PROTEIN).
    const typeMap = givenTypeMap ?? new Map([...defaultGoldTypeMap(resources.labeler.types)].filter(([from]) => !requested?.includes(from)));
    const renamed = new Map<EntityType, number>();
    const records = readPlanned(goldPlan, {
      ...(gold.spooled ? { label: gold.label } : {}),
      onWarning: tally.add,
      offsetMismatch: values['skip-mismatched'] ? 'skip' : 'error',
      ...(defaultType ? { defaultType } : {}),
    });
    // Only spans are kept per document (not texts), so memory stays small on large gold files.
    const documents: EvalDocument[] = [];
    if (values.predictions !== undefined) predictions = await openPredictionWriter(values.predictions);
    const goldTypes = new Set<EntityType>();
    const labelTypes = requested ?? undefined;
    for await (const { record, spans } of labelRecords(records, resources.labeler, {
      batchSize: config.nerBatchSize,
      signal: abort.signal,
      ...(scheme === null ? {} : { scheme }),
      ...(labelTypes ? { types: labelTypes.filter((t) => resources.labeler.types.includes(t)) } : {}),
    })) {
      const gold: ScoredSpan[] = mapGoldTypes((record.mentions ?? []).map(({ start, end, type }) => ({ start, end, type })), typeMap, renamed);
      for (const m of gold) goldTypes.add(m.type);
      documents.push({ gold, predicted: spans.map(({ start, end, type }) => ({ start, end, type })) });
      if (predictions) {
        await predictions.write({
          id: record.externalId ?? `#${documents.length - 1}`,
          text: record.text,
          gold,
          predicted: spans.map(({ start, end, type, confidence }) => ({ start, end, type, confidence })),
        });
      }
    }
    await predictions?.close();
    predictions = null;
    const scored = ENTITY_TYPES.filter((t) => goldTypes.has(t) && (!requested || requested.includes(t)));
    if (scored.length === 0) {
      throw new VanerError('BAD_USER_INPUT', `the gold file has no mentions${requested ? ` of ${requested.join(', ')}` : ''} to score`);
    }
    const metrics = computeNerMetrics(documents, { types: scored });
    writeWarnings(tally);
    if (renamed.size > 0) {
      const counts = [...renamed].map(([from, n]) => `${from}→${typeMap.get(from)} (${n} mention${n === 1 ? '' : 's'})`).join(', ');
      const why = givenTypeMap === null ? `: the ${resources.labeler.kind} labeler has GENE and no PROTEIN type; --gold-type-map none keeps PROTEIN` : ' (--gold-type-map)';
      process.stderr.write(`gold types renamed before scoring: ${counts}${why}\n`);
    }
    process.stderr.write(`scored ${metrics.documents} documents with labeler ${resources.labeler.kind} ${resources.labeler.version}${scheme === null ? '' : ` (scheme ${scheme})`}\n`);
    if (values.json) {
      process.stdout.write(`${JSON.stringify({ gold: values.gold, labeler: { kind: resources.labeler.kind, version: resources.labeler.version, scheme }, goldTypeMap: Object.fromEntries(typeMap), ...metricsToJson(metrics) })}\n`);
    } else {
      process.stdout.write(formatMetricsTable(metrics));
    }
    return 0;
  } finally {
    await predictions?.abandon();
    shutdown.dispose();
    await resources.close();
    await opened.dispose();
  }
}

/**
 * --gold-type-map: `none` (an empty map: gold types as they are) or FROM=TO pairs. Both sides take our type names or
 * a corpus's spelling of them (`protein`, `cell_line`, `CellLine`), as the gold readers do.
 */
function parseGoldTypeMap(value: string): GoldTypeMap {
  const map = new Map<EntityType, EntityType>();
  if (value.trim().toLowerCase() === 'none') return map;
  const bad = (why: string) =>
    new VanerError('BAD_USER_INPUT', `--gold-type-map takes FROM=TO pairs of entity types separated by commas (e.g. protein=GENE) or none; ${why}`, { details: { flag: 'gold-type-map' } });
  const pairs = value.split(',').map((p) => p.trim()).filter(Boolean);
  if (pairs.length === 0) throw bad(`got "${value}"`);
  for (const pair of pairs) {
    const [from, to, ...rest] = pair.split('=').map((s) => s.trim());
    if (from === undefined || to === undefined || from === '' || to === '' || rest.length > 0) throw bad(`got "${pair}"`);
    const fromType = mapEntityType(from);
    const toType = mapEntityType(to);
    if (fromType === null || toType === null) throw bad(`"${fromType === null ? from : to}" is not one of ${ENTITY_TYPES.join(', ')}`);
    if (map.has(fromType)) throw bad(`${fromType} is mapped twice`);
    map.set(fromType, toType);
  }
  return map;
}

function parseTypes(flag: string, value: string): EntityType[] {
  const types = value.split(',').map((t) => t.trim().toUpperCase()).filter(Boolean);
  const bad = types.filter((t) => !isEntityType(t));
  if (bad.length > 0 || types.length === 0) {
    throw new VanerError('BAD_USER_INPUT', `--${flag} takes entity types from ${ENTITY_TYPES.join(', ')}; got "${value}"`, { details: { flag } });
  }
  return types as EntityType[];
}
