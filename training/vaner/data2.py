"""Training data for format-2 bundles: one record per sentence with BIO tags for every type its corpus annotates,
the annotation scheme (which corpus's guidelines each type follows) and per-word knowledge ids.

Only train/devel splits are read (data._refuse_test). Names harvested from training annotations feed the knowledge
features of other folds only (5 folds by document, or by blocks of 10 sentences for sentence-level corpora), so the
model never sees a dictionary that is perfect on its own training sentences.
"""
from __future__ import annotations

import os
import random
import re
from typing import Dict, List, Optional, Sequence, Tuple

from . import data as D
from .knowledge import compute_spans, word_knowledge_ids, write_extra_names
from .words import split_words

# Heads, in order (manifest entityTypes / knowledge.types). JNLPBA's protein is GENE.
TYPES = ["CHEMICAL", "DISEASE", "GENE", "SPECIES", "CELL_LINE", "CELL_TYPE", "DNA", "RNA"]
PHRASE = {"CHEMICAL": "chemical", "DISEASE": "disease", "GENE": "gene", "SPECIES": "species",
          "CELL_LINE": "cell line", "CELL_TYPE": "cell type", "DNA": "DNA", "RNA": "RNA"}
DEFAULT_DATASETS = {"CHEMICAL": "BC5CDR", "DISEASE": "BC5CDR", "GENE": "BC2GM", "SPECIES": "LINNAEUS",
                    "CELL_LINE": "JNLPBA", "CELL_TYPE": "JNLPBA", "DNA": "JNLPBA", "RNA": "JNLPBA"}
JNLPBA_MAP = {"protein": "GENE", "DNA": "DNA", "RNA": "RNA", "cell_line": "CELL_LINE", "cell_type": "CELL_TYPE"}

# The schemes users pick (manifest `schemes`): name, corpus named in the prompt, types it annotates, when to pick it.
SCHEMES = [
    ("bc5cdr", "BC5CDR", ["CHEMICAL", "DISEASE"],
     "BC5CDR chemicals and diseases as MeSH-linkable spans (the default; what the knowledge base links best)"),
    ("ncbi-disease", "NCBI-disease", ["DISEASE"],
     "NCBI disease corpus spans: specific diseases, disease classes, modifiers and composite mentions"),
    ("bc2gm", "BC2GM", ["GENE"], "BioCreative II gene mention spans: genes and gene products, broad"),
    ("jnlpba", "JNLPBA", ["GENE", "DNA", "RNA", "CELL_LINE", "CELL_TYPE"],
     "JNLPBA/GENIA: protein (as GENE), DNA, RNA, cell line and cell type"),
    ("linnaeus", "LINNAEUS", ["SPECIES"], "LINNAEUS species mentions (full-text style, includes 'patients', 'human')"),
    ("s800", "S800", ["SPECIES"], "Species-800 species mentions across taxonomic groups (abstracts)"),
]


def datasets_for(covered: Dict[str, str]) -> Dict[str, str]:
    out = dict(DEFAULT_DATASETS)
    out.update(covered)
    return out


def instruction(datasets: Dict[str, str]) -> str:
    """The prompt: every type with the corpus whose guidelines its spans follow (types sharing a corpus grouped)."""
    groups: List[Tuple[str, List[str]]] = []
    for t in TYPES:
        ds = datasets[t]
        if groups and groups[-1][0] == ds:
            groups[-1][1].append(PHRASE[t])
        else:
            groups.append((ds, [PHRASE[t]]))
    parts = [f"{', '.join(ph)} ({ds})" for ds, ph in groups]
    return "Recognize " + "; ".join(parts) + " entities in the text."


def scheme_entries() -> List[dict]:
    out = []
    for name, ds, types, desc in SCHEMES:
        datasets = datasets_for({t: ds for t in types})
        out.append({"name": name, "description": desc, "types": list(types), "datasets": datasets,
                    "instruction": instruction(datasets)})
    return out


# ------------------------------------------------------------------------------------------------- sources

def _path(*p: str) -> str:
    return os.path.join(D.DATA, *p)


def _words_of(text: str) -> List[Tuple[str, int, int]]:
    return [(w, s, e) for w, s, e in split_words(text)]


def _joined(words: Sequence[str]) -> Tuple[str, List[Tuple[str, int, int]]]:
    """CoNLL tokens have no text: join them with spaces (offsets follow)."""
    out, pos = [], 0
    for w in words:
        out.append((w, pos, pos + len(w)))
        pos += len(w) + 1
    return " ".join(words), out


