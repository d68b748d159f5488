"""Format-2 bundle export (docs/bundle-format.md): model.onnx with the knowledge input, manifest with heads,
schemes and knowledge types, the tokenizer, the model card; parity checked in onnxruntime-node
(training/scripts/check-bundle.mjs) against torch logits, as for format 1."""
from __future__ import annotations

import datetime as _dt
import json
import os
import random
import shutil
import sys
import time
from typing import Dict, List, Optional

import torch

from . import data2 as D2
from .export import OPSET, node_check, sha256_file
from .knowledge import compute_spans, num_knowledge_ids, word_knowledge_ids
from .model import ExportWrapperV2, VanerForTokenClassification
from .pipeline import REPO, _wd, card_metrics_table, device_of, log
from .pipeline2 import (H, Window, collate2, dev_windows, evaluate2, load_ckpt2, load_tokenizer2, make_windows,
                        read_records2)
from .words import split_words


def export_onnx2(model: VanerForTokenClassification, path: str, special: dict) -> None:
    wrapper = ExportWrapperV2(model.eval()).eval()
    bos, sep, pad = special["bosId"], special["sepId"], special["padId"]
    ids = torch.tensor([[bos, 10, 11, sep, 12, 13], [bos, 10, 11, sep, 12, pad]], dtype=torch.long)
    mask = torch.ones_like(ids)
    mask[1, -1] = 0
    kn = torch.tensor([[0, 0, 0, 0, 1, 2], [0, 0, 0, 0, 3, 0]], dtype=torch.long)
    with torch.no_grad():
        torch.onnx.export(
            wrapper, (ids, mask, kn), path,
            input_names=["input_ids", "attention_mask", "knowledge_ids"], output_names=["logits"],
            dynamic_axes={n: {0: "batch", 1: "seq"} for n in ("input_ids", "attention_mask", "knowledge_ids",
                                                              "logits")},
            opset_version=OPSET, do_constant_folding=True)
    import onnx
    onnx.checker.check_model(path)


def architecture(model: VanerForTokenClassification) -> dict:
    c = model.config
    return {"family": "llama", "bidirectional": bool(c.bidirectional), "hiddenSize": c.hidden_size,
            "numLayers": c.num_hidden_layers, "numHeads": c.num_attention_heads,
            "numKeyValueHeads": c.num_key_value_heads, "intermediateSize": c.intermediate_size,
            "vocabSize": c.vocab_size, "maxPositionEmbeddings": c.max_position_embeddings,
            "ropeTheta": float(c.rope_theta), "rmsNormEps": float(c.rms_norm_eps)}


def reference2(model, tok, max_length: int) -> dict:
    """A padded batch of three windows (with knowledge ids) and torch's logits for it."""
    schemes = D2.scheme_entries()
    examples = [
        (schemes[0]["instruction"], ["Naloxone", "reverses", "the", "antihypertensive", "effect", "of", "clonidine",
                                     "."], [1, 0, 0, 0, 0, 0, 1, 0]),
        (schemes[1]["instruction"], ["Cisplatin", "-", "induced", "nephrotoxicity"], [1, 0, 0, 3]),
        (schemes[3]["instruction"], ["Escherichia", "coli", "K", "-", "12", "cells", "(", "n", "=", "12", ")", ",",
                                     "TNF\u03b1", "\u00b5g"], [7, 8, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 5, 0]),
    ]
    wins = []
    for instr, words, kn in examples:
        prefix = [tok.special["bosId"]] + tok.encode(instr) + [tok.special["sepId"]]
        w = Window(list(prefix), len(prefix), [], [], [], [], "ref")
        for word, k in zip(words, kn):
            sub = tok.encode_words([word])[0]
            w.starts.append(len(w.ids))
            w.nsub.append(len(sub))
            w.kn.append(k)
            w.labels.append([0] * H)
            w.ids.extend(sub)
        wins.append(w)
    ids, mask, kn, _ = collate2(wins, tok.special["padId"])
    with torch.no_grad():
        logits = model.eval()(ids, mask, kn)
    return {"description": "torch logits for a right-padded batch with knowledge ids; onnx logits must match "
                           "within atol", "atol": 1e-4,
            "examples": [{"instruction": i, "words": w, "knowledgeIdsByWord": k} for i, w, k in examples],
            "input_ids": ids.tolist(), "attention_mask": mask.tolist(), "knowledge_ids": kn.tolist(),
            "dims": list(logits.shape), "logits": [round(float(x), 7) for x in logits.flatten().tolist()]}


