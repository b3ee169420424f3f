"""Passages: one provision per passage, long provisions split at their paragraphs, each with its citation."""

from __future__ import annotations

import re
from collections import Counter
from os.path import commonprefix

from ingest.load import LoadedFile
from ingest.metadata import DocumentInfo
from ingest.references import Citing, cited_labels, find_references
from ingest.structure import Blocks, Provision, split_provisions
from kb import citations
from kb.model import Passage, cites_within, passage_id, split_span
from kb.national import NATIONAL_STYLES
from kb.references import ReferenceData, provision_label, reference_data

# Passages stay inside the embedder's 256-token window (about 1,000 characters of legal English).
MAX_PART_CHARS = 1000


def cite(info: DocumentInfo, provision: Provision, pinpoint: str = "") -> str:
    """The citation label; `pinpoint` ("(1)", "(a)(15)(T)") narrows it to a part of the provision."""
    number = provision.number
    if info.style == "case":  # a digest's sections, named as such: the judgment's own paragraphs are not quoted
        return f"{info.cite_as}, {'summary' if number == 'preamble' else provision.heading.lower()}"
    if number == "preamble":
        return f"{info.cite_as}, preamble" if info.style == "treaty" else f"{info.cite_as}, introductory text"
    if not number:
        return f"{info.cite_as}, '{provision.heading}'" if provision.heading else info.cite_as
    if info.style == "treaty":
        return f"{info.cite_as}, art {number}{pinpoint}"
    if info.style == "usc":
        return f"{info.cite_as} § {number}{pinpoint}"
    if info.style == "rules":
        return f"{info.cite_as}, para {number}"
    if info.style in NATIONAL_STYLES:
        return NATIONAL_STYLES[info.style](info.cite_as, number, pinpoint)
    if info.style == "circular":
        return f"{info.cite_as} {number}"
    if number.startswith("Sch "):  # a paragraph of a Schedule to an Act
        return f"{info.cite_as}, {number}{pinpoint}"
    return f"{info.cite_as}, s {number}{pinpoint}"


# A numbered subsection: "(1)", "(4a)" (German), "(3.1)" (Canadian), "(1A)" (inserted into a UK Act).
_SUBSECTION = r"\d{1,3}(?:\.\d{1,2})?(?:[a-z]{1,2}|[A-Z]{1,3})?"
# The first level of numbered paragraphs inside a provision, by citation style.
_PARAGRAPH = {
    "treaty": re.compile(r"^(\d{1,3})\.\s"),  # 1. Each Party shall ...
    "statute": re.compile(rf"^\(({_SUBSECTION})\)\s"),  # (4a) As a general rule ... / (3.1) / (1A)
    "usc": re.compile(r"^\(([a-z]{1,2})\)\s"),  # (a) Whoever ... (in a section without subsection headings)
    "usc-subsection": re.compile(r"^\((\d{1,3})\)\s"),  # (1) If ... (inside subsection (l))
}
_PARAGRAPH["de"] = _PARAGRAPH["statute"]  # (1) Mit Freiheitsstrafe ... (Absatz 1)
_PARAGRAPH["nl"] = _PARAGRAPH["treaty"]  # 1. De verblijfsvergunning ... (eerste lid)
_SMALL_INTRO = 300


def _paragraphs(provision: Provision, style: str) -> list[tuple[str, Blocks]]:
    """The provision's blocks grouped by first-level paragraph; "" labels text before the first one."""
    key = "usc-subsection" if style == "usc" and "(" in provision.number else style
    pattern = _PARAGRAPH.get(key)
    groups: list[tuple[str, Blocks]] = [("", [])]
    quoting = False  # inside text an amending subsection inserts into another Act
    for block in provision.blocks:
        match = pattern.match(block[2]) if pattern else None
        if match and quoting and not _next_number(groups[-1][0], match.group(1)):
            match = None
        if match and (key != "usc" or match.group(1) == _next_letter(groups[-1][0])):
            groups.append((match.group(1), [block]))
            quoting = False
        else:
            groups[-1][1].append(block)
        quoting = quoting or (key == "statute" and bool(_AMENDING.search(block[2])))
    groups = [(label, blocks) for label, blocks in groups if blocks]
    # A short lead-in ("For the purposes of this Convention:") belongs with what follows it.
    if len(groups) > 1 and groups[0][0] == "" and _size(groups[0][1]) < _SMALL_INTRO:
        groups[1] = (groups[1][0], groups[0][1] + groups[1][1])
        groups = groups[1:]
    return groups


