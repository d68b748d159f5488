"""The pipeline stages behind ``training/train.py``: tokenizer, pack-data, pretrain, finetune, export, tiny.

Every stage reads a JSON config (training/configs/*.json) and works in ``.train-data/<name>/`` (git-ignored):

  spm.model                sentencepiece model
  train-records.jsonl.gz   supervised + DBR records (words, BIO per type)
  dev-records.jsonl.gz     dev records (model selection only)
  pretrain-ids.npy         uint16 token stream for masked-token pre-training
  pretrain.pt / finetune.pt  checkpoints (model state + config + stats)
"""
from __future__ import annotations

import datetime as _dt
import json
import os
import random
import sys
import time
from collections import Counter
from typing import Dict, List, Optional, Sequence

import numpy as np
import torch

from . import data as D
from .evaluate import bio_spans, evaluate_items
from .export import write_bundle
from .features import Encoder
from .finetune import train_loop
from .model import VanerConfig, VanerForTokenClassification
from .pretrain import pretrain_loop
from .tokenizer import EOS_ID, SpTokenizer, train_sentencepiece

REPO = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))


def device_of(cfg: dict) -> str:
    """``cfg["device"]`` or CUDA when present (PyTorch 2.x GPU hosts), else CPU."""
    return cfg.get("device") or ("cuda" if torch.cuda.is_available() else "cpu")


def log(msg: str) -> None:
    print(f"{time.strftime('%H:%M:%S')} {msg}", flush=True)


def apply_override(cfg: dict, assignment: str) -> None:
    """``--set a.b.c=value``: value parsed as JSON when it parses (numbers, true, null, lists), else a string."""
    key, sep, raw = assignment.partition("=")
    if not sep or not key:
        raise ValueError(f"--set expects key.path=value, got {assignment!r}")
    try:
        value = json.loads(raw)
    except ValueError:
        value = raw
    node = cfg
    parts = key.split(".")
    for part in parts[:-1]:
        node = node.setdefault(part, {})
        if not isinstance(node, dict):
            raise ValueError(f"--set {key}: {part} is not an object in the config")
    node[parts[-1]] = value


def load_config(path: str, overrides: Sequence[str] = ()) -> dict:
    """Reads a JSON config, applies ``--set`` overrides, expands ``$VARS`` in ``base.hf_dir``."""
    with open(path) as f:
        cfg = json.load(f)
    for o in overrides:
        apply_override(cfg, o)
    base = cfg.get("base")
    if base and isinstance(base.get("hf_dir"), str):
        base["hf_dir"] = os.path.expanduser(os.path.expandvars(base["hf_dir"]))
    cfg.setdefault("workdir", os.path.join(REPO, ".train-data", cfg["name"]))
    os.makedirs(cfg["workdir"], exist_ok=True)
    return cfg


def hf_dir(cfg: dict) -> Optional[str]:
    """The Hugging Face checkpoint directory of a LLaMA run (``base.hf_dir``, or legacy ``finetune.init_hf``);
    None for runs that train their own tokenizer and model."""
    d = (cfg.get("base") or {}).get("hf_dir") or cfg.get("finetune", {}).get("init_hf")
    if not d:
        return None
    if "$" in d or not os.path.isdir(d):
        raise ValueError(f"base.hf_dir {d!r} is not a directory: set it with --set base.hf_dir=/path/to/Llama-2-7b-hf "
                         f"or export the environment variable the config names")
    return d


def _wd(cfg: dict, name: str) -> str:
    return os.path.join(cfg["workdir"], name)


# ------------------------------------------------------------------------------------------------- tokenizer

def _kb_sample(n: int, rng: random.Random) -> List[str]:
    names = D.load_kb_names()
    allnames = sorted(set(names["CHEMICAL"]) | set(names["DISEASE"]))
    rng.shuffle(allnames)
    return allnames[:n]


