"""Word splitter, a line-for-line mirror of src/ner/word-splitter.ts.

Runs of letters and digits are words; every other visible character is a word of its own; combining marks,
variation selectors, skin-tone modifiers and ZWJ/ZWNJ extend the current word; whitespace and format/control
characters separate words. Training text that is not already split into words (PubTator, BRAT, unlabeled
abstracts) goes through this, so the model sees the words the Node runtime will show it.

Offsets here are Python code point offsets; the TS side uses UTF-16 units. They agree for BMP text, which is all
the corpora contain; only the words matter for training.
"""
from __future__ import annotations

import unicodedata
from typing import List, Tuple

ZWJ = 0x200D


def _is_run(ch: str) -> bool:
    return unicodedata.category(ch)[0] in ("L", "N")


def _is_extender(ch: str) -> bool:
    cp = ord(ch)
    return (unicodedata.category(ch)[0] == "M" or cp in (0x200C, 0x200D) or 0xFE00 <= cp <= 0xFE0F
            or 0x1F3FB <= cp <= 0x1F3FF or 0xE0020 <= cp <= 0xE007F)


def _is_separator(ch: str) -> bool:
    # JS \s: Unicode White_Space plus BOM; Cf and Cc categories.
    return ch.isspace() or ch == "\ufeff" or unicodedata.category(ch) in ("Cf", "Cc", "Zs", "Zl", "Zp")


def split_words(text: str) -> List[Tuple[str, int, int]]:
    """(word, start, end) triples, end exclusive."""
    words: List[Tuple[str, int, int]] = []
    start = -1
    kind = "run"
    join_next = False
    for i, ch in enumerate(text):
        if join_next and _is_separator(ch):
            join_next = False
        if join_next and start >= 0:
            join_next = False
        elif _is_extender(ch):
            if start < 0:
                start, kind = i, "run"
            join_next = ord(ch) == ZWJ
        elif _is_separator(ch):
            if start >= 0:
                words.append((text[start:i], start, i))
            start = -1
        elif _is_run(ch):
            if start >= 0 and kind != "run":
                words.append((text[start:i], start, i))
                start = -1
            if start < 0:
                start, kind = i, "run"
        else:
            if start >= 0:
                words.append((text[start:i], start, i))
            start, kind = i, "single"
    if start >= 0:
        words.append((text[start:], start, len(text)))
    return words
