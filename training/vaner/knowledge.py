"""Knowledge ids (docs/bundle-format.md, "Knowledge ids"): which knowledge-base names cover each word.

Spans come from the runtime's own dictionary labeler (``training/scripts/knowledge-spans.mjs`` over ``dist/``), so
training sees the matches the runtime will compute; this module maps spans to words exactly as ``src/ner`` does
(a word overlapping a span of type T[t] gets 1 + 2t when it is the first word of that span, 2 + 2t after; 0 else).
"""
from __future__ import annotations

import json
import os
import subprocess
import tempfile
from typing import Dict, Iterable, List, Sequence, Tuple

REPO = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
SCRIPT = os.path.join(REPO, "training", "scripts", "knowledge-spans.mjs")

Word = Tuple[str, int, int]


def word_knowledge_ids(words: Sequence[Word], spans: Iterable[Sequence], types: Sequence[str]) -> List[int]:
    """Per-word knowledge ids. ``spans``: (start, end, type) character spans, non-overlapping (the dictionary
    labeler never returns overlapping spans); spans of types outside ``types`` are ignored."""
    index = {t: i for i, t in enumerate(types)}
    ids = [0] * len(words)
    for s, e, t in sorted((int(a), int(b), str(c)) for a, b, c in spans):
        k = index.get(t)
        if k is None:
            continue
        first = True
        for j, (_, ws, we) in enumerate(words):
            if we <= s or ws >= e:
                continue
            if ids[j] == 0:
                ids[j] = 1 + 2 * k if first else 2 + 2 * k
            first = False
    return ids


def token_knowledge_ids(word_ids: Sequence[int], word_subwords: Sequence[int]) -> List[int]:
    """Every subword of a word carries the word's id."""
    out: List[int] = []
    for k, n in zip(word_ids, word_subwords):
        out.extend([k] * n)
    return out


def num_knowledge_ids(types: Sequence[str]) -> int:
    return 1 + 2 * len(types)


def compute_spans(items: List[dict], kb_dir: str, types: Sequence[str], extra_names: str = None,
                  node: str = "node") -> List[List[list]]:
    """Runs the TypeScript matcher over ``items`` ({"id", "text", "fold"}); returns spans per item, in order."""
    with tempfile.NamedTemporaryFile("w", suffix=".jsonl", delete=False, encoding="utf-8") as f:
        for i, it in enumerate(items):
            f.write(json.dumps({"id": i, "text": it["text"], "fold": it.get("fold", -1)}, ensure_ascii=False) + "\n")
        path = f.name
    try:
        cmd = [node, SCRIPT, "--kb", kb_dir, "--types", ",".join(types)]
        if extra_names:
            cmd += ["--extra", extra_names]
        with open(path, "rb") as stdin:
            res = subprocess.run(cmd, stdin=stdin, capture_output=True, cwd=REPO)
        if res.returncode != 0:
            raise RuntimeError(f"knowledge-spans.mjs failed ({res.returncode}): {res.stderr.decode()[-2000:]}"
                               " (is dist/ built? run `npm run build`)")
        out = [json.loads(line) for line in res.stdout.decode("utf-8").splitlines() if line.strip()]
    finally:
        os.remove(path)
    if len(out) != len(items):
        raise RuntimeError(f"knowledge-spans.mjs returned {len(out)} results for {len(items)} texts")
    return [o["spans"] for o in out]


def write_extra_names(path: str, names: Dict[Tuple[str, str], set]) -> None:
    """``(type, name) -> folds`` as the TSV knowledge-spans.mjs reads; sorted, so reruns write the same file."""
    with open(path, "w", encoding="utf-8") as f:
        for (t, n), folds in sorted(names.items()):
            if "\t" in n or "\n" in n or not n.strip():
                continue
            f.write(f"{t}\t{n}\t{','.join(str(x) for x in sorted(folds))}\n")
