"""Load a Hugging Face LLaMA(-2) checkpoint directory into ``VanerForTokenClassification``.

Reads ``config.json`` and the weights in any of the usual layouts: ``model.safetensors``,
``model.safetensors.index.json`` + shards, ``pytorch_model.bin``, ``pytorch_model.bin.index.json`` + shards.
Safetensors go through the ``safetensors`` package when it is installed and otherwise through the small numpy
reader below (the format is an 8-byte little-endian header length, a JSON header, then raw little-endian data).
``transformers`` is not needed. The BIO head ``score`` is new (initialised), as in VANER.
"""
from __future__ import annotations

import json
import os
import struct
from typing import Dict, Iterable, Optional, Tuple

import numpy as np
import torch

from .model import VanerConfig, VanerForTokenClassification

_NP_DTYPES = {"F32": np.float32, "F16": np.float16, "F64": np.float64, "I64": np.int64, "I32": np.int32,
              "I16": np.int16, "I8": np.int8, "U8": np.uint8, "BOOL": np.bool_}


def read_safetensors_numpy(path: str) -> Dict[str, torch.Tensor]:
    """Minimal safetensors reader (numpy + json); BF16 is widened to float32 exactly."""
    out: Dict[str, torch.Tensor] = {}
    with open(path, "rb") as f:
        (n,) = struct.unpack("<Q", f.read(8))
        header = json.loads(f.read(n).decode("utf-8"))
        base = 8 + n
        for name, info in header.items():
            if name == "__metadata__":
                continue
            start, end = info["data_offsets"]
            f.seek(base + start)
            raw = f.read(end - start)
            shape = info["shape"]
            if info["dtype"] == "BF16":
                u16 = np.frombuffer(raw, dtype="<u2").astype(np.uint32) << 16
                arr = u16.view(np.float32).reshape(shape)
            else:
                dt = np.dtype(_NP_DTYPES[info["dtype"]]).newbyteorder("<")
                arr = np.frombuffer(raw, dtype=dt).reshape(shape)
            out[name] = torch.from_numpy(np.array(arr))
    return out


def write_safetensors_numpy(tensors: Dict[str, torch.Tensor], path: str, bf16: bool = False) -> None:
    """Minimal safetensors writer (F32, or BF16 by truncation-with-rounding), used by tests and tools."""
    header = {}
    blobs = []
    offset = 0
    for name in sorted(tensors):
        t = tensors[name].detach().cpu().float().contiguous().numpy()
        if bf16:
            u32 = t.astype("<f4").view(np.uint32)
            rounded = ((u32 + 0x7FFF + ((u32 >> 16) & 1)) >> 16).astype("<u2")
            raw, dtype = rounded.tobytes(), "BF16"
        else:
            raw, dtype = t.astype("<f4").tobytes(), "F32"
        header[name] = {"dtype": dtype, "shape": list(t.shape), "data_offsets": [offset, offset + len(raw)]}
        blobs.append(raw)
        offset += len(raw)
    hb = json.dumps(header, separators=(",", ":")).encode("utf-8")
    hb += b" " * ((8 - len(hb) % 8) % 8)
    with open(path, "wb") as f:
        f.write(struct.pack("<Q", len(hb)))
        f.write(hb)
        for b in blobs:
            f.write(b)


def _read_safetensors(path: str) -> Dict[str, torch.Tensor]:
    try:
        from safetensors.torch import load_file  # lazy: optional
    except ImportError:
        return read_safetensors_numpy(path)
    return load_file(path)


def _read_bin(path: str) -> Dict[str, torch.Tensor]:
    return torch.load(path, map_location="cpu")


def iter_checkpoint_tensors(directory: str) -> Iterable[Tuple[str, torch.Tensor]]:
    """Yields (name, tensor) shard by shard, so at most one shard is in memory at a time."""
    for index_name, reader in (("model.safetensors.index.json", _read_safetensors),
                               ("pytorch_model.bin.index.json", _read_bin)):
        index = os.path.join(directory, index_name)
        if os.path.exists(index):
            with open(index) as f:
                shards = sorted(set(json.load(f)["weight_map"].values()))
            for shard in shards:
                yield from reader(os.path.join(directory, shard)).items()
            return
    for single, reader in (("model.safetensors", _read_safetensors), ("pytorch_model.bin", _read_bin)):
        path = os.path.join(directory, single)
        if os.path.exists(path):
            yield from reader(path).items()
            return
    raise FileNotFoundError(f"no LLaMA weights (safetensors or .bin, single or sharded) in {directory}")


