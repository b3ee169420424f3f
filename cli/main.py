"""The `kb` command: every command group registered on one Typer app."""

from __future__ import annotations

import typer

from cli import collections, evaluate, export, index, research, serve, users
from cli.console import err
from kb.store import StoreError

app = typer.Typer(help="Haven: cited legal research on the rights of trafficked migrants.", no_args_is_help=True)
for command in (index.ingest, research.search, research.ask, research.compare, index.show, index.remove, index.stats):
    app.command()(command)
app.command("analyse")(research.analyse_file)
app.command()(serve.serve)
app.add_typer(collections.collection_app, name="collection")
app.add_typer(users.user_app, name="user")
app.command("secret-key")(users.secret_key)
app.command("export")(export.export_pack)
app.command("eval")(evaluate.evaluate)


def main() -> None:
    try:
        app()
    except StoreError as error:
        err.print(f"[red]error:[/red] {error}")
        raise SystemExit(3) from error


if __name__ == "__main__":
    main()
