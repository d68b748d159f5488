"""Strict entity-level precision/recall/F1 on dev splits, for model selection.

Spans are decoded from word-level BIO with the conlleval rule: an I that does not continue an entity starts one.
A predicted entity counts only when start and end words both match a gold entity exactly.
"""
from __future__ import annotations

import random
from typing import Dict, List, Sequence, Tuple

import torch

from .features import Encoder, collate, length_bucketed_batches


def bio_spans(tags: Sequence[int]) -> List[Tuple[int, int]]:
    spans = []
    start = -1
    for i, t in enumerate(tags):
        if t == 1 or (t == 2 and start < 0):
            if start >= 0:
                spans.append((start, i))
            start = i
        elif t == 0:
            if start >= 0:
                spans.append((start, i))
            start = -1
    if start >= 0:
        spans.append((start, len(tags)))
    return spans


def prf(tp: int, n_pred: int, n_gold: int) -> Dict[str, float]:
    p = tp / n_pred if n_pred else 0.0
    r = tp / n_gold if n_gold else 0.0
    f = 2 * p * r / (p + r) if p + r else 0.0
    return {"precision": round(p, 4), "recall": round(r, 4), "f1": round(f, 4)}


@torch.no_grad()
@torch.no_grad()  # no autograd graph: a 7B model's activations would otherwise be kept per batch
def predict_tags(model, enc: Encoder, items: Sequence[dict], max_tokens: int = 8192,
                 max_batch: int = 64) -> List[List[int]]:
    """Word-level argmax tags (head 0) for each item; long items are windowed like the runtime does."""
    model.eval()
    windows = []  # (item index, ids, labels, starts)
    for k, it in enumerate(items):
        for ids, labels, starts in enc.encode_item(it["instruction"], it["words"], it["tags"]):
            windows.append((k, ids, labels, starts))
    preds: List[List[int]] = [[] for _ in items]
    per_window: Dict[int, List[int]] = {}
    batches = length_bucketed_batches([len(w[1]) for w in windows], max_tokens, max_batch, random.Random(0))
    for b in batches:
        ids, mask, _ = collate([(windows[i][1], windows[i][2]) for i in b])
        dev = next(model.parameters()).device
        logits = model(ids.to(dev), mask.to(dev))[:, :, 0, :]
        am = logits.argmax(-1).cpu()
        for row, i in enumerate(b):
            per_window[i] = [int(am[row, p]) for p in windows[i][3]]
    for i, w in enumerate(windows):
        preds[w[0]].extend(per_window[i])
    return preds


def evaluate_items(model, enc: Encoder, items: Sequence[dict]) -> Dict[str, float]:
    preds = predict_tags(model, enc, items)
    tp = n_pred = n_gold = 0
    for it, pr in zip(items, preds):
        g = set(bio_spans(it["tags"]))
        p = set(bio_spans(pr))
        tp += len(g & p)
        n_pred += len(p)
        n_gold += len(g)
    out = prf(tp, n_pred, n_gold)
    out["entities"] = n_gold
    return out