def stage_tokenizer(cfg: dict):
    if hf_dir(cfg):
        tok = load_tokenizer(cfg)
        log(f"[tokenizer] using the checkpoint's own tokenizer: {tok.describe()}, special {tok.special}")
        return tok
    tc = cfg["tokenizer"]
    rng = random.Random(cfg.get("seed", 0))
    texts = list(D.corpus_texts())
    rng.shuffle(texts)
    texts = texts[: tc["corpus_texts"]]
    unl = list(D.unlabeled_texts(limit=tc["unlabeled"]))
    kb = _kb_sample(tc["kb_names"], rng)
    # One sentence per line-ish: sentencepiece caps sentence length, and short lines train faster.
    lines: List[str] = []
    for t in texts + unl:
        for para in t.split("\n"):
            lines.extend(s for s in para.split(". ") if s.strip())
    lines.extend(kb)
    rng.shuffle(lines)
    log(f"[tokenizer] training vocab {tc['vocab_size']} on {len(lines)} lines "
        f"({len(texts)} corpus texts, {len(unl)} abstracts, {len(kb)} KB names)")
    tok = SpTokenizer(train_sentencepiece(lines, tc["vocab_size"], seed=cfg.get("seed", 0)))
    # The JSON export relies on these characters having their own pieces (see tokenizer.py).
    for ch in "<>/spadunk":
        assert tok.sp.piece_to_id(ch) != tok.sp.unk_id() or tok.sp.piece_to_id("\u2581" + ch) != tok.sp.unk_id(), ch
    tok.save(_wd(cfg, "spm.model"))
    stream = _wd(cfg, "pretrain-ids.npy")
    if os.path.exists(stream):
        os.remove(stream)  # encoded with the previous tokenizer; pack-data rebuilds it
    return tok


def load_tokenizer(cfg: dict):
    """``SpTokenizer`` (our sentencepiece model) or, for a LLaMA run, the checkpoint's ``HfTokenizer``."""
    d = hf_dir(cfg)
    if d:
        from .hf_tokenizer import HfTokenizer
        return HfTokenizer(d, sep_token=(cfg.get("base") or {}).get("sep_token"))
    return SpTokenizer.load(_wd(cfg, "spm.model"))


# ------------------------------------------------------------------------------------------------- pack-data

def _cap_by_source(recs: List[dict], caps: Dict[str, int], rng: random.Random) -> List[dict]:
    by: Dict[str, List[dict]] = {}
    for r in recs:
        by.setdefault(r["src"], []).append(r)
    out = []
    for src in sorted(by):
        rs = by[src]
        cap = caps.get(src, caps.get("*"))
        if cap is not None and len(rs) > cap:
            rng.shuffle(rs)
            rs = rs[:cap]
        out.extend(rs)
    return out


