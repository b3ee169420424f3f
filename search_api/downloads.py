"""Course packs as file downloads (Markdown or DOCX), for the API and the web UI alike."""

from __future__ import annotations

from typing import Literal

from fastapi.responses import Response
from slugify import slugify

from kb.export import Pack, docx_bytes, to_markdown

PackFormat = Literal["md", "docx"]
MEDIA_TYPES = {
    "md": "text/markdown; charset=utf-8",
    "docx": "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
}


def file_stem(title: str) -> str:
    """An ASCII file name from a title, at most 80 characters cut at a word ("Temporary residence"
    -> "temporary-residence"; "Aufenthaltsgesetz, § 25" -> "aufenthaltsgesetz-25")."""
    return slugify(title, max_length=80, word_boundary=True, replacements=[["§", " "]]) or "course-pack"


def pack_download(pack: Pack, fmt: PackFormat) -> Response:
    """The pack as an attachment; X-Haven-Missing counts what the pack says is missing."""
    body = docx_bytes(pack) if fmt == "docx" else to_markdown(pack).encode("utf-8")
    headers = {
        "Content-Disposition": f'attachment; filename="{file_stem(pack.title)}.{fmt}"',
        "X-Haven-Missing": str(len(pack.missing)),
    }
    return Response(body, media_type=MEDIA_TYPES[fmt], headers=headers)
