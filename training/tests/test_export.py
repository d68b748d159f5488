"""Tiny model: one training step, ONNX export, bundle files, and parity in onnxruntime-node (when Node is here)."""
import hashlib
import json
import os
import shutil
import tempfile
import unittest

import onnx
import torch

from helpers import WORDS, tiny_model, tiny_tokenizer
from vaner.export import node_check, write_bundle
from vaner.features import Encoder
from vaner.finetune import train_loop
from vaner.tokenizer import SEP_ID

INSTR = "Recognize all chemical entities in the text, annotated following the BC5CDR guidelines."
HAVE_NODE = shutil.which("node") is not None and os.path.isdir(
    os.path.join(os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__)))), "node_modules",
                 "onnxruntime-node"))


def _read_json(path):
    with open(path, encoding="utf-8") as f:
        return json.load(f)


def _sha256(path):
    with open(path, "rb") as f:
        return hashlib.sha256(f.read()).hexdigest()


class ExportTest(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.tok = tiny_tokenizer()
        cls.model = tiny_model(vocab_size=cls.tok.vocab_size)
        enc = Encoder(cls.tok, 64)
        windows = []
        for k in range(8):
            words = WORDS[k: k + 10]
            tags = [1 if w in ("cisplatin", "naloxone", "doxorubicin") else 0 for w in words]
            for ids, labels, _ in enc.encode_item(INSTR, words, tags):
                windows.append((ids, labels))
        cls.before = {k: v.clone() for k, v in cls.model.state_dict().items()}
        cls.stats = train_loop(cls.model, windows, steps=1, lr=1e-2, max_tokens=4096, max_batch=8, seed=0,
                               warmup=1, log=lambda *_: None)
        cls.dir = tempfile.mkdtemp()
        cls.manifest = write_bundle(
            cls.dir, cls.model, cls.tok, name="t", version="0", max_length=64, training_data=["synthetic"],
            entity_types=[{"type": "CHEMICAL", "dataset": "BC5CDR", "instruction": INSTR}],
            metrics={"development": {}}, model_card="# t\n",
            reference_examples=[{"instruction": INSTR, "words": WORDS[:6]}, {"instruction": INSTR, "words": ["α"]}],
            parity_words=WORDS, write_parity=True)

    @classmethod
    def tearDownClass(cls):
        shutil.rmtree(cls.dir, ignore_errors=True)

    def test_one_training_step_changes_the_weights(self):
        self.assertEqual(self.stats["steps"], 1)
        after = self.model.state_dict()
        self.assertFalse(torch.equal(after["score.weight"], self.before["score.weight"]))
        self.assertFalse(torch.equal(after["model.layers.0.self_attn.q_proj.weight"],
                                     self.before["model.layers.0.self_attn.q_proj.weight"]))

    def test_bundle_files_and_manifest(self):
        for f in ("model.onnx", "tokenizer.json", "manifest.json", "MODEL_CARD.md", "reference-logits.json",
                  "tokenizer-parity.json"):
            self.assertTrue(os.path.exists(os.path.join(self.dir, f)), f)
        m = _read_json(os.path.join(self.dir, "manifest.json"))
        sha = _sha256(os.path.join(self.dir, "model.onnx"))
        self.assertEqual(m["weights"]["sha256"], sha)
        self.assertEqual(m["special"], {"bosId": 1, "sepId": SEP_ID, "padId": 0})
        self.assertEqual(m["labels"], ["O", "B", "I"])
        self.assertEqual(m["architecture"]["numKeyValueHeads"], 2)
        self.assertEqual(m["architecture"]["vocabSize"], self.tok.vocab_size)
        self.assertEqual(m["weights"]["parameters"], self.model.num_parameters())
        self.assertEqual(m["entityTypes"][0]["instruction"], INSTR)

    def test_onnx_graph_io(self):
        g = onnx.load(os.path.join(self.dir, "model.onnx")).graph
        self.assertEqual([i.name for i in g.input], ["input_ids", "attention_mask"])
        self.assertEqual([o.name for o in g.output], ["logits"])
        self.assertEqual(g.input[0].type.tensor_type.elem_type, onnx.TensorProto.INT64)
        dims = [d.dim_param or d.dim_value for d in g.output[0].type.tensor_type.shape.dim]
        self.assertEqual(dims[:2], ["batch", "seq"])

    def test_reference_logits_match_torch_on_the_padded_batch(self):
        ref = _read_json(os.path.join(self.dir, "reference-logits.json"))
        ids = torch.tensor(ref["input_ids"])
        self.assertEqual(int(ref["attention_mask"][1][-1]), 0)  # the batch really has padding
        with torch.no_grad():
            lg = self.model(ids, torch.tensor(ref["attention_mask"]))
        self.assertEqual(list(lg.shape), ref["dims"])
        self.assertLess(float((lg.flatten() - torch.tensor(ref["logits"])).abs().max()), 1e-6)

    def test_tokenizer_json_vocab_is_the_sentencepiece_vocab(self):
        tj = _read_json(os.path.join(self.dir, "tokenizer.json"))
        vocab = tj["model"]["vocab"]
        self.assertEqual(len(vocab), self.tok.vocab_size)
        self.assertEqual([v[0] for v in vocab[:5]], ["<pad>", "<s>", "</s>", "<sep>", "<unk>"])
        self.assertEqual(tj["model"]["unk_id"], 4)
        self.assertIsNone(tj["normalizer"])
        self.assertEqual(tj["added_tokens"], [])

    @unittest.skipUnless(HAVE_NODE, "node + onnxruntime-node not installed")
    def test_onnxruntime_node_parity_and_js_tokenizer_parity(self):
        res = node_check(self.dir, os.path.join(self.dir, "reference-logits.json"),
                         os.path.join(self.dir, "tokenizer-parity.json"))
        self.assertLessEqual(res["onnx"]["maxAbsDiff"], 1e-4)
        self.assertEqual(res["tokenizer"]["mismatchCount"], 0)


if __name__ == "__main__":
    unittest.main()
