"""Shared test fixtures: a tiny model config and a tiny sentencepiece model trained on synthetic text."""
from __future__ import annotations

import functools
import os
import random
import sys

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.dirname(HERE))

import torch  # noqa: E402

torch.set_num_threads(2)

from vaner.model import VanerConfig, VanerForTokenClassification  # noqa: E402
from vaner.tokenizer import SpTokenizer, train_sentencepiece  # noqa: E402

WORDS = ("cisplatin induced nephrotoxicity in rats was reversed by naloxone ; the BRCA1 gene and TNF-α protein "
         "of Escherichia coli ( n = 12 ) , with 2,4-D < 0.05 > p / IL-2R Crohn's disease α β γ µg °C "
         "patients received doxorubicin and developed cardiomyopathy . Mice were treated").split()


def tiny_config(**kw) -> VanerConfig:
    base = dict(vocab_size=300, hidden_size=32, intermediate_size=64, num_hidden_layers=2, num_attention_heads=4,
                num_key_value_heads=2, max_position_embeddings=64)
    base.update(kw)
    return VanerConfig(**base)


def tiny_model(seed: int = 0, **kw) -> VanerForTokenClassification:
    torch.manual_seed(seed)
    return VanerForTokenClassification(tiny_config(**kw)).eval()


@functools.lru_cache(maxsize=1)
def tiny_tokenizer() -> SpTokenizer:
    rng = random.Random(0)
    lines = []
    for _ in range(3000):
        lines.append(" ".join(rng.choice(WORDS) for _ in range(rng.randint(3, 15))))
    lines.append("Recognize all chemical entities in the text, annotated following the BC5CDR guidelines.")
    lines.append("spadunk <> / sep")
    return SpTokenizer(train_sentencepiece(lines, vocab_size=150))
