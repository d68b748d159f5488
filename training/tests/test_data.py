import json
import os
import random
import shutil
import subprocess
import tempfile
import unittest

from helpers import tiny_tokenizer
from vaner import data as D
from vaner.evaluate import bio_spans, prf
from vaner.features import IGNORE, Encoder
from vaner.words import split_words


class WordSplitterTest(unittest.TestCase):
    # Same cases as the TS word splitter documents: runs of letters/digits, every other visible char alone.
    def test_mirrors_the_runtime_splitter(self):
        self.assertEqual([w for w, _, _ in split_words("2,4-D and IL-2R in Crohn's TNFα β2")],
                         ["2", ",", "4", "-", "D", "and", "IL", "-", "2R", "in", "Crohn", "'", "s", "TNFα", "β2"])

    def test_offsets_slice_back_to_the_word(self):
        text = "  Naloxone (10 mg)\u00a0reverses\u200bit.é\u0301x"
        for w, s, e in split_words(text):
            self.assertEqual(text[s:e], w)
        self.assertEqual([w for w, _, _ in split_words(text)],
                         ["Naloxone", "(", "10", "mg", ")", "reverses", "it", ".", "é\u0301x"])


class ReadersTest(unittest.TestCase):
    def test_conll_tags_and_docstart(self):
        with tempfile.TemporaryDirectory() as d:
            p = os.path.join(d, "train.tsv")
            with open(p, "w") as f:
                f.write("-DOCSTART-\tO\n\nNaloxone\tB\nreverses\tO\nblood\tB-Disease\npressure\tI-Disease\n\nx\tO\n")
            self.assertEqual(D.read_conll(p), [(["Naloxone", "reverses", "blood", "pressure"], [1, 0, 1, 2]),
                                               (["x"], [0])])

    def test_test_splits_are_refused(self):
        with self.assertRaises(ValueError):
            D.read_conll("/nonexistent/test.tsv")
        with self.assertRaises(ValueError):
            D.read_pubtator("/nonexistent/NLMchem_Test.PubTator")

    def test_pubtator_offsets_index_title_space_abstract(self):
        with tempfile.TemporaryDirectory() as d:
            p = os.path.join(d, "train.PubTator")
            with open(p, "w") as f:
                f.write("1|t|Naloxone works.\n1|a|It reverses clonidine. Good.\n"
                        "1\t0\t8\tNaloxone\tChemical\tD009270\n1\t28\t37\tclonidine\tChemical\tD003000\n"
                        "1\tCID\tD1\tD2\n\n")
            docs = D.read_pubtator(p)
            self.assertEqual(len(docs), 1)
            self.assertEqual(docs[0].text[28:37], "clonidine")
            items = D.doc_items(docs, {"Chemical": "CHEMICAL"})
            self.assertEqual([w for w, _ in items], [["Naloxone", "works", "."], ["It", "reverses", "clonidine", "."],
                                                     ["Good", "."]])
            self.assertEqual([t["CHEMICAL"] for _, t in items], [[1, 0, 0], [0, 0, 1, 0], [0, 0]])

    def test_tag_words_marks_partial_overlap_as_inside(self):
        words = split_words("anti-Ro(SSA) autoantibodies")
        self.assertEqual(D.tag_words(words, [(5, 12)]), [0, 0, 1, 2, 2, 2, 0])

    def test_dictionary_longest_match_is_case_insensitive(self):
        dic = D.Dictionary({"CHEMICAL": ["sodium chloride", "sodium"], "DISEASE": ["heart failure"]})
        self.assertEqual(dic.match("Sodium chloride and sodium cause Heart Failure".split()),
                         [(0, 2, "CHEMICAL"), (3, 4, "CHEMICAL"), (5, 7, "DISEASE")])


class FeaturesTest(unittest.TestCase):
    def test_input_construction_follows_the_bundle_contract(self):
        tok = tiny_tokenizer()
        enc = Encoder(tok, max_length=64)
        instr = "Recognize all chemical entities in the text, annotated following the BC5CDR guidelines."
        words = ["cisplatin", "induced", "nephrotoxicity"]
        [(ids, labels, starts)] = enc.encode_item(instr, words, [1, 0, 1])
        expect = [1] + tok.sp.encode(instr) + [3]
        pos = len(expect)
        exp_labels = [IGNORE] * len(expect)
        exp_starts = []
        for w, t in zip(words, [1, 0, 1]):
            w_ids = tok.sp.encode(w)
            exp_starts.append(pos)
            expect += w_ids
            exp_labels += [t] + [IGNORE] * (len(w_ids) - 1)
            pos += len(w_ids)
        self.assertEqual(ids, expect)
        self.assertEqual(labels, exp_labels)
        self.assertEqual(starts, exp_starts)

    def test_long_items_are_windowed_on_word_boundaries(self):
        tok = tiny_tokenizer()
        enc = Encoder(tok, max_length=40)
        words = ["nephrotoxicity"] * 60
        windows = enc.encode_item("x", words, [1] * 60)
        self.assertGreater(len(windows), 1)
        self.assertEqual(sum(len(s) for _, _, s in windows), 60)
        for ids, labels, _ in windows:
            self.assertLessEqual(len(ids), 40)
            self.assertEqual(ids[:1], [1])


