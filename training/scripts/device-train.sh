#!/usr/bin/env bash
# The GPU recipe (training/configs/small-v2-gpu.json) as ONE call of the lent device machine (an H100 or H200 for
# 15 minutes per task, when a task is lent one; /work/.library/device/README.md). Three steps:
#
#   here, before:   bash training/scripts/device-train.sh prepare [--set KEY=VALUE ...]
#   the device:     run(command="bash training/scripts/device-train.sh run", carry=[".train-data/device"], timeout_s=600)
#   here, after:    bash training/scripts/device-train.sh collect FILES_AT [BUNDLE_OUT]
#
# Why it is shaped this way (each a limit of the device tool, not a choice):
# * The device receives the working tree, not ../shared: `prepare` packs the training records here (pack2, which
#   also needs Node and the built matcher for the knowledge ids) into .train-data/device (git-ignored, ~6 MB), and the
#   call carries that folder. `run` needs only Python with torch and onnx there (its image has both).
# * What travels is at most 64 MiB; the tracked files are 69 MiB, most of it three ONNX graphs. `prepare` removes
#   from the working tree the two the run does not read (the shipped bundle's weights when the recipe starts from the
#   format-1 base, or the base's when it starts from the shipped bundle), only when they equal HEAD, and `collect`
#   (or `restore`) brings them back with `git checkout`.
# * Files come back at most 16 MiB each: finetune2.pt (weights and Adam moments, 63 MB) is slimmed to its float16
#   weights (`train.py slim2`, 10.5 MB); `collect` exports that as a bundle here (export2: float32 and int8 graphs,
#   the tokenizer parity check in Node) with the local torch, so the device's newer torch never writes the ONNX graph.
# * One command of at most 600 s: the recipe's time budget is 540 s of training (finetune.time_budget_s).
#
# --set KEY=VALUE after `prepare` is recorded and applied to both pack2 here and finetune2 there, e.g.
#   --set base.init_bundle=models/vaner-small --set finetune.lr=0.0002   (continue the shipped weights instead)
# DEVICE_TRAIN_SMOKE=1 makes `run` a CPU check of the whole path (8 s of training, 20 dev windows), for testing here.
set -euo pipefail
cd "$(dirname "$0")/../.."
CONFIG=training/configs/small-v2-gpu.json
WORK=${DEVICE_TRAIN_WORK:-.train-data/device}   # DEVICE_TRAIN_WORK: another folder (the tests)
case "$WORK" in /*) WORKDIR=$WORK ;; *) WORKDIR=$PWD/$WORK ;; esac
PY=${PYTHON:-python3}
command=${1:-}
shift || true

# The tracked graphs `prepare` may take out of the working tree (restored from HEAD).
GRAPHS=(models/vaner-small/model.onnx models/vaner-small/model.int8.onnx training/base/vaner-small-v1/model.onnx)

# SETS: the --set options `prepare` recorded (one per line in $WORK/sets; values may hold spaces).
SETS=()
load_sets() { SETS=(); local s; while IFS= read -r s; do [ -n "$s" ] && SETS+=(--set "$s"); done < "$WORK/sets"; }

case "$command" in
  prepare)
    mkdir -p "$WORK"
    : > "$WORK/sets"
    while [ $# -gt 0 ]; do
      [ "$1" = --set ] && [ $# -ge 2 ] || { echo "prepare takes --set KEY=VALUE ... (got: $1)" >&2; exit 2; }
      printf '%s\n' "$2" >> "$WORK/sets"; shift 2
    done
    load_sets
    [ -f dist/kb/index.js ] || npm run build:server >&2
    /usr/bin/python3 training/train.py pack2 --config "$CONFIG" --set workdir="$WORKDIR" "${SETS[@]+"${SETS[@]}"}"
    rm -rf "$WORK/kb-base" "$WORK/finetune2.pt"   # pack2's knowledge-base copy is not needed there
    init=$(/usr/bin/python3 -c "import sys,json; sys.path.insert(0,'training'); from vaner import pipeline as P
c=P.load_config('$CONFIG', overrides=[l.strip() for l in open('$WORK/sets') if l.strip()]); print(c['base']['init_bundle'])")
    for g in "${GRAPHS[@]}"; do
      case "$g" in "$init"/*) continue ;; esac
      if git diff --quiet HEAD -- "$g"; then rm -f "$g"; else echo "kept $g: it differs from HEAD (commit it first)" >&2; fi
    done
    tree=$( { git ls-files -z | du -cb --files0-from=- 2>/dev/null || true; } | tail -1 | cut -f1)  # removed ones skipped
    size=$((tree + $(du -sb "$WORK" | cut -f1)))
    echo "ready: $WORK ($(du -sh "$WORK" | cut -f1)); working tree + carry about $((size / 1048576)) MiB (limit 64)"
    echo "next: run(command=\"bash training/scripts/device-train.sh run\", carry=[\"$WORK\"], timeout_s=600)"
    ;;
  run)
    [ -f "$WORK/records2-train.jsonl.gz" ] || { echo "no $WORK/records2-train.jsonl.gz: run 'prepare' here and carry $WORK" >&2; exit 2; }
    load_sets
    out=${OUT:-$WORK/out}
    mkdir -p "$out"
    extra=()
    if [ -n "${DEVICE_TRAIN_SMOKE:-}" ]; then
      extra=(--set device=cpu --set finetune.time_budget_s=8 --set finetune.eval_every=0 --set finetune.max_tokens=2048
             --set finetune.max_batch=16)
    fi
    export PYTHONUNBUFFERED=1
    { nvidia-smi --query-gpu=name,memory.total --format=csv,noheader 2>/dev/null || echo "no GPU"; "$PY" -c "import torch; print('torch', torch.__version__, 'cuda', torch.cuda.is_available())"; } | tee "$out/device.txt"
    set -o pipefail
    "$PY" training/train.py finetune2 --config "$CONFIG" --set workdir="$WORKDIR" "${SETS[@]+"${SETS[@]}"}" "${extra[@]+"${extra[@]}"}" 2>&1 | tee "$out/finetune2.log"
    "$PY" training/train.py slim2 --config "$CONFIG" --set workdir="$WORKDIR" --ckpt "$WORK/finetune2.pt" --out "$out/weights.pt"
    if [ -z "${DEVICE_TRAIN_SMOKE:-}" ]; then
      # evaluate2 on the device: 300 development windows per set, the raw heads (no decision rules)
      "$PY" training/train.py evaluate2 --config "$CONFIG" --set workdir="$WORKDIR" "${SETS[@]+"${SETS[@]}"}" --ckpt "$out/weights.pt" --dev-limit 300 2>&1 | tail -60 > "$out/evaluate2.txt" || true
    fi
    ls -la "$out"
    ;;
  collect)
    files=${1:?collect FILES_AT [BUNDLE_OUT]: the folder where the files of the device run came back}
    bundle=${2:-/tmp/vaner-gpu-candidate}
    [ -f "$files/weights.pt" ] || { echo "no weights.pt in $files" >&2; exit 2; }
    git checkout -- "${GRAPHS[@]}"
    mkdir -p .train-data/device-runs
    stamp=$(date -u +%Y%m%dT%H%M%S)
    cp -r "$files" ".train-data/device-runs/$stamp"
    load_sets
    /usr/bin/python3 training/train.py export2 --config "$CONFIG" --set workdir="$WORKDIR" "${SETS[@]+"${SETS[@]}"}" \
      --ckpt ".train-data/device-runs/$stamp/weights.pt" --out "$bundle" --threads 2 --dev-limit 40
    echo "bundle: $bundle (device files kept in .train-data/device-runs/$stamp). Measure it as every candidate:"
    echo "  copy the shipped scheme settings, tune its rules (scripts/tune-thresholds.mjs), then"
    echo "  VANER_MODEL_DIR=$bundle bash scripts/eval-ner-dev.sh model | node scripts/ner-dev-table.mjs"
    ;;
  restore)
    git checkout -- "${GRAPHS[@]}"
    echo "restored: ${GRAPHS[*]}"
    ;;
  *)
    echo "usage: bash training/scripts/device-train.sh prepare [--set KEY=VALUE ...] | run | collect FILES_AT [BUNDLE_OUT] | restore" >&2
    exit 2
    ;;
esac
