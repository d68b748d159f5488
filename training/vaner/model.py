"""LLaMA-architecture encoder for VANER (arXiv 2404.17835), in plain torch.

Parameter names mirror Hugging Face ``LlamaModel`` (``model.embed_tokens``, ``model.layers.N.self_attn.q_proj``,
``model.norm`` ...) so real LLaMA-2 checkpoints load with ``hf_llama.load_hf_llama``. VANER removes the causal
mask (``bidirectional=True``); the padding mask is always applied so a sequence's outputs do not depend on
what else is in the batch. Token-classification heads sit on top (``score``, as in HF
``LlamaForTokenClassification``), producing logits ``[batch, seq, heads, labels]``.
"""
from __future__ import annotations

import dataclasses
import json
import math
from typing import Optional

import torch
import torch.utils.checkpoint
from torch import nn
import torch.nn.functional as F

# Large finite negative rather than -inf: keeps softmax NaN-free in fp16/bf16 and exports cleanly.
MASK_VALUE = -1e9


@dataclasses.dataclass
class VanerConfig:
    """Architecture hyper-parameters (names follow HF ``LlamaConfig`` where one exists)."""

    vocab_size: int = 8000
    hidden_size: int = 256
    intermediate_size: int = 688
    num_hidden_layers: int = 4
    num_attention_heads: int = 4
    num_key_value_heads: int = 4
    max_position_embeddings: int = 512
    rope_theta: float = 10000.0
    rms_norm_eps: float = 1e-6
    bidirectional: bool = True
    num_label_heads: int = 1
    num_labels: int = 3
    pad_token_id: int = 0
    tie_lm_head: bool = True
    # Bundle format 2: ids of the knowledge input (0 = no knowledge-base name covers the word, then B/I per
    # knowledge type); 0 = a format-1 model without that input.
    num_knowledge_ids: int = 0

    @property
    def head_dim(self) -> int:
        return self.hidden_size // self.num_attention_heads

    def to_dict(self) -> dict:
        return dataclasses.asdict(self)

    @classmethod
    def from_dict(cls, d: dict) -> "VanerConfig":
        names = {f.name for f in dataclasses.fields(cls)}
        return cls(**{k: v for k, v in d.items() if k in names})

    def save(self, path: str) -> None:
        with open(path, "w") as f:
            json.dump(self.to_dict(), f, indent=2)


class LlamaRMSNorm(nn.Module):
    def __init__(self, hidden_size: int, eps: float):
        super().__init__()
        self.weight = nn.Parameter(torch.ones(hidden_size))
        self.variance_epsilon = eps

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        dtype = x.dtype
        h = x.float()
        h = h * torch.rsqrt(h.pow(2).mean(-1, keepdim=True) + self.variance_epsilon)
        return self.weight * h.to(dtype)


class LlamaRotaryEmbedding(nn.Module):
    """Precomputed cos/sin tables, sliced to the sequence length (a dynamic Slice in ONNX)."""

    def __init__(self, dim: int, max_positions: int, theta: float):
        super().__init__()
        inv_freq = 1.0 / (theta ** (torch.arange(0, dim, 2, dtype=torch.float32) / dim))
        t = torch.arange(max_positions, dtype=torch.float32)
        freqs = torch.outer(t, inv_freq)
        emb = torch.cat((freqs, freqs), dim=-1)
        # Not persistent: recomputed from the config, so HF checkpoints (which may carry inv_freq) still load.
        self.register_buffer("cos_cached", emb.cos(), persistent=False)
        self.register_buffer("sin_cached", emb.sin(), persistent=False)

    def forward(self, seq_len: int):
        return self.cos_cached[:seq_len], self.sin_cached[:seq_len]


def rotate_half(x: torch.Tensor) -> torch.Tensor:
    half = x.shape[-1] // 2
    return torch.cat((-x[..., half:], x[..., :half]), dim=-1)


def apply_rotary(q, k, cos, sin):
    # cos/sin: [seq, dim] broadcast over [batch, heads, seq, dim] (HF's rotate_half convention).
    return (q * cos) + (rotate_half(q) * sin), (k * cos) + (rotate_half(k) * sin)


