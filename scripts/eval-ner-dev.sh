#!/usr/bin/env bash
# Development F1 of a labeler on every development set the shipped bundle covers, as `vaner eval ner` measures it,
# with a knowledge base built from TRAINING names only (so neither the dictionary nor the model's knowledge input
# is credited with development-set names). Prints one JSON line per (set, labeler).
#
#   bash scripts/eval-ner-dev.sh [labeler ...]        default: model dictionary
#   ... | node scripts/ner-dev-table.mjs              the same lines as one Markdown table of F1
#   DATA=/path/to/shared/data  KB=/tmp/kb-train  EV=/tmp/ev-dev  VANER_MODEL_DIR=models/vaner-small
#   PREDICTIONS=DIR   also write the model's spans per set to DIR/<scheme>.jsonl and the dictionary's to
#                     DIR/knowledge/<scheme>.jsonl (`eval ner --predictions`), the input of scripts/tune-thresholds.mjs
#                     (run `model dictionary` with VANER_MODEL_THRESHOLDS=none for that), and of
#                     scripts/ner-errors.mjs (where the errors are)
set -euo pipefail
cd "$(dirname "$0")/.."
DATA=${DATA:-../shared/data}
KB=${KB:-/tmp/kb-train}
EV=${EV:-/tmp/ev-dev}
labelers=("$@")
[ ${#labelers[@]} -eq 0 ] && labelers=(model dictionary)
# A training-only KB folder from before the learned stop names or the MeSH organisms is rebuilt.
{ [ -f "$KB/dictionary-stop-names.tsv" ] && [ -f "$KB/mesh-organisms.tsv.gz" ]; } ||
  node scripts/build-kb-data.mjs --source "$DATA" --train-only --out "$KB" >&2
# A store made by an earlier run gets the vocabularies the folder gained since (idempotent, a few seconds).
if [ -d "$EV" ]; then
  VANER_KB_DIR="$KB" VANER_DATA_DIR="$EV" node dist/cli/main.js kb import > /dev/null 2>&1 || { echo "vaner kb import into $EV failed" >&2; exit 1; }
fi
# set name | gold | extra eval options | scheme
sets=(
  "BC5CDR|$DATA/bc5cdr/CDR_DevelopmentSet.PubTator.txt||bc5cdr"
  "NCBI-disease|$DATA/ncbi-disease/NCBIdevelopset_corpus.txt||ncbi-disease"
  "BC2GM|$DATA/ner-iob/BC2GM-IOB/devel.tsv|--input-format conll --default-type GENE|bc2gm"
  "LINNAEUS|$DATA/ner-iob/linnaeus-IOB/devel.tsv|--input-format conll --default-type SPECIES|linnaeus"
  "S800|$DATA/s800/devel|--input-format brat|s800"
  # JNLPBA's gold `protein` is scored as GENE (VANER reports proteins as GENE); every type is labelled in one pass,
  # as users run it, and the five gold types are scored.
  "JNLPBA|$DATA/ner-iob/JNLPBA/devel.tsv|--input-format conll --gold-type-map protein=GENE|jnlpba"
)
for labeler in "${labelers[@]}"; do
  for entry in "${sets[@]}"; do
    IFS='|' read -r name gold extra scheme <<<"$entry"
    scheme_opt=()
    [ "$labeler" != dictionary ] && scheme_opt=(--scheme "$scheme")
    if [ -n "${PREDICTIONS:-}" ] && [ "$labeler" = model ]; then
      mkdir -p "$PREDICTIONS"
      scheme_opt+=(--predictions "$PREDICTIONS/$scheme.jsonl")
    elif [ -n "${PREDICTIONS:-}" ] && [ "$labeler" = dictionary ]; then
      # The dictionary's spans are the model's knowledge spans (tune-thresholds.mjs reads them as such).
      mkdir -p "$PREDICTIONS/knowledge"
      scheme_opt+=(--predictions "$PREDICTIONS/knowledge/$scheme.jsonl")
    fi
    # shellcheck disable=SC2086
    out=$(VANER_KB_DIR="$KB" VANER_DATA_DIR="$EV" node dist/cli/main.js eval ner --gold "$gold" $extra \
          --labeler "$labeler" "${scheme_opt[@]}" --skip-mismatched --json 2>/dev/null) || out='{"error":true}'
    echo "{\"set\":\"$name\",\"labeler\":\"$labeler\",\"scheme\":\"$scheme\",\"result\":$out}"
  done
done
