"""`kb user ...`: the people who may use the server, their roles and API keys; `kb secret-key`."""

from __future__ import annotations

import json
from collections.abc import Callable
from typing import Annotated, TypeVar

import typer
from cryptography.fernet import Fernet
from rich.markup import escape

from cli import wiring
from cli.console import fail, out
from kb.accounts import ROLES, AccountError, Accounts
from kb.config import get_settings

T = TypeVar("T")
user_app = typer.Typer(help="People, their roles (admin, lawyer, trainer, reader) and API keys.", no_args_is_help=True)


def _accounts_call(call: Callable[[Accounts], T]) -> T:
    accounts = wiring.accounts(get_settings())
    try:
        return call(accounts)
    except AccountError as error:
        fail(error)
    finally:
        accounts.close()


def _print_key(name: str, role: str, key: str, as_json: bool) -> None:
    if as_json:
        print(json.dumps({"name": name, "role": role, "key": key}))
        return
    out.print(f"{escape(name)} ({role}); API key, shown this once: [bold]{key}[/bold]", highlight=False)


@user_app.command("add")
def user_add(
    name: Annotated[str, typer.Argument(help="The user name (a-z, 0-9, . _ - @).")],
    role: Annotated[str, typer.Option(help=f"One of: {', '.join(ROLES)}.")] = "reader",
    as_json: Annotated[bool, typer.Option("--json")] = False,
) -> None:
    """Add a person; prints their API key once (only its hash is kept)."""
    key = _accounts_call(lambda a: a.add(name, role))
    _print_key(name.strip().lower(), role, key, as_json)


@user_app.command("list")
def user_list(as_json: Annotated[bool, typer.Option("--json")] = False) -> None:
    """The accounts and their roles."""
    users = _accounts_call(lambda a: a.users())
    if as_json:
        print(json.dumps([{"name": u.name, "role": u.role} for u in users]))
        return
    for user in users:
        out.print(f"{escape(user.name)}  [dim]{user.role}[/dim]", highlight=False)
    if not users:
        out.print("no users yet: `kb user add NAME --role admin` makes the first admin")


@user_app.command("remove")
def user_remove(name: Annotated[str, typer.Argument()]) -> None:
    """Remove an account; its key and sessions stop working at once."""
    _accounts_call(lambda a: a.remove(name))
    out.print(f"removed {escape(name)}")


@user_app.command("reset-key")
def user_reset_key(
    name: Annotated[str, typer.Argument()], as_json: Annotated[bool, typer.Option("--json")] = False
) -> None:
    """A new API key for the account (the old one stops working); printed once."""
    key = _accounts_call(lambda a: a.reset_key(name))
    user = _accounts_call(lambda a: a.user(name))
    _print_key(name, user.role if user else "", key, as_json)


@user_app.command("password")
def user_password(name: Annotated[str, typer.Argument()]) -> None:
    """Set the password the account signs in to the web UI with (asked twice, never echoed)."""
    password = typer.prompt("Password", hide_input=True, confirmation_prompt=True)
    _accounts_call(lambda a: a.set_password(name, password))
    out.print(f"password set for {escape(name)}")


def secret_key() -> None:
    """Print a new key for KB_SECRET_KEY, which encrypts matter documents at rest. Keep it apart from
    the data directory: whoever holds both can read the originals."""
    print(Fernet.generate_key().decode())