class LlamaAttention(nn.Module):
    def __init__(self, cfg: VanerConfig):
        super().__init__()
        self.num_heads = cfg.num_attention_heads
        self.num_kv = cfg.num_key_value_heads
        self.head_dim = cfg.head_dim
        h = cfg.hidden_size
        self.q_proj = nn.Linear(h, self.num_heads * self.head_dim, bias=False)
        self.k_proj = nn.Linear(h, self.num_kv * self.head_dim, bias=False)
        self.v_proj = nn.Linear(h, self.num_kv * self.head_dim, bias=False)
        self.o_proj = nn.Linear(self.num_heads * self.head_dim, h, bias=False)

    def _repeat_kv(self, x: torch.Tensor) -> torch.Tensor:
        rep = self.num_heads // self.num_kv
        if rep == 1:
            return x
        b, kv, s, d = x.shape
        return x[:, :, None, :, :].expand(b, kv, rep, s, d).reshape(b, kv * rep, s, d)

    def forward(self, x, cos, sin, bias):
        b, s, _ = x.shape
        q = self.q_proj(x).view(b, s, self.num_heads, self.head_dim).transpose(1, 2)
        k = self.k_proj(x).view(b, s, self.num_kv, self.head_dim).transpose(1, 2)
        v = self.v_proj(x).view(b, s, self.num_kv, self.head_dim).transpose(1, 2)
        q, k = apply_rotary(q, k, cos, sin)
        k = self._repeat_kv(k)
        v = self._repeat_kv(v)
        scores = torch.matmul(q, k.transpose(2, 3)) / math.sqrt(self.head_dim)
        scores = scores + bias
        probs = F.softmax(scores.float(), dim=-1).to(q.dtype)
        out = torch.matmul(probs, v).transpose(1, 2).reshape(b, s, self.num_heads * self.head_dim)
        return self.o_proj(out)


class LlamaMLP(nn.Module):
    def __init__(self, cfg: VanerConfig):
        super().__init__()
        self.gate_proj = nn.Linear(cfg.hidden_size, cfg.intermediate_size, bias=False)
        self.up_proj = nn.Linear(cfg.hidden_size, cfg.intermediate_size, bias=False)
        self.down_proj = nn.Linear(cfg.intermediate_size, cfg.hidden_size, bias=False)

    def forward(self, x):
        return self.down_proj(F.silu(self.gate_proj(x)) * self.up_proj(x))


class LlamaDecoderLayer(nn.Module):
    def __init__(self, cfg: VanerConfig):
        super().__init__()
        self.self_attn = LlamaAttention(cfg)
        self.mlp = LlamaMLP(cfg)
        self.input_layernorm = LlamaRMSNorm(cfg.hidden_size, cfg.rms_norm_eps)
        self.post_attention_layernorm = LlamaRMSNorm(cfg.hidden_size, cfg.rms_norm_eps)

    def forward(self, x, cos, sin, bias):
        x = x + self.self_attn(self.input_layernorm(x), cos, sin, bias)
        return x + self.mlp(self.post_attention_layernorm(x))


class LlamaModel(nn.Module):
    def __init__(self, cfg: VanerConfig):
        super().__init__()
        self.cfg = cfg
        self.embed_tokens = nn.Embedding(cfg.vocab_size, cfg.hidden_size, padding_idx=None)
        # The knowledge channel (docs/bundle-format.md, "Knowledge ids"): a learned vector per knowledge id added to
        # the token embedding, like a segment embedding. Zero-initialised by the caller so a model warm-started
        # from a bundle without it starts out computing exactly what it computed before.
        self.embed_knowledge = (nn.Embedding(cfg.num_knowledge_ids, cfg.hidden_size)
                                if cfg.num_knowledge_ids else None)
        self.layers = nn.ModuleList([LlamaDecoderLayer(cfg) for _ in range(cfg.num_hidden_layers)])
        self.norm = LlamaRMSNorm(cfg.hidden_size, cfg.rms_norm_eps)
        self.rotary_emb = LlamaRotaryEmbedding(cfg.head_dim, cfg.max_position_embeddings, cfg.rope_theta)
        self.gradient_checkpointing = False

    def attention_bias(self, attention_mask: torch.Tensor, dtype: torch.dtype) -> torch.Tensor:
        """Additive bias [batch, 1, q, k]: padded keys masked always; future keys masked only if causal."""
        s = attention_mask.shape[1]
        keep = attention_mask[:, None, None, :].to(dtype)
        bias = (1.0 - keep) * MASK_VALUE
        if not self.cfg.bidirectional:
            causal = torch.triu(torch.ones(s, s, dtype=dtype, device=attention_mask.device), diagonal=1)
            bias = bias + causal[None, None, :, :] * MASK_VALUE
        return bias

    def forward(self, input_ids: torch.Tensor, attention_mask: Optional[torch.Tensor] = None,
                knowledge_ids: Optional[torch.Tensor] = None) -> torch.Tensor:
        if attention_mask is None:
            attention_mask = torch.ones_like(input_ids)
        x = self.embed_tokens(input_ids)
        if self.embed_knowledge is not None:
            if knowledge_ids is None:
                knowledge_ids = torch.zeros_like(input_ids)
            x = x + self.embed_knowledge(knowledge_ids).to(x.dtype)
        cos, sin = self.rotary_emb(input_ids.shape[1])
        cos, sin = cos.to(x.dtype), sin.to(x.dtype)
        bias = self.attention_bias(attention_mask, x.dtype)
        for layer in self.layers:
            if self.gradient_checkpointing and self.training:
                # Non-reentrant: with a frozen embedding (LoRA) no checkpoint input requires grad, and the
                # reentrant variant would then silently give the adapters no gradient.
                x = torch.utils.checkpoint.checkpoint(layer, x, cos, sin, bias, use_reentrant=False)
            else:
                x = layer(x, cos, sin, bias)
        return self.norm(x)


