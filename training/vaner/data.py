"""Corpus readers, instruction items, dense bio-entity recognition (DBR) items, and the packed training set.

An item is (instruction, words, BIO tags) for ONE entity type of ONE dataset (VANER: one pass per type). Tags are
ints: 0 = O, 1 = B, 2 = I. Only train/devel splits are read; test files are refused by ``_refuse_test``.
"""
from __future__ import annotations

import glob
import gzip
import json
import os
import random
import re
from collections import Counter
from typing import Dict, Iterable, Iterator, List, Optional, Sequence, Tuple

from .words import split_words

DATA = os.environ.get("VANER_DATA", "/work/shared/data")

TYPE_PHRASE = {
    "CHEMICAL": "chemical", "DISEASE": "disease", "GENE": "gene", "SPECIES": "species", "PROTEIN": "protein",
    "DNA": "DNA", "RNA": "RNA", "CELL_LINE": "cell line", "CELL_TYPE": "cell type", "VARIANT": "variant",
}


def instruction(etype: str, dataset: str) -> str:
    """The prompt for one pass (written verbatim into manifest.json entityTypes[i].instruction)."""
    return f"Recognize all {TYPE_PHRASE[etype]} entities in the text, annotated following the {dataset} guidelines."


def dbr_instruction(etype: str) -> str:
    return f"Recognize all {TYPE_PHRASE[etype]} entities in the text, following dense bio-entity recognition."


def _refuse_test(path: str) -> None:
    base = os.path.basename(path).lower()
    if "test" in base:
        raise ValueError(f"refusing to read a test split: {path}")


# ---------------------------------------------------------------------------------------------------- readers

def read_conll(path: str) -> List[Tuple[List[str], List[int]]]:
    """CoNLL ``token<TAB>tag`` with blank lines between sentences; tags B/I/O with optional ``-Type`` suffix."""
    return [(words, [1 if t.startswith("B") else 2 if t.startswith("I") else 0 for t in tags])
            for words, tags in read_conll_typed(path)]


def read_conll_typed(path: str) -> List[Tuple[List[str], List[str]]]:
    """CoNLL sentences with the raw tag strings (JNLPBA devel: B-protein, I-DNA ...); read_conll maps them to 0/1/2."""
    _refuse_test(path)
    out: List[Tuple[List[str], List[str]]] = []
    words: List[str] = []
    tags: List[str] = []
    with open(path, encoding="utf-8") as f:
        for line in f:
            line = line.rstrip("\n")
            if not line.strip():
                if words:
                    out.append((words, tags))
                words, tags = [], []
                continue
            parts = line.split("\t")
            if parts[0] == "-DOCSTART-":
                continue
            words.append(parts[0])
            tags.append(parts[-1].strip())
    if words:
        out.append((words, tags))
    return out


class Doc:
    """Raw text with typed character spans (end exclusive)."""

    def __init__(self, doc_id: str, text: str, spans: List[Tuple[int, int, str]]):
        self.id = doc_id
        self.text = text
        self.spans = spans


def read_pubtator(path: str) -> List[Doc]:
    """PubTator: ``id|t|title``, ``id|a|abstract``, then ``id<TAB>start<TAB>end<TAB>mention<TAB>type[<TAB>ids]``.
    Offsets index ``title + " " + abstract``; relation lines (``id<TAB>CID<TAB>...``) are skipped."""
    _refuse_test(path)
    docs: List[Doc] = []
    cur: Optional[Dict] = None
    with open(path, encoding="utf-8") as f:
        for line in f:
            line = line.rstrip("\n")
            if not line.strip():
                continue
            m = re.match(r"^([^|\t]+)\|([ta])\|(.*)$", line)
            if m:
                pid, kind, body = m.groups()
                if cur is None or cur["id"] != pid:
                    if cur is not None:
                        docs.append(Doc(cur["id"], cur["title"] + " " + cur["abstract"], cur["spans"]))
                    cur = {"id": pid, "title": "", "abstract": "", "spans": []}
                cur["title" if kind == "t" else "abstract"] = body
                continue
            parts = line.split("\t")
            if cur is not None and len(parts) >= 5 and parts[1].isdigit() and parts[2].isdigit():
                cur["spans"].append((int(parts[1]), int(parts[2]), parts[4]))
    if cur is not None:
        docs.append(Doc(cur["id"], cur["title"] + " " + cur["abstract"], cur["spans"]))
    return docs


