"""Masked-token pre-training of the bidirectional backbone.

The token stream mixes lower-cased unlabeled abstracts (SumPubMed), cased corpus text and KB names, so the model
sees both casings (the runtime sees cased text). BERT-style masking: 15% of positions, of which 80% become a
mask id, 10% a random id, 10% stay; the loss is over the chosen positions only. The mask id is ``<unk>`` so no
extra vocabulary entry is needed (``<unk>`` is rare in real input because of full character coverage).
"""
from __future__ import annotations

import math
import time
from typing import Callable, Optional

import numpy as np
import torch
import torch.nn.functional as F

from .finetune import lr_at
from .tokenizer import UNK_ID

FIRST_NORMAL_ID = 5  # ids below are specials


def mask_tokens(ids: torch.Tensor, vocab_size: int, gen: torch.Generator, prob: float = 0.15):
    labels = ids.clone()
    chosen = torch.rand(ids.shape, generator=gen) < prob
    labels[~chosen] = -100
    r = torch.rand(ids.shape, generator=gen)
    inputs = ids.clone()
    inputs[chosen & (r < 0.8)] = UNK_ID
    rand_pos = chosen & (r >= 0.8) & (r < 0.9)
    inputs[rand_pos] = torch.randint(FIRST_NORMAL_ID, vocab_size, (int(rand_pos.sum()),), generator=gen)
    return inputs, labels


def pretrain_loop(model, stream: np.ndarray, *, steps: int, seq_len: int, batch_size: int, lr: float, seed: int,
                  warmup: int = 200, weight_decay: float = 0.01, log_every: int = 50,
                  time_budget_s: Optional[float] = None, on_checkpoint: Optional[Callable[[int, dict], None]] = None,
                  checkpoint_every_s: float = 600, log=print, device: str = "cpu") -> dict:
    """Random windows of ``seq_len`` tokens from ``stream``; returns stats incl. tokens seen."""
    gen = torch.Generator().manual_seed(seed)
    rs = np.random.RandomState(seed)
    vocab = model.config.vocab_size
    params = [p for n, p in model.named_parameters() if p.requires_grad]
    decay = [p for p in params if p.dim() >= 2]
    no_decay = [p for p in params if p.dim() < 2]
    opt = torch.optim.AdamW([{"params": decay, "weight_decay": weight_decay},
                             {"params": no_decay, "weight_decay": 0.0}], lr=lr, betas=(0.9, 0.98), eps=1e-6)
    model.train()
    t0 = time.time()
    last_ckpt = t0
    tokens = 0
    ema = None
    step = 0
    n = len(stream) - seq_len - 1
    while step < steps:
        starts = rs.randint(0, n, size=batch_size)
        batch = torch.from_numpy(np.stack([stream[s: s + seq_len].astype(np.int64) for s in starts]))
        inputs, labels = mask_tokens(batch, vocab, gen)
        inputs, labels = inputs.to(device), labels.to(device)
        # The vocabulary projection only at the masked positions: ~7x less work than over every position.
        hidden = model.hidden(inputs)
        sel = labels != -100
        logits = model.lm_head(hidden[sel])
        loss = F.cross_entropy(logits.float(), labels[sel])
        tf = (time.time() - t0) / time_budget_s if time_budget_s else 0.0
        for g in opt.param_groups:
            g["lr"] = lr_at(step, steps, lr, warmup, time_frac=tf)
        opt.zero_grad(set_to_none=True)
        loss.backward()
        torch.nn.utils.clip_grad_norm_(params, 1.0)
        opt.step()
        step += 1
        tokens += batch.numel()
        ema = float(loss) if ema is None else 0.98 * ema + 0.02 * float(loss)
        now = time.time()
        if step % log_every == 0 or step == steps:
            log(f"[pretrain] step {step}/{steps} mlm-loss {ema:.4f} ppl {math.exp(min(ema, 20)):.1f} "
                f"tokens {tokens} tok/s {tokens / (now - t0):.0f} elapsed {now - t0:.0f}s")
        if on_checkpoint is not None and now - last_ckpt >= checkpoint_every_s:
            on_checkpoint(step, {"steps": step, "tokens": tokens, "seconds": round(now - t0, 1), "partial": True})
            last_ckpt = now
        if time_budget_s is not None and now - t0 >= time_budget_s:
            log(f"[pretrain] time budget reached at step {step}")
            break
    model.eval()
    return {"steps": step, "tokens": tokens, "seconds": round(time.time() - t0, 1), "final_mlm_loss": ema}