# "... after paragraph 32 insert—" or "for subsection (1) substitute—": the quoted text that follows
# ("(32A) Civil legal services ...") belongs to the amending subsection, whatever its numbers.
_AMENDING = re.compile(r"\b(?:insert|substitute)(?: the following)?\s*[—:-]\s*$")


def _next_number(previous: str, label: str) -> bool:
    """Whether a numbered paragraph is the one after `previous`: (3) after (2), where quoted
    amending text ("(5A)", "(1)") may come between them."""
    before, number = re.match(r"\d*", previous).group(), re.match(r"\d*", label).group()
    return bool(before and number) and int(number) == int(before) + 1


def _next_letter(label: str) -> str:
    """Subsections run (a), (b), (c): an "(i)" after "(a)" is a clause deeper down, not subsection (i)."""
    return chr(ord(label) + 1) if len(label) == 1 and label.isalpha() else "a"


def _size(blocks: Blocks) -> int:
    return sum(len(text) + 2 for _, _, text in blocks)


def _by_size(blocks: Blocks, depth: dict[int, int] | None = None) -> list[Blocks]:
    """Blocks in chunks that fit the window. Where the text is nested (US Code units), a full chunk
    ends before its shallowest unit in its second half, so that a chunk holds whole units."""
    chunks: list[Blocks] = [[]]
    for block in blocks:
        chunk = chunks[-1]
        if chunk and _size(chunk) + len(block[2]) > MAX_PART_CHARS:
            cut = len(chunk)
            if depth:
                halfway = [k for k in range(1, len(chunk)) if _size(chunk[:k]) >= MAX_PART_CHARS // 2]
                cut = min(halfway, key=lambda k: (depth[chunk[k][0]], -k), default=cut)
            chunks[-1], chunk = chunk[:cut], chunk[cut:]
            chunks.append(chunk)
        chunk.append(block)
    return chunks


def _parts(provision: Provision, style: str) -> list[tuple[str, Blocks, str]]:  # (pinpoint "(4a)", blocks, lead-in)
    """A provision that fits the embedder's window is one passage; a longer one is split at its
    numbered paragraphs (each cited as such), and a paragraph too long for one passage at its blocks.
    In the US Code a part is cited as deep as all its text goes: "(a)(15)(T)", not just "(a)".
    A part that continues its paragraph carries the paragraph's opening block (its lead-in), which
    says what the list it holds is about."""
    if _size(provision.blocks) <= MAX_PART_CHARS:
        return [("", provision.blocks, "")]
    paths = _us_code_paths(provision.blocks) if style == "usc" else {}
    depth = {start: len(path) for start, path in paths.items()}
    chunks = [
        (label, chunk, _lead_in(blocks[0][2]) if k else "")
        for label, blocks in _paragraphs(provision, style)
        for k, chunk in enumerate(_by_size(blocks, depth))
    ]
    # Each part's units and the units they sit in: ("a",), ("a", "7"), ... for § 3771(a)(7).
    within = [
        {tuple(paths[b[0]][:k]) for b in chunk if b[0] in paths for k in range(len(paths[b[0]]) + 1)}
        for _, chunk, _ in chunks
    ]
    parts = []
    for i, (label, chunk, lead_in) in enumerate(chunks):
        deeper = commonprefix([paths[block[0]] for block in chunk]) if paths else []
        split = any(tuple(deeper) in held for j, held in enumerate(within) if j != i)  # its unit goes on elsewhere
        span = _span(chunk, paths, len(deeper)) if split else ""
        units = deeper or ([label] if label and not span else [])
        parts.append(("".join(f"({unit})" for unit in units) + span, chunk, lead_in))
    return parts


LEAD_IN_CHARS = 300


def _lead_in(text: str) -> str:
    """A paragraph's opening block as context for the parts that continue it, cut at a word."""
    return text if len(text) <= LEAD_IN_CHARS else text[:LEAD_IN_CHARS].rsplit(" ", 1)[0] + " …"


def _span(chunk: Blocks, paths: dict[int, list[str]], level: int) -> str:
    """The units one level below a part's common path that it holds, when more than one: "(1)-(6)"
    (18 U.S.C. § 3771(a), in two parts, is cited "§ 3771(a)(1)-(6)" and "§ 3771(a)(7)-(10)")."""
    held = [paths[start][level] for start, _, _ in chunk if len(paths.get(start, [])) > level]
    return f"({held[0]})-({held[-1]})" if held and held[0] != held[-1] else ""


# US Code units: subsection (a), paragraph (1), subparagraph (A), clause (i), subclause (I),
# item (aa), subitem (AA). The letters i, v, x are clauses unless they follow h, u, w.
_US_LEVELS = ("lower", "digit", "upper", "lower-roman", "upper-roman", "lower-double", "upper-double")
_LEADING_LABELS = re.compile(r"^(?:\((?:\d{1,3}[a-z]?|[a-zA-Z]{1,4})\)\s*)+")
_FIRST_LABELS = {"a", "1", "A", "i", "I", "aa", "AA"}
_ROMAN = re.compile(r"^(?=[ivx])x{0,3}(?:ix|iv|v?i{0,3})$", re.I)


def _us_level(label: str, stack: list[tuple[str, str]]) -> str:
    if label[0].isdigit():
        return "digit"
    case = "lower" if label.islower() else "upper"
    follows_letter = len(label) == 1 and (case, chr(ord(label) - 1)) in stack
    if _ROMAN.match(label) and not follows_letter:
        return f"{case}-roman"
    return case if len(label) == 1 else f"{case}-double"


def _us_code_paths(blocks: Blocks) -> dict[int, list[str]]:
    """Each block's unit path ("a", "15", "T") by its start offset, from the labels that lead it."""
    stack: list[tuple[str, str]] = []
    paths = {}
    for start, _, text in blocks:
        leading = _LEADING_LABELS.match(text)
        for label in re.findall(r"\(([^)]+)\)", leading.group(0)) if leading else []:
            level = _us_level(label, stack)
            known = [lvl for lvl, _ in stack]
            sibling = level in known and _next_letter(stack[known.index(level)][1]) == label
            if level in known and label in _FIRST_LABELS and not sibling:
                pass  # "(a)" again under (O)(ii)(III): a list nested deeper, not subsection (a)
            elif level in known:
                stack = stack[: known.index(level)]
            elif _US_LEVELS.index(level) < max((_US_LEVELS.index(lvl) for lvl in known), default=-1):
                stack = [(lvl, lab) for lvl, lab in stack if _US_LEVELS.index(lvl) < _US_LEVELS.index(level)]
            stack.append((level, label))
        paths[start] = [label for _, label in stack]
    return paths


def provision_url(document_url: str, anchor: str) -> str:
    """The address of the provision itself where the source has one, else of its document."""
    if anchor.startswith(("http://", "https://")):
        return anchor
    if anchor and "laws-lois.justice.gc.ca" in document_url and "#" not in document_url:
        # Justice Laws: the consolidated full text, with an id per section ("#s-24").
        return f"{document_url.split('FullText.html')[0].rstrip('/')}/FullText.html#{anchor}"
    return document_url


def build_passages(loaded: LoadedFile, info: DocumentInfo, digest: str) -> list[Passage]:
    provisions = loaded.provisions if loaded.provisions is not None else split_provisions(loaded.blocks, info.style)
    occurrences: Counter[str] = Counter()
    drafts = []
    for provision in provisions:
        label = provision.number or provision.heading or "text"
        path = [*provision.groups, label]
        occurrences["/".join(path)] += 1
        if occurrences["/".join(path)] > 1:  # a translation repeats the numbering
            path[-1] = f"{label} #{occurrences['/'.join(path)]}"
        language = info.language or provision.language or "en"
        units = _unit_paths(provision.blocks, info.style)  # once per provision, for all its parts
        for part_index, (pinpoint, part, lead_in) in enumerate(_parts(provision, info.style)):
            drafts.append((provision, path, pinpoint, part_index, part, language, units, lead_in))
    passages = []
    for provision, path, pinpoint, part_index, part, language, units, _ in drafts:
        passages.append(
            Passage(
                id=passage_id(info.id, path, part_index, digest),
                document_id=info.id,
                text="\n\n".join(text for _, _, text in part),
                citation=cite(info, provision, pinpoint),
                heading=provision.heading,
                provision_path=[*path, pinpoint] if pinpoint else path,
                title=info.title,
                short_title=info.short_title,
                jurisdiction=info.jurisdiction,
                instrument_type=info.instrument_type,
                language=language,
                url=provision_url(info.url, provision.anchor),
                start=part[0][0],
                end=part[-1][1],
                content_hash=digest,
                passage_count=len(drafts),
                part=part_index,
                page=loaded.page_at(part[0][0]),
                source=str(loaded.path.resolve()),
            )
        )
        passages[-1].units = _units(info, provision, part, units, passages[-1].citation)
    _link(passages, provisions, info, [lead_in for *_, lead_in in drafts])
    # A file in two languages: the second is a parallel translation of the first. The first text is
    # what the file opens with, not the language of most passages: a treaty's Dutch translation
    # splits into more passages than its authentic English text.
    if not info.language and passages:
        primary = min(passages, key=lambda p: p.start).language
        for passage in passages:
            if passage.language != primary:
                passage.text_role = "parallel"
    return passages


# The labels that open a unit inside a provision (outside the US Code), by kind, and the kinds each
# citation style pinpoints, outermost first where the style fixes the order.
_UNIT_LABELS = (
    ("dot-number", re.compile(r"^(\d{1,3}[a-z]{0,2})\.\s")),  # 1. (a treaty's paragraph; a German Nummer; a Dutch lid)
    ("paren-number", re.compile(rf"^\(({_SUBSECTION})\)\s")),  # (1), (4a), (3.1), (1A)
    ("paren-letter", re.compile(r"^\(([a-z]{1,2})\)\s")),  # (a), (aa); (i) is a clause unless it follows (h)
    ("close-letter", re.compile(r"^([a-z]{1,2})\)\s")),  # a) in the UN treaties
    ("dot-letter", re.compile(r"^([a-z])\.\s")),  # a. in Dutch law: "onder a"
    ("paren-upper", re.compile(r"^\(([A-Z]{1,2})\)\s")),  # (A)
)
_UNIT_KINDS = {
    "treaty": ("dot-number", "paren-letter", "close-letter", "paren-roman", "close-roman", "paren-upper"),
    "statute": ("paren-number", "paren-letter", "paren-roman", "paren-upper"),
    "de": ("paren-number", "dot-number"),  # Absatz, then Nummer
    "nl": ("dot-number", "dot-letter"),  # lid, then onder
}


def _unit_paths(blocks: Blocks, style: str) -> dict[int, list[str]]:
    """Each block's unit path inside its provision (["2", "b"] for art 24(2)(b)) by its start offset,
    from the label that leads it; a block without one continues the unit before it."""
    if style == "usc":
        return _us_code_paths(blocks)
    allowed = _UNIT_KINDS.get(style, ())
    fixed = style in NATIONAL_STYLES  # "Abs. 1 Nr. 2": the first level is always the paragraph
    stack: list[tuple[str, str]] = []
    paths: dict[int, list[str]] = {}
    for start, _, text in blocks:
        found = next(((kind, m.group(1)) for kind, pattern in _UNIT_LABELS if (m := pattern.match(text))), None)
        if found:
            kind, label = found
            kinds = [k for k, _ in stack]
            if kind in ("paren-letter", "close-letter") and _ROMAN.match(label):
                sibling = stack[kinds.index(kind)][1] if kind in kinds else ""
                if not sibling or _next_letter(sibling) != label:
                    kind = kind.replace("letter", "roman")
            if kind in allowed and (not fixed or kinds[:1] == [allowed[0]] or kind == allowed[0]):
                stack = stack[: kinds.index(kind)] if kind in kinds else stack
                stack.append((kind, label))
        paths[start] = [label for _, label in stack]
    return paths


def _units(info: DocumentInfo, provision: Provision, part: Blocks, paths: dict[int, list[str]], own: str) -> list[list]:
    """The units of a passage's text its citation style can pinpoint (`paths`: each block's unit path
    in the provision), as [citation, start, end] in the passage's text; text before the first unit
    (a lead-in) is cited as the passage itself."""
    span = split_span(own)
    units: list[list] = []
    offset = 0
    for start, _, text in part:
        path = paths.get(start, [])
        label = cite(info, provision, "".join(f"({unit})" for unit in path)) if path else own
        inside = cites_within(label, own) or (span is not None and label.startswith(span[0] + "("))
        label = label if inside else own  # a unit the passage lies within, or one the parser misread
        if units and units[-1][0] == label:
            units[-1][2] = offset + len(text)
        else:
            units.append([label, offset, offset + len(text)])
        offset += len(text) + 2  # the passage's text joins its blocks with a blank line
    return units if len({label for label, _, _ in units}) > 1 else []


# At most this many cited provisions' headings go into a passage's indexed context.
CITED_HEADINGS = 6


def _link(passages: list[Passage], provisions: list[Provision], info: DocumentInfo, lead_ins: list[str]) -> None:
    """Each passage's references (`cites`) and the context its text is indexed with (`index_context`):
    instrument, the headings above the provision, its heading, the lead-in of the paragraph it
    continues, and the headings of the provisions it cites that this document or
    corpus/references.toml describe."""
    data = reference_data()
    headings: dict[str, dict[str, str]] = {}  # by language: a bilingual treaty repeats its numbers
    for provision in provisions:
        if provision.number and provision.heading:
            headings.setdefault(provision.language or "en", {}).setdefault(provision.number, provision.heading)
    own_sections = list(dict.fromkeys(p.number.split("(")[0] for p in provisions if p.number))
    for passage, lead_in in zip(passages, lead_ins, strict=True):
        unit = passage.provision_path[-1] if passage.provision_path else ""
        if unit.startswith("(") and len(passage.provision_path) > 1:  # the pinpoint of a split provision
            unit = passage.provision_path[-2] + unit
        citing = Citing(info.cite_as, info.style, info.jurisdiction, info.id, unit)
        if info.style != "case":
            labels = cited_labels(find_references(passage.text, citing, data), citing, own_sections, data)
            own = provision_label(passage.citation) if info.style == "treaty" else passage.citation
            passage.cites = [label for label in labels if not cites_within(label, own)]  # not itself
            passage.cites_provisions = list(dict.fromkeys(provision_label(label) for label in passage.cites))
        in_language = headings.get(passage.language, {})
        cited = [_heading_of(label, info.cite_as, in_language, data) for label in passage.cites]
        groups = [part for part in passage.provision_path if not part.startswith("(")][:-1]
        about = list(dict.fromkeys(h for h in cited if h))[:CITED_HEADINGS]
        context = [info.short_title or info.cite_as, *groups, passage.citation, passage.heading, lead_in]
        context += [f"Cites: {'; '.join(about)}"] if about else []
        passage.index_context = ". ".join(dict.fromkeys(part for part in context if part))


def _heading_of(label: str, cite_as: str, headings: dict[str, str], data: ReferenceData) -> str:
    """The heading of a cited provision: from references.toml, else from the citing document itself."""
    if about := data.about(label):
        return about
    parts = citations.split_label(provision_label(label))
    return headings.get(parts[1], "") if parts and parts[0] == cite_as else ""
