"""Format-2 pipeline: knowledge ids, schemes, windows, multi-head loss, warm start and export parity in Node."""
from __future__ import annotations

import json
import os
import random
import shutil
import tempfile
import unittest

from helpers import HERE  # noqa: F401  (sets sys.path)

import torch

from vaner import data2 as D2
from vaner.export import node_check, sha256_file
from vaner.export2 import reference2, write_bundle2
from vaner.knowledge import compute_spans, num_knowledge_ids, word_knowledge_ids
from vaner.model import VanerConfig, VanerForTokenClassification
from vaner.pipeline2 import (H, BundleTokenizer, EnsembleTeacher, annotated_distill_loss, build_model2, _augment, collate2,
                             distill_loss, load_teacher, make_windows, multi_head_loss)
from vaner.warmstart import read_onnx_state

REPO = os.path.dirname(os.path.dirname(HERE))
BASE = os.path.join(REPO, "training", "base", "vaner-small-v1")


def tok():
    return BundleTokenizer(os.path.join(BASE, "tokenizer.json"), {"bosId": 1, "sepId": 3, "padId": 0, "unkId": 2})


def tiny_v2(seed=0):
    torch.manual_seed(seed)
    cfg = VanerConfig(vocab_size=8000, hidden_size=32, intermediate_size=64, num_hidden_layers=2,
                      num_attention_heads=4, num_key_value_heads=2, max_position_embeddings=128,
                      num_label_heads=H, num_knowledge_ids=num_knowledge_ids(D2.TYPES))
    return VanerForTokenClassification(cfg, with_lm_head=False).eval()


class KnowledgeIdsTest(unittest.TestCase):
    WORDS = [("Cisplatin", 0, 9), ("-", 9, 10), ("induced", 10, 17), ("acute", 18, 23), ("renal", 24, 29),
             ("failure", 30, 37), ("in", 38, 40), ("rats", 41, 45)]

    def test_b_then_i_per_type_and_zero_elsewhere(self):
        spans = [(0, 9, "CHEMICAL"), (18, 37, "DISEASE"), (41, 45, "SPECIES")]
        self.assertEqual(word_knowledge_ids(self.WORDS, spans, D2.TYPES), [1, 0, 0, 3, 4, 4, 0, 7])

    def test_types_outside_the_list_are_ignored_and_partial_overlap_counts(self):
        spans = [(0, 9, "VARIANT"), (20, 26, "DISEASE")]  # covers the end of 'acute' and the start of 'renal'
        self.assertEqual(word_knowledge_ids(self.WORDS, spans, D2.TYPES), [0, 0, 0, 3, 4, 0, 0, 0])

    def test_id_range(self):
        self.assertEqual(num_knowledge_ids(D2.TYPES), 17)
        spans = [(41, 45, "RNA")]
        self.assertEqual(word_knowledge_ids(self.WORDS, spans, D2.TYPES)[-1], 1 + 2 * D2.TYPES.index("RNA"))

    def test_runtime_matcher_spans_through_node(self):
        # The TypeScript dictionary labeler over the shipped vocabularies (dist/ must be built: npm run build).
        text = "Naloxone reverses the effect of clonidine."
        spans = compute_spans([{"text": text}], os.path.join(REPO, "data", "kb"), D2.TYPES)[0]
        got = {text[s:e]: t for s, e, t in spans}
        self.assertEqual(got.get("Naloxone"), "CHEMICAL")
        self.assertEqual(got.get("clonidine"), "CHEMICAL")
        self.assertNotIn("effect", got)