def read_brat_dir(directory: str) -> List[Doc]:
    """BRAT standoff ``.txt`` + ``.ann``; T lines with discontinuous ranges take their outer extent."""
    _refuse_test(directory)
    docs: List[Doc] = []
    for txt in sorted(glob.glob(os.path.join(directory, "*.txt"))):
        ann = txt[:-4] + ".ann"
        with open(txt, encoding="utf-8") as f:
            text = f.read()
        spans: List[Tuple[int, int, str]] = []
        if os.path.exists(ann):
            with open(ann, encoding="utf-8") as f:
                for line in f:
                    if not line.startswith("T"):
                        continue
                    _, mid, *_ = line.rstrip("\n").split("\t") + [""]
                    etype, rng = mid.split(" ", 1)
                    nums = [int(x) for x in re.findall(r"\d+", rng)]
                    spans.append((min(nums), max(nums), etype))
        docs.append(Doc(os.path.basename(txt)[:-4], text, spans))
    return docs


# ------------------------------------------------------------------------------------- docs -> sentences/tags

_SENT_END = {".", "?", "!"}


def doc_sentences(doc: Doc) -> List[List[Tuple[str, int, int]]]:
    """Split a doc into sentences of words: break after . ? ! when the next word starts upper-case or a digit
    and the break is not inside an annotated span."""
    words = split_words(doc.text)
    inside = set()
    for s, e, _ in doc.spans:
        inside.update(range(s, e))
    sents: List[List[Tuple[str, int, int]]] = []
    cur: List[Tuple[str, int, int]] = []
    for i, w in enumerate(words):
        cur.append(w)
        nxt = words[i + 1] if i + 1 < len(words) else None
        if w[0] in _SENT_END and nxt is not None and (nxt[0][0].isupper() or nxt[0][0].isdigit()) \
                and w[1] not in inside and nxt[1] > w[2]:
            sents.append(cur)
            cur = []
    if cur:
        sents.append(cur)
    return sents


def tag_words(words: Sequence[Tuple[str, int, int]], spans: Iterable[Tuple[int, int]]) -> List[int]:
    """BIO for words against character spans: a word overlapping a span is inside it; the first such word is B."""
    tags = [0] * len(words)
    for s, e in sorted(spans):
        first = True
        for j, (_, ws, we) in enumerate(words):
            if we <= s or ws >= e:
                continue
            if tags[j] != 0 and first:
                # overlapping spans: keep the earlier one's labelling
                break
            tags[j] = 1 if first else 2
            first = False
    return tags


def doc_items(docs: List[Doc], type_map: Dict[str, str]) -> List[Tuple[List[str], Dict[str, List[int]]]]:
    """Per sentence: words and BIO tags per mapped entity type (corpus type -> our type)."""
    out = []
    for doc in docs:
        by_type: Dict[str, List[Tuple[int, int]]] = {}
        for s, e, t in doc.spans:
            if t in type_map:
                by_type.setdefault(type_map[t], []).append((s, e))
        for sent in doc_sentences(doc):
            if not sent:
                continue
            a, b = sent[0][1], sent[-1][2]
            tags = {}
            for et in sorted(set(type_map.values())):
                spans = [(s, e) for s, e in by_type.get(et, []) if s < b and e > a]
                tags[et] = tag_words(sent, spans)
            out.append(([w for w, _, _ in sent], tags))
    return out


# ------------------------------------------------------------------------------------------ the dataset mix

# (name, our type, dataset name used in the instruction, CoNLL folder)
CONLL_SETS = [
    ("BC5CDR-chem", "CHEMICAL", "BC5CDR", "BC5CDR-chem-IOB"),
    ("BC5CDR-disease", "DISEASE", "BC5CDR", "BC5CDR-disease-IOB"),
    ("NCBI-disease", "DISEASE", "NCBI-disease", "NCBI-disease-IOB"),
    ("BC2GM", "GENE", "BC2GM", "BC2GM-IOB"),
    ("linnaeus", "SPECIES", "LINNAEUS", "linnaeus-IOB"),
]
JNLPBA_TYPES = {"protein": "PROTEIN", "DNA": "DNA", "RNA": "RNA", "cell_line": "CELL_LINE", "cell_type": "CELL_TYPE"}
# Shipped passes: type -> dataset whose guidelines the pass follows.
PRIMARY = [("CHEMICAL", "BC5CDR"), ("DISEASE", "BC5CDR"), ("GENE", "BC2GM"), ("SPECIES", "LINNAEUS"),
           ("PROTEIN", "JNLPBA"), ("DNA", "JNLPBA"), ("RNA", "JNLPBA"), ("CELL_LINE", "JNLPBA"),
           ("CELL_TYPE", "JNLPBA")]


def _conll_path(folder: str, split: str) -> str:
    return os.path.join(DATA, "ner-iob", folder, f"{split}.tsv")


