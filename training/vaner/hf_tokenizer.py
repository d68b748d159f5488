"""The tokenizer of a Hugging Face checkpoint directory (``tokenizer.json``), for LLaMA-2 fine-tuning runs.

A bundle built on a real checkpoint must ship that checkpoint's own ``tokenizer.json`` (copied byte for byte, read
in Node by ``@huggingface/tokenizers``) and its special ids. Python encodes words with:

* ``JsUnigram`` (the JS-exact port in tokenizer.py) when the file is a Unigram model in exactly the layout that
  port reproduces (no normaliser, Metaspace ``always``, no byte fallback, no added tokens): no extra package;
* otherwise (LLaMA-2 ships SentencePiece BPE with byte fallback) the Rust ``tokenizers`` package reading the same
  file, or ``transformers``' ``PreTrainedTokenizerFast`` over it; both are installed on the GPU hosts.

Special ids (docs/bundle-format.md ``special``): ``bosId`` from config.json ``bos_token_id`` (else the
tokenizer_config ``bos_token``, else ``<s>``); ``padId`` from ``pad_token_id`` / ``pad_token``, else the unk id
(LLaMA-2 has no pad token: 0 = ``<unk>``; padded positions are masked out anyway); ``sepId``: LLaMA-2 has no
``<sep>``, so the separator between instruction and words is the eos token ``</s>`` (id 2) unless ``sep_token`` is
given. The model only needs a fixed, otherwise unused marker there; eos never comes out of encoding plain text.
"""
from __future__ import annotations

import json
import os
from typing import Callable, Dict, List, Optional, Sequence

from .tokenizer import JsUnigram

INSTALL_HINT = ("encoding with this tokenizer.json needs the Hugging Face 'tokenizers' package "
                "(pip install tokenizers) or 'transformers' (pip install transformers)")


def _read_json(path: str) -> dict:
    with open(path, encoding="utf-8") as f:
        return json.load(f)


def _token_text(tok) -> Optional[str]:
    """tokenizer_config.json stores special tokens as a string or an AddedToken dict."""
    if isinstance(tok, dict):
        return tok.get("content")
    return tok


def js_unigram_exact(tj: dict) -> bool:
    """True when ``JsUnigram`` reproduces the JS library on this tokenizer.json exactly."""
    pre = tj.get("pre_tokenizer") or {}
    model = tj.get("model") or {}
    return (model.get("type") == "Unigram" and not model.get("byte_fallback") and tj.get("normalizer") is None
            and not tj.get("added_tokens") and pre.get("type") == "Metaspace" and pre.get("replacement") == "\u2581"
            and pre.get("prepend_scheme", "always") == "always")


def _library_encoder(path: str) -> Callable[[str], List[int]]:
    try:
        from tokenizers import Tokenizer  # lazy: optional, present on the GPU hosts
    except ImportError:
        Tokenizer = None
    if Tokenizer is not None:
        t = Tokenizer.from_file(path)
        return lambda text: t.encode(text, add_special_tokens=False).ids
    try:
        from transformers import PreTrainedTokenizerFast  # lazy: optional
    except ImportError:
        raise ImportError(f"{path}: {INSTALL_HINT}") from None
    t = PreTrainedTokenizerFast(tokenizer_file=path)
    return lambda text: t(text, add_special_tokens=False)["input_ids"]