def _bio_spans(tags: Sequence[int]) -> List[Tuple[int, int]]:
    out, start = [], None
    for i, t in enumerate(list(tags) + [0]):
        if t == 1 or t == 0:
            if start is not None:
                out.append((start, i))
                start = None
            if t == 1:
                start = i
        elif t == 2 and start is None:
            start = i
    return out


class Text:
    """One unit the knowledge matcher runs over (a document, or a CoNLL sentence) with its sentences."""

    def __init__(self, src: str, covered: Dict[str, str], text: str, sentences: List[List[Tuple[str, int, int]]],
                 gold: Dict[str, List[Tuple[int, int]]], fold: int, group: str = ""):
        self.src, self.covered, self.text, self.sentences, self.gold, self.fold = src, covered, text, sentences, gold, fold
        # Sentences of one group may share a training window (a document; a block of 10 CoNLL sentences).
        self.group = group or f"{src}:{id(self)}"


def _doc_texts(src: str, covered: Dict[str, str], docs: List[D.Doc], type_map: Dict[str, str]) -> List[Text]:
    out = []
    for i, doc in enumerate(docs):
        gold: Dict[str, List[Tuple[int, int]]] = {t: [] for t in covered}
        for s, e, t in doc.spans:
            if type_map.get(t) in gold:
                gold[type_map[t]].append((s, e))
        sents = [s for s in D.doc_sentences(doc) if s]
        out.append(Text(src, covered, doc.text, sents, gold, i % 5))
    return out


