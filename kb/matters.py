"""Matters: a legal team's private workspace for one client case. Its members, its originals and
notes (kept encrypted), its own passage index and its audit log.

A matter's passages never enter the public index: each matter has an index of its own (a store
collection of its own), opened only through `Matters.index`, which is handed out only for a member.
So no read of the public corpus can return a matter's text, whatever its filters; and erasing a
matter deletes that index whole, with every file the store kept of it.
"""

from __future__ import annotations

import json
import secrets
import shutil
import sqlite3
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from cryptography.fernet import Fernet, InvalidToken

from kb.accounts import MATTER_ROLES, User
from kb.store.live import LiveIndex

MAX_NAME = 200


class MatterNotFound(LookupError):
    """No such matter for this person (its existence is private too)."""


class MatterError(ValueError):
    """A request about a matter that cannot be done as asked; the message says why."""


class MatterRefused(PermissionError):
    """A member asked for what only the owner, or a lawyer, may do; the message says why."""


@dataclass
class Matter:
    id: str
    name: str
    owner: str
    created: float
    members: list[str] = field(default_factory=list)

    def as_json(self) -> dict[str, Any]:
        return {"id": self.id, "name": self.name, "owner": self.owner, "members": self.members}


def collection_of(matter_id: str) -> str:
    return f"matter-{matter_id}"


