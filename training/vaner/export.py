"""ONNX export and bundle writing (docs/bundle-format.md, format version 1).

Parity: this machine has no Python onnxruntime, so the exported graph is run by onnxruntime-node through
``training/scripts/check-bundle.mjs`` (the same runtime the product uses) against ``reference-logits.json`` written
from torch here; the check fails the export when the max abs difference exceeds 1e-4. On a host without Node the
check is skipped and says so.
"""
from __future__ import annotations

import datetime as _dt
import hashlib
import json
import os
import shutil
import subprocess
import sys
from typing import Dict, List, Optional, Sequence

import torch

from .features import Encoder, collate
from .model import ExportWrapper, VanerForTokenClassification
from .tokenizer import BOS_ID, PAD_ID, SEP_ID, SpTokenizer, parity_fixture, write_hf_json

REPO = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
CHECK_SCRIPT = os.path.join(REPO, "training", "scripts", "check-bundle.mjs")
OPSET = 14


def export_onnx(model: VanerForTokenClassification, path: str) -> None:
    model = model.eval()
    wrapper = ExportWrapper(model).eval()
    ids = torch.tensor([[BOS_ID, 10, 11, SEP_ID, 12, 13], [BOS_ID, 10, 11, SEP_ID, 12, PAD_ID]], dtype=torch.long)
    mask = (ids != PAD_ID).long()
    mask[0] = 1
    with torch.no_grad():
        torch.onnx.export(
            wrapper, (ids, mask), path,
            input_names=["input_ids", "attention_mask"], output_names=["logits"],
            dynamic_axes={"input_ids": {0: "batch", 1: "seq"}, "attention_mask": {0: "batch", 1: "seq"},
                          "logits": {0: "batch", 1: "seq"}},
            opset_version=OPSET, do_constant_folding=True,
        )
    import onnx
    # By path: works for graphs over 2 GB too (torch writes their weights as external data next to model.onnx).
    onnx.checker.check_model(path)


def sha256_file(path: str) -> str:
    h = hashlib.sha256()
    with open(path, "rb") as f:
        for chunk in iter(lambda: f.read(1 << 20), b""):
            h.update(chunk)
    return h.hexdigest()


def reference_logits(model: VanerForTokenClassification, enc: Encoder, examples: Sequence[dict]) -> dict:
    """A padded batch built with the bundle's input construction, and torch's logits for it."""
    seqs = []
    for ex in examples:
        ids, labels, starts = enc.encode_item(ex["instruction"], ex["words"], [0] * len(ex["words"]))[0]
        seqs.append((ids, labels))
    special = getattr(enc.tok, "special", None) or {"padId": PAD_ID}
    ids, mask, _ = collate(seqs, pad_id=special["padId"])
    with torch.no_grad():
        logits = model.eval()(ids, mask)
    return {
        "description": "torch logits for a right-padded batch; onnx logits must match within atol at mask=1 "
                       "positions (padded positions are compared too, they are deterministic)",
        "atol": 1e-4,
        "examples": [{"instruction": ex["instruction"], "words": list(ex["words"])} for ex in examples],
        "input_ids": ids.tolist(),
        "attention_mask": mask.tolist(),
        "dims": list(logits.shape),
        "logits": [round(float(x), 7) for x in logits.flatten().tolist()],
    }


def node_check(bundle_dir: str, reference: Optional[str], parity: Optional[str]) -> Optional[dict]:
    """Runs onnxruntime-node + @huggingface/tokenizers checks; None when Node is unavailable."""
    node = shutil.which("node")
    if node is None or not os.path.isdir(os.path.join(REPO, "node_modules", "onnxruntime-node")):
        print("[export] node/onnxruntime-node not available: ONNX parity NOT checked", file=sys.stderr)
        return None
    args = [node, CHECK_SCRIPT, bundle_dir]
    if reference:
        args += ["--reference", reference]
    if parity:
        args += ["--parity", parity]
    res = subprocess.run(args, cwd=REPO, capture_output=True, text=True, timeout=600)
    if res.returncode != 0:
        raise RuntimeError(f"bundle check failed:\n{res.stdout}\n{res.stderr}")
    return json.loads(res.stdout.strip().splitlines()[-1])


def architecture(model: VanerForTokenClassification) -> dict:
    c = model.config
    return {
        "family": "llama", "bidirectional": bool(c.bidirectional),
        "hiddenSize": c.hidden_size, "numLayers": c.num_hidden_layers, "numHeads": c.num_attention_heads,
        "numKeyValueHeads": c.num_key_value_heads, "intermediateSize": c.intermediate_size,
        "vocabSize": c.vocab_size, "maxPositionEmbeddings": c.max_position_embeddings,
        "ropeTheta": float(c.rope_theta), "rmsNormEps": float(c.rms_norm_eps),
    }


