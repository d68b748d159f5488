import unittest

import torch

from helpers import tiny_model


class ModelTest(unittest.TestCase):
    def test_logits_shape_is_batch_seq_heads_labels(self):
        m = tiny_model(num_label_heads=2)
        ids = torch.randint(5, 300, (3, 7))
        out = m(ids, torch.ones_like(ids))
        self.assertEqual(tuple(out.shape), (3, 7, 2, 3))

    def test_parameter_names_mirror_hugging_face_llama(self):
        names = set(tiny_model().state_dict())
        for n in ("model.embed_tokens.weight", "model.layers.0.self_attn.q_proj.weight",
                  "model.layers.1.self_attn.k_proj.weight", "model.layers.0.self_attn.o_proj.weight",
                  "model.layers.0.mlp.gate_proj.weight", "model.layers.0.mlp.up_proj.weight",
                  "model.layers.0.mlp.down_proj.weight", "model.layers.0.input_layernorm.weight",
                  "model.layers.0.post_attention_layernorm.weight", "model.norm.weight", "score.weight"):
            self.assertIn(n, names)
        # GQA: 2 kv heads of dim 8 -> k_proj has 16 outputs
        self.assertEqual(tuple(tiny_model().state_dict()["model.layers.0.self_attn.k_proj.weight"].shape), (16, 32))

    def test_bidirectional_a_later_token_changes_an_earlier_output(self):
        m = tiny_model()
        a = torch.tensor([[1, 10, 11, 12, 13, 14]])
        b = a.clone()
        b[0, 5] = 99
        with torch.no_grad():
            la, lb = m(a, torch.ones_like(a)), m(b, torch.ones_like(b))
        self.assertGreater(float((la[0, 1] - lb[0, 1]).abs().max()), 1e-4)

    def test_causal_mode_keeps_earlier_outputs_when_a_later_token_changes(self):
        m = tiny_model(bidirectional=False)
        a = torch.tensor([[1, 10, 11, 12, 13, 14]])
        b = a.clone()
        b[0, 5] = 99
        with torch.no_grad():
            la, lb = m(a, torch.ones_like(a)), m(b, torch.ones_like(b))
        self.assertLess(float((la[0, :5] - lb[0, :5]).abs().max()), 1e-6)
        self.assertGreater(float((la[0, 5] - lb[0, 5]).abs().max()), 1e-4)

    def test_padding_invariance_alone_vs_in_a_padded_batch(self):
        m = tiny_model()
        short = [1, 20, 21, 3, 30]
        long = [1, 20, 21, 3, 40, 41, 42, 43, 44]
        ids = torch.zeros((2, 9), dtype=torch.long)
        mask = torch.zeros_like(ids)
        ids[0, :5] = torch.tensor(short)
        mask[0, :5] = 1
        ids[1] = torch.tensor(long)
        mask[1] = 1
        with torch.no_grad():
            batched = m(ids, mask)
            alone = m(torch.tensor([short]), torch.ones(1, 5, dtype=torch.long))
            alone_long = m(torch.tensor([long]), torch.ones(1, 9, dtype=torch.long))
        self.assertLess(float((batched[0, :5] - alone[0]).abs().max()), 1e-5)
        self.assertLess(float((batched[1] - alone_long[0]).abs().max()), 1e-5)
        # and the padded key really is ignored: changing a pad id changes nothing for real positions
        ids2 = ids.clone()
        ids2[0, 7] = 123
        with torch.no_grad():
            self.assertLess(float((m(ids2, mask)[0, :5] - batched[0, :5]).abs().max()), 1e-6)


if __name__ == "__main__":
    unittest.main()
