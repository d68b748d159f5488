"""Input construction exactly as docs/bundle-format.md: [bos] + encode(instruction) + [sep] + encode(w_1) + ...

Labels sit on the first subword of each word; every other position is -100 (ignored by the loss). Items longer
than ``max_length`` are cut into windows of whole words, as the runtime does.
"""
from __future__ import annotations

import random
from typing import Dict, List, Sequence, Tuple

import torch

from .tokenizer import BOS_ID, PAD_ID, SEP_ID, SpTokenizer

IGNORE = -100


class Encoder:
    def __init__(self, tok: SpTokenizer, max_length: int):
        self.tok = tok
        self.max_length = max_length
        self._instr_cache: Dict[str, List[int]] = {}

    def prefix(self, instruction: str) -> List[int]:
        ids = self._instr_cache.get(instruction)
        if ids is None:
            # A checkpoint tokenizer (hf_tokenizer.HfTokenizer) carries its own special ids; ours are fixed.
            special = getattr(self.tok, "special", None) or {"bosId": BOS_ID, "sepId": SEP_ID}
            ids = [special["bosId"]] + self.tok.encode(instruction) + [special["sepId"]]
            self._instr_cache[instruction] = ids
        return ids

    def encode_item(self, instruction: str, words: Sequence[str], tags: Sequence[int],
                    word_ids: Sequence[List[int]] = None) -> List[Tuple[List[int], List[int], List[int]]]:
        """Returns windows: (input_ids, labels, word_start_positions)."""
        prefix = self.prefix(instruction)
        if word_ids is None:
            word_ids = self.tok.encode_words(words)
        budget = self.max_length - len(prefix)
        windows = []
        ids = list(prefix)
        labels = [IGNORE] * len(prefix)
        starts: List[int] = []
        for w_ids, tag in zip(word_ids, tags):
            w_ids = w_ids[:budget]  # a single absurdly long word is truncated rather than dropped
            if len(ids) + len(w_ids) > self.max_length and starts:
                windows.append((ids, labels, starts))
                ids, labels, starts = list(prefix), [IGNORE] * len(prefix), []
            starts.append(len(ids))
            ids.extend(w_ids)
            labels.append(int(tag))
            labels.extend([IGNORE] * (len(w_ids) - 1))
        if starts:
            windows.append((ids, labels, starts))
        return windows


def collate(batch: Sequence[Tuple[List[int], List[int]]], pad_id: int = PAD_ID
            ) -> Tuple[torch.Tensor, torch.Tensor, torch.Tensor]:
    """Right-pad to the longest sequence (with ``pad_id``): input_ids, attention_mask, labels."""
    n = max(len(x[0]) for x in batch)
    ids = torch.full((len(batch), n), pad_id, dtype=torch.long)
    mask = torch.zeros((len(batch), n), dtype=torch.long)
    labels = torch.full((len(batch), n), IGNORE, dtype=torch.long)
    for i, (x, y) in enumerate(batch):
        ids[i, : len(x)] = torch.tensor(x, dtype=torch.long)
        mask[i, : len(x)] = 1
        labels[i, : len(y)] = torch.tensor(y, dtype=torch.long)
    return ids, mask, labels


def length_bucketed_batches(lengths: Sequence[int], max_tokens: int, max_batch: int, rng: random.Random,
                            bucket: int = 100) -> List[List[int]]:
    """Batches of indices of similar length (little padding), sized by a token budget, in random order."""
    order = list(range(len(lengths)))
    rng.shuffle(order)
    batches: List[List[int]] = []
    for k in range(0, len(order), bucket * max_batch):
        chunk = sorted(order[k: k + bucket * max_batch], key=lambda i: lengths[i])
        cur: List[int] = []
        longest = 0
        for i in chunk:
            longest_new = max(longest, lengths[i])
            if cur and (longest_new * (len(cur) + 1) > max_tokens or len(cur) >= max_batch):
                batches.append(cur)
                cur, longest_new = [], lengths[i]
            cur.append(i)
            longest = longest_new
        if cur:
            batches.append(cur)
    rng.shuffle(batches)
    return batches
