"""Given names and surnames of many countries, for finding a person's name that no word introduces:
the name lists Faker (MIT) ships for its locales, less the given names that are also ordinary words
(corpus/name_words.toml) or countries."""

from __future__ import annotations

import importlib
import pkgutil
import tomllib
from functools import lru_cache
from pathlib import Path

import pycountry
import regex

NAME_WORDS_FILE = Path(__file__).resolve().parent.parent / "corpus" / "name_words.toml"
# Faker's "en" lists are a census of every given name ever recorded in the US ("Little", "Council"):
# its other English locales keep the common ones.
_SKIPPED_LOCALES = {"en"}
_WORD = regex.compile(r"^\p{Lu}\p{Ll}{2,}$")


def _faker_names(prefix: str) -> frozenset[str]:
    import faker.providers.person as person

    names: set[str] = set()
    for module in pkgutil.iter_modules(person.__path__):
        if module.name in _SKIPPED_LOCALES:
            continue
        provider = importlib.import_module(f"{person.__name__}.{module.name}").Provider
        for attribute, value in vars(provider).items():
            if attribute.startswith(prefix) and isinstance(value, list | tuple | dict | set):
                names.update(name for name in value if isinstance(name, str) and _WORD.match(name))
    return frozenset(names)


@lru_cache
def _name_words() -> dict[str, frozenset[str]]:
    data = tomllib.loads(NAME_WORDS_FILE.read_text(encoding="utf-8"))
    return {key: frozenset(words) for key, words in data.items()}


@lru_cache
def given_names() -> frozenset[str]:
    countries = {getattr(c, attribute, "") for c in pycountry.countries for attribute in ("name", "common_name")}
    return _faker_names("first_names") - _name_words()["always"] - countries


@lru_cache
def surnames() -> frozenset[str]:
    return _faker_names("last_names")


def ordinary_words(language: str) -> frozenset[str]:
    """Given names that are also ordinary words in the language."""
    return _name_words().get(language, frozenset())


@lru_cache
def all_names() -> frozenset[str]:
    """Given names and surnames together (the words a name may be made of)."""
    return given_names() | surnames()
