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


class JsUnigram:
    """Exact Python port of the Unigram encoder of ``@huggingface/tokenizers`` 0.2.0 (Metaspace pre-tokenizer,
    CharTrie, TokenLattice Viterbi, fuse_unk), driven by the exported ``tokenizer.json`` dict.

    Why a port: sentencepiece accumulates path scores in float32 and breaks ties by its own loop order, the JS
    lattice in float64 with first-found-wins. Segmentations that are permutations of the same pieces (``444`` =
    ``4|44`` = ``44|4``, long DNA strings) have equal scores, and the two libraries then pick differently (25 of
    62,073 corpus word types). Training with this port makes Python and the Node runtime agree by construction;
    sentencepiece still learns the vocabulary. Same loops, same order, same float64 arithmetic as the JS code.
    """

    def __init__(self, tj: dict):
        model = tj["model"]
        self.vocab = [p for p, _ in model["vocab"]]
        self.scores = [float(s) for _, s in model["vocab"]]
        self.unk_id = model["unk_id"]
        self.tokens_to_ids = {}
        for i, p in enumerate(self.vocab):
            self.tokens_to_ids[p] = i  # JS: new Map(vocab.map((x, i) => [x, i])), last duplicate wins
        self.unk_score = min(self.scores) - 10
        self.scores[self.unk_id] = self.unk_score
        self.trie: dict = {}
        for p in self.vocab:
            node = self.trie
            for ch in p:
                node = node.setdefault(ch, {})
            node[None] = True  # leaf marker
        self._cache: dict = {}

    def _prefixes(self, chars, start):
        node = self.trie
        for i in range(start, len(chars)):
            node = node.get(chars[i])
            if node is None:
                return
            if None in node:
                yield "".join(chars[start:i + 1])

    def _tokenize(self, normalized: str) -> List[str]:
        chars = list(normalized)  # code points, like Array.from
        n = len(chars)
        begin = [[] for _ in range(n + 1)]
        end = [[] for _ in range(n + 1)]
        # node: [token_id, pos, length, score, prev, backtrace_score]
        bos = [0, 0, 0, 0.0, None, 0.0]
        eos = [0, n, 0, 0.0, None, 0.0]
        begin[n].append(eos)
        end[0].append(bos)
        for pos in range(n):
            has_single = False
            for tok in self._prefixes(chars, pos):
                tid = self.tokens_to_ids[tok]
                length = len(tok)
                node = [tid, pos, length, self.scores[tid], None, 0.0]
                begin[pos].append(node)
                end[pos + length].append(node)
                if length == 1:
                    has_single = True
            if not has_single:
                node = [self.unk_id, pos, 1, self.unk_score, None, 0.0]
                begin[pos].append(node)
                end[pos + 1].append(node)
        for pos in range(n + 1):
            if not begin[pos]:
                return []
            for r in begin[pos]:
                best = None
                best_score = 0.0
                for l in end[pos]:
                    sc = l[5] + r[3]
                    if best is None or sc > best_score:
                        best, best_score = l, sc
                if best is None:
                    return []
                r[4] = best
                r[5] = best_score
        out = []
        node = begin[n][0][4]
        while node is not None and node[4] is not None:
            out.append("".join(chars[node[1]: node[1] + node[2]]))
            node = node[4]
        out.reverse()
        # fuse_unk: runs of unknown tokens become one
        fused: List[str] = []
        i = 0
        while i < len(out):
            fused.append(out[i])
            if self.tokens_to_ids.get(out[i], self.unk_id) != self.unk_id:
                i += 1
                continue
            i += 1
            while i < len(out) and self.tokens_to_ids.get(out[i], self.unk_id) == self.unk_id:
                if self.tokens_to_ids.get(fused[-1], self.unk_id) != self.unk_id:
                    fused[-1] += out[i]
                i += 1
        return fused

    def encode(self, text: str) -> List[int]:
        """``tokenizer.encode(text, { add_special_tokens: false }).ids`` of the JS library."""
        ids = self._cache.get(text)
        if ids is None:
            if not text:
                return []
            normalized = text.replace(" ", "\u2581")
            if not normalized.startswith("\u2581"):
                normalized = "\u2581" + normalized
            ids = [self.tokens_to_ids.get(t, self.unk_id) for t in self._tokenize(normalized)]
            if len(self._cache) < 2_000_000:
                self._cache[text] = ids
        return list(ids)


class SpTokenizer:
    """Trained sentencepiece model; ``encode`` is the ``encode(x)`` of docs/bundle-format.md, computed with the
    JS-exact port (see JsUnigram) so training inputs equal runtime inputs."""

    def __init__(self, proto: bytes):
        self.proto = proto
        self.sp = spm.SentencePieceProcessor(model_proto=proto)
        self.js = JsUnigram(export_hf_tokenizer_json(self.sp))

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
        ids = self.js.encode(text)
        return ids if ids else [UNK_ID]

    def encode_words(self, words: Sequence[str]) -> List[List[int]]:
        return [self.encode(w) for w in words]

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
    "444", "33333", "L444P", "rs5758222", "GTGAGTGAGTTTCTGTTTAACTGGTGC", "rs12345678", "c.1234G>A", "p.Val600Glu", "V600E", "del", "ins", "1A2B3C", "H1N1", "5-HT2A", "D2R",
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
    cases = [{"word": w, "ids": tok.js.encode(w), "sentencepiece": tok.sp.encode(w)} for w in words]
    # A sentence with spaces too: the instruction strings are encoded whole.
    sentences = [
        "Recognize all CHEMICAL entities in the text, annotated following the BC5CDR guidelines.",
        "dense bio-entity recognition",
    ]
    return {
        "description": "ids of words encoded alone (encode(x, {add_special_tokens: false})) as the training "
                       "pipeline computed them; Node's @huggingface/tokenizers must produce identical ids. "
                       "'sentencepiece' is sentencepiece's own encoding, which differs only where two "
                       "segmentations tie (see training/vaner/tokenizer.py JsUnigram)",
        "cases": cases,
        "sentences": [{"text": s, "ids": tok.js.encode(s), "sentencepiece": tok.sp.encode(s)} for s in sentences],
    }
