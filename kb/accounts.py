"""People and their access: accounts with a role, an API key and (for the web UI) a password, and
the web sessions they open. Only scrypt hashes of keys and passwords are stored; a key is shown once,
when it is made. Kept in one SQLite file under the data directory."""

from __future__ import annotations

import hashlib
import hmac
import secrets
import sqlite3
import threading
import time
from dataclasses import dataclass
from pathlib import Path

ROLES = ("admin", "lawyer", "trainer", "reader")
# Who may open a matter (a client's file); anyone may be added to one by its owner.
MATTER_ROLES = ("admin", "lawyer")
# scrypt's cost: about 16 MB and a few tens of milliseconds a check, so a stolen file is slow to attack.
_SCRYPT = {"n": 2**14, "r": 8, "p": 1, "dklen": 32}
KEY_PREFIX = "hvn"
SESSION_SECONDS = 8 * 3600
NAME_CHARACTERS = set("abcdefghijklmnopqrstuvwxyz0123456789._-@")


class AccountError(ValueError):
    """A request about accounts that cannot be done; the message says why."""


@dataclass(frozen=True)
class User:
    name: str
    role: str
    service: bool = False  # a service key from KB_API_KEYS, not a person

    @property
    def is_admin(self) -> bool:
        return self.role == "admin"


def _hash(secret: str, salt: bytes) -> bytes:
    return hashlib.scrypt(secret.encode(), salt=salt, **_SCRYPT)


def _digest(secret: str) -> str:
    """A fast digest for looking up a session token (random, 256 bits: nothing to guess)."""
    return hashlib.sha256(secret.encode()).hexdigest()


def check_name(name: str) -> str:
    name = name.strip().lower()
    if not name or len(name) > 64 or set(name) - NAME_CHARACTERS:
        raise AccountError("A user name is 1-64 characters of a-z, 0-9, '.', '_', '-' or '@'.")
    return name


