"""Warm start from a shipped bundle's model.onnx: the ONNX graph keeps the named initialisers (embeddings, norms,
head bias) but stores every Linear weight transposed under an anonymous name. They are recovered in graph order
(per layer q, k, v, o, gate, up, down, then the head), and the caller checks the result against onnxruntime."""
from __future__ import annotations

from typing import Dict

import numpy as np
import torch


def read_onnx_state(path: str, num_layers: int) -> Dict[str, torch.Tensor]:
    import onnx
    from onnx import numpy_helper
    m = onnx.load(path)
    inits = {i.name: numpy_helper.to_array(i) for i in m.graph.initializer}
    state: Dict[str, torch.Tensor] = {}
    for name, arr in inits.items():
        if name.startswith("inner."):
            state[name[len("inner."):]] = torch.from_numpy(np.array(arr, dtype=np.float32))
    mats = []
    for node in m.graph.node:
        if node.op_type == "MatMul" and len(node.input) == 2 and node.input[1] in inits and \
                not node.input[1].startswith("inner."):
            mats.append(inits[node.input[1]])
    names = []
    for layer in range(num_layers):
        pre = f"model.layers.{layer}."
        names += [pre + "self_attn.q_proj.weight", pre + "self_attn.k_proj.weight", pre + "self_attn.v_proj.weight",
                  pre + "self_attn.o_proj.weight", pre + "mlp.gate_proj.weight", pre + "mlp.up_proj.weight",
                  pre + "mlp.down_proj.weight"]
    names.append("score.weight")
    if len(mats) != len(names):
        raise ValueError(f"{path}: expected {len(names)} MatMul weights, found {len(mats)}")
    for n, arr in zip(names, mats):
        state[n] = torch.from_numpy(np.ascontiguousarray(np.array(arr, dtype=np.float32).T))
    return state