def supervised_records(split: str = "train", include_extra: bool = True) -> List[dict]:
    """Records {dataset, words, tags: {TYPE: [..]}} for ``split`` in {train, devel}."""
    recs: List[dict] = []
    for name, etype, dsname, folder in CONLL_SETS:
        for words, tags in read_conll(_conll_path(folder, split)):
            recs.append({"src": name, "dataset": dsname, "words": words, "tags": {etype: tags}})
    if split == "train":
        for words, tags in doc_items(read_brat_dir(os.path.join(DATA, "jnlpba", "train")), JNLPBA_TYPES):
            recs.append({"src": "JNLPBA", "dataset": "JNLPBA", "words": words, "tags": tags})
    else:
        for words, raw in read_conll_typed(os.path.join(DATA, "ner-iob", "JNLPBA", "devel.tsv")):
            tags = {}
            for ctype, et in JNLPBA_TYPES.items():
                t = []
                for r in raw:
                    if r.endswith("-" + ctype):
                        t.append(1 if r.startswith("B") else 2)
                    else:
                        t.append(0)
                tags[et] = t
            recs.append({"src": "JNLPBA", "dataset": "JNLPBA", "words": words, "tags": tags})
    s800_dir = os.path.join(DATA, "s800", split)
    for words, tags in doc_items(read_brat_dir(s800_dir), {"Species": "SPECIES"}):
        recs.append({"src": "S800", "dataset": "S800", "words": words, "tags": tags})
    if split == "train" and include_extra:
        extra = [
            ("GNormPlus_Train.PubTator", "GNormPlus", {"Gene": "GENE"}),
            ("NLMgene_Train.PubTator", "NLM-Gene", {"Gene": "GENE"}),
            ("tmVar3_Train.PubTator", "tmVar3", {"Gene": "GENE", "Disease": "DISEASE", "Species": "SPECIES",
                                                  "DNAMutation": "VARIANT", "ProteinMutation": "VARIANT",
                                                  "SNP": "VARIANT", "OtherMutation": "VARIANT",
                                                  "AcidChange": "VARIANT"}),
            ("BioID_Train_revision.PubTator", "BioID", {"CellLine": "CELL_LINE"}),
        ]
        for fname, dsname, tmap in extra:
            docs = read_pubtator(os.path.join(DATA, "extra-ner", fname))
            for words, tags in doc_items(docs, tmap):
                recs.append({"src": dsname, "dataset": dsname, "words": words, "tags": tags})
    return recs


# ------------------------------------------------------------------------------------------------ dictionary

def _norm_name_words(name: str) -> Tuple[str, ...]:
    return tuple(w.lower() for w, _, _ in split_words(name))


def load_kb_names() -> Dict[str, List[str]]:
    """Chemical names (MeSH tree D descriptors with entry terms, CTD chemical names) and disease names (CTD MEDIC
    names and synonyms)."""
    # BC5CDR-style chemicals are drugs and small molecules: descriptors that sit ONLY under proteins/peptides
    # (D12), enzymes (D08), nucleic acids (D13) or biological factors (D23) are left out, so "transcription
    # factors" or "beta catenin" do not become dense CHEMICAL labels.
    trees: Dict[str, set] = {}
    with gzip.open(os.path.join(DATA, "kb", "mesh2024-trees.tsv.gz"), "rt", encoding="utf-8") as f:
        next(f)
        for line in f:
            p = line.rstrip("\n").split("\t")
            if len(p) > 7 and p[3] == "D":
                trees.setdefault(p[0], set()).add(p[7])
    macro = {"D08", "D12", "D13", "D23"}
    chem: List[str] = []
    with gzip.open(os.path.join(DATA, "kb", "mesh-chemical-names-merged.tsv.gz"), "rt", encoding="utf-8") as f:
        next(f)
        for line in f:
            p = line.rstrip("\n").split("\t")
            if len(p) >= 4 and p[3] == "Y":
                mid = p[0].split(":")[-1]
                if trees.get(mid) and trees[mid] <= macro:
                    continue
                chem.append(p[1])
    dis: List[str] = []
    with gzip.open(os.path.join(DATA, "kb", "CTD_diseases.tsv.gz"), "rt", encoding="utf-8") as f:
        for line in f:
            if line.startswith("#"):
                continue
            p = line.rstrip("\n").split("\t")
            if len(p) < 8:
                continue
            dis.append(p[0])
            dis.extend(x for x in p[7].split("|") if x)
    return {"CHEMICAL": chem, "DISEASE": dis}