def model_card2(cfg: dict, model, stats: dict, metrics: dict, extra: str = "") -> str:
    c = model.config
    lines = [
        f"# {cfg.get('bundle_name', cfg['name'])} ({cfg['version']}) — bundle format 2", "",
        "VANER-style biomedical NER (arXiv 2404.17835): a LLaMA-architecture encoder with the causal mask removed, "
        "a prompt naming the annotation scheme (corpus guidelines) of every entity type, one BIO head per type "
        "(all types in one forward pass), and a knowledge input: per token, which knowledge-base names cover its "
        "word (the dictionary matcher over the live knowledge base), embedded and added to the token embedding.",
        "", "## Architecture", "",
        f"hidden {c.hidden_size}, layers {c.num_hidden_layers}, heads {c.num_attention_heads} (kv "
        f"{c.num_key_value_heads}), intermediate {c.intermediate_size}, vocab {c.vocab_size}, RoPE theta "
        f"{c.rope_theta}, bidirectional {c.bidirectional}; {H} BIO heads ({', '.join(D2.TYPES)}); knowledge ids "
        f"{c.num_knowledge_ids}; {model.num_parameters()} parameters. Max input length {cfg['data']['max_length']}.",
        "", "## Training", "",
        f"* Warm start: {cfg['base'].get('init_bundle')} (format 1: masked-token pre-training on SumPubMed + "
        f"instruction tuning; see its card) — backbone and tokenizer reused, knowledge embedding zero-initialised, "
        f"each new head initialised from the old head." if cfg["base"].get("warm_start", True) else
        "* Trained from scratch (no warm start).",
        f"* Fine-tuning: {stats.get('steps', 0)} steps, {stats.get('tokens', 0)} tokens seen "
        f"({stats.get('epoch_tokens', 0)} tokens per epoch, {stats.get('windows', 0)} windows), "
        f"{stats.get('seconds', 0)} s." + (f" Weights: the average of the checkpoints at steps "
                                          f"{', '.join(str(s) for s in stats['averaged_steps'])} of this run."
                                          if stats.get("averaged_steps") else ""),
        "* Data (training splits only): BC5CDR (chemicals, diseases), NCBI-disease, BC2GM, LINNAEUS, JNLPBA "
        "(protein as GENE, DNA, RNA, cell line, cell type), Species-800, GNormPlus and NLM-Gene (genes); each "
        "sentence supervises only the heads of the types its corpus annotates.",
        "* Knowledge ids: the runtime's dictionary labeler over data/kb vocabularies (MeSH, CTD MEDIC; no corpus "
        "names) plus names harvested from the training annotations, left out fold by fold (5 folds) so a sentence "
        "never sees names harvested from itself; feature dropout (whole window, per type, per span) and boundary "
        f"jitter: {json.dumps(cfg['data'].get('knowledge_augment', {}))}.",
        f"* Where: {cfg.get('hardware', 'CPU')}; torch {torch.__version__}.",
        "", "## Development metrics (Python evaluator, strict entity-level, word-level BIO, sentence windows)", "",
    ]
    lines += card_metrics_table(metrics, "set/type")
    lines += ["", "Test splits were never read. The product re-measures with `vaner eval ner` (README).", ""]
    if extra:
        lines += [extra, ""]
    return "\n".join(lines)