class SchemesTest(unittest.TestCase):
    def test_scheme_names_and_prompts(self):
        entries = D2.scheme_entries()
        self.assertEqual([e["name"] for e in entries], ["bc5cdr", "ncbi-disease", "bc2gm", "jnlpba", "linnaeus", "s800"])
        for e in entries:
            self.assertEqual(sorted(e["datasets"]), sorted(D2.TYPES))
            self.assertEqual(e["instruction"], D2.instruction(e["datasets"]))
        ncbi = entries[1]
        self.assertIn("disease (NCBI-disease)", ncbi["instruction"])
        self.assertIn("chemical (BC5CDR)", ncbi["instruction"])
        # A scheme changes the corpus of its own types only: bc5cdr, bc2gm and linnaeus are the defaults.
        default = D2.instruction(D2.DEFAULT_DATASETS)
        same = [e["name"] for e in entries if e["instruction"] == default]
        self.assertEqual(same, ["bc5cdr", "bc2gm", "linnaeus"])
        self.assertEqual(len({e["instruction"] for e in entries}), 4)

    def test_default_prompt_groups_types_of_one_corpus(self):
        self.assertEqual(D2.instruction(D2.DEFAULT_DATASETS),
                         "Recognize chemical, disease (BC5CDR); gene (BC2GM); species (LINNAEUS); cell line, cell "
                         "type, DNA, RNA (JNLPBA) entities in the text.")


def record(words, tags, kn, covered, text_id="t"):
    return {"src": "X", "covered": covered, "words": words, "tags": tags, "kn": kn, "text_id": text_id}


class HarvestTest(unittest.TestCase):
    def test_harvest_sources_limit_a_type_to_the_named_corpora(self):
        a = D2.Text("BC2GM", {"GENE"}, "BRCA1 here", [(0, 10)], {"GENE": [(0, 5)]}, fold=1)
        b = D2.Text("GNormPlus", {"GENE"}, "TP53 there", [(0, 10)], {"GENE": [(0, 4)]}, fold=2)
        c = D2.Text("BC5CDR", {"CHEMICAL"}, "aspirin x", [(0, 9)], {"CHEMICAL": [(0, 7)]}, fold=3)
        self.assertEqual(set(D2.harvest_names([a, b, c])), {("GENE", "BRCA1"), ("GENE", "TP53"), ("CHEMICAL", "aspirin")})
        limited = D2.harvest_names([a, b, c], {"GENE": ["GNormPlus", "NLM-Gene"]})
        self.assertEqual(limited, {("GENE", "TP53"): {2}, ("CHEMICAL", "aspirin"): {3}})


class LongWordTest(unittest.TestCase):
    def test_a_word_over_the_limit_is_encoded_in_pieces_as_the_runtime_does(self):
        t = tok()
        n = t.MAX_ENCODED_CODE_POINTS
        self.assertEqual(n, 10000)  # src/ner/subword-tokenizer.ts MAX_ENCODED_CODE_POINTS
        word = "ACGTTGCA" * 3000  # 24,000 letters: pieces of 10,000, 10,000, 4,000
        expected = t.uni.encode(word[:n]) + t.uni.encode(word[n:2 * n]) + t.uni.encode(word[2 * n:])
        self.assertEqual(t.encode(word), expected)
        self.assertNotEqual(t.encode(word), t.uni.encode(word))  # each piece begins a word of its own
        short = word[:n]
        self.assertEqual(t.encode(short), t.uni.encode(short))


