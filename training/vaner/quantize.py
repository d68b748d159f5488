"""Int8 weights for CPU inference (docs/bundle-format.md, "Int8 weights").

Every MatMul of a transformer layer whose right-hand side is a weight (q/k/v/o, gate/up/down projections) becomes
onnxruntime's ``com.microsoft.DynamicQuantizeMatMul``: the weight is stored as int8, symmetric, one scale per output
column; the activations are quantized to uint8 per call, and the product is accumulated in int32 and scaled back to
float. The embeddings, the norms, attention's activation-by-activation products and the classification heads stay
float32: they are a small share of the work and the heads' logits decide spans directly.

Why by hand with ``onnx`` instead of ``onnxruntime.quantization.quantize_dynamic``: the onnxruntime Python package is
not installable from Debian (this project's Python comes from Debian packages), while ``python3-onnx`` is. The graph
it writes is the same fused op quantize_dynamic produces on CPU. Measured on the 2026.12.06 bundle with one thread
(README, "Speed"): 1.55x the documents per second of the float32 graph.
"""
from __future__ import annotations

import os
import re
from typing import Tuple

import numpy as np

LAYER_MATMUL = re.compile(r"/layers\.\d+/")
MAX_BYTES = 1800 * 1024 * 1024  # one protobuf file: above ~2 GB a model needs external data (not handled here)


def quantize_int8(src: str, dst: str) -> Tuple[int, int]:
    """Writes ``dst``: ``src`` with its layer MatMul weights in int8. Returns (matmuls quantized, bytes written).

    :raises ValueError: when ``src`` has no layer MatMul with a weight initializer (nothing to quantize) or is too
        large for one protobuf file.
    """
    import onnx
    from onnx import helper, numpy_helper

    if os.path.getsize(src) > MAX_BYTES:
        raise ValueError(f"{src}: {os.path.getsize(src)} bytes; int8 export handles single-file models under 1.8 GB")
    model = onnx.load(src)
    graph = model.graph
    inits = {t.name: t for t in graph.initializer}
    uses = {}
    for n in graph.node:
        for name in n.input:
            uses[name] = uses.get(name, 0) + 1
    nodes = []
    count = 0
    for n in graph.node:
        w = inits.get(n.input[1]) if n.op_type == "MatMul" and len(n.input) == 2 else None
        if w is None or len(w.dims) != 2 or not LAYER_MATMUL.search(n.name) or uses.get(w.name, 0) != 1:
            nodes.append(n)
            continue
        weight = numpy_helper.to_array(w).astype(np.float32)
        scale = np.maximum(np.abs(weight).max(axis=0), 1e-12) / 127.0
        q = np.clip(np.rint(weight / scale), -127, 127).astype(np.int8)
        graph.initializer.remove(w)
        graph.initializer.extend([
            numpy_helper.from_array(q, w.name + "_int8"),
            numpy_helper.from_array(scale.astype(np.float32), w.name + "_scale"),
            numpy_helper.from_array(np.zeros(q.shape[1], dtype=np.int8), w.name + "_zero"),
        ])
        nodes.append(helper.make_node("DynamicQuantizeMatMul", [n.input[0], w.name + "_int8", w.name + "_scale",
                                                                 w.name + "_zero"], list(n.output),
                                      name=n.name + "_int8", domain="com.microsoft"))
        count += 1
    if count == 0:
        raise ValueError(f"{src}: no transformer-layer MatMul with a weight initializer to quantize")
    del graph.node[:]
    graph.node.extend(nodes)
    if not any(o.domain == "com.microsoft" for o in model.opset_import):
        model.opset_import.append(helper.make_opsetid("com.microsoft", 1))
    tmp = dst + ".tmp"
    onnx.save(model, tmp)
    os.replace(tmp, dst)
    return count, os.path.getsize(dst)


def add_int8_to_bundle(bundle_dir: str, manifest: dict, file: str = "model.int8.onnx") -> dict:
    """Quantizes ``bundle_dir``'s float32 weights into ``file`` and records it in ``manifest`` (returned)."""
    from .export import sha256_file
    src = os.path.join(bundle_dir, manifest["weights"]["file"])
    dst = os.path.join(bundle_dir, file)
    count, _ = quantize_int8(src, dst)
    manifest["int8Weights"] = {"file": file, "sha256": sha256_file(dst), "method": "dynamic-int8-per-column",
                               "matmuls": count}
    return manifest
