"""Quotable statements of a provision: its sentences, with a list kept whole under its lead-in.

Legal sentences run across enumerated items ("may only be issued if 1. ... 2. ... and 3. ..."), and
quoting the lead-in without its conditions would change the law. So the sentences found by
`sentencex` are joined until one ends a sentence (".", "?", "!"), and a bare item marker ("1.",
"(a)", "b)", a rule paragraph's own number "VTS 5.1.") always joins what follows it.
"""

from __future__ import annotations

import re

from sentencex import segment

_MARKER = re.compile(r"^\(?(?:[A-Z]{2,5} )?([0-9]+(?:\.[0-9]+)*[A-Za-z]?|[a-z]{1,2}|[ivxlc]+|[A-Z])[.)]?\s*$")
_ENDS = re.compile(r"""[.?!]["'”’)]*$""")
_SPACE = re.compile(r"\s+")


def normalise(text: str) -> str:
    """One space between words: how quotes are compared with the provision they come from."""
    return _SPACE.sub(" ", text).strip()


def is_item_number(text: str) -> bool:
    """Whether a piece of text is only an item's number ("1.", "(a)", "b)", "VTS 5.1.")."""
    return bool(_MARKER.match(text))


def statements(text: str, language: str = "en") -> list[str]:
    parts = [normalise(part) for part in segment(language, text)]
    flat = normalise(text)
    out: list[str] = []
    pending = ""
    for part in parts:
        if not part:
            continue
        # Joined as the text joins them: "i.De omzetting" stays unspaced, so the quote is verbatim.
        spaced = f"{pending} {part}".strip()
        pending = spaced if spaced in flat or f"{pending}{part}" not in flat else f"{pending}{part}"
        if is_item_number(part) or not _ENDS.search(part):
            continue
        out.append(pending)
        pending = ""
    if pending:
        out.append(pending)
    return out