def stage_pack(cfg: dict) -> None:
    dc = cfg["data"]
    rng = random.Random(cfg.get("seed", 0))
    tok = load_tokenizer(cfg)
    if hf_dir(cfg) and cfg.get("pretrain", {}).get("steps", 0):
        raise ValueError("pretrain.steps must be 0 for a Hugging Face checkpoint run (the checkpoint is pre-trained)")
    if dc.get("train_records") or dc.get("dev_records"):
        if not (dc.get("train_records") and dc.get("dev_records")):
            raise ValueError("data.train_records and data.dev_records go together (record files, data.write_records)")
        # Ready-made records (data.read_records format), e.g. a custom corpus; no corpus reading, no DBR.
        train, dev = D.read_records(dc["train_records"]), D.read_records(dc["dev_records"])
        D.write_records(_wd(cfg, "train-records.jsonl.gz"), train)
        D.write_records(_wd(cfg, "dev-records.jsonl.gz"), dev)
        log(f"[pack] records from {dc['train_records']}: train {len(train)}, dev {len(dev)}")
        _log_token_stats(tok, train, dc["max_length"])
        return
    train = D.supervised_records("train", include_extra=dc.get("include_extra", True))
    train = _cap_by_source(train, dc.get("source_caps", {}), rng)
    dev = D.supervised_records("devel")
    dev = _cap_by_source(dev, dc.get("dev_caps", {}), rng)
    # DBR: dictionary-dense sentences from (cased) training sentences and (lower-cased) unlabeled abstracts.
    dbr: List[dict] = []
    if dc.get("dbr_limit", 0) > 0:
        names = D.load_kb_names()
        gold_single = set()
        for r in D.supervised_records("train", include_extra=False):
            if r["src"] in ("BC5CDR-chem", "BC5CDR-disease", "NCBI-disease"):
                et = "CHEMICAL" if r["src"] == "BC5CDR-chem" else "DISEASE"
                for a, b in bio_spans(r["tags"][et]):
                    names[et].append(" ".join(r["words"][a:b]))
                    if b - a == 1:
                        gold_single.add(r["words"][a].lower())
        unl = list(D.unlabeled_texts(limit=dc.get("dbr_unlabeled_docs", 2000)))
        # Frequent general words that happen to be KB names ("strain", "lead", "iron"?) would make DBR labels
        # noisy; keep only those that the gold training annotations also mark as single-word entities.
        freq = Counter(w.lower() for t in unl[:1000] for w, _, _ in D.split_words(t))
        stop = {w for w, _ in freq.most_common(3000)} - gold_single
        dic = D.Dictionary(names, stop=stop)
        sents: List[List[str]] = [r["words"] for r in train if r["src"] not in ("BioID",)]
        for t in unl:
            for para in t.split("\n"):
                for s in para.split(". "):
                    w = [x for x, _, _ in D.split_words(s)]
                    if 5 <= len(w) <= 80:
                        sents.append(w + ["."])
        rng.shuffle(sents)
        dbr = D.dbr_records(sents, dic, min_entities=dc.get("dbr_min_entities", 2), limit=dc["dbr_limit"])
        log(f"[pack] DBR: {len(dbr)} dense sentences from {len(sents)} candidates, dictionary {len(dic.entries)}")
    D.write_records(_wd(cfg, "train-records.jsonl.gz"), train + dbr)
    D.write_records(_wd(cfg, "dev-records.jsonl.gz"), dev)
    log(f"[pack] train records {len(train) + len(dbr)} {dict(Counter(r['src'] for r in train + dbr))}")
    log(f"[pack] dev records {len(dev)} {dict(Counter(r['src'] for r in dev))}")
    if hf_dir(cfg):
        _log_token_stats(tok, train + dbr, dc["max_length"])
    # Pre-training stream.
    pc = cfg.get("pretrain", {})
    if pc.get("steps", 0) > 0 and not os.path.exists(_wd(cfg, "pretrain-ids.npy")):
        docs: List[str] = list(D.unlabeled_texts(limit=pc.get("unlabeled_docs", 1000)))
        docs += list(D.corpus_texts())
        kb = _kb_sample(pc.get("kb_names", 5000), rng)
        docs += [" ; ".join(kb[i: i + 20]) for i in range(0, len(kb), 20)]
        rng.shuffle(docs)
        ids: List[int] = []
        for chunk in range(0, len(docs), 2000):
            for d_ids in tok.sp.encode(docs[chunk: chunk + 2000]):
                ids.extend(d_ids)
                ids.append(EOS_ID)
        arr = np.asarray(ids, dtype=np.uint16 if tok.vocab_size < 65536 else np.int32)
        np.save(_wd(cfg, "pretrain-ids.npy"), arr)
        log(f"[pack] pre-training stream: {len(arr)} tokens from {len(docs)} documents")


def _log_token_stats(tok, recs: List[dict], max_length: int) -> None:
    """Encodes every word type with the run's tokenizer (fails early if it cannot encode) and logs lengths."""
    types = sorted({w for r in recs for w in r["words"]})
    lens = [len(tok.encode(w)) for w in types]
    long_recs = sum(1 for r in recs if sum(len(tok.encode(w)) for w in r["words"]) > max_length - 32)
    what = tok.describe() if hasattr(tok, "describe") else f"sentencepiece ({tok.vocab_size} ids)"
    log(f"[pack] {what}: {len(types)} word types, {sum(lens) / max(1, len(lens)):.2f} tokens/type, "
        f"{long_recs} records over ~{max_length - 32} word tokens (split into windows)")


# -------------------------------------------------------------------------------------------------- training

def build_model(cfg: dict, tok: SpTokenizer) -> VanerForTokenClassification:
    mc = dict(cfg["model"])
    mc["vocab_size"] = tok.vocab_size
    torch.manual_seed(cfg.get("seed", 0))
    return VanerForTokenClassification(VanerConfig.from_dict(mc))


