"""The LLaMA-2 + LoRA CLI path end to end on a tiny random Hugging Face LLaMA directory written here.

The directory mimics a real checkpoint (config.json, model.safetensors, tokenizer.json, tokenizer_config.json);
its tokenizer.json is a Unigram export of a tiny sentencepiece model (the BPE + byte-fallback path of real LLaMA-2
needs the `tokenizers` package, absent on this host). pack-data, finetune (one LoRA step) and export run through
``train.main`` exactly as the CLI does.
"""
import json
import os
import shutil
import sys
import tempfile
import unittest

import torch

from helpers import HERE, WORDS, tiny_model, tiny_tokenizer
from vaner import data2 as D2
from vaner import pipeline as P
from vaner import pipeline2 as P2
from vaner.export import node_check
from vaner.export2 import reference2
from vaner.features import Encoder
from vaner.hf_llama import write_safetensors_numpy
from vaner.hf_tokenizer import HfTokenizer

sys.path.insert(0, os.path.dirname(HERE))
import train  # noqa: E402

CONFIG = os.path.join(os.path.dirname(HERE), "configs", "llama2-7b-lora.json")
HAVE_NODE = shutil.which("node") is not None and os.path.isdir(
    os.path.join(os.path.dirname(os.path.dirname(HERE)), "node_modules", "onnxruntime-node"))
CHEM = {"cisplatin", "naloxone", "doxorubicin"}


def _dump(obj, path):
    with open(path, "w", encoding="utf-8") as f:
        json.dump(obj, f, ensure_ascii=False)


def _records(n, offset):
    """Format-2 records: BC5CDR-style chemical tags and knowledge ids marking the chemicals."""
    recs = []
    for k in range(n):
        words = WORDS[(k + offset) % 20: (k + offset) % 20 + 12]
        tags = [1 if w in CHEM else 0 for w in words]
        recs.append({"src": "BC5CDR", "covered": {"CHEMICAL": "BC5CDR"}, "words": words,
                     "tags": {"CHEMICAL": tags}, "kn": tags, "text_id": f"t{k}"})
    return recs


def write_tiny_llama(d: str) -> dict:
    """A random LLaMA checkpoint directory; pad_token_id absent (as LLaMA-2), unk id 4 (unlike LLaMA-2's 0) so
    the manifest's padId can only come from this directory."""
    tok = tiny_tokenizer()
    with open(os.path.join(d, "tokenizer.json"), "w", encoding="utf-8") as f:
        json.dump(tok.to_hf_json(), f, ensure_ascii=False, indent=1)  # indent: bytes unlike our own writer's
    hf = {"architectures": ["LlamaForCausalLM"], "model_type": "llama", "vocab_size": tok.vocab_size,
          "hidden_size": 32, "intermediate_size": 64, "num_hidden_layers": 2, "num_attention_heads": 4,
          "num_key_value_heads": 2, "max_position_embeddings": 512, "rms_norm_eps": 1e-5, "rope_theta": 10000.0,
          "tie_word_embeddings": False, "bos_token_id": 1, "eos_token_id": 2, "torch_dtype": "bfloat16"}
    _dump(hf, os.path.join(d, "config.json"))
    _dump({"bos_token": "<s>", "eos_token": "</s>", "unk_token": "<unk>", "pad_token": None},
          os.path.join(d, "tokenizer_config.json"))
    src = tiny_model(seed=7, vocab_size=tok.vocab_size, rms_norm_eps=1e-5, max_position_embeddings=512)
    state = {k: v for k, v in src.state_dict().items() if k.startswith("model.")}
    state["lm_head.weight"] = torch.randn(tok.vocab_size, 32)
    write_safetensors_numpy(state, os.path.join(d, "model.safetensors"), bf16=True)
    return hf


