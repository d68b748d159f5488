"""Instruction tuning on the mixed item set: full fine-tuning for small models, LoRA for LLaMA checkpoints."""
from __future__ import annotations

import math
import os
import random
import sys
import time
from typing import Callable, List, Optional, Sequence, Tuple

import torch
import torch.nn.functional as F

from .features import IGNORE, collate, length_bucketed_batches


def token_classification_loss(logits: torch.Tensor, labels: torch.Tensor) -> torch.Tensor:
    """Cross-entropy over labels at first-subword positions; logits [b, s, heads, 3] (head 0 is trained)."""
    lg = logits[:, :, 0, :].float()
    return F.cross_entropy(lg.reshape(-1, lg.shape[-1]), labels.reshape(-1), ignore_index=IGNORE)


def lr_at(step: int, total: int, peak: float, warmup: int, floor: float = 0.1, time_frac: float = 0.0) -> float:
    """Linear warm-up then cosine decay to ``floor * peak``. Progress is the larger of the step fraction and
    ``time_frac`` (elapsed / time budget), so a run cut short by a time budget still ends at the low rate."""
    if step < warmup:
        return peak * (step + 1) / warmup
    prog = min(1.0, max((step - warmup) / max(1, total - warmup), time_frac))
    return peak * (floor + (1 - floor) * 0.5 * (1 + math.cos(math.pi * prog)))


def train_loop(model, windows: Sequence[Tuple[List[int], List[int]]], *, steps: int, lr: float,
               max_tokens: int, max_batch: int, seed: int, warmup: int = 100, weight_decay: float = 0.01,
               grad_clip: float = 1.0, log_every: int = 50, time_budget_s: Optional[float] = None,
               on_checkpoint: Optional[Callable[[int, dict], None]] = None, checkpoint_every_s: float = 600,
               params: Optional[Sequence[torch.nn.Parameter]] = None, log=print, device: str = "cpu",
               grad_accum: int = 1) -> dict:
    """Trains for ``steps`` optimizer steps (or until ``time_budget_s``); returns stats."""
    rng = random.Random(seed)
    torch.manual_seed(seed)
    lengths = [len(w[0]) for w in windows]
    params = [p for p in (params if params is not None else model.parameters()) if p.requires_grad]
    decay = [p for p in params if p.dim() >= 2]
    no_decay = [p for p in params if p.dim() < 2]
    opt = torch.optim.AdamW([{"params": decay, "weight_decay": weight_decay},
                             {"params": no_decay, "weight_decay": 0.0}], lr=lr, betas=(0.9, 0.98), eps=1e-8)
    model.train()
    step = 0
    tokens = 0
    t0 = time.time()
    last_ckpt = t0
    ema = None
    batches: List[List[int]] = []
    micro = 0
    while step < steps:
        if not batches:
            batches = length_bucketed_batches(lengths, max_tokens, max_batch, rng)
        b = batches.pop()
        ids, mask, labels = collate([windows[i] for i in b])
        ids, mask, labels = ids.to(device), mask.to(device), labels.to(device)
        loss = token_classification_loss(model(ids, mask), labels)
        (loss / grad_accum).backward()
        tokens += int(mask.sum())
        micro += 1
        if micro % grad_accum:
            continue
        tf = (time.time() - t0) / time_budget_s if time_budget_s else 0.0
        for g in opt.param_groups:
            g["lr"] = lr_at(step, steps, lr, warmup, time_frac=tf)
        torch.nn.utils.clip_grad_norm_(params, grad_clip)
        opt.step()
        opt.zero_grad(set_to_none=True)
        step += 1
        ema = float(loss) if ema is None else 0.98 * ema + 0.02 * float(loss)
        now = time.time()
        if step % log_every == 0 or step == steps:
            log(f"[finetune] step {step}/{steps} loss {ema:.4f} lr {opt.param_groups[0]['lr']:.2e} "
                f"tokens {tokens} tok/s {tokens / (now - t0):.0f} elapsed {now - t0:.0f}s")
        if on_checkpoint is not None and now - last_ckpt >= checkpoint_every_s:
            on_checkpoint(step, {"steps": step, "tokens": tokens, "seconds": round(now - t0, 1), "partial": True})
            last_ckpt = now
        if time_budget_s is not None and now - t0 >= time_budget_s:
            log(f"[finetune] time budget reached at step {step}")
            break
    model.eval()
    return {"steps": step, "tokens": tokens, "seconds": round(time.time() - t0, 1), "final_loss": ema}
