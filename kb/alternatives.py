"""Quoting the alternative that answers: "A work permit may be issued ... if the foreign national
(a) ...; or (b) holds a temporary resident permit ..." is quoted as its lead-in and (b), and cited
to "IRPR, s 208(b)", as a lawyer would. Only a list of alternatives ("or") is cut: where its items
are conditions that must all hold, quoting one of them would change the law."""

from __future__ import annotations

import re
from collections.abc import Callable

from kb.model import Passage
from kb.national import canonical
from kb.statements import is_item_number, normalise

ELLIPSIS = "…"
# "...; or", "..., oder", "... of", "... dan wel" closing the item before the last.
_OR = re.compile(r"[;,]?\s*\b(?:or|oder|of|dan wel)\s*$", re.IGNORECASE)
_AND = re.compile(r"[;,]?\s*\b(?:and|und|en)\s*$", re.IGNORECASE)
_ONE_LEVEL = re.compile(r"\([^()]+\)")


def one_alternative(passage: Passage, statement: str, weigh: Callable[[str], int]) -> tuple[str, str] | None:
    """The statement cut to its lead-in and the one alternative `weigh` prefers over every other,
    with that alternative's citation; None where the statement is not a list of alternatives under
    a lead-in, or no alternative stands out."""
    span = passage.locate(statement)
    if not span:
        return None
    at, end = span
    spanned = passage.units_over(span)
    if len(spanned) < 3:
        return None
    lead, items = canonical(spanned[0][0]), spanned[1:]
    if not all(
        canonical(citation).startswith(lead) and _ONE_LEVEL.fullmatch(canonical(citation)[len(lead) :])
        for citation, *_ in items
    ):
        return None
    texts = [passage.text[start : min(stop, end)] for _, start, stop, *_ in items]
    if not _OR.search(texts[-2]) or any(_AND.search(text) for text in texts[:-1]):
        return None
    # Words after the list ("... wird mit Freiheitsstrafe bestraft", "and in either case ...") are
    # indexed with its last item but govern every one: such a statement stays whole.
    last_blocks = [block.strip() for block in texts[-1].split("\n\n")]
    if len([block for block in last_blocks if block and not is_item_number(block)]) > 1:
        return None
    weights = [weigh(text) for text in texts]
    best = max(range(len(items)), key=lambda i: weights[i])
    if not weights[best] or weights.count(weights[best]) > 1:
        return None
    item_start = items[best][1]
    item_end = item_start + len(_OR.sub("", texts[best]).rstrip())
    head = passage.text[at:item_start] if best == 0 else passage.text[at : items[0][1]]
    body = passage.text[item_start:item_end]
    quoted = normalise(f"{head}{body}" if best == 0 else f"{head} {ELLIPSIS} {body}")
    if best < len(items) - 1:
        quoted += f" {ELLIPSIS}"
    return quoted, items[best][0]


def quoted_in(quote: str, text: str) -> bool:
    """Whether a quote, its omissions marked "…", is the text's words in the text's order."""
    flat, position = normalise(text), 0
    segments = [segment for segment in (normalise(part) for part in quote.split(ELLIPSIS)) if segment]
    if not segments:
        return False
    for segment in segments:
        found = flat.find(segment, position)
        if found < 0:
            return False
        position = found + len(segment)
    return True