def _conll_texts(src: str, covered: Dict[str, str], sents: List[Tuple[List[str], Dict[str, List[int]]]]) -> List[Text]:
    out = []
    for i, (words, tags) in enumerate(sents):
        text, ws = _joined(words)
        gold = {t: [(ws[a][1], ws[b - 1][2]) for a, b in _bio_spans(tags.get(t, []))] for t in covered}
        out.append(Text(src, covered, text, [ws], gold, (i // 10) % 5, group=f"{src}:{i // 10}"))
    return out


def _conll(folder: str, split: str, etype: str) -> List[Tuple[List[str], Dict[str, List[int]]]]:
    return [(w, {etype: t}) for w, t in D.read_conll(os.path.join(D.DATA, "ner-iob", folder, f"{split}.tsv"))]


def _jnlpba_devel() -> List[Tuple[List[str], Dict[str, List[int]]]]:
    out = []
    for words, raw in D.read_conll_typed(_path("ner-iob", "JNLPBA", "devel.tsv")):
        tags = {t: [0] * len(words) for t in set(JNLPBA_MAP.values())}
        for j, r in enumerate(raw):
            if r == "O" or "-" not in r:
                continue
            et = JNLPBA_MAP.get(r.split("-", 1)[1])
            if et:
                tags[et][j] = 1 if r.startswith("B") else 2
        out.append((words, tags))
    return out


def _alnum(s: str) -> str:
    return re.sub(r"[^A-Za-z0-9]", "", s)


def jnlpba_train_docs() -> List[D.Doc]:
    """The JNLPBA training abstracts (jnlpba/train) without those the development split was cut from.

    Why: the JNLPBA development set here (ner-iob/JNLPBA/devel.tsv, the MTL-Bioinformatics-2016 split) is 1,939
    sentences of the original JNLPBA *training* data, all of them inside 221 of the 2,000 abstracts in jnlpba/train
    (compared with only letters and digits kept, as the CoNLL copy is re-tokenised). Training on those abstracts makes
    JNLPBA development F1 a training-set score, and names harvested from them would give the knowledge base every
    development name. A sentence shorter than 20 characters (``-DOCSTART-``, a lone title word) is not matched."""
    dev = {_alnum(" ".join(words)) for words, _ in D.read_conll_typed(_path("ner-iob", "JNLPBA", "devel.tsv"))}
    dev = [d for d in dev if len(d) >= 20]
    docs = D.read_brat_dir(_path("jnlpba", "train"))
    return [doc for doc, text in zip(docs, map(_alnum, (d.text for d in docs))) if not any(d in text for d in dev)]


def _cov(ds: str, types: Sequence[str]) -> Dict[str, str]:
    return {t: ds for t in types}


def load_texts(split: str, include_extra: bool = True) -> List[Text]:
    jn = ["GENE", "DNA", "RNA", "CELL_LINE", "CELL_TYPE"]
    texts: List[Text] = []
    if split == "train":
        texts += _doc_texts("BC5CDR", _cov("BC5CDR", ["CHEMICAL", "DISEASE"]),
                            D.read_pubtator(_path("bc5cdr", "CDR_TrainingSet.PubTator.txt")),
                            {"Chemical": "CHEMICAL", "Disease": "DISEASE"})
        texts += _doc_texts("NCBI-disease", _cov("NCBI-disease", ["DISEASE"]),
                            D.read_pubtator(_path("ncbi-disease", "NCBItrainset_corpus.txt")),
                            {k: "DISEASE" for k in ("SpecificDisease", "DiseaseClass", "Modifier", "CompositeMention")})
        texts += _conll_texts("BC2GM", _cov("BC2GM", ["GENE"]), _conll("BC2GM-IOB", "train", "GENE"))
        texts += _conll_texts("LINNAEUS", _cov("LINNAEUS", ["SPECIES"]), _conll("linnaeus-IOB", "train", "SPECIES"))
        texts += _doc_texts("JNLPBA", _cov("JNLPBA", jn), jnlpba_train_docs(), JNLPBA_MAP)
        texts += _doc_texts("S800", _cov("S800", ["SPECIES"]), D.read_brat_dir(_path("s800", "train")),
                            {"Species": "SPECIES"})
        if include_extra:
            texts += _doc_texts("GNormPlus", _cov("GNormPlus", ["GENE"]),
                                D.read_pubtator(_path("extra-ner", "GNormPlus_Train.PubTator")), {"Gene": "GENE"})
            texts += _doc_texts("NLM-Gene", _cov("NLM-Gene", ["GENE"]),
                                D.read_pubtator(_path("extra-ner", "NLMgene_Train.PubTator")), {"Gene": "GENE"})
    else:
        texts += _doc_texts("BC5CDR", _cov("BC5CDR", ["CHEMICAL", "DISEASE"]),
                            D.read_pubtator(_path("bc5cdr", "CDR_DevelopmentSet.PubTator.txt")),
                            {"Chemical": "CHEMICAL", "Disease": "DISEASE"})
        texts += _doc_texts("NCBI-disease", _cov("NCBI-disease", ["DISEASE"]),
                            D.read_pubtator(_path("ncbi-disease", "NCBIdevelopset_corpus.txt")),
                            {k: "DISEASE" for k in ("SpecificDisease", "DiseaseClass", "Modifier", "CompositeMention")})
        texts += _conll_texts("BC2GM", _cov("BC2GM", ["GENE"]), _conll("BC2GM-IOB", "devel", "GENE"))
        texts += _conll_texts("LINNAEUS", _cov("LINNAEUS", ["SPECIES"]), _conll("linnaeus-IOB", "devel", "SPECIES"))
        texts += _conll_texts("JNLPBA", _cov("JNLPBA", jn), _jnlpba_devel())
        texts += _doc_texts("S800", _cov("S800", ["SPECIES"]), D.read_brat_dir(_path("s800", "devel")),
                            {"Species": "SPECIES"})
    return texts


def harvest_names(texts: List[Text], sources: Optional[Dict[str, List[str]]] = None) -> Dict[Tuple[str, str], set]:
    """(type, mention text) -> folds it was annotated in, from the gold spans of training texts. ``sources`` limits a
    type to the corpora named for it ({"GENE": ["GNormPlus", "NLM-Gene"]}): the knowledge the product ships for that
    type comes from those corpora only, and features denser in training than at inference teach the model to trust
    a channel it will not get."""
    names: Dict[Tuple[str, str], set] = {}
    for t in texts:
        for et, spans in t.gold.items():
            if sources and et in sources and t.src not in sources[et]:
                continue
            for s, e in spans:
                n = " ".join(t.text[s:e].split())
                if len(n) >= 2:
                    names.setdefault((et, n), set()).add(t.fold)
    return names


def build_records(texts: List[Text], kb_dir: str, extra_names: Optional[str], dev: bool) -> List[dict]:
    """Sentence records {src, covered, words [(w,s,e)], tags {TYPE: [...]}, kn [...]}; dev texts use fold -1."""
    items = [{"text": t.text, "fold": -1 if dev else t.fold} for t in texts]
    spans = compute_spans(items, kb_dir, TYPES, extra_names)
    recs: List[dict] = []
    for t, sp in zip(texts, spans):
        for sent in t.sentences:
            kn = word_knowledge_ids(sent, sp, TYPES)
            tags = {et: D.tag_words(sent, t.gold[et]) for et in t.covered}
            recs.append({"src": t.src, "covered": t.covered, "words": [w for w, _, _ in sent],
                         "tags": tags, "kn": kn, "text_id": t.group, "fold": t.fold})
    return recs
