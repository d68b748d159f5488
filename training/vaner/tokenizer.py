"""SentencePiece unigram tokenizer, trained here and exported as a Hugging Face ``tokenizer.json``.

The Node runtime encodes with ``@huggingface/tokenizers`` (a JS port of the transformers.js tokenizers), so the
export must make that library produce exactly sentencepiece's ids for every word. Choices that make it so:

* ``normalization_rule_name='identity'`` and ``remove_extra_whitespaces=False``: the JSON has ``normalizer: null``
  and the JS side does no normalisation either (no NFKC on one side only).
* ``byte_fallback=False``: the JS Unigram model has no byte fallback; unknown characters become ``<unk>``, and both
  sides fuse runs of unknown characters into one ``<unk>``.
* ``character_coverage=1.0``: every character seen in training is a piece, so a multi-character piece never
  contains a character that lacks a single-character piece; hence the score given to ``<unk>`` (JS: min score
  - 10, sentencepiece: min normal score - 10) never changes a segmentation.
* Control pieces (``<pad>``, ``<s>``, ``</s>``) are never matched from text by sentencepiece; the JS trie holds every
  vocab entry, so they get a score so low that spelling them out character by character always wins.
* The user-defined ``<sep>`` IS matched from text by sentencepiece, with lattice score ``len * max_score - 0.1``;
  the JSON carries that score so the JS lattice makes the same choice.
* ``added_tokens`` stays empty: JS splits text on added tokens and re-applies the Metaspace prefix to each
  piece, which sentencepiece does not do.
"""
from __future__ import annotations

import io
import json
import random
from typing import Iterable, List, Sequence

import sentencepiece as spm

PAD, BOS, EOS, SEP, UNK = "<pad>", "<s>", "</s>", "<sep>", "<unk>"
PAD_ID, BOS_ID, EOS_ID, SEP_ID, UNK_ID = 0, 1, 2, 3, 4
CONTROL_SCORE = -1.0e4


def train_sentencepiece(sentences: Iterable[str], vocab_size: int, seed: int = 0) -> bytes:
    """Train a unigram model on ``sentences`` (already sampled and ordered by the caller, for determinism);
    returns the serialized model proto."""
    if hasattr(spm, "set_random_generator_seed"):
        spm.set_random_generator_seed(seed)
    buf = io.BytesIO()
    spm.SentencePieceTrainer.train(
        sentence_iterator=iter(sentences),
        model_writer=buf,
        vocab_size=vocab_size,
        model_type="unigram",
        normalization_rule_name="identity",
        add_dummy_prefix=True,
        remove_extra_whitespaces=False,
        character_coverage=1.0,
        byte_fallback=False,
        split_digits=False,
        pad_id=PAD_ID, bos_id=BOS_ID, eos_id=EOS_ID, unk_id=UNK_ID,
        pad_piece=PAD, bos_piece=BOS, eos_piece=EOS, unk_piece=UNK,
        user_defined_symbols=[SEP],
        input_sentence_size=0,
        shuffle_input_sentence=False,
        max_sentence_length=8192,
        num_threads=2,
        minloglevel=2,
    )
    proto = buf.getvalue()
    sp = spm.SentencePieceProcessor(model_proto=proto)
    assert sp.piece_to_id(SEP) == SEP_ID and sp.pad_id() == PAD_ID and sp.bos_id() == BOS_ID
    return proto


class SpTokenizer:
    """Thin wrapper: ``encode_word`` is the ``encode(x)`` of docs/bundle-format.md."""

    def __init__(self, proto: bytes):
        self.proto = proto
        self.sp = spm.SentencePieceProcessor(model_proto=proto)

    @classmethod
    def load(cls, path: str) -> "SpTokenizer":
        with open(path, "rb") as f:
            return cls(f.read())

    def save(self, path: str) -> None:
        with open(path, "wb") as f:
            f.write(self.proto)

    @property
    def vocab_size(self) -> int:
        return self.sp.get_piece_size()

    def encode(self, text: str) -> List[int]:
        ids = self.sp.encode(text)
        return ids if ids else [UNK_ID]

    def encode_words(self, words: Sequence[str]) -> List[List[int]]:
        out = self.sp.encode(list(words))
        return [ids if ids else [UNK_ID] for ids in out]

    def to_hf_json(self) -> dict:
        return export_hf_tokenizer_json(self.sp)


