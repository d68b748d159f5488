"""training/scripts/device-train.sh `run`, the step that runs on the lent GPU machine, end to end on the CPU
(DEVICE_TRAIN_SMOKE: a few seconds of training): from packed records to half-precision weights small enough for the
device tool to bring back (16 MiB a file), which export2 reads as any checkpoint. No GPU was ever lent to this
project, so this is the only run of that path before one is; `prepare` and `collect` need the corpora
(../shared/data) and are described in training/README.md."""
from __future__ import annotations

import gzip
import json
import os
import shutil
import subprocess
import sys
import tempfile
import unittest

from helpers import HERE  # noqa: F401  (sets sys.path)

import torch

from vaner.pipeline2 import H, load_ckpt2

REPO = os.path.dirname(os.path.dirname(HERE))
SCRIPT = os.path.join(REPO, "training", "scripts", "device-train.sh")


def record(src, covered, words, kn, tags):
    return {"s": src, "c": covered, "w": words, "k": kn, "g": f"{src}:0", "t": tags}


RECORDS = [
    record("BC5CDR", {"CHEMICAL": "BC5CDR", "DISEASE": "BC5CDR"},
           ["Lithium", "carbonate", "toxicity", "in", "a", "newborn", "."], [1, 2, 3, 0, 0, 0, 0],
           {"CHEMICAL": "BIOOOOO", "DISEASE": "OOBOOOO"}),
    record("BC2GM", {"GENE": "BC2GM"}, ["Staining", "for", "HMB", "-", "45", "was", "positive", "."],
           [0] * 8, {"GENE": "OOBIIOOO"}),
    record("LINNAEUS", {"SPECIES": "LINNAEUS"}, ["Infection", "of", "mice", "with", "Escherichia", "coli", "."],
           [0] * 7, {"SPECIES": "OOBOBIO"}),
]


class DeviceScriptTest(unittest.TestCase):
    def test_run_trains_and_leaves_half_precision_weights_that_load_as_a_checkpoint(self):
        d = tempfile.mkdtemp()
        try:
            work, out = os.path.join(d, "device"), os.path.join(d, "out")
            os.makedirs(work)
            for name in ("records2-train.jsonl.gz", "records2-dev.jsonl.gz"):
                with gzip.open(os.path.join(work, name), "wt", encoding="utf-8") as f:
                    for r in RECORDS * 20:
                        f.write(json.dumps(r) + "\n")
            with open(os.path.join(work, "sets"), "w") as f:  # as `prepare --set ...` records them
                f.write("base.init_bundle=test/fixtures/tiny-bundle\nfinetune.lr=0.0001\n")
            env = dict(os.environ, DEVICE_TRAIN_SMOKE="1", DEVICE_TRAIN_WORK=work, OUT=out, PYTHON=sys.executable,
                       OMP_NUM_THREADS="1")
            res = subprocess.run(["bash", SCRIPT, "run"], cwd=REPO, env=env, capture_output=True, text=True,
                                 timeout=600)
            self.assertEqual(res.returncode, 0, res.stdout[-3000:] + res.stderr[-3000:])
            with open(os.path.join(out, "finetune2.log")) as f:
                log = f.read()
            # the recorded --set options reach the run: it starts from the tiny bundle, not the recipe's base
            self.assertIn("warm start from the format-2 bundle", log)
            self.assertIn("tiny-bundle", log)
            self.assertIn("[finetune2] done", log)
            self.assertTrue(os.path.exists(os.path.join(out, "device.txt")))
            weights = os.path.join(out, "weights.pt")
            self.assertLess(os.path.getsize(weights), 16 * 1024 * 1024)  # what the device tool brings back
            ck = torch.load(weights, map_location="cpu")
            self.assertNotIn("optimizer", ck)
            self.assertTrue(all(v.dtype == torch.float16 for v in ck["state"].values() if v.is_floating_point()))
            self.assertGreater(ck["stats"]["steps"], 0)
            model = load_ckpt2(weights)
            with open(os.path.join(REPO, "test", "fixtures", "tiny-bundle", "manifest.json")) as f:
                arch = json.load(f)["architecture"]
            self.assertEqual((model.config.hidden_size, model.config.num_hidden_layers),
                             (arch["hiddenSize"], arch["numLayers"]))
            self.assertEqual(model.score.out_features, 3 * H)
        finally:
            shutil.rmtree(d)

    def test_run_without_packed_records_says_what_to_do(self):
        d = tempfile.mkdtemp()
        try:
            env = dict(os.environ, DEVICE_TRAIN_WORK=os.path.join(d, "none"), OUT=os.path.join(d, "out"))
            res = subprocess.run(["bash", SCRIPT, "run"], cwd=REPO, env=env, capture_output=True, text=True)
            self.assertEqual(res.returncode, 2)
            self.assertIn("run 'prepare' here", res.stderr)
        finally:
            shutil.rmtree(d)


if __name__ == "__main__":
    unittest.main()