def save_ckpt(model, path: str, stats: dict) -> None:
    tmp = path + ".tmp"
    # bf16 stays bf16 (a 7B checkpoint: 13.5 GB, not 27); load_ckpt widens into the float32 model.
    state = {k: v.detach().cpu() if v.dtype == torch.bfloat16 else v.detach().float().cpu()
             for k, v in model.state_dict().items()}
    torch.save({"config": model.config.to_dict(), "state": state, "stats": stats}, tmp)
    os.replace(tmp, path)


def load_ckpt(path: str) -> (VanerForTokenClassification, dict):
    ck = torch.load(path, map_location="cpu")
    # LLaMA fine-tunes have no pre-training head (untied, not loaded): build one only when the state has it.
    model = VanerForTokenClassification(VanerConfig.from_dict(ck["config"]),
                                        with_lm_head="lm_head.weight" in ck["state"])
    model.load_state_dict(ck["state"])
    return model, ck.get("stats", {})


def stage_pretrain(cfg: dict) -> dict:
    pc = cfg["pretrain"]
    if hf_dir(cfg):
        raise ValueError("pretrain is for our own small models; a Hugging Face checkpoint run starts at finetune")
    tok = load_tokenizer(cfg)
    model = build_model(cfg, tok)
    stream = np.load(_wd(cfg, "pretrain-ids.npy"))
    path = _wd(cfg, "pretrain.pt")
    stats: dict = {}

    def ckpt(step: int, partial: dict) -> None:
        save_ckpt(model, path, {"pretrain": partial})
        model.train()

    dev = device_of(cfg)
    model.to(dev)
    stats = pretrain_loop(model, stream, steps=pc["steps"], seq_len=pc["seq_len"], batch_size=pc["batch_size"],
                          lr=pc["lr"], seed=cfg.get("seed", 0), warmup=pc.get("warmup", 200),
                          time_budget_s=pc.get("time_budget_s"), on_checkpoint=ckpt, log=log,
                          log_every=pc.get("log_every", 50), device=dev)
    stats["stream_tokens"] = int(len(stream))
    save_ckpt(model, path, {"pretrain": stats})
    log(f"[pretrain] done: {json.dumps(stats)}")
    return stats


def _items(cfg: dict, recs: List[dict], rng: random.Random, neg_keep: float) -> List[dict]:
    types = set(cfg["data"].get("types", D.TYPE_PHRASE.keys()))
    items = D.records_to_items(recs, rng, neg_keep=neg_keep)
    return [it for it in items if it["type"] in types]


def dev_sets(cfg: dict, limit: Optional[int] = None) -> Dict[str, List[dict]]:
    """Dev items per dataset name (one pass per type), as measured for manifest metrics."""
    recs = D.read_records(_wd(cfg, "dev-records.jsonl.gz"))
    rng = random.Random(1)
    items = _items(cfg, recs, rng, neg_keep=1.0)
    sets: Dict[str, List[dict]] = {}
    for it in items:
        key = it["src"] if it["src"] != "JNLPBA" else f"JNLPBA-{it['type']}"
        sets.setdefault(key, []).append(it)
    if limit:
        for k in sets:
            sets[k] = sets[k][:limit]
    return sets


def evaluate_dev(cfg: dict, model, tok: SpTokenizer, limit: Optional[int] = None) -> Dict[str, dict]:
    enc = Encoder(tok, cfg["data"]["max_length"])
    out = {}
    for name, items in sorted(dev_sets(cfg, limit).items()):
        out[name] = evaluate_items(model, enc, items)
        log(f"[eval] {name}: {out[name]}")
    return out


def _base_dtype(cfg: dict, dev: str) -> torch.dtype:
    """``base.dtype`` ("bfloat16" / "float16" / "float32"), default: bfloat16 on CUDA (a 7B model is 13.5 GB
    instead of 27 GB), float32 on CPU (CPU bf16 matmuls are slow and torch 1.13 lacks some bf16 CPU kernels)."""
    name = (cfg.get("base") or {}).get("dtype") or ("bfloat16" if dev.startswith("cuda") else "float32")
    if name not in ("bfloat16", "float16", "float32"):
        raise ValueError(f"base.dtype must be bfloat16, float16 or float32, got {name!r}")
    return getattr(torch, name)