def write_bundle2(out_dir: str, model, tok, cfg: dict, metrics: dict, card: str, reference: bool) -> dict:
    os.makedirs(out_dir, exist_ok=True)
    onnx_path = os.path.join(out_dir, "model.onnx")
    export_onnx2(model, onnx_path, tok.special)
    shutil.copyfile(tok.json_path, os.path.join(out_dir, "tokenizer.json"))
    special = {k: tok.special[k] for k in ("bosId", "sepId", "padId")}
    schemes = D2.scheme_entries()
    manifest = {
        "formatVersion": 2,
        "name": cfg.get("bundle_name", cfg["name"]),
        "version": cfg["version"],
        "architecture": architecture(model),
        "labelScheme": "BIO",
        "labels": ["O", "B", "I"],
        "heads": [{"name": t, "types": [t]} for t in D2.TYPES],
        "entityTypes": [{"type": t, "head": i} for i, t in enumerate(D2.TYPES)],
        "schemes": schemes,
        "defaultScheme": "bc5cdr",
        "knowledge": {"input": "knowledge_ids", "types": list(D2.TYPES), "matcher": "dictionary"},
        "maxLength": cfg["data"]["max_length"],
        "special": special,
        "io": {"inputIds": "input_ids", "attentionMask": "attention_mask", "knowledgeIds": "knowledge_ids",
               "logits": "logits"},
        "tokenizer": "tokenizer.json",
        "weights": {"file": "model.onnx", "sha256": sha256_file(onnx_path), "quantized": False,
                    "parameters": model.num_parameters(exported_only=True)},
        # int8Weights (added below when cfg export.int8 is not false): CPU weights, see quantize.py
        "trainingData": ["BC5CDR train", "NCBI-disease train", "BC2GM train", "LINNAEUS train", "JNLPBA train",
                         "S800 train", "GNormPlus train", "NLM-Gene train",
                         "knowledge ids: MeSH/CTD vocabularies + fold-excluded training annotation names"],
        "metrics": {"development": metrics},
        "createdAt": _dt.datetime.now(_dt.timezone.utc).replace(microsecond=0).isoformat().replace("+00:00", "Z"),
    }
    int8_path = os.path.join(out_dir, "model.int8.onnx")
    if os.path.exists(int8_path):
        os.remove(int8_path)  # a stale int8 file would not match the new float weights
    if (cfg.get("export") or {}).get("int8", True):
        from .quantize import add_int8_to_bundle
        try:
            add_int8_to_bundle(out_dir, manifest)
        except ValueError as e:  # e.g. a 7B graph beyond one protobuf file: the bundle stays float32-only
            log(f"[export2] no int8 weights: {e}")
    write_manifest(out_dir, manifest)
    with open(os.path.join(out_dir, "MODEL_CARD.md"), "w", encoding="utf-8") as f:
        f.write(card)
    ref = reference2(model, tok, cfg["data"]["max_length"])
    ref_path = os.path.join(out_dir, "reference-logits.json" if reference else ".reference-logits.tmp.json")
    with open(ref_path, "w", encoding="utf-8") as f:
        json.dump(ref, f, ensure_ascii=False, separators=(",", ":"))
    try:
        result = node_check(out_dir, ref_path, None)
    finally:
        if not reference:
            os.remove(ref_path)
    if result is not None:
        log(f"[export2] onnxruntime-node parity: {json.dumps(result)}")
    return manifest


def write_manifest(out_dir: str, manifest: dict) -> None:
    with open(os.path.join(out_dir, "manifest.json"), "w", encoding="utf-8") as f:
        json.dump(manifest, f, indent=2, ensure_ascii=False)
        f.write("\n")


def stage_quantize2(bundle_dir: str) -> dict:
    """Adds int8 weights to an existing format-2 bundle (``train.py quantize2 --out DIR``), e.g. one exported
    before int8 export existed; the float32 weights are left as they are."""
    from .quantize import add_int8_to_bundle
    with open(os.path.join(bundle_dir, "manifest.json"), encoding="utf-8") as f:
        manifest = json.load(f)
    add_int8_to_bundle(bundle_dir, manifest)
    write_manifest(bundle_dir, manifest)
    log(f"[quantize2] {bundle_dir}: {json.dumps(manifest['int8Weights'])}")
    return manifest