class WindowsTest(unittest.TestCase):
    def test_labels_only_for_covered_heads_and_knowledge_per_subword(self):
        t = tok()
        r = record(["Cisplatin", "nephrotoxicity"], {"CHEMICAL": [1, 0], "DISEASE": [0, 1]}, [1, 3],
                   {"CHEMICAL": "BC5CDR", "DISEASE": "BC5CDR"})
        (w,) = make_windows([r], t, 128)
        ids, mask, kn, labels = collate2([w], 0)
        prefix = w.prefix
        self.assertEqual(kn[0, :prefix].tolist(), [0] * prefix)
        n0, n1 = w.nsub
        self.assertEqual(kn[0, prefix: prefix + n0 + n1].tolist(), [1] * n0 + [3] * n1)
        self.assertEqual(labels[0, w.starts[0]].tolist()[:2], [1, 0])
        self.assertEqual(labels[0, w.starts[1]].tolist()[:2], [0, 1])
        self.assertTrue(all(x == -100 for x in labels[0, w.starts[0]].tolist()[2:]))
        self.assertEqual(int(mask.sum()), len(w.ids))

    def test_sentences_of_one_text_share_windows_until_full(self):
        t = tok()
        cov = {"GENE": "BC2GM"}
        recs = [record(["BRCA1", "binds", "."], {"GENE": [1, 0, 0]}, [0, 0, 0], cov, "a") for _ in range(3)]
        recs.append(record(["p53", "."], {"GENE": [1, 0]}, [0, 0], cov, "b"))
        ws = make_windows(recs, t, 128)
        self.assertEqual([len(w.starts) for w in ws], [9, 2])
        small = make_windows(recs, t, ws[0].prefix + 8)
        self.assertTrue(all(len(w.ids) <= ws[0].prefix + 8 for w in small))
        self.assertEqual(sum(len(w.starts) for w in small), 11)

    def test_augmentation(self):
        rng = random.Random(0)
        kn = [1, 2, 0, 3, 0]
        self.assertEqual(_augment(kn, rng, {}), kn)
        self.assertEqual(_augment(kn, rng, {"drop_all": 1.0}), [0] * 5)
        self.assertEqual(_augment(kn, rng, {"drop_type": {"CHEMICAL": 1.0}}), [0, 0, 0, 3, 0])
        self.assertEqual(_augment(kn, rng, {"drop_span": 1.0}), [0] * 5)


    def test_mask_known_replaces_only_the_subwords_of_knowledge_spans(self):
        t = tok()
        r = record(["Cisplatin", "caused", "acute", "nephrotoxicity", "."], {"CHEMICAL": [1, 0, 0, 0, 0]},
                   [1, 0, 3, 4, 0], {"CHEMICAL": "BC5CDR"})
        (w,) = make_windows([r], t, 128)
        plain, _, _, _ = collate2([w], 0)
        aug = {"mask_known": 1.0, "vocab_size": 8000}
        masked, _, kn, _ = collate2([w], 0, random.Random(1), aug)
        changed = (plain[0] != masked[0]).nonzero().flatten().tolist()
        inside = [k for j in (0, 2, 3) for k in range(w.starts[j], w.starts[j] + w.nsub[j])]
        self.assertTrue(set(changed) <= set(inside))
        self.assertGreaterEqual(len(changed), len(inside) - 1)  # a random id may equal the old one
        self.assertTrue(all(16 <= x < 8000 for x in masked[0, inside].tolist()))
        self.assertEqual(kn[0].tolist(), collate2([w], 0)[2][0].tolist())  # the knowledge ids stay
        off, _, _, _ = collate2([w], 0, random.Random(1), {"mask_known": 0.0, "vocab_size": 8000})
        self.assertEqual(off.tolist(), plain.tolist())