def stage_finetune(cfg: dict, init: Optional[str] = None) -> dict:
    fc = cfg["finetune"]
    tok = load_tokenizer(cfg)
    init = init or (_wd(cfg, "pretrain.pt") if os.path.exists(_wd(cfg, "pretrain.pt")) else None)
    dev = device_of(cfg)
    base_dir = hf_dir(cfg)
    if base_dir:
        # A Hugging Face LLaMA directory (VANER: LLaMA-2-7B) with its own tokenizer (load_tokenizer), a new BIO head.
        from .hf_llama import load_hf_llama
        dtype = _base_dtype(cfg, dev)
        model = load_hf_llama(base_dir, num_label_heads=cfg.get("model", {}).get("num_label_heads", 1),
                              dtype=dtype, device=dev if dev != "cpu" else None)
        torch.manual_seed(cfg.get("seed", 0))
        model.score.reset_parameters()
        model.score.float()  # the head trains fully, in float32 (forward casts the bf16 hidden states)
        model.model.gradient_checkpointing = bool(fc.get("gradient_checkpointing", False))
        prev = {}
        log(f"[finetune] initialised from Hugging Face checkpoint {base_dir} ({dtype}, {dev}); "
            f"{tok.describe()}, special {tok.special}")
    elif init:
        model, prev = load_ckpt(init)
        log(f"[finetune] initialised from {init}")
    else:
        model, prev = build_model(cfg, tok), {}
    if model.config.vocab_size != tok.vocab_size:
        raise ValueError(f"model vocab {model.config.vocab_size} != tokenizer vocab {tok.vocab_size}")
    lora_cfg = fc.get("lora")
    if base_dir and not lora_cfg and not fc.get("full_finetune"):
        raise ValueError("a Hugging Face checkpoint run needs finetune.lora (or finetune.full_finetune: true)")
    if lora_cfg:
        from .lora import apply_lora
        wrapped = apply_lora(model, r=lora_cfg.get("r", 8), alpha=lora_cfg.get("alpha", 16.0),
                             dropout=lora_cfg.get("dropout", 0.05),
                             target_modules=tuple(lora_cfg.get("target_modules", ("q_proj", "k_proj", "v_proj",
                                                                                  "o_proj", "gate_proj", "up_proj",
                                                                                  "down_proj"))),
                             use_peft=bool(lora_cfg.get("use_peft", False)),
                             adapter_dtype=torch.float32)
        log(f"[finetune] LoRA r={lora_cfg.get('r', 8)} on {len(wrapped)} modules; trainable "
            f"{sum(p.numel() for p in model.parameters() if p.requires_grad)} parameters")
    model.to(dev)
    rng = random.Random(cfg.get("seed", 0))
    recs = D.read_records(_wd(cfg, "train-records.jsonl.gz"))
    items = _items(cfg, recs, rng, neg_keep=cfg["data"].get("neg_keep", 0.3))
    enc = Encoder(tok, cfg["data"]["max_length"])
    windows = []
    for it in items:
        for ids, labels, _ in enc.encode_item(it["instruction"], it["words"], it["tags"]):
            windows.append((ids, labels))
    ntok = sum(len(w[0]) for w in windows)
    log(f"[finetune] {len(items)} items -> {len(windows)} windows, {ntok} tokens/epoch; "
        f"{dict(Counter(it['src'] for it in items))}")
    path = _wd(cfg, "finetune.pt")

    def ckpt(step: int, partial: dict) -> None:
        if lora_cfg:
            return  # LoRA wrappers change parameter names; only the merged model is saved
        save_ckpt(model, path, {"pretrain": prev.get("pretrain"), "finetune": dict(partial, items=len(items),
                                                                                    epoch_tokens=ntok)})
        model.train()

    stats = train_loop(model, windows, steps=fc["steps"], lr=fc["lr"], max_tokens=fc["max_tokens"],
                       max_batch=fc["max_batch"], seed=cfg.get("seed", 0), warmup=fc.get("warmup", 100),
                       time_budget_s=fc.get("time_budget_s"), on_checkpoint=ckpt, log=log,
                       log_every=fc.get("log_every", 50), device=dev, grad_accum=fc.get("grad_accum", 1))
    stats["epoch_tokens"] = ntok
    stats["items"] = len(items)
    if lora_cfg:
        from .lora import merge_lora
        merge_lora(model)
        stats["lora"] = lora_cfg
    if base_dir:
        stats["base"] = base_dir
    save_ckpt(model, path, {"pretrain": prev.get("pretrain"), "finetune": stats})
    log(f"[finetune] done: {json.dumps(stats)}")
    return stats