class VanerForTokenClassification(nn.Module):
    """Backbone + BIO head(s) + an optional masked-token head used only for pre-training (not exported)."""

    def __init__(self, cfg: VanerConfig, with_lm_head: bool = True):
        super().__init__()
        self.config = cfg
        self.model = LlamaModel(cfg)
        self.score = nn.Linear(cfg.hidden_size, cfg.num_label_heads * cfg.num_labels, bias=True)
        self.lm_head = None
        if with_lm_head:
            self.lm_head = nn.Linear(cfg.hidden_size, cfg.vocab_size, bias=False)
            if cfg.tie_lm_head:
                self.lm_head.weight = self.model.embed_tokens.weight
        self.apply(self._init_weights)

    @staticmethod
    def _init_weights(m: nn.Module) -> None:
        if isinstance(m, nn.Linear):
            nn.init.normal_(m.weight, std=0.02)
            if m.bias is not None:
                nn.init.zeros_(m.bias)
        elif isinstance(m, nn.Embedding):
            nn.init.normal_(m.weight, std=0.02)

    def hidden(self, input_ids, attention_mask=None, knowledge_ids=None):
        return self.model(input_ids, attention_mask, knowledge_ids)

    def forward(self, input_ids: torch.Tensor, attention_mask: Optional[torch.Tensor] = None,
                knowledge_ids: Optional[torch.Tensor] = None) -> torch.Tensor:
        """Logits [batch, seq, heads, labels]."""
        h = self.model(input_ids, attention_mask, knowledge_ids)
        # A bf16 backbone (LLaMA LoRA runs) keeps a float32 head; a no-op (nothing traced) for float32 models.
        logits = self.score(h.to(self.score.weight.dtype))
        return logits.reshape(input_ids.shape[0], input_ids.shape[1], self.config.num_label_heads,
                              self.config.num_labels)

    def mlm_logits(self, input_ids, attention_mask=None):
        return self.lm_head(self.model(input_ids, attention_mask))

    def num_parameters(self, exported_only: bool = True) -> int:
        """Parameter count; ``exported_only`` leaves out the untied pre-training head."""
        seen = set()
        total = 0
        for name, p in self.named_parameters():
            if id(p) in seen:
                continue
            seen.add(id(p))
            if exported_only and name.startswith("lm_head"):
                continue
            total += p.numel()
        return total


class ExportWrapperV2(nn.Module):
    """(input_ids, attention_mask, knowledge_ids) -> logits, for ONNX export of format-2 bundles."""

    def __init__(self, model: VanerForTokenClassification):
        super().__init__()
        self.inner = model

    def forward(self, input_ids, attention_mask, knowledge_ids):
        return self.inner(input_ids, attention_mask, knowledge_ids)


class ExportWrapper(nn.Module):
    """Only (input_ids, attention_mask) -> logits, for ONNX export."""

    def __init__(self, model: VanerForTokenClassification):
        super().__init__()
        self.inner = model

    def forward(self, input_ids, attention_mask):
        return self.inner(input_ids, attention_mask)