class Matters:
    def __init__(self, data_dir: Path, open_index: Callable[[str], LiveIndex], secret_key: str | None):
        self.folder = data_dir / "matters"
        self.folder.mkdir(parents=True, exist_ok=True)
        self._open_index = open_index
        self._fernet = Fernet(secret_key.encode()) if secret_key else None
        # secure_delete: an erased matter's rows are overwritten, not left in free pages.
        self._db = sqlite3.connect(data_dir / "matters.sqlite3", check_same_thread=False, isolation_level=None)
        self._db.execute("PRAGMA secure_delete = ON")
        self._db.executescript(
            """
            CREATE TABLE IF NOT EXISTS matters (
                id TEXT PRIMARY KEY, name TEXT NOT NULL, owner TEXT NOT NULL, created REAL NOT NULL);
            CREATE TABLE IF NOT EXISTS members (
                matter TEXT NOT NULL REFERENCES matters(id) ON DELETE CASCADE, name TEXT NOT NULL,
                PRIMARY KEY (matter, name));
            """
        )
        self._db.execute("PRAGMA foreign_keys = ON")
        self._lock = threading.RLock()
        self._indexes: dict[str, LiveIndex] = {}

    def close(self) -> None:
        with self._lock:
            for index in self._indexes.values():
                index.close()
            self._indexes.clear()
            self._db.close()

    # --- who may see what ------------------------------------------------------------------
    def create(self, name: str, owner: User) -> Matter:
        name = " ".join(name.split())
        if not name or len(name) > MAX_NAME:
            raise MatterError(f"A matter's name has 1-{MAX_NAME} characters.")
        if owner.role not in MATTER_ROLES or owner.service:
            raise MatterRefused(f"Opening a matter needs a person's account with the role {' or '.join(MATTER_ROLES)}.")
        matter = Matter(secrets.token_hex(8), name, owner.name, time.time(), [owner.name])
        with self._lock:
            self._db.execute(
                "INSERT INTO matters (id, name, owner, created) VALUES (?, ?, ?, ?)",
                (matter.id, matter.name, matter.owner, matter.created),
            )
            self._db.execute("INSERT INTO members (matter, name) VALUES (?, ?)", (matter.id, owner.name))
        self.audit(matter.id, owner, "created matter")
        return matter

    def of(self, user: User) -> list[Matter]:
        """The matters the person is a member of."""
        rows = self._db.execute(
            "SELECT matters.id FROM matters JOIN members ON members.matter = matters.id WHERE members.name = ? "
            "ORDER BY matters.created",
            (user.name,),
        ).fetchall()
        return [self.get(matter_id, user) for (matter_id,) in rows]

    def get(self, matter_id: str, user: User) -> Matter:
        """The matter, for a member; MatterNotFound for anyone else, as for a matter that does not exist."""
        row = self._db.execute("SELECT id, name, owner, created FROM matters WHERE id = ?", (matter_id,)).fetchone()
        members = [m for (m,) in self._db.execute("SELECT name FROM members WHERE matter = ?", (matter_id,))]
        if row is None or user.service or user.name not in members:
            raise MatterNotFound(f"No matter {matter_id!r}.")
        return Matter(*row, members=sorted(members))

    def add_member(self, matter_id: str, actor: User, name: str) -> Matter:
        self._owned(matter_id, actor)
        with self._lock:
            self._db.execute("INSERT OR IGNORE INTO members (matter, name) VALUES (?, ?)", (matter_id, name))
        self.audit(matter_id, actor, f"added member {name}")
        return self.get(matter_id, actor)

    def remove_member(self, matter_id: str, actor: User, name: str) -> Matter:
        matter = self._owned(matter_id, actor)
        if name == matter.owner:
            raise MatterRefused("The owner cannot be removed from the matter; erase the matter instead.")
        with self._lock:
            if not self._db.execute("DELETE FROM members WHERE matter = ? AND name = ?", (matter_id, name)).rowcount:
                raise MatterNotFound(f"{name!r} is not a member of this matter.")
        self.audit(matter_id, actor, f"removed member {name}")
        return self.get(matter_id, actor)

    def _owned(self, matter_id: str, actor: User) -> Matter:
        matter = self.get(matter_id, actor)
        if matter.owner != actor.name:
            raise MatterRefused("Only the matter's owner may do this.")
        return matter

    # --- what a matter holds ------------------------------------------------------------------
    def index(self, matter_id: str, user: User) -> LiveIndex:
        """The matter's own passage index, for a member."""
        self.get(matter_id, user)
        with self._lock:
            if matter_id not in self._indexes:
                self._indexes[matter_id] = self._open_index(collection_of(matter_id))
            return self._indexes[matter_id]

    @property
    def accepts_files(self) -> bool:
        return self._fernet is not None

    def keep_original(self, matter_id: str, user: User, name: str, content: bytes) -> Path:
        """Keep an uploaded original, encrypted with the server's secret key."""
        self.get(matter_id, user)
        if self._fernet is None:
            raise MatterRefused("Matter documents are refused: the server has no KB_SECRET_KEY to encrypt them with.")
        folder = self.folder / matter_id / "files"
        folder.mkdir(parents=True, exist_ok=True)
        path = folder / f"{secrets.token_hex(8)}.bin"  # the client's file name is not written in clear
        path.write_bytes(self._fernet.encrypt(json.dumps({"name": name}).encode() + b"\n" + content))
        return path

    def original(self, path: Path) -> tuple[str, bytes]:
        """An original's name and bytes, decrypted."""
        if self._fernet is None:
            raise MatterRefused("The server has no KB_SECRET_KEY: the originals cannot be read.")
        try:
            header, _, content = self._fernet.decrypt(path.read_bytes()).partition(b"\n")
        except InvalidToken:
            raise MatterRefused("An original does not decrypt with this server's KB_SECRET_KEY.") from None
        return json.loads(header)["name"], content

    def add_note(self, matter_id: str, user: User, text: str) -> dict[str, str]:
        """Add a note to the matter, kept encrypted like its originals."""
        self.get(matter_id, user)
        if self._fernet is None:
            raise MatterRefused("Matter notes are refused: the server has no KB_SECRET_KEY to encrypt them with.")
        text = text.strip()
        if not text:
            raise MatterError("A note needs text.")
        note = {"at": time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime()), "user": user.name, "text": text}
        folder = self.folder / matter_id
        folder.mkdir(parents=True, exist_ok=True)
        with self._lock, (folder / "notes.enc").open("ab") as notes:
            notes.write(self._fernet.encrypt(json.dumps(note).encode()) + b"\n")
        self.audit(matter_id, user, "added note")
        return note

    def notes(self, matter_id: str, user: User) -> list[dict[str, str]]:
        self.get(matter_id, user)
        path = self.folder / matter_id / "notes.enc"
        if not path.exists():
            return []
        if self._fernet is None:
            raise MatterRefused("The server has no KB_SECRET_KEY: the notes cannot be read.")
        return [json.loads(self._fernet.decrypt(line)) for line in path.read_bytes().splitlines() if line]

    # --- its log ------------------------------------------------------------------------------
    def audit(self, matter_id: str, user: User, action: str, detail: str = "") -> None:
        """Append who did what and when (never a document's text)."""
        folder = self.folder / matter_id
        folder.mkdir(parents=True, exist_ok=True)
        entry = {"at": time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime()), "user": user.name, "action": action}
        if detail:
            entry["detail"] = detail
        with self._lock, (folder / "audit.jsonl").open("a", encoding="utf-8") as log:
            log.write(json.dumps(entry) + "\n")

    def audit_log(self, matter_id: str, user: User) -> list[dict[str, str]]:
        self._owned(matter_id, user)
        path = self.folder / matter_id / "audit.jsonl"
        if not path.exists():
            return []
        return [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines() if line]

    # --- erasure ------------------------------------------------------------------------------
    def erase(self, matter_id: str, actor: User) -> None:
        """Delete the matter and everything of it: its index (passages, vectors, registry), its
        originals, its log and its rows; then compact the database so no page keeps them."""
        self._owned(matter_id, actor)
        with self._lock:
            index = self._indexes.pop(matter_id, None) or self._open_index(collection_of(matter_id))
            index.drop()
            shutil.rmtree(self.folder / matter_id, ignore_errors=True)
            self._db.execute("DELETE FROM matters WHERE id = ?", (matter_id,))
            self._db.execute("VACUUM")