class TrainingTest(unittest.TestCase):
    def test_load_ckpt2_averages_comma_separated_checkpoints(self):
        from vaner.pipeline2 import load_ckpt2
        d = tempfile.mkdtemp()
        try:
            models = [tiny_v2(1), tiny_v2(2)]
            paths = []
            for i, m in enumerate(models):
                p = os.path.join(d, f"c{i}.pt")
                torch.save({"config": m.config.to_dict(), "state": m.state_dict(), "stats": {"steps": 10 * (i + 1)}}, p)
                paths.append(p)
            avg = load_ckpt2(",".join(paths))
            for k, v in avg.state_dict().items():
                expected = (models[0].state_dict()[k].float() + models[1].state_dict()[k].float()) / 2
                self.assertTrue(torch.allclose(v, expected), k)
            self.assertEqual(avg.stats["averaged_steps"], [10, 20])
            self.assertNotIn("averaged_steps", load_ckpt2(paths[0]).stats)
        finally:
            shutil.rmtree(d)

    def test_slim_ckpt2_keeps_the_weights_in_half_precision_and_drops_the_optimizer(self):
        from vaner.pipeline2 import load_ckpt2, slim_ckpt2
        d = tempfile.mkdtemp()
        try:
            m = tiny_v2(3)
            opt = torch.optim.AdamW(m.parameters(), lr=1e-3)
            m(torch.ones(1, 4, dtype=torch.long), torch.ones(1, 4, dtype=torch.long)).sum().backward()
            opt.step()
            full, slim = os.path.join(d, "finetune2.pt"), os.path.join(d, "weights.pt")
            torch.save({"config": m.config.to_dict(), "state": m.state_dict(), "optimizer": opt.state_dict(),
                        "stats": {"steps": 42}}, full)
            size = slim_ckpt2(full, slim)
            ck = torch.load(slim, map_location="cpu")
            self.assertNotIn("optimizer", ck)
            self.assertEqual(size, os.path.getsize(slim))
            self.assertLess(size, os.path.getsize(full) / 4)  # weights + 2 Adam moments in float32 -> weights in float16
            self.assertEqual((ck["stats"]["steps"], ck["stats"]["slim"]), (42, "float16"))
            back = load_ckpt2(slim)  # as export2 --ckpt reads it
            for k, v in m.state_dict().items():
                self.assertEqual(back.state_dict()[k].dtype, torch.float32, k)
                self.assertTrue(torch.allclose(back.state_dict()[k], v.float(), rtol=1e-3, atol=1e-4), k)
        finally:
            shutil.rmtree(d)

    def test_start_phase2_averages_weights_keeps_the_last_optimizer_and_resets_the_clock(self):
        from vaner.pipeline2 import start_phase2
        d = tempfile.mkdtemp()
        try:
            src, out = os.path.join(d, "run"), os.path.join(d, "phase")
            os.makedirs(src)
            with open(os.path.join(src, "records2-train.jsonl.gz"), "wb") as f:
                f.write(b"x")
            paths = []
            for i in range(2):
                m = tiny_v2(i + 1)
                opt = torch.optim.AdamW(m.parameters(), lr=1e-3)
                m(torch.ones(1, 4, dtype=torch.long), torch.ones(1, 4, dtype=torch.long)).sum().backward()
                opt.step()
                p = os.path.join(d, f"c{i}.pt")
                torch.save({"config": m.config.to_dict(), "state": m.state_dict(), "optimizer": opt.state_dict(),
                            "stats": {"steps": 100 * (i + 1), "tokens": 7, "seconds": 1234.5}}, p)
                paths.append(p)
            dst = start_phase2({"workdir": src}, ",".join(paths), out)
            ck = torch.load(dst, map_location="cpu")
            a, b = (torch.load(p, map_location="cpu") for p in paths)
            for k, v in ck["state"].items():
                self.assertTrue(torch.allclose(v, (a["state"][k].float() + b["state"][k].float()) / 2), k)
            self.assertEqual(ck["optimizer"]["state"][0]["step"], b["optimizer"]["state"][0]["step"])
            self.assertTrue(torch.equal(ck["optimizer"]["state"][0]["exp_avg"], b["optimizer"]["state"][0]["exp_avg"]))
            self.assertEqual((ck["stats"]["steps"], ck["stats"]["seconds"], ck["stats"]["rewarm_from"]), (200, 0.0, 200))
            self.assertEqual(os.readlink(os.path.join(out, "records2-train.jsonl.gz")),
                             os.path.join(os.path.abspath(src), "records2-train.jsonl.gz"))
            del b["optimizer"]
            torch.save(b, paths[1])
            with self.assertRaisesRegex(ValueError, "no optimizer state"):
                start_phase2({"workdir": src}, paths[1], os.path.join(d, "other"))
        finally:
            shutil.rmtree(d)

    def test_uncovered_heads_get_no_gradient(self):
        t = tok()
        model = tiny_v2()
        model.train()
        r = record(["Cisplatin", "nephrotoxicity"], {"CHEMICAL": [1, 0]}, [1, 3], {"CHEMICAL": "BC5CDR"})
        ids, mask, kn, labels = collate2(make_windows([r], t, 128), 0)
        loss = multi_head_loss(model(ids, mask, kn), labels)
        loss.backward()
        g = model.score.weight.grad.view(H, 3, -1)
        self.assertGreater(float(g[0].abs().sum()), 0.0)
        self.assertEqual(float(g[1:].abs().sum()), 0.0)
        self.assertGreater(float(model.model.embed_knowledge.weight.grad[1].abs().sum()), 0.0)

    def test_distillation_pulls_only_the_heads_a_window_does_not_annotate_and_only_at_word_starts(self):
        t = tok()
        r = record(["Cisplatin", "nephrotoxicity"], {"CHEMICAL": [1, 0]}, [1, 3], {"CHEMICAL": "BC5CDR"})
        ids, mask, kn, labels = collate2(make_windows([r], t, 128), 0)
        teacher = tiny_v2(seed=1)
        with torch.no_grad():
            t_logits = teacher(ids, mask, kn)
        # A student that already agrees with the teacher gets no pull.
        same = t_logits.clone().requires_grad_(True)
        distill_loss(same, t_logits, labels).backward()
        self.assertLess(float(same.grad.abs().max()), 1e-7)
        # Another student: gradient on the uncovered heads (1..H-1) at the two word starts, nowhere else.
        student = tiny_v2(seed=2)(ids, mask, kn).detach().requires_grad_(True)
        distill_loss(student, t_logits, labels).backward()
        g = student.grad.abs().sum(dim=-1)[0]  # (positions, heads)
        starts = (labels[0] != -100).any(dim=-1)
        self.assertEqual(int(starts.sum()), 2)
        self.assertEqual(float(g[:, 0].sum()), 0.0)  # CHEMICAL has gold labels here
        self.assertGreater(float(g[starts][:, 1:].min()), 0.0)
        self.assertEqual(float(g[~starts].sum()), 0.0)  # prompt tokens and continuation subwords
        # A window whose words all have every head labelled gives nothing to distill.
        full = labels.clone()
        full[0, starts] = 0
        self.assertEqual(float(distill_loss(student, t_logits, full)), 0.0)

    def test_annotated_distillation_pulls_only_the_heads_a_window_annotates(self):
        t = tok()
        r = record(["Cisplatin", "nephrotoxicity"], {"CHEMICAL": [1, 0]}, [1, 3], {"CHEMICAL": "BC5CDR"})
        ids, mask, kn, labels = collate2(make_windows([r], t, 128), 0)
        with torch.no_grad():
            t_logits = tiny_v2(seed=1)(ids, mask, kn)
        student = tiny_v2(seed=2)(ids, mask, kn).detach().requires_grad_(True)
        annotated_distill_loss(student, t_logits, labels).backward()
        g = student.grad.abs().sum(dim=-1)[0]  # (positions, heads)
        starts = (labels[0] != -100).any(dim=-1)
        self.assertGreater(float(g[starts][:, 0].min()), 0.0)  # CHEMICAL: gold labels here, so pulled
        self.assertEqual(float(g[:, 1:].sum()), 0.0)  # the unannotated heads are distill_loss's
        self.assertEqual(float(g[~starts].sum()), 0.0)
        # Its positions and distill_loss's are complementary: together they cover every (word start, head).
        same = t_logits.clone().requires_grad_(True)
        annotated_distill_loss(same, t_logits, labels).backward()
        self.assertLess(float(same.grad.abs().max()), 1e-7)

    def test_an_ensemble_teacher_averages_its_members_probabilities_not_their_weights(self):
        t = tok()
        r = record(["Cisplatin", "nephrotoxicity"], {"CHEMICAL": [1, 0]}, [1, 3], {"CHEMICAL": "BC5CDR"})
        ids, mask, kn, _ = collate2(make_windows([r], t, 128), 0)
        a, b = tiny_v2(seed=1), tiny_v2(seed=2)
        with torch.no_grad():
            pa, pb = a(ids, mask, kn).softmax(-1), b(ids, mask, kn).softmax(-1)
            out = EnsembleTeacher([a, b])(ids, mask, kn)
        self.assertTrue(torch.allclose(out.softmax(-1), (pa + pb) / 2, atol=1e-6))
        self.assertTrue(torch.allclose(out.exp().sum(-1), torch.ones(out.shape[:-1]), atol=1e-5))
        # load_teacher: "a+b" is that ensemble, frozen; "a,b" the weight average of one model.
        d = tempfile.mkdtemp()
        try:
            paths = []
            for name, m in (("a.pt", a), ("b.pt", b)):
                paths.append(os.path.join(d, name))
                torch.save({"config": m.config.to_dict(), "state": m.state_dict(), "stats": {}}, paths[-1])
            ens = load_teacher("+".join(paths))
            self.assertIsInstance(ens, EnsembleTeacher)
            self.assertFalse(any(p.requires_grad for p in ens.parameters()))
            with torch.no_grad():
                self.assertTrue(torch.allclose(ens(ids, mask, kn), out, atol=1e-5))
            soup = load_teacher(",".join(paths))
            self.assertNotIsInstance(soup, EnsembleTeacher)
            with torch.no_grad():
                self.assertFalse(torch.allclose(soup(ids, mask, kn).softmax(-1), (pa + pb) / 2, atol=1e-3))
        finally:
            shutil.rmtree(d)

    def test_jnlpba_training_abstracts_that_hold_development_sentences_are_left_out(self):
        from vaner import data as D
        d = tempfile.mkdtemp()
        old = D.DATA
        try:
            os.makedirs(os.path.join(d, "jnlpba", "train"))
            os.makedirs(os.path.join(d, "ner-iob", "JNLPBA"))
            texts = {"1": "IL-2 gene expression requires NF-kappa B in activated T cells. Nothing else here.",
                     "2": "The c-fos promoter was studied in HeLa cells by transfection assays."}
            for k, v in texts.items():
                with open(os.path.join(d, "jnlpba", "train", f"{k}.txt"), "w") as f:
                    f.write(v)
                with open(os.path.join(d, "jnlpba", "train", f"{k}.ann"), "w") as f:
                    f.write("")
            # The development copy is re-tokenised: "NF-kappa" split, spaces before the full stop.
            words = "IL-2 gene expression requires NF - kappa B in activated T cells .".split()
            with open(os.path.join(d, "ner-iob", "JNLPBA", "devel.tsv"), "w") as f:
                f.write("-DOCSTART-\tO\n\n" + "".join(f"{w}\tO\n" for w in words) + "\n")
            D.DATA = d
            self.assertEqual([doc.id for doc in D2.jnlpba_train_docs()], ["2"])
        finally:
            D.DATA = old
            shutil.rmtree(d)

    def test_knowledge_ids_change_the_output_and_zero_embedding_is_neutral(self):
        model = tiny_v2()
        ids = torch.tensor([[1, 50, 3, 100, 200]])
        mask = torch.ones_like(ids)
        kn = torch.tensor([[0, 0, 0, 1, 2]])
        with torch.no_grad():
            a = model(ids, mask, kn)
            b = model(ids, mask, torch.zeros_like(kn))
            self.assertGreater(float((a - b).abs().max()), 1e-4)
            torch.nn.init.zeros_(model.model.embed_knowledge.weight)
            model.model.embed_knowledge = None  # a model without the channel
            plain = model(ids, mask)
            model.model.embed_knowledge = torch.nn.Embedding(17, 32)
            torch.nn.init.zeros_(model.model.embed_knowledge.weight)
            self.assertTrue(torch.allclose(model(ids, mask, kn), plain))


