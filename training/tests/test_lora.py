import unittest

import torch

from helpers import tiny_model
from vaner.lora import LoRALinear, apply_lora, merge_lora, trainable_parameters


class LoraTest(unittest.TestCase):
    def test_merge_gives_the_same_logits_and_the_original_parameter_names(self):
        m = tiny_model(seed=1)
        names_before = sorted(m.state_dict())
        wrapped = apply_lora(m, r=4, alpha=8.0, dropout=0.1)
        self.assertEqual(len(wrapped), 2 * 7)  # 2 layers x (q,k,v,o,gate,up,down)
        # Only LoRA factors and the BIO head train.
        trainable = {n for n, p in m.named_parameters() if p.requires_grad}
        self.assertTrue(all("lora_" in n or n.startswith("score.") for n in trainable))
        self.assertIn("score.weight", trainable)
        # Non-zero B so the adapter actually changes the function.
        torch.manual_seed(3)
        for mod in m.modules():
            if isinstance(mod, LoRALinear):
                torch.nn.init.normal_(mod.lora_B, std=0.05)
        m.eval()  # dropout off
        ids = torch.randint(5, 300, (2, 9))
        mask = torch.ones_like(ids)
        mask[1, 6:] = 0
        with torch.no_grad():
            with_adapters = m(ids, mask)
        merge_lora(m)
        self.assertFalse(any(isinstance(x, LoRALinear) for x in m.modules()))
        self.assertEqual(sorted(m.state_dict()), names_before)
        with torch.no_grad():
            merged = m(ids, mask)
        self.assertLess(float((with_adapters - merged).abs().max()), 1e-5)
        base = tiny_model(seed=1)
        with torch.no_grad():
            self.assertGreater(float((base(ids, mask) - merged).abs().max()), 1e-3)

    def test_fresh_adapters_do_not_change_the_model(self):
        m = tiny_model(seed=2)
        ids = torch.randint(5, 300, (1, 6))
        with torch.no_grad():
            before = m(ids, torch.ones_like(ids))
        apply_lora(m, r=2, alpha=4.0, dropout=0.0, target_modules=("q_proj", "v_proj"))
        with torch.no_grad():
            after = m(ids, torch.ones_like(ids))
        self.assertLess(float((before - after).abs().max()), 1e-7)
        self.assertEqual(len(list(trainable_parameters(m))), 2 * 2 * 2 + 2)  # A,B x q,v x 2 layers + score w,b

    def test_no_matching_module_is_an_error(self):
        with self.assertRaises(ValueError):
            apply_lora(tiny_model(), target_modules=("nope",))



class LoraTrainingTest(unittest.TestCase):
    def test_training_moves_only_adapters_and_head_then_merges_to_plain_weights(self):
        from vaner.finetune import train_loop
        m = tiny_model(seed=4)
        base = {k: v.clone() for k, v in m.state_dict().items()}
        apply_lora(m, r=2, alpha=4.0, dropout=0.0)
        windows = [([1, 10, 11, 3, 20, 21, 22], [-100, -100, -100, -100, 1, 0, 2])] * 4
        train_loop(m, windows, steps=2, lr=1e-2, max_tokens=1024, max_batch=4, seed=0, warmup=1,
                   params=list(trainable_parameters(m)), log=lambda *_: None)
        merge_lora(m)
        after = m.state_dict()
        self.assertEqual(sorted(after), sorted(base))
        self.assertTrue(torch.equal(after["model.embed_tokens.weight"], base["model.embed_tokens.weight"]))
        self.assertTrue(torch.equal(after["model.norm.weight"], base["model.norm.weight"]))
        self.assertFalse(torch.equal(after["model.layers.0.self_attn.q_proj.weight"],
                                     base["model.layers.0.self_attn.q_proj.weight"]))
        self.assertFalse(torch.equal(after["score.weight"], base["score.weight"]))


if __name__ == "__main__":
    unittest.main()