# ---------------------------------------------------------------------------------------------------- export

def entity_types(cfg: dict) -> List[dict]:
    types = cfg["data"].get("types")
    out = []
    for etype, ds in D.PRIMARY:
        if types is None or etype in types:
            out.append({"type": etype, "dataset": ds, "instruction": D.instruction(etype, ds)})
    return out


def model_card(cfg: dict, model, stats: dict, metrics: dict, extra: str = "") -> str:
    c = model.config
    pre = stats.get("pretrain") or {}
    fin = stats.get("finetune") or {}
    base = fin.get("base")
    tok_desc = (f"the checkpoint's tokenizer.json, copied unchanged; base checkpoint {os.path.basename(base)}"
                if base else "sentencepiece unigram")
    tuning = (f"LoRA r={fin['lora'].get('r', 8)} alpha={fin['lora'].get('alpha', 16.0)}, merged before export"
              if fin.get("lora") else "full fine-tuning")
    lines = [
        f"# {cfg['name']} ({cfg['version']})", "",
        "VANER-style biomedical NER labeler (arXiv 2404.17835): a LLaMA-architecture encoder with the causal mask "
        "removed, one instruction per entity type and dataset, a linear BIO head on the first subword of each word.",
        "", "## Architecture", "",
        f"hidden {c.hidden_size}, layers {c.num_hidden_layers}, heads {c.num_attention_heads} "
        f"(kv {c.num_key_value_heads}), intermediate {c.intermediate_size}, vocab {c.vocab_size} "
        f"({tok_desc}), RoPE theta {c.rope_theta}, RMSNorm eps {c.rms_norm_eps}, bidirectional "
        f"{c.bidirectional}; {model.num_parameters()} parameters exported. Max input length "
        f"{cfg['data']['max_length']} tokens.",
        "", "## Training", "",
        f"* Pre-training (masked tokens; lower-cased SumPubMed abstracts + cased corpus text + KB names): "
        f"{pre.get('steps', 0)} steps, {pre.get('tokens', 0)} tokens seen, {pre.get('seconds', 0)} s.",
        f"* Instruction tuning ({tuning}): {fin.get('steps', 0)} steps, {fin.get('tokens', 0)} tokens "
        f"seen ({fin.get('items', 0)} items, {fin.get('epoch_tokens', 0)} tokens per epoch), "
        f"{fin.get('seconds', 0)} s.",
        f"* Data: {', '.join(training_data(cfg))}.",
        f"* Where: {cfg.get('hardware', 'CPU')}; torch {torch.__version__}.",
        "", "## Development metrics (strict entity-level, word-level BIO, Python evaluator)", "",
    ]
    lines += card_metrics_table(metrics, "set")
    lines += ["", "Test splits were never read. Numbers here are for model selection; the runtime re-measures.", ""]
    if extra:
        lines += [extra, ""]
    return "\n".join(lines)


def card_metrics_table(metrics: dict, key_header: str) -> List[str]:
    """The model cards' development table (format 1 and 2): one row per key, sorted."""
    lines = [f"| {key_header} | precision | recall | F1 | entities |", "|---|---|---|---|---|"]
    for k, v in sorted(metrics.items()):
        lines.append(f"| {k} | {v['precision']:.4f} | {v['recall']:.4f} | {v['f1']:.4f} | {v.get('entities', '')} |")
    return lines


def training_data(cfg: dict) -> List[str]:
    types = set(cfg["data"].get("types", D.TYPE_PHRASE.keys()))
    caps = cfg["data"].get("source_caps", {})
    out = ["BC5CDR-chem train", "BC5CDR-disease train", "NCBI-disease train", "BC2GM train", "linnaeus train"]
    if types & set(D.JNLPBA_TYPES.values()):
        out += ["JNLPBA train"]
    out += ["S800 train"]
    if cfg["data"].get("include_extra", True):
        out += ["GNormPlus train", "NLM-Gene train", "tmVar3 train"]
        if "CELL_LINE" in types and caps.get("BioID", 1) != 0:
            out += ["BioID train"]
    if cfg["data"].get("dbr_limit", 0):
        out += ["DBR (MeSH tree D chemicals, CTD MEDIC diseases over training sentences and SumPubMed)"]
    if cfg.get("pretrain", {}).get("steps", 0):
        out += ["SumPubMed abstracts (pre-training)"]
    return out