class LlamaLoraCliTest(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.tmp = tempfile.mkdtemp()
        cls.hf_dir = os.path.join(cls.tmp, "Llama-tiny-hf")
        os.makedirs(cls.hf_dir)
        cls.hf = write_tiny_llama(cls.hf_dir)
        P2._write(os.path.join(cls.tmp, "train.jsonl.gz"), _records(12, 0))
        P2._write(os.path.join(cls.tmp, "dev.jsonl.gz"), _records(3, 5))
        with open(CONFIG) as f:
            cfg = json.load(f)
        cfg["workdir"] = os.path.join(cls.tmp, "work")
        cfg["data"].update({"max_length": 320,
                            "train_records2": os.path.join(cls.tmp, "train.jsonl.gz"),
                            "dev_records2": os.path.join(cls.tmp, "dev.jsonl.gz")})
        cfg["finetune"].update({"steps": 1, "max_tokens": 4096, "max_batch": 16, "grad_accum": 1, "warmup": 1,
                                "lr": 0.01, "time_budget_s": None})
        cfg["finetune"]["lora"].update({"r": 2, "alpha": 4, "dropout": 0.0})
        cls.cfg_path = os.path.join(cls.tmp, "llama-test.json")
        _dump(cfg, cls.cfg_path)
        cls.out = os.path.join(cls.tmp, "bundle")
        over = ["--config", cls.cfg_path, "--set", f"base.hf_dir={cls.hf_dir}"]
        for cmd in (["pack2"], ["finetune2"], ["export2", "--out", cls.out]):
            assert train.main(cmd + over) == 0
        cls.cfg = P.load_config(cls.cfg_path, [f"base.hf_dir={cls.hf_dir}"])

    @classmethod
    def tearDownClass(cls):
        shutil.rmtree(cls.tmp, ignore_errors=True)

    def _manifest(self):
        with open(os.path.join(self.out, "manifest.json"), encoding="utf-8") as f:
            return json.load(f)

    def test_manifest_special_ids_and_architecture_come_from_the_checkpoint(self):
        m = self._manifest()
        self.assertEqual(m["special"], {"bosId": 1, "sepId": 2, "padId": 4})  # sep = eos, pad = unk
        a = m["architecture"]
        self.assertEqual((a["hiddenSize"], a["numLayers"], a["numHeads"], a["numKeyValueHeads"],
                          a["intermediateSize"], a["vocabSize"], a["rmsNormEps"], a["bidirectional"]),
                         (32, 2, 4, 2, 64, self.hf["vocab_size"], 1e-5, True))
        self.assertEqual(m["formatVersion"], 2)
        self.assertEqual([t["type"] for t in m["entityTypes"]], D2.TYPES)
        self.assertEqual(m["knowledge"]["types"], D2.TYPES)

    def test_tokenizer_json_is_copied_byte_identical(self):
        with open(os.path.join(self.hf_dir, "tokenizer.json"), "rb") as a, \
                open(os.path.join(self.out, "tokenizer.json"), "rb") as b:
            self.assertEqual(a.read(), b.read())

    def test_encoder_uses_the_checkpoint_specials(self):
        tok = P2.load_tokenizer2(self.cfg)
        self.assertIsInstance(tok, HfTokenizer)
        self.assertEqual(tok.backend, "js-unigram")
        ids, _, _ = Encoder(tok, 64).encode_item("find chemicals", ["cisplatin"], [1])[0]
        self.assertEqual(ids, [1] + tok.encode("find chemicals") + [2] + tok.encode("cisplatin"))
        self.assertEqual(tok.encode("find chemicals"), tiny_tokenizer().encode("find chemicals"))

    def test_lora_merged_only_adapted_weights_changed(self):
        model = P2.load_ckpt2(os.path.join(self.cfg["workdir"], "finetune2.pt"))
        self.assertEqual(model.stats["steps"], 1)
        # The knowledge embedding and the heads train fully (zero-initialised embedding moved off zero).
        self.assertGreater(float(model.model.embed_knowledge.weight.abs().sum()), 0.0)
        from vaner.hf_llama import load_hf_llama
        ref = load_hf_llama(self.hf_dir).state_dict()
        got = model.state_dict()
        self.assertTrue(torch.equal(got["model.embed_tokens.weight"], ref["model.embed_tokens.weight"]))
        self.assertTrue(torch.equal(got["model.layers.1.input_layernorm.weight"],
                                    ref["model.layers.1.input_layernorm.weight"]))
        for name in ("q_proj", "down_proj"):
            key = f"model.layers.0.{'self_attn' if name == 'q_proj' else 'mlp'}.{name}.weight"
            self.assertFalse(torch.equal(got[key], ref[key]), key)
        self.assertFalse(any("lora" in k for k in got))

    @unittest.skipUnless(HAVE_NODE, "node + onnxruntime-node not installed")
    def test_onnx_matches_torch_in_onnxruntime_node(self):
        model = P2.load_ckpt2(os.path.join(self.cfg["workdir"], "finetune2.pt"))
        tok = P2.load_tokenizer2(self.cfg)
        ref = reference2(model, tok, 320)
        self.assertEqual(ref["input_ids"][1][-1], 4)  # right-padded with the checkpoint's padId
        path = os.path.join(self.tmp, "ref.json")
        _dump(ref, path)
        res = node_check(self.out, path, None)
        self.assertLessEqual(res["onnx"]["maxAbsDiff"], 1e-4)


class Bf16LoadTest(unittest.TestCase):
    def test_bf16_backbone_float32_adapters_and_head_get_gradients(self):
        from vaner.hf_llama import load_hf_llama
        from vaner.lora import apply_lora
        with tempfile.TemporaryDirectory() as d:
            write_tiny_llama(d)
            m = load_hf_llama(d, dtype=torch.bfloat16)
        self.assertEqual(m.model.layers[0].mlp.up_proj.weight.dtype, torch.bfloat16)
        self.assertEqual(torch.get_default_dtype(), torch.float32)  # restored after building
        apply_lora(m, r=2, alpha=4.0, dropout=0.0, adapter_dtype=torch.float32)
        m.score.float()
        ids = torch.tensor([[1, 10, 11, 2, 12, 13]])
        logits = m(ids, torch.ones_like(ids))
        self.assertEqual(logits.dtype, torch.float32)
        logits[..., 1].sum().backward()
        a = m.model.layers[0].self_attn.q_proj.lora_A
        self.assertEqual(a.dtype, torch.float32)
        self.assertGreater(float(m.model.layers[0].self_attn.q_proj.lora_B.grad.abs().sum()), 0.0)
        self.assertIsNone(m.model.embed_tokens.weight.grad)


class LlamaConfigTest(unittest.TestCase):
    def test_unset_checkpoint_path_is_a_clear_error(self):
        os.environ.pop("VANER_LLAMA2_DIR", None)
        cfg = P.load_config(CONFIG, ["workdir=" + tempfile.gettempdir()])
        with self.assertRaisesRegex(ValueError, "--set base.hf_dir="):
            P.load_tokenizer(cfg)

    def test_env_var_and_set_override(self):
        with tempfile.TemporaryDirectory() as d:
            os.environ["VANER_LLAMA2_DIR"] = d
            try:
                cfg = P.load_config(CONFIG, ["workdir=" + d, "finetune.lora.r=4"])
            finally:
                del os.environ["VANER_LLAMA2_DIR"]
            self.assertEqual(P.hf_dir(cfg), d)
            self.assertEqual(cfg["finetune"]["lora"]["r"], 4)
            with self.assertRaisesRegex(FileNotFoundError, "no tokenizer.json"):
                P.load_tokenizer(cfg)


if __name__ == "__main__":
    unittest.main()
