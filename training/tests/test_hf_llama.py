import json
import os
import tempfile
import unittest

import torch

from helpers import tiny_model
from vaner.hf_llama import load_hf_llama, read_safetensors_numpy, write_safetensors_numpy

HF_CONFIG = {"architectures": ["LlamaForCausalLM"], "model_type": "llama", "vocab_size": 300, "hidden_size": 32,
             "intermediate_size": 64, "num_hidden_layers": 2, "num_attention_heads": 4, "num_key_value_heads": 2,
             "max_position_embeddings": 64, "rms_norm_eps": 1e-6, "rope_theta": 10000.0,
             "tie_word_embeddings": False}


def _dump(obj, path):
    with open(path, "w") as f:
        json.dump(obj, f)


def hf_state(src) -> dict:
    """What a LlamaForCausalLM checkpoint holds: backbone, lm_head, and (old checkpoints) rotary inv_freq."""
    sd = {k: v.clone() for k, v in src.state_dict().items() if k.startswith("model.")}
    sd["lm_head.weight"] = torch.randn(300, 32)
    sd["model.layers.0.self_attn.rotary_emb.inv_freq"] = torch.ones(4)
    return sd


class HfLlamaTest(unittest.TestCase):
    def setUp(self):
        self.src = tiny_model(seed=5)
        with torch.no_grad():  # make norms non-trivial so a skipped tensor would show
            for n, p in self.src.named_parameters():
                if n.endswith("norm.weight"):
                    p.uniform_(0.5, 1.5)
        self.ids = torch.randint(5, 300, (2, 8))
        self.mask = torch.ones_like(self.ids)
        self.mask[0, 5:] = 0

    def _check(self, d, atol=1e-6):
        m = load_hf_llama(d)
        m.score.load_state_dict(self.src.score.state_dict())
        with torch.no_grad():
            diff = (m.eval()(self.ids, self.mask) - self.src(self.ids, self.mask)).abs().max()
        self.assertLess(float(diff), atol)
        self.assertEqual(m.config.num_key_value_heads, 2)
        return m

    def test_single_safetensors_file_via_the_numpy_reader(self):
        with tempfile.TemporaryDirectory() as d:
            _dump(HF_CONFIG, os.path.join(d, "config.json"))
            write_safetensors_numpy(hf_state(self.src), os.path.join(d, "model.safetensors"))
            back = read_safetensors_numpy(os.path.join(d, "model.safetensors"))
            self.assertTrue(torch.equal(back["model.norm.weight"], self.src.state_dict()["model.norm.weight"]))
            self._check(d)

    def test_sharded_bin_with_index(self):
        with tempfile.TemporaryDirectory() as d:
            _dump(HF_CONFIG, os.path.join(d, "config.json"))
            sd = hf_state(self.src)
            names = sorted(sd)
            shards = {"pytorch_model-00001-of-00002.bin": names[: len(names) // 2],
                      "pytorch_model-00002-of-00002.bin": names[len(names) // 2:]}
            weight_map = {}
            for shard, keys in shards.items():
                torch.save({k: sd[k] for k in keys}, os.path.join(d, shard))
                weight_map.update({k: shard for k in keys})
            _dump({"metadata": {}, "weight_map": weight_map}, os.path.join(d, "pytorch_model.bin.index.json"))
            self._check(d)

    def test_bf16_safetensors_round_trip_within_bf16_precision(self):
        with tempfile.TemporaryDirectory() as d:
            _dump(HF_CONFIG, os.path.join(d, "config.json"))
            write_safetensors_numpy(hf_state(self.src), os.path.join(d, "model.safetensors"), bf16=True)
            back = read_safetensors_numpy(os.path.join(d, "model.safetensors"))
            w = self.src.state_dict()["model.layers.0.mlp.up_proj.weight"]
            self.assertTrue(torch.equal(back["model.layers.0.mlp.up_proj.weight"], w.bfloat16().float()))

    def test_missing_tensor_is_an_error(self):
        with tempfile.TemporaryDirectory() as d:
            _dump(HF_CONFIG, os.path.join(d, "config.json"))
            sd = hf_state(self.src)
            del sd["model.layers.1.mlp.down_proj.weight"]
            write_safetensors_numpy(sd, os.path.join(d, "model.safetensors"))
            with self.assertRaisesRegex(KeyError, "model.layers.1.mlp.down_proj.weight"):
                load_hf_llama(d)


if __name__ == "__main__":
    unittest.main()