class Dictionary:
    """Longest-match word-sequence dictionary, case-insensitive, for DBR items."""

    def __init__(self, names_by_type: Dict[str, Iterable[str]], stop: Iterable[str] = (), max_words: int = 8):
        self.max_words = max_words
        self.entries: Dict[Tuple[str, ...], str] = {}
        stop = set(stop)
        for etype, names in names_by_type.items():
            for n in names:
                key = _norm_name_words(n)
                if not key or len(key) > max_words:
                    continue
                if len(key) == 1 and (len(key[0]) < 4 or key[0] in stop or key[0].isdigit()):
                    continue
                self.entries.setdefault(key, etype)

    def match(self, words: Sequence[str]) -> List[Tuple[int, int, str]]:
        low = [w.lower() for w in words]
        out = []
        i = 0
        while i < len(low):
            hit = None
            for n in range(min(self.max_words, len(low) - i), 0, -1):
                t = self.entries.get(tuple(low[i:i + n]))
                if t is not None:
                    hit = (i, i + n, t)
                    break
            if hit:
                out.append(hit)
                i = hit[1]
            else:
                i += 1
        return out


def dbr_records(sentences: Iterable[Sequence[str]], dictionary: Dictionary, min_entities: int = 2,
                limit: int = 20000) -> List[dict]:
    """Sentences where the dictionary marks at least ``min_entities`` mentions; tags for CHEMICAL and DISEASE."""
    recs = []
    for words in sentences:
        hits = dictionary.match(words)
        if len(hits) < min_entities:
            continue
        tags = {"CHEMICAL": [0] * len(words), "DISEASE": [0] * len(words)}
        for a, b, t in hits:
            tags[t][a] = 1
            for k in range(a + 1, b):
                tags[t][k] = 2
        recs.append({"src": "DBR", "dataset": "DBR", "words": list(words), "tags": tags})
        if len(recs) >= limit:
            break
    return recs


# ----------------------------------------------------------------------------------------------- unlabeled

def unlabeled_texts(limit: Optional[int] = None) -> Iterator[str]:
    """SumPubMed abstracts (lower-cased upstream); ``<dig>`` placeholders become ``0`` so that they tokenize
    like digits rather than as a markup token the runtime never sees."""
    path = os.path.join(DATA, "unlabeled", "sumpubmed-abstracts.jsonl.gz")
    with gzip.open(path, "rt", encoding="utf-8") as f:
        for i, line in enumerate(f):
            if limit is not None and i >= limit:
                break
            text = json.loads(line)["abstract"]
            yield text.replace("<dig>", "0")


def corpus_texts() -> Iterator[str]:
    """Cased raw text of the training splits (titles+abstracts), for tokenizer and pre-training."""
    for path in (os.path.join(DATA, "bc5cdr", "CDR_TrainingSet.PubTator.txt"),
                 os.path.join(DATA, "ncbi-disease", "NCBItrainset_corpus.txt"),
                 os.path.join(DATA, "extra-ner", "GNormPlus_Train.PubTator"),
                 os.path.join(DATA, "extra-ner", "NLMgene_Train.PubTator"),
                 os.path.join(DATA, "extra-ner", "tmVar3_Train.PubTator")):
        for d in read_pubtator(path):
            yield d.text
    for d in read_brat_dir(os.path.join(DATA, "jnlpba", "train")):
        yield d.text
    for d in read_brat_dir(os.path.join(DATA, "s800", "train")):
        yield d.text
    for name, _, _, folder in CONLL_SETS:
        if name in ("BC2GM", "linnaeus"):
            for words, _ in read_conll(_conll_path(folder, "train")):
                yield " ".join(words)


def write_records(path: str, recs: List[dict]) -> None:
    """Compact gz JSONL: tags as strings of O/B/I."""
    with gzip.open(path, "wt", encoding="utf-8") as f:
        for r in recs:
            f.write(json.dumps({"s": r["src"], "d": r["dataset"], "w": r["words"],
                                "t": {k: "".join("OBI"[x] for x in v) for k, v in r["tags"].items()}},
                               ensure_ascii=False, separators=(",", ":")) + "\n")


def read_records(path: str) -> List[dict]:
    out = []
    with gzip.open(path, "rt", encoding="utf-8") as f:
        for line in f:
            r = json.loads(line)
            out.append({"src": r["s"], "dataset": r["d"], "words": r["w"],
                        "tags": {k: ["OBI".index(c) for c in v] for k, v in r["t"].items()}})
    return out


def records_to_items(recs: List[dict], rng: random.Random, neg_keep: float = 1.0) -> List[dict]:
    """One item per (record, type): {instruction, words, tags, src, type}. DBR records get the DBR prompt.
    ``neg_keep`` subsamples items with no entity of their type (JNLPBA RNA etc. are mostly empty)."""
    items = []
    for r in recs:
        for etype, tags in r["tags"].items():
            if not any(tags) and rng.random() > neg_keep:
                continue
            instr = dbr_instruction(etype) if r["dataset"] == "DBR" else instruction(etype, r["dataset"])
            items.append({"instruction": instr, "words": r["words"], "tags": tags, "src": r["src"],
                          "type": etype})
    return items