def stage_export2(cfg: dict, out_dir: str, ckpt: Optional[str] = None, dev_limit: Optional[int] = None,
                  reference: bool = False, extra_card: str = "") -> dict:
    tok = load_tokenizer2(cfg)
    model = load_ckpt2(ckpt or _wd(cfg, "finetune2.pt"))
    stats = getattr(model, "stats", {})
    metrics = evaluate2(model, dev_windows(cfg, tok, dev_limit), tok.special["padId"])
    log(f"[export2] dev: {json.dumps({k: v['f1'] for k, v in metrics.items()})}")
    card = model_card2(cfg, model, stats, metrics, "\n\n".join(x for x in (extra_card, cfg.get("card_notes", "")) if x))
    m = write_bundle2(out_dir, model, tok, cfg, metrics, card, reference)
    log(f"[export2] wrote {out_dir}: {sorted(os.listdir(out_dir))}")
    return m


def stage_tiny2(cfg: dict, out_dir: str) -> dict:
    """The test fixture: pack a small slice, train a tiny model from scratch for a fixed number of steps (so the
    run is reproducible), export with reference logits."""
    from .pipeline2 import stage_finetune2, stage_pack2
    t0 = time.time()
    if not os.path.exists(_wd(cfg, "records2-train.jsonl.gz")):
        stage_pack2(cfg)
    path = _wd(cfg, "finetune2.pt")
    if os.path.exists(path):
        os.remove(path)  # always from scratch: the fixture must be reproducible
    stage_finetune2(cfg)
    m = stage_export2(cfg, out_dir, dev_limit=cfg.get("export", {}).get("dev_limit"), reference=True,
                      extra_card="Test fixture only: too small to be useful for NER.")
    write_tokenizer_parity(load_tokenizer2(cfg), os.path.join(out_dir, "tokenizer-parity.json"))
    log(f"[tiny2] done in {time.time() - t0:.0f}s")
    return m


# Words whose encodings are easy to get wrong (Greek, micro sign, digits and hyphens, long strings).
PARITY_WORDS = ["\u03b1", "\u03b2-blocker", "TNF\u03b1", "\u00b5g", "IL-2R", "2,4-D", "L444P", "Na+/K+-ATPase",
                "N-acetylcysteine", "5-fluorouracil", "ACGTACGTTTGACCA", "p53", "Escherichia", "coli", "COVID-19",
                "\u00e9", "caf\u00e9", "\u2212", "[3H]-dopamine", "HbA1c", "1,25(OH)2D3", "mg/kg", "\u2264",
                "hydroxychloroquine", "nephrotoxicity", "Cisplatin", "x", "a", "I", "-", "(", ")", "%", "."]


def write_tokenizer_parity(tok, path: str) -> None:
    """tokenizer.json encodings by the training encoder, for Node to compare (test/ner-tokenizer tests)."""
    cases = [{"word": w, "ids": tok.encode(w)} for w in PARITY_WORDS]
    sents = [{"text": s["instruction"], "ids": tok.encode(s["instruction"])} for s in D2.scheme_entries()]
    with open(path, "w", encoding="utf-8") as f:
        json.dump({"description": "tokenizer.json encodings computed by the training encoder (JS-exact Unigram "
                                  "port); @huggingface/tokenizers must produce the same ids",
                   "cases": cases, "sentences": sents}, f, ensure_ascii=False, indent=1)


def knowledge_ids_cli(kb_dir: str, texts_path: str, out_path: str) -> None:
    """For the Python <-> Node parity test: per text, the words (split by training/vaner/words.py) and per-word
    knowledge ids computed the training way (knowledge-spans.mjs spans + knowledge.word_knowledge_ids)."""
    items = []
    with open(texts_path, encoding="utf-8") as f:
        for line in f:
            if line.strip():
                items.append(json.loads(line))
    spans = compute_spans([{"text": it["text"], "fold": -1} for it in items], kb_dir, D2.TYPES)
    with open(out_path, "w", encoding="utf-8") as f:
        for it, sp in zip(items, spans):
            words = [(w, s, e) for w, s, e in split_words(it["text"])]
            f.write(json.dumps({"id": it["id"], "words": [list(w) for w in words],
                                "knowledge_ids_by_word": word_knowledge_ids(words, sp, D2.TYPES)},
                               ensure_ascii=False) + "\n")