def config_from_hf(hf: dict, **overrides) -> VanerConfig:
    heads = hf["num_attention_heads"]
    cfg = VanerConfig(
        vocab_size=hf["vocab_size"], hidden_size=hf["hidden_size"], intermediate_size=hf["intermediate_size"],
        num_hidden_layers=hf["num_hidden_layers"], num_attention_heads=heads,
        num_key_value_heads=hf.get("num_key_value_heads") or heads,
        max_position_embeddings=hf.get("max_position_embeddings", 4096), rope_theta=hf.get("rope_theta", 10000.0),
        rms_norm_eps=hf.get("rms_norm_eps", 1e-6), tie_lm_head=bool(hf.get("tie_word_embeddings", False)),
        pad_token_id=hf.get("pad_token_id") or 0,
    )
    for k, v in overrides.items():
        setattr(cfg, k, v)
    return cfg


def load_hf_llama(directory: str, num_label_heads: int = 1, bidirectional: bool = True,
                  with_lm_head: bool = False, dtype: Optional[torch.dtype] = None,
                  device: Optional[str] = None) -> VanerForTokenClassification:
    """Builds the model from ``config.json`` and copies every backbone weight; raises if one is missing or
    has the wrong shape (a silently half-loaded LLaMA would train, badly).

    ``dtype`` (e.g. bfloat16) is the dtype the model is *built* in, so a 7B checkpoint never exists in float32
    (28 GB); ``device`` ("cuda") builds it on the GPU directly (PyTorch >= 2.0), so host RAM holds only one
    checkpoint shard at a time."""
    with open(os.path.join(directory, "config.json")) as f:
        hf = json.load(f)
    if hf.get("rope_scaling"):
        raise ValueError("rope_scaling checkpoints are not supported")
    cfg = config_from_hf(hf, num_label_heads=num_label_heads, bidirectional=bidirectional)
    model = _build(cfg, with_lm_head, dtype, device)
    own = model.state_dict()
    expected = {k for k in own if k.startswith("model.") or (with_lm_head and k == "lm_head.weight")}
    loaded = set()
    with torch.no_grad():
        for name, t in iter_checkpoint_tensors(directory):
            if name.endswith("rotary_emb.inv_freq"):
                continue  # recomputed from rope_theta
            if name == "lm_head.weight" and not with_lm_head:
                continue
            if name not in own:
                raise KeyError(f"unexpected tensor {name} in {directory}")
            if tuple(own[name].shape) != tuple(t.shape):
                raise ValueError(f"{name}: checkpoint shape {tuple(t.shape)} != model {tuple(own[name].shape)}")
            own[name].copy_(t.to(device=own[name].device, dtype=own[name].dtype))
            loaded.add(name)
    if with_lm_head and cfg.tie_lm_head:
        loaded.add("lm_head.weight")
    missing = sorted(expected - loaded)
    if missing:
        raise KeyError(f"missing from checkpoint: {missing[:5]}{' ...' if len(missing) > 5 else ''}")
    return model


def _build(cfg: VanerConfig, with_lm_head: bool, dtype: Optional[torch.dtype], device: Optional[str]
           ) -> VanerForTokenClassification:
    prev = torch.get_default_dtype()
    if dtype is not None:
        torch.set_default_dtype(dtype)
    try:
        if device and device != "cpu":
            if not hasattr(torch.device(device), "__enter__"):
                raise RuntimeError(f"building on {device} needs PyTorch >= 2.0 (torch {torch.__version__})")
            with torch.device(device):
                model = VanerForTokenClassification(cfg, with_lm_head=with_lm_head)
        else:
            model = VanerForTokenClassification(cfg, with_lm_head=with_lm_head)
    finally:
        torch.set_default_dtype(prev)
    # RoPE tables stay float32 (built from float32 aranges) whatever the default dtype was.
    return model