class EvaluateTest(unittest.TestCase):
    def test_bio_spans_conlleval_rule(self):
        self.assertEqual(bio_spans([1, 2, 0, 2, 2, 1, 1, 0]), [(0, 2), (3, 5), (5, 6), (6, 7)])

    def test_prf(self):
        self.assertEqual(prf(3, 4, 6), {"precision": 0.75, "recall": 0.5, "f1": 0.6})
        self.assertEqual(prf(0, 0, 0), {"precision": 0.0, "recall": 0.0, "f1": 0.0})


if __name__ == "__main__":
    unittest.main()


class ItemsTest(unittest.TestCase):
    def test_dbr_records_mark_dictionary_hits_densely_and_skip_sparse_sentences(self):
        dic = D.Dictionary({"CHEMICAL": ["cisplatin"], "DISEASE": ["renal failure"]})
        recs = D.dbr_records([["Cisplatin", "causes", "renal", "failure"], ["cisplatin", "only"]], dic)
        self.assertEqual(len(recs), 1)
        self.assertEqual(recs[0]["tags"], {"CHEMICAL": [1, 0, 0, 0], "DISEASE": [0, 0, 1, 2]})
        items = D.records_to_items(recs, random.Random(0))
        self.assertEqual({it["instruction"] for it in items},
                         {"Recognize all chemical entities in the text, following dense bio-entity recognition.",
                          "Recognize all disease entities in the text, following dense bio-entity recognition."})

    def test_items_carry_the_type_and_dataset_instruction_and_negatives_can_be_subsampled(self):
        recs = [{"src": "BC2GM", "dataset": "BC2GM", "words": ["a", "b"], "tags": {"GENE": [0, 0]}},
                {"src": "BC2GM", "dataset": "BC2GM", "words": ["BRCA1"], "tags": {"GENE": [1]}}]
        kept = D.records_to_items(recs, random.Random(0), neg_keep=0.0)
        self.assertEqual([(it["words"], it["instruction"]) for it in kept],
                         [(["BRCA1"], "Recognize all gene entities in the text, annotated following the BC2GM "
                                      "guidelines.")])
        self.assertEqual(len(D.records_to_items(recs, random.Random(0), neg_keep=1.0)), 2)

    def test_records_round_trip_through_the_packed_format(self):
        recs = [{"src": "S800", "dataset": "S800", "words": ["E.", "coli", "β"], "tags": {"SPECIES": [1, 2, 0]}}]
        with tempfile.TemporaryDirectory() as d:
            p = os.path.join(d, "r.jsonl.gz")
            D.write_records(p, recs)
            self.assertEqual(D.read_records(p), recs)


REPO = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
HAVE_TS = (shutil.which("node") is not None and os.path.isdir(os.path.join(REPO, "node_modules", "typescript"))
           and os.path.exists(os.path.join(REPO, "src", "ner", "word-splitter.ts")))


@unittest.skipUnless(HAVE_TS, "node, typescript or src/ner/word-splitter.ts not available")
class WordSplitterParityTest(unittest.TestCase):
    def test_python_splitter_equals_the_typescript_runtime_splitter(self):
        texts = ["Naloxone reverses the antihypertensive effect of clonidine (10(-8) M).",
                 "2,4-D and IL-2R in Crohn's TNF\u03b1 \u00b5g \u00b0C \u2265 5 \u2013 6",
                 "e\u0301te\u0301 zero\u200bwidth soft\u00adhyphen \ufeffbom a\u00a0b\u2009c\u3000d",
                 "emoji \U0001F600\U0001F3FD x\u200dy \U0001F468\u200d\U0001F469 flag \u2764\ufe0f end",
                 "\u0391\u03bb\u03c6\u03b1 \u0431\u0435\u043b\u043e\u043a \u4e2d\u6587 \uff21\uff22 \u2160 \u2460 \u00bd"]
        inp = "\n".join(json.dumps(t) for t in texts) + "\n"
        res = subprocess.run(["node", os.path.join(REPO, "training", "scripts", "split-words.mjs")], input=inp,
                             capture_output=True, text=True, cwd=REPO, timeout=120)
        self.assertEqual(res.returncode, 0, res.stderr)
        ts_words = [json.loads(l) for l in res.stdout.strip().split("\n")]
        self.assertEqual(ts_words, [[w for w, _, _ in split_words(t)] for t in texts])
        self.assertEqual(len(ts_words[3]), 7)  # emoji+modifier, x\u200dy and the ZWJ family stay single words
