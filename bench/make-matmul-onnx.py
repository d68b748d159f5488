#!/usr/bin/env python3
"""Writes bench/matmul.onnx: Y = A @ B for float32 A [m, k] and B [k, n], every axis dynamic. `vaner bench ner`
runs it in onnxruntime-node with the labeler's thread count to measure the machine's float32 matmul rate, so the
model's achieved GFLOP/s can be read against it. Needs Debian's python3-onnx:  /usr/bin/python3 bench/make-matmul-onnx.py
"""
import os

import onnx
from onnx import TensorProto, helper

graph = helper.make_graph(
    [helper.make_node("MatMul", ["A", "B"], ["Y"])], "matmul",
    [helper.make_tensor_value_info("A", TensorProto.FLOAT, ["m", "k"]),
     helper.make_tensor_value_info("B", TensorProto.FLOAT, ["k", "n"])],
    [helper.make_tensor_value_info("Y", TensorProto.FLOAT, ["m", "n"])])
model = helper.make_model(graph, opset_imports=[helper.make_opsetid("", 14)], producer_name="vaner-bench")
model.ir_version = 8
onnx.checker.check_model(model)
onnx.save(model, os.path.join(os.path.dirname(os.path.abspath(__file__)), "matmul.onnx"))