class Accounts:
    def __init__(self, path: Path):
        path.parent.mkdir(parents=True, exist_ok=True)
        self._db = sqlite3.connect(path, check_same_thread=False, isolation_level=None)
        self._db.execute("PRAGMA secure_delete = ON")  # a removed account's hashes are overwritten
        self._db.executescript(
            """
            CREATE TABLE IF NOT EXISTS users (
                name TEXT PRIMARY KEY, role TEXT NOT NULL, key_id TEXT UNIQUE NOT NULL,
                key_salt BLOB NOT NULL, key_hash BLOB NOT NULL,
                password_salt BLOB, password_hash BLOB, created REAL NOT NULL);
            CREATE TABLE IF NOT EXISTS sessions (
                digest TEXT PRIMARY KEY, name TEXT NOT NULL REFERENCES users(name) ON DELETE CASCADE,
                csrf TEXT NOT NULL, expires REAL NOT NULL);
            """
        )
        self._db.execute("PRAGMA foreign_keys = ON")
        self._lock = threading.Lock()
        self._verified: dict[str, str] = {}  # sha256 of a key already checked -> its key id

    def close(self) -> None:
        self._db.close()

    # --- people ------------------------------------------------------------------------------
    def add(self, name: str, role: str) -> str:
        """A new account; returns its API key (shown once)."""
        name = check_name(name)
        if role not in ROLES:
            raise AccountError(f"Unknown role {role!r}; one of: {', '.join(ROLES)}.")
        key_id, key, salt = self._new_key()
        with self._lock:
            try:
                self._db.execute(
                    "INSERT INTO users (name, role, key_id, key_salt, key_hash, created) VALUES (?, ?, ?, ?, ?, ?)",
                    (name, role, key_id, salt, _hash(key, salt), time.time()),
                )
            except sqlite3.IntegrityError:
                raise AccountError(f"A user {name!r} exists already.") from None
        return key

    def users(self) -> list[User]:
        rows = self._db.execute("SELECT name, role FROM users ORDER BY name").fetchall()
        return [User(name, role) for name, role in rows]

    def user(self, name: str) -> User | None:
        row = self._db.execute("SELECT name, role FROM users WHERE name = ?", (name,)).fetchone()
        return User(*row) if row else None

    def remove(self, name: str) -> None:
        with self._lock:
            if not self._db.execute("DELETE FROM users WHERE name = ?", (name,)).rowcount:
                raise AccountError(f"No user {name!r}.")
            self._verified.clear()

    def reset_key(self, name: str) -> str:
        """A new API key for the account; the old one stops working at once."""
        key_id, key, salt = self._new_key()
        with self._lock:
            updated = self._db.execute(
                "UPDATE users SET key_id = ?, key_salt = ?, key_hash = ? WHERE name = ?",
                (key_id, salt, _hash(key, salt), name),
            ).rowcount
            if not updated:
                raise AccountError(f"No user {name!r}.")
            self._db.execute("DELETE FROM sessions WHERE name = ?", (name,))
            self._verified.clear()
        return key

    def set_password(self, name: str, password: str) -> None:
        if len(password) < 12:
            raise AccountError("A password has at least 12 characters.")
        salt = secrets.token_bytes(16)
        with self._lock:
            updated = self._db.execute(
                "UPDATE users SET password_salt = ?, password_hash = ? WHERE name = ?",
                (salt, _hash(password, salt), name),
            ).rowcount
            if not updated:
                raise AccountError(f"No user {name!r}.")
            self._db.execute("DELETE FROM sessions WHERE name = ?", (name,))

    # --- proving who one is --------------------------------------------------------------------
    def by_key(self, key: str) -> User | None:
        """The account an API key belongs to; None for any other string."""
        prefix, _, rest = key.partition("_")
        key_id = rest.partition("_")[0]
        if prefix != KEY_PREFIX or not key_id:
            return None
        row = self._db.execute(
            "SELECT name, role, key_salt, key_hash FROM users WHERE key_id = ?", (key_id,)
        ).fetchone()
        if row is None:
            return None
        name, role, salt, stored = row
        fast = _digest(key)
        if self._verified.get(fast) != key_id:  # scrypt once per key and process, then a dictionary look-up
            if not hmac.compare_digest(_hash(key, salt), stored):
                return None
            self._verified[fast] = key_id
        return User(name, role)

    def by_password(self, name: str, password: str) -> User | None:
        row = self._db.execute(
            "SELECT name, role, password_salt, password_hash FROM users WHERE name = ?", (check_name(name),)
        ).fetchone()
        if row is None or row[2] is None:
            _hash(password, b"0" * 16)  # the same time whether or not the name exists
            return None
        return User(row[0], row[1]) if hmac.compare_digest(_hash(password, row[2]), row[3]) else None

    def open_session(self, user: User) -> tuple[str, str]:
        """A new session (a fresh token at every login: no fixation); returns (token, CSRF token)."""
        token, csrf = secrets.token_urlsafe(32), secrets.token_urlsafe(24)
        with self._lock:
            self._db.execute("DELETE FROM sessions WHERE expires < ?", (time.time(),))
            self._db.execute(
                "INSERT INTO sessions (digest, name, csrf, expires) VALUES (?, ?, ?, ?)",
                (_digest(token), user.name, csrf, time.time() + SESSION_SECONDS),
            )
        return token, csrf

    def by_session(self, token: str) -> tuple[User, str] | None:
        """The session's account and its CSRF token; None when unknown or expired."""
        row = self._db.execute(
            "SELECT users.name, users.role, sessions.csrf FROM sessions JOIN users ON users.name = sessions.name "
            "WHERE sessions.digest = ? AND sessions.expires > ?",
            (_digest(token), time.time()),
        ).fetchone()
        return (User(row[0], row[1]), row[2]) if row else None

    def close_session(self, token: str) -> None:
        with self._lock:
            self._db.execute("DELETE FROM sessions WHERE digest = ?", (_digest(token),))

    def _new_key(self) -> tuple[str, str, bytes]:
        key_id = secrets.token_hex(6)
        return key_id, f"{KEY_PREFIX}_{key_id}_{secrets.token_urlsafe(32)}", secrets.token_bytes(16)