class HfTokenizer:
    """Same interface as ``SpTokenizer`` for features/export (``encode``, ``encode_words``, ``vocab_size``) plus
    ``special`` (the manifest's special ids) and ``json_path`` (the file the bundle copies)."""

    def __init__(self, directory: str, sep_token: Optional[str] = None):
        self.directory = directory
        self.json_path = os.path.join(directory, "tokenizer.json")
        if not os.path.exists(self.json_path):
            raise FileNotFoundError(
                f"{directory} has no tokenizer.json; write it from the checkpoint's tokenizer.model with "
                f"transformers: AutoTokenizer.from_pretrained(dir).save_pretrained(dir)")
        tj = _read_json(self.json_path)
        self.kind = (tj.get("model") or {}).get("type", "?")
        self._vocab: Dict[str, int] = {}
        vocab = tj["model"]["vocab"]
        if isinstance(vocab, dict):  # BPE / WordPiece: {piece: id}
            self._vocab.update(vocab)
        else:  # Unigram: [[piece, score], ...]
            for i, (piece, _) in enumerate(vocab):
                self._vocab.setdefault(piece, i)
        for at in tj.get("added_tokens") or []:
            self._vocab[at["content"]] = at["id"]
        self.vocab_size = max(self._vocab.values()) + 1
        if js_unigram_exact(tj):
            js = JsUnigram(tj)
            self._encode, self.backend = js.encode, "js-unigram"
        else:
            self._encode, self.backend = _library_encoder(self.json_path), "tokenizers"
        cfg_path = os.path.join(directory, "config.json")
        tc_path = os.path.join(directory, "tokenizer_config.json")
        hf = _read_json(cfg_path) if os.path.exists(cfg_path) else {}
        tc = _read_json(tc_path) if os.path.exists(tc_path) else {}
        unk = tj["model"].get("unk_id")
        if unk is None:  # BPE: model.unk_token (LLaMA-2: "<unk>" = 0)
            unk = self._vocab.get(tj["model"].get("unk_token") or _token_text(tc.get("unk_token")) or "<unk>")
        if unk is None:
            raise ValueError(f"{self.json_path}: no unk token (model.unk_id / unk_token / '<unk>')")
        self.unk_id = int(unk)
        self.bos_id = self._special(hf.get("bos_token_id"), tc.get("bos_token"), "<s>", "bos")
        eos = self._special(hf.get("eos_token_id"), tc.get("eos_token"), "</s>", "eos")
        pad = hf.get("pad_token_id")
        if pad is None and _token_text(tc.get("pad_token")) in self._vocab:
            pad = self._vocab[_token_text(tc.get("pad_token"))]
        self.pad_id = int(pad) if pad is not None else self.unk_id
        if sep_token is not None:
            if sep_token not in self._vocab:
                raise ValueError(f"sep_token {sep_token!r} is not in {self.json_path}")
            self.sep_id = self._vocab[sep_token]
        else:
            self.sep_id = eos  # LLaMA-2 has no <sep>: eos marks the end of the instruction
        self.special = {"bosId": self.bos_id, "sepId": self.sep_id, "padId": self.pad_id}

    def _special(self, cfg_id, tc_token, default: str, what: str) -> int:
        if isinstance(cfg_id, list):
            cfg_id = cfg_id[0]
        if cfg_id is not None:
            return int(cfg_id)
        text = _token_text(tc_token) or default
        if text not in self._vocab:
            raise ValueError(f"{self.json_path}: {what} token {text!r} not in the vocabulary")
        return self._vocab[text]

    def encode_raw(self, text: str) -> List[int]:
        """``tokenizer.encode(text, {add_special_tokens: false}).ids`` (may be empty)."""
        return list(self._encode(text)) if text else []

    def encode(self, text: str) -> List[int]:
        """docs/bundle-format.md ``encode(x)``; an empty encoding becomes ``[unk]``."""
        ids = self.encode_raw(text)
        return ids if ids else [self.unk_id]

    def encode_words(self, words: Sequence[str]) -> List[List[int]]:
        return [self.encode(w) for w in words]

    def describe(self) -> str:
        return f"checkpoint tokenizer.json ({self.kind}, {self.vocab_size} ids, Python encoder {self.backend})"


def hf_parity_fixture(tok: HfTokenizer, words: Sequence[str], sentences: Sequence[str], n: int = 2000) -> dict:
    """Words/sentences with the ids Python trained on; check-bundle.mjs re-encodes them in Node."""
    from .tokenizer import TRICKY_WORDS
    seen, picked = set(), []
    for w in list(TRICKY_WORDS) + sorted(set(words)):
        if w and w not in seen and len(picked) < n:
            seen.add(w)
            picked.append(w)
    return {"description": "ids computed by the training pipeline's encoder for the checkpoint tokenizer.json",
            "cases": [{"word": w, "ids": tok.encode_raw(w)} for w in picked],
            "sentences": [{"text": s, "ids": tok.encode_raw(s)} for s in sentences]}