def write_bundle(out_dir: str, model: VanerForTokenClassification, tok, *, name: str, version: str,
                 entity_types: List[dict], max_length: int, training_data: List[str], metrics: dict,
                 model_card: str, reference_examples: Sequence[dict] = (), parity_words: Sequence[str] = (),
                 write_parity: bool = False) -> dict:
    """Writes model.onnx, tokenizer.json, manifest.json, MODEL_CARD.md (and reference-logits.json /
    tokenizer-parity.json when asked), then checks the ONNX graph against torch in onnxruntime-node."""
    os.makedirs(out_dir, exist_ok=True)
    onnx_path = os.path.join(out_dir, "model.onnx")
    export_onnx(model, onnx_path)
    if getattr(tok, "json_path", None):
        # A checkpoint tokenizer ships as is (byte-identical): the runtime must see exactly what training saw.
        shutil.copyfile(tok.json_path, os.path.join(out_dir, "tokenizer.json"))
        special = dict(tok.special)
    else:
        write_hf_json(tok, os.path.join(out_dir, "tokenizer.json"))
        special = {"bosId": BOS_ID, "sepId": SEP_ID, "padId": PAD_ID}
    types_in_head = []
    for t in entity_types:
        if t["type"] not in types_in_head:
            types_in_head.append(t["type"])
    manifest = {
        "formatVersion": 1,
        "name": name,
        "version": version,
        "architecture": architecture(model),
        "labelScheme": "BIO",
        "labels": ["O", "B", "I"],
        "heads": [{"name": "instruction", "types": types_in_head}],
        "entityTypes": [{"type": t["type"], "head": 0, "dataset": t["dataset"], "instruction": t["instruction"]}
                        for t in entity_types],
        "maxLength": max_length,
        "special": special,
        "io": {"inputIds": "input_ids", "attentionMask": "attention_mask", "logits": "logits"},
        "tokenizer": "tokenizer.json",
        "weights": {"file": "model.onnx", "sha256": sha256_file(onnx_path), "quantized": False,
                    "parameters": model.num_parameters(exported_only=True)},
        "trainingData": training_data,
        "metrics": metrics,
        "createdAt": _dt.datetime.now(_dt.timezone.utc).replace(microsecond=0).isoformat().replace("+00:00", "Z"),
    }
    with open(os.path.join(out_dir, "manifest.json"), "w", encoding="utf-8") as f:
        json.dump(manifest, f, indent=2, ensure_ascii=False)
        f.write("\n")
    with open(os.path.join(out_dir, "MODEL_CARD.md"), "w", encoding="utf-8") as f:
        f.write(model_card)
    ref_path = None
    if reference_examples:
        enc = Encoder(tok, max_length)
        ref = reference_logits(model, enc, reference_examples)
        ref_path = os.path.join(out_dir, "reference-logits.json")
        with open(ref_path, "w", encoding="utf-8") as f:
            json.dump(ref, f, ensure_ascii=False, separators=(",", ":"))
    parity_path = None
    if write_parity:
        parity_path = os.path.join(out_dir, "tokenizer-parity.json")
        with open(parity_path, "w", encoding="utf-8") as f:
            if getattr(tok, "json_path", None):
                from .hf_tokenizer import hf_parity_fixture
                fixture = hf_parity_fixture(tok, parity_words, [t["instruction"] for t in entity_types])
            else:
                fixture = parity_fixture(tok, parity_words)
            json.dump(fixture, f, ensure_ascii=False, indent=1)
    if ref_path is None:
        # Shipped bundles carry no reference file; check parity through a temporary one.
        enc = Encoder(tok, max_length)
        examples = [{"instruction": t["instruction"], "words": ["Cisplatin", "induced", "nephrotoxicity", "."]}
                    for t in entity_types[:2]] + [
            {"instruction": entity_types[0]["instruction"], "words": ["a"]}]
        ref_path = os.path.join(out_dir, ".reference-logits.tmp.json")
        with open(ref_path, "w", encoding="utf-8") as f:
            json.dump(reference_logits(model, enc, examples), f)
        try:
            result = node_check(out_dir, ref_path, parity_path)
        finally:
            os.remove(ref_path)
    else:
        result = node_check(out_dir, ref_path, parity_path)
    if result is not None:
        print(f"[export] onnxruntime-node parity: {json.dumps(result)}", file=sys.stderr)
    return manifest