class WarmStartAndExportTest(unittest.TestCase):
    def assert_node_reproduces(self, onnx_path: str, logits: torch.Tensor, **inputs: torch.Tensor) -> None:
        """onnxruntime-node, fed `inputs` (input_ids, attention_mask[, knowledge_ids]), gives these torch logits."""
        d = tempfile.mkdtemp()
        try:
            shutil.copyfile(onnx_path, os.path.join(d, "model.onnx"))
            ref = os.path.join(d, "ref.json")
            with open(ref, "w") as f:
                json.dump({"atol": 1e-4, **{k: v.tolist() for k, v in inputs.items()},
                           "dims": list(logits.shape), "logits": logits.flatten().tolist()}, f)
            res = node_check(d, ref, None)
            self.assertIsNotNone(res, "node and node_modules are needed (npm install)")
            self.assertLessEqual(res["onnx"]["maxAbsDiff"], 1e-4)
        finally:
            shutil.rmtree(d)

    def test_weights_recovered_from_the_v1_onnx_reproduce_its_logits_in_node(self):
        st = read_onnx_state(os.path.join(BASE, "model.onnx"), 4)
        model = VanerForTokenClassification(VanerConfig(), with_lm_head=False)
        model.load_state_dict(st)
        ids = torch.tensor([[1, 50, 60, 3, 100, 200, 300], [1, 50, 60, 3, 100, 0, 0]])
        mask = (ids != 0).long()
        with torch.no_grad():
            lg = model.eval()(ids, mask)
        self.assert_node_reproduces(os.path.join(BASE, "model.onnx"), lg, input_ids=ids, attention_mask=mask)

    def test_a_format_2_bundle_warm_starts_every_weight_and_reproduces_its_logits_in_node(self):
        # The shipped bundle is the checkpoint a new session continues from (checkpoints do not outlive a host).
        shipped = os.path.join(REPO, "models", "vaner-small")
        cfg = {"base": {"init_bundle": shipped, "warm_start": True}, "finetune": {}, "seed": 0}
        model = build_model2(cfg, None).eval()
        self.assertGreater(float(model.model.embed_knowledge.weight.abs().max()), 0.0)  # not re-zeroed
        ids = torch.tensor([[1, 50, 60, 3, 100, 200, 300], [1, 50, 60, 3, 100, 0, 0]])
        mask = (ids != 0).long()
        kn = torch.tensor([[0, 0, 0, 0, 1, 2, 2], [0, 0, 0, 0, 3, 0, 0]])
        with torch.no_grad():
            lg = model(ids, mask, kn)
        self.assertEqual(list(lg.shape), [2, 7, H, 3])
        self.assert_node_reproduces(os.path.join(shipped, "model.onnx"), lg, input_ids=ids, attention_mask=mask,
                                    knowledge_ids=kn)

    def test_int8_export_can_be_turned_off_and_removes_a_stale_file(self):
        t = tok()
        cfg = {"name": "t", "version": "test", "data": {"max_length": 128}, "base": {}, "export": {"int8": False}}
        d = tempfile.mkdtemp()
        try:
            with open(os.path.join(d, "model.int8.onnx"), "w") as f:
                f.write("stale")
            m = write_bundle2(d, tiny_v2(1), t, cfg, {}, "card", reference=False)
            self.assertNotIn("int8Weights", m)
            self.assertFalse(os.path.exists(os.path.join(d, "model.int8.onnx")))
        finally:
            shutil.rmtree(d)

    def test_v2_bundle_manifest_and_onnxruntime_node_parity(self):
        t = tok()
        model = tiny_v2(1)
        cfg = {"name": "t", "version": "test", "data": {"max_length": 128}, "base": {}}
        d = tempfile.mkdtemp()
        try:
            m = write_bundle2(d, model, t, cfg, {}, "card", reference=True)
            self.assertEqual(m["formatVersion"], 2)
            self.assertEqual([e["type"] for e in m["entityTypes"]], D2.TYPES)
            self.assertEqual(m["knowledge"]["types"], D2.TYPES)
            self.assertEqual(m["io"]["knowledgeIds"], "knowledge_ids")
            self.assertEqual(m["defaultScheme"], "bc5cdr")
            import onnx
            g = onnx.load(os.path.join(d, "model.onnx")).graph
            self.assertEqual([i.name for i in g.input], ["input_ids", "attention_mask", "knowledge_ids"])
            with open(os.path.join(d, "reference-logits.json")) as f:
                ref = json.load(f)
            self.assertEqual(ref["dims"][2:], [H, 3])
            self.assertTrue(any(k for row in ref["knowledge_ids"] for k in row))
            res = node_check(d, os.path.join(d, "reference-logits.json"), None)
            self.assertIsNotNone(res)
            self.assertLessEqual(res["onnx"]["maxAbsDiff"], 1e-4)
            # The int8 copy (quantize.py): every layer projection quantized, a checksum the manifest records, and
            # onnxruntime-node's argmax agreeing with torch at >= 90 % of (position, head) pairs.
            q = m["int8Weights"]
            self.assertEqual(q["matmuls"], 7 * model.config.num_hidden_layers)
            self.assertEqual(q["sha256"], sha256_file(os.path.join(d, q["file"])))
            ops = [n.op_type for n in onnx.load(os.path.join(d, q["file"])).graph.node]
            self.assertEqual(ops.count("DynamicQuantizeMatMul"), q["matmuls"])
            self.assertGreaterEqual(res["int8"]["argmaxAgreement"], 0.9)
        finally:
            shutil.rmtree(d)


if __name__ == "__main__":
    unittest.main()
