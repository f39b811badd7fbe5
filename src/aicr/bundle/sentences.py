"""Warnings and notes written as sentences: capitalised, with a closing full stop.

Pure.
"""

from __future__ import annotations


def sentence(text: str) -> str:
    """`text` as a sentence: capitalised (unless it opens with a name), ending in a full stop unless it already ends a sentence."""
    text = text.strip()
    if not text:
        return text
    first = text.split(" ", 1)[0]
    if first.isalpha() and first.islower():  # a plain word; never a component or flag name
        text = text[0].upper() + text[1:]
    return text if text.endswith((".", "!", "?")) else text + "."
