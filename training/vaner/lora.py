"""LoRA in plain torch (Hu et al. 2021), as VANER uses for LLaMA-2 instruction tuning.

``apply_lora`` wraps the target ``nn.Linear`` modules; only the low-rank factors (and the modules listed in
``trainable_extra``, by default the BIO head ``score``) train. ``merge_lora`` folds ``B @ A * alpha / r`` into each
base weight and puts plain ``nn.Linear`` modules back, so the merged model has exactly the original parameter
names and exports to ONNX with no LoRA ops. ``peft`` is used only when asked and installed (``use_peft=True``).
"""
from __future__ import annotations

import math
from typing import Iterable, List, Optional, Sequence

import torch
from torch import nn

DEFAULT_TARGETS = ("q_proj", "k_proj", "v_proj", "o_proj", "gate_proj", "up_proj", "down_proj")


class LoRALinear(nn.Module):
    def __init__(self, base: nn.Linear, r: int, alpha: float, dropout: float,
                 adapter_dtype: Optional[torch.dtype] = None):
        super().__init__()
        if r <= 0:
            raise ValueError(f"LoRA rank must be > 0, got {r}")
        self.base = base
        self.r = r
        self.scaling = alpha / r
        self.dropout = nn.Dropout(dropout) if dropout > 0 else nn.Identity()
        # adapter_dtype float32 over a bf16 base: the small adapters train in full precision (as peft does).
        dt = adapter_dtype or base.weight.dtype
        self.lora_A = nn.Parameter(torch.empty(r, base.in_features, dtype=dt, device=base.weight.device))
        self.lora_B = nn.Parameter(torch.zeros(base.out_features, r, dtype=dt, device=base.weight.device))
        nn.init.kaiming_uniform_(self.lora_A, a=math.sqrt(5))  # as peft: B = 0 so training starts at the base

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        delta = (self.dropout(x.to(self.lora_A.dtype)) @ self.lora_A.t() @ self.lora_B.t()) * self.scaling
        return self.base(x) + delta.to(x.dtype)

    def merged_linear(self) -> nn.Linear:
        out = nn.Linear(self.base.in_features, self.base.out_features, bias=self.base.bias is not None,
                        dtype=self.base.weight.dtype, device=self.base.weight.device)
        with torch.no_grad():
            delta = (self.lora_B.float() @ self.lora_A.float()) * self.scaling
            out.weight.copy_((self.base.weight.float() + delta).to(self.base.weight.dtype))
            if self.base.bias is not None:
                out.bias.copy_(self.base.bias)
        return out


def apply_lora(model: nn.Module, r: int = 8, alpha: float = 16.0, dropout: float = 0.05,
               target_modules: Sequence[str] = DEFAULT_TARGETS,
               trainable_extra: Sequence[str] = ("score",), use_peft: bool = False,
               adapter_dtype: Optional[torch.dtype] = None) -> List[str]:
    """Wraps every ``nn.Linear`` whose attribute name is in ``target_modules``; freezes everything else except
    parameters under ``trainable_extra``. Returns the wrapped module paths."""
    if use_peft:
        return _apply_peft(model, r, alpha, dropout, target_modules, trainable_extra)
    for p in model.parameters():
        p.requires_grad_(False)
    wrapped = []
    for parent_name, parent in list(model.named_modules()):
        for child_name, child in list(parent.named_children()):
            if child_name in target_modules and isinstance(child, nn.Linear):
                setattr(parent, child_name, LoRALinear(child, r, alpha, dropout, adapter_dtype))
                wrapped.append(f"{parent_name}.{child_name}" if parent_name else child_name)
    if not wrapped:
        raise ValueError(f"no nn.Linear named any of {list(target_modules)}")
    for name, p in model.named_parameters():
        if "lora_A" in name or "lora_B" in name or any(name.startswith(e + ".") for e in trainable_extra):
            p.requires_grad_(True)
    return wrapped


def merge_lora(model: nn.Module) -> nn.Module:
    """Replaces each LoRALinear (or peft LoRA layer) by a plain Linear with the merged weight; in place."""
    for parent_name, parent in list(model.named_modules()):
        for child_name, child in list(parent.named_children()):
            if isinstance(child, LoRALinear):
                setattr(parent, child_name, child.merged_linear())
    if any(hasattr(m, "lora_A") and not isinstance(m, LoRALinear) for m in model.modules()):
        _merge_peft(model)
    for p in model.parameters():
        p.requires_grad_(True)
    return model


def trainable_parameters(model: nn.Module) -> Iterable[nn.Parameter]:
    return [p for p in model.parameters() if p.requires_grad]


def _apply_peft(model, r, alpha, dropout, target_modules, trainable_extra):  # pragma: no cover - needs peft
    from peft import LoraConfig, inject_adapter_in_model  # lazy: only on hosts that have peft

    cfg = LoraConfig(r=r, lora_alpha=alpha, lora_dropout=dropout, target_modules=list(target_modules),
                     bias="none")
    inject_adapter_in_model(cfg, model)
    for name, p in model.named_parameters():
        p.requires_grad_("lora_" in name or any(name.startswith(e + ".") for e in trainable_extra))
    return [n for n, m in model.named_modules() if hasattr(m, "lora_A")]


def _merge_peft(model):  # pragma: no cover - needs peft
    for parent_name, parent in list(model.named_modules()):
        for child_name, child in list(parent.named_children()):
            if hasattr(child, "lora_A") and hasattr(child, "merge") and hasattr(child, "base_layer"):
                child.merge()
                setattr(parent, child_name, child.base_layer)
