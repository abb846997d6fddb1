"""The command line every service shares: migrate, serve, and a service's own commands."""

from __future__ import annotations

import argparse
from pathlib import Path

import pytest
from fastapi import FastAPI
from inventory_runtime import cli
from inventory_runtime.cli import Command, service_cli
from inventory_runtime.settings import ServiceSettings

MIGRATIONS = Path("migrations")


class Calls:
    def __init__(self) -> None:
        self.made: list[tuple[str, object]] = []


@pytest.fixture
def calls(monkeypatch: pytest.MonkeyPatch) -> Calls:
    recorded = Calls()

    def migrate(database_url: str, migrations: Path) -> None:
        recorded.made.append(("migrate", migrations))

    def serve(settings: ServiceSettings, app: FastAPI) -> None:
        recorded.made.append(("serve", app.title))

    monkeypatch.setattr(cli, "migrate", migrate)
    monkeypatch.setattr(cli, "serve", serve)
    return recorded


def _app(settings: ServiceSettings) -> FastAPI:
    return FastAPI(title=settings.service_name)


def _settings() -> ServiceSettings:
    return ServiceSettings(service_name="demo")


def test_migrate_applies_the_services_migrations(calls: Calls) -> None:
    service_cli("demo", _settings, _app, MIGRATIONS, ["migrate"])
    assert calls.made == [("migrate", MIGRATIONS)]


def test_serve_runs_the_app_built_from_the_settings(calls: Calls) -> None:
    service_cli("demo", _settings, _app, MIGRATIONS, ["serve"])
    assert calls.made == [("serve", "demo")]


def test_a_service_command_gets_its_options_and_its_exit_status_is_kept(calls: Calls) -> None:
    seen: list[str] = []

    def arguments(parser: argparse.ArgumentParser) -> None:
        parser.add_argument("--name", required=True)

    def run(args: argparse.Namespace) -> int:
        seen.append(args.name)
        return 3

    commands = {"hello": Command("say hello", run, arguments)}
    with pytest.raises(SystemExit) as stopped:
        service_cli("demo", _settings, _app, MIGRATIONS, ["hello", "--name", "li"], commands)
    assert (stopped.value.code, seen, calls.made) == (3, ["li"], [])


def test_an_unknown_command_is_refused_with_usage(
    calls: Calls, capsys: pytest.CaptureFixture[str]
) -> None:
    with pytest.raises(SystemExit) as stopped:
        service_cli("demo", _settings, _app, MIGRATIONS, ["drop-everything"])
    assert stopped.value.code == 2
    assert "invalid choice" in capsys.readouterr().err
    assert calls.made == []