def export_hf_tokenizer_json(sp: spm.SentencePieceProcessor) -> dict:
    n = sp.get_piece_size()
    normal_scores = [sp.get_score(i) for i in range(n)
                     if not (sp.is_control(i) or sp.is_unknown(i) or sp.is_unused(i) or _is_user_defined(sp, i))]
    max_score = max(normal_scores)
    vocab = []
    for i in range(n):
        piece = sp.id_to_piece(i)
        if sp.is_control(i):
            score = CONTROL_SCORE
        elif sp.is_unknown(i):
            score = 0.0  # overwritten by the JS model (min score - 10); irrelevant, see module docstring
        elif _is_user_defined(sp, i):
            score = len(piece) * max_score - 0.1
        else:
            score = sp.get_score(i)
        vocab.append([piece, float(score)])
    metaspace = {"type": "Metaspace", "replacement": "\u2581", "prepend_scheme": "always", "split": True}
    return {
        "version": "1.0",
        "truncation": None,
        "padding": None,
        "added_tokens": [],
        "normalizer": None,
        "pre_tokenizer": metaspace,
        "post_processor": None,
        "decoder": dict(metaspace),
        "model": {"type": "Unigram", "unk_id": UNK_ID, "vocab": vocab, "byte_fallback": False},
    }


def _is_user_defined(sp: spm.SentencePieceProcessor, i: int) -> bool:
    fn = getattr(sp, "is_user_defined", None)
    if fn is not None:
        return bool(fn(i))
    return sp.id_to_piece(i) == SEP


def write_hf_json(tok: SpTokenizer, path: str) -> None:
    with open(path, "w", encoding="utf-8") as f:
        json.dump(tok.to_hf_json(), f, ensure_ascii=False, separators=(",", ":"))


# Hand-picked hard cases; the rest of the parity list is sampled from corpus words.
TRICKY_WORDS = [
    "α", "β", "γ", "δ", "κ", "TNF-α", "TNFα", "IFN-γ", "β2", "NF-κB", "Δ9", "μg", "µg", "Ω", "°C", "±", "≥", "→",
    "2,4-D", "IL-2R", "Crohn's", "Crohn’s", "5'-UTR", "3′", "N-acetyl-L-cysteine", "p53", "BRCA1", "HbA1c", "CD4+",
    "CD8(+)", "[3H]-naloxone", "10(-8)", "1,25-dihydroxyvitamin", "Na+/K+-ATPase", "Ca2+", "H2O2", "mRNA", "siRNA",
    "HIV-1", "SARS-CoV-2", "COVID-19", "E.coli", "Escherichia", "coli", "Saccharomyces", "cerevisiae", "Homo",
    "sapiens", "cisplatin", "doxorubicin", "acetaminophen", "hepatotoxicity", "cardiomyopathy", "nephrotoxicity",
    "encephalopathy", "pseudohypoparathyroidism", "glucose-6-phosphate", "dehydrogenase", "<sep>", "a<sep>b",
    "<s>", "</s>", "<pad>", "<unk>", "<", ">", "/", "\\", "\"", "'", "`", "~", "^", "|", "@", "#", "$", "%", "&", "*",
    "_", "=", "+", "-", "–", "—", "(", ")", "[", "]", "{", "}", ";", ":", ",", ".", "?", "!", "0", "1", "42",
    "2024", "3.14", "1e-5", "0.05", "x", "X", "I", "II", "III", "IV", "ﬁ", "Ａ", "ｱ", "é", "café", "naïve",
    "Müller", "Ångström", "Ⅱ", "①", "²", "½", "中文", "日本", "한국", "Ελληνικά", "Русский", "😀", "👍🏽",
    "a\u0301", "e\u0308", "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa", "zzzzqqqxxj", "Qxzvbn",
    "supercalifragilisticexpialidocious", "immunohistochemistry", "phosphatidylinositol", "ACTGACTGACTGGGTA",
    "rs12345678", "c.1234G>A", "p.Val600Glu", "V600E", "del", "ins", "1A2B3C", "H1N1", "5-HT2A", "D2R",
]


def parity_fixture(tok: SpTokenizer, corpus_words: Sequence[str], n: int = 200, seed: int = 0) -> dict:
    """~n words (hand-picked tricky ones first, then rare/odd corpus words) with their sentencepiece ids."""
    rng = random.Random(seed)
    words: List[str] = []
    seen = set()
    for w in TRICKY_WORDS:
        if w not in seen:
            seen.add(w)
            words.append(w)
    pool = sorted({w for w in corpus_words if w and w not in seen})
    odd = [w for w in pool if any(ord(c) > 127 for c in w) or any(c.isdigit() for c in w) or len(w) > 14]
    rng.shuffle(odd)
    rng.shuffle(pool)
    for w in odd[: max(0, (n - len(words)) // 2)] + pool:
        if len(words) >= n:
            break
        if w not in seen:
            seen.add(w)
            words.append(w)
    cases = [{"word": w, "ids": tok.sp.encode(w)} for w in words]
    # A sentence with spaces too: the instruction strings are encoded whole.
    sentences = [
        "Recognize all CHEMICAL entities in the text, annotated following the BC5CDR guidelines.",
        "dense bio-entity recognition",
    ]
    return {
        "description": "sentencepiece ids of words encoded alone (encode(x, add_special_tokens=false)); "
                       "Node's @huggingface/tokenizers must produce identical ids",
        "cases": cases,
        "sentences": [{"text": s, "ids": tok.sp.encode(s)} for s in sentences],
    }
