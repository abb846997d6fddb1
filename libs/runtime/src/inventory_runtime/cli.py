"""The command line every service has: ``<service> migrate`` and ``<service> serve``, plus any
commands of its own (replenishment's ``simulate``, the gateway's ``create-api-key``)."""

from __future__ import annotations

import argparse
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import TypeVar

from fastapi import FastAPI

from inventory_runtime.app import serve
from inventory_runtime.migrations import migrate
from inventory_runtime.settings import ServiceSettings

S = TypeVar("S", bound=ServiceSettings)


def _no_arguments(parser: argparse.ArgumentParser) -> None:
    """A command without options of its own."""


@dataclass(frozen=True)
class Command:
    """A service-specific command: its help line, its options, and what it does."""

    help: str
    run: Callable[[argparse.Namespace], int | None]
    """Returns the exit status for the process (`service_cli` exits with it), or None to return
    normally."""
    arguments: Callable[[argparse.ArgumentParser], None] = field(default=_no_arguments)


def service_cli(
    prog: str,
    settings: Callable[[], S],
    create_app: Callable[[S], FastAPI],
    migrations: Path,
    argv: Sequence[str] | None = None,
    commands: Mapping[str, Command] | None = None,
) -> None:
    """Parse `argv` and run the command: apply the migrations, serve, or one of `commands`.

    Settings are built only for the command that runs, at that moment (never at import).
    """
    parser = argparse.ArgumentParser(prog=prog, description=f"The {prog} service.")
    subcommands = parser.add_subparsers(dest="command", required=True)
    subcommands.add_parser("migrate", help="apply the database migrations")
    subcommands.add_parser("serve", help="run the HTTP service, its consumers and its jobs")
    extra = dict(commands or {})
    for name, command in extra.items():
        command.arguments(subcommands.add_parser(name, help=command.help))
    args = parser.parse_args(argv)
    if args.command in extra:
        status = extra[args.command].run(args)
        if status is not None:
            raise SystemExit(status)
        return
    built = settings()
    if args.command == "migrate":
        migrate(built.database_url, migrations)
    else:
        serve(built, create_app(built))
