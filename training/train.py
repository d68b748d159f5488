#!/usr/bin/env python3
"""VANER training CLI. Format 2 (the shipped bundles, docs/bundle-format.md):

  python3 training/train.py pack2      --config training/configs/small-v2.json
  python3 training/train.py finetune2  --config training/configs/small-v2.json   (resumes from its checkpoint)
  python3 training/train.py export2    --config training/configs/small-v2.json --out models/vaner-small
  python3 training/train.py quantize2  --out models/vaner-small   (adds int8 weights to an existing bundle)
  python3 training/train.py tiny       --out test/fixtures/tiny-bundle

Format 1 (the base model format-2 training warm-starts from):

  python3 training/train.py tokenizer  --config training/configs/small.json
  python3 training/train.py pack-data  --config training/configs/small.json
  python3 training/train.py pretrain   --config training/configs/small.json
  python3 training/train.py finetune   --config training/configs/small.json [--init ckpt]
  python3 training/train.py export     --config training/configs/small.json --out models/vaner-small
  python3 training/train.py tiny       --out test/fixtures/tiny-bundle
  python3 training/train.py all        --config training/configs/small.json --out models/vaner-small
  python3 training/train.py all        --config training/configs/llama2-7b-lora.json \
                                       --set base.hf_dir=/models/Llama-2-7b-hf --out models/vaner-llama2-7b
"""
from __future__ import annotations

import argparse
import os
import sys

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)

import torch  # noqa: E402

from vaner import pipeline as P  # noqa: E402


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("command", choices=["tokenizer", "pack-data", "pretrain", "finetune", "export", "tiny", "all",
                                        "evaluate", "pack2", "finetune2", "export2", "evaluate2", "all2", "tiny2",
                                        "quantize2", "start-phase2", "slim2",
                                        "tiny-v1", "knowledge-ids"])
    ap.add_argument("--config", default=None)
    ap.add_argument("--out", default=None)
    ap.add_argument("--init", default=None, help="checkpoint to start fine-tuning from")
    ap.add_argument("--ckpt", default=None, help="checkpoint to export/evaluate; a,b,c averages their weights")
    # 1 by default: on the shared 2-core host, 2 intra-op threads ran 10x SLOWER than 1 (166 vs 1725 tok/s, OpenMP
    # threads spin-waiting on cores that other processes hold). Use --threads 2 (or more) on an idle host.
    ap.add_argument("--threads", type=int, default=int(os.environ.get("VANER_THREADS", "1")))
    ap.add_argument("--dev-limit", type=int, default=None)
    ap.add_argument("--kb", default=None, help="knowledge-ids: vocabulary directory (as data/kb)")
    ap.add_argument("--texts", default=None, help="knowledge-ids: JSONL of {id, text}")
    ap.add_argument("--set", action="append", default=[], metavar="KEY.PATH=VALUE",
                    help="override a config value, e.g. --set base.hf_dir=/models/Llama-2-7b-hf (repeatable)")
    args = ap.parse_args(argv)
    torch.set_num_threads(args.threads)
    # `tiny` writes the format-2 test fixture (alias of tiny2); the format-1 stages (tokenizer, pack-data, pretrain,
    # finetune, export, all, tiny-v1) build the base model that format-2 training warm-starts from.
    if args.command == "tiny":
        args.command = "tiny2"
    default_cfg = {"tiny-v1": "tiny.json", "tiny2": "tiny-v2.json"}.get(args.command, "small-v2.json"
                                                                        if args.command.endswith("2") else "small.json")
    cfg = P.load_config(args.config or os.path.join(HERE, "configs", default_cfg), overrides=args.set)
    if args.command in ("pack2", "finetune2", "export2", "evaluate2", "all2", "tiny2", "quantize2", "knowledge-ids",
                            "start-phase2", "slim2"):
        from vaner import pipeline2 as P2
        return P2.main(args, cfg)
    if args.command == "tokenizer":
        P.stage_tokenizer(cfg)
    elif args.command == "pack-data":
        P.stage_pack(cfg)
    elif args.command == "pretrain":
        P.stage_pretrain(cfg)
    elif args.command == "finetune":
        P.stage_finetune(cfg, init=args.init)
    elif args.command == "evaluate":
        tok = P.load_tokenizer(cfg)
        model, _ = P.load_ckpt(args.ckpt or os.path.join(cfg["workdir"], "finetune.pt"))
        P.evaluate_dev(cfg, model, tok, limit=args.dev_limit)
    elif args.command == "export":
        P.stage_export(cfg, args.out or os.path.join("models", cfg["name"]), ckpt=args.ckpt, dev_limit=args.dev_limit)
    elif args.command == "tiny-v1":
        P.stage_tiny(cfg, args.out or os.path.join(cfg["workdir"], "bundle-v1"))
    elif args.command == "all":
        P.stage_tokenizer(cfg)
        P.stage_pack(cfg)
        if cfg.get("pretrain", {}).get("steps", 0):
            P.stage_pretrain(cfg)
        P.stage_finetune(cfg)
        P.stage_export(cfg, args.out or os.path.join("models", cfg["name"]), dev_limit=args.dev_limit)
    return 0


if __name__ == "__main__":
    sys.exit(main())