def stage_export(cfg: dict, out_dir: str, ckpt: Optional[str] = None, dev_limit: Optional[int] = None,
                 reference: bool = False, parity: bool = False, extra_card: str = "",
                 parity_sample: int = 20000) -> dict:
    tok = load_tokenizer(cfg)
    model, stats = load_ckpt(ckpt or _wd(cfg, "finetune.pt"))
    model.eval()
    # Dev metrics on the GPU when there is one (a 7B model on CPU would take hours); ONNX export runs on CPU.
    model.to(device_of(cfg))
    metrics = evaluate_dev(cfg, model, tok, limit=dev_limit)
    model.cpu()
    slim = {k: {m: v[m] for m in ("precision", "recall", "f1")} for k, v in metrics.items()}
    ets = entity_types(cfg)
    ref_examples = []
    parity_words: List[str] = []
    if reference:
        ref_examples = [
            {"instruction": ets[0]["instruction"],
             "words": ["Naloxone", "reverses", "the", "antihypertensive", "effect", "of", "clonidine", "."]},
            {"instruction": ets[1 % len(ets)]["instruction"], "words": ["Cisplatin", "-", "induced", "nephrotoxicity"]},
            {"instruction": ets[-1]["instruction"], "words": ["Escherichia", "coli", "K", "-", "12", "cells", "(",
                                                               "n", "=", "12", ")", ",", "TNF\u03b1", "\u00b5g"]},
        ]
    if parity:
        recs = D.read_records(_wd(cfg, "train-records.jsonl.gz"))
        parity_words = sorted({w for r in recs[:20000] for w in r["words"]})
    extra_card = "\n\n".join(x for x in (extra_card, cfg.get("card_notes", "")) if x)
    manifest = write_bundle(
        out_dir, model, tok, name=cfg["name"], version=cfg["version"], entity_types=ets,
        max_length=cfg["data"]["max_length"], training_data=training_data(cfg),
        metrics={"development": slim}, model_card=model_card(cfg, model, stats, metrics, extra_card),
        reference_examples=ref_examples, parity_words=parity_words, write_parity=parity)
    if not parity:
        # Shipped bundles: check the JS tokenizer against the training encoder on many corpus words (temp fixture).
        import tempfile
        from .export import node_check
        from .tokenizer import parity_fixture
        recs = D.read_records(_wd(cfg, "train-records.jsonl.gz"))
        words = sorted({w for r in recs for w in r["words"]})
        if hf_dir(cfg):
            from .hf_tokenizer import hf_parity_fixture
            fixture = hf_parity_fixture(tok, words, [t["instruction"] for t in ets], n=parity_sample)
        else:
            fixture = parity_fixture(tok, words, n=min(len(words), parity_sample))
        with tempfile.NamedTemporaryFile("w", suffix=".json", delete=False, encoding="utf-8") as f:
            json.dump(fixture, f, ensure_ascii=False)
        try:
            res = node_check(out_dir, None, f.name)
            if res is not None:
                log(f"[export] tokenizer parity on {len(fixture['cases'])} words: {json.dumps(res['tokenizer'])}")
        finally:
            os.remove(f.name)
    log(f"[export] wrote {out_dir}: {sorted(os.listdir(out_dir))}")
    return manifest


# ------------------------------------------------------------------------------------------------------ tiny

def stage_tiny(cfg: dict, out_dir: str) -> dict:
    """Tokenizer, pack (small slice), short pre-training, fine-tuning, export with reference fixtures."""
    t0 = time.time()
    stage_tokenizer(cfg)
    stage_pack(cfg)
    if cfg.get("pretrain", {}).get("steps", 0):
        stage_pretrain(cfg)
    stage_finetune(cfg)
    manifest = stage_export(cfg, out_dir, dev_limit=cfg.get("export", {}).get("dev_limit"), reference=True,
                            parity=True, extra_card="Test fixture only: too small to be useful for NER.")
    log(f"[tiny] done in {time.time() - t0:.0f}s")
    return manifest
