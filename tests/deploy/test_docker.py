"""The Dockerfile, the image entrypoint and .dockerignore."""

from __future__ import annotations

import json
import os
import re
import subprocess
import tomllib
from dataclasses import dataclass
from functools import cache
from pathlib import Path

import pytest

from tests.deploy.artifacts import (
    CONTAINER_PORT,
    ENTRYPOINT,
    ROOT,
    SERVICES,
    _fake_command,
    conventions,
)


@dataclass
class Instruction:
    keyword: str
    args: str


def dockerfile() -> list[Instruction]:
    lines = (ROOT / "Dockerfile").read_text().splitlines()
    instructions: list[Instruction] = []
    buffer = ""
    for line in lines:
        if line.strip().startswith("#") and not buffer:
            continue
        if line.strip().startswith("#"):
            continue
        buffer += line.rstrip()
        if buffer.endswith("\\"):
            buffer = buffer[:-1] + " "
            continue
        if buffer.strip():
            keyword, _, args = buffer.strip().partition(" ")
            instructions.append(Instruction(keyword.upper(), " ".join(args.split())))
        buffer = ""
    return instructions


def stages() -> list[list[Instruction]]:
    result: list[list[Instruction]] = []
    for instruction in dockerfile():
        if instruction.keyword == "FROM":
            result.append([])
        if result:
            result[-1].append(instruction)
    return result


def copy_sources(instructions: list[Instruction]) -> list[tuple[str, str]]:
    pairs = []
    for instruction in instructions:
        if instruction.keyword != "COPY":
            continue
        parts = [p for p in instruction.args.split() if not p.startswith("--")]
        if any(p.startswith("--from") for p in instruction.args.split()):
            continue
        *sources, destination = parts
        pairs += [(source, destination) for source in sources]
    return pairs


@cache
def workspace_members() -> list[Path]:
    root = tomllib.loads((ROOT / "pyproject.toml").read_text())
    members: list[Path] = []
    for pattern in root["tool"]["uv"]["workspace"]["members"]:
        members += sorted(p for p in ROOT.glob(pattern) if (p / "pyproject.toml").is_file())
    return members


def service_libraries() -> list[Path]:
    """The members outside services/ that services depend on, directly or through another
    (not the test kit: no service imports it)."""
    projects = {
        tomllib.loads((p / "pyproject.toml").read_text())["project"]["name"]: p
        for p in workspace_members()
    }

    def requirements(member: Path) -> set[str]:
        project = tomllib.loads((member / "pyproject.toml").read_text())["project"]
        return {re.split(r"[ <>=~!\[;]", d, maxsplit=1)[0] for d in project["dependencies"]}

    needed: set[str] = set()
    pending = [p for p in workspace_members() if p.relative_to(ROOT).parts[0] == "services"]
    while pending:
        for name in requirements(pending.pop()) & set(projects) - needed:
            needed.add(name)
            pending.append(projects[name])
    return sorted(p for n, p in projects.items() if n in needed and "services" not in p.parts)


def test_dockerfile_is_multi_stage_on_python_311_slim() -> None:
    instructions = dockerfile()
    default_image = next(
        i.args.split("=", 1)[1]
        for i in instructions
        if i.keyword == "ARG" and i.args.startswith("PYTHON_IMAGE=")
    )
    assert default_image == "python:3.11-slim"
    froms = [i.args for i in instructions if i.keyword == "FROM"]
    assert len(froms) >= 2
    assert all(f.split()[0] in ("${PYTHON_IMAGE}", "python:3.11-slim") for f in froms), froms


def test_dockerfile_builder_installs_the_locked_service_with_uv() -> None:
    builder = stages()[0]
    runs = [i.args for i in builder if i.keyword == "RUN"]
    assert any(re.search(r"pip install .*\buv==\S+", r) for r in runs), (
        "uv must come from PyPI via pip"
    )
    syncs = [r for r in runs if "uv sync" in r]
    assert syncs, "no uv sync in the builder stage"
    for sync in syncs:
        for flag in ("--frozen", "--no-dev", "--no-editable"):
            assert flag in sync, f"{flag} missing in: {sync}"
        assert re.search(r'--package "?\$\{?SERVICE\}?"?', sync), sync
    assert any(i.keyword == "ARG" and i.args.split("=")[0] == "SERVICE" for i in builder)


def test_dockerfile_copies_every_workspace_manifest() -> None:
    # uv cannot read the workspace (and the lock) without every member's pyproject.toml.
    sources = {source for source, _ in copy_sources(stages()[0])}
    assert {"pyproject.toml", "uv.lock"} <= sources
    for member in workspace_members():
        manifest = (member / "pyproject.toml").relative_to(ROOT).as_posix()
        assert manifest in sources, f"Dockerfile does not COPY {manifest}"
    for source in sources:
        if "$" not in source:
            assert (ROOT / source).exists(), f"Dockerfile copies missing {source}"


def test_dockerfile_copies_the_sources_a_service_needs() -> None:
    sources = {source for source, _ in copy_sources(stages()[0])}
    assert sources & {"services/${SERVICE}", "services/${SERVICE}/src"}
    for member in service_libraries():
        relative = member.relative_to(ROOT).as_posix()
        assert sources & {relative, f"{relative}/src"}, f"{relative} is needed by every service"


def test_runtime_stage_runs_non_root_on_port_8000_with_the_entrypoint() -> None:
    runtime = stages()[-1]
    users = [i.args for i in runtime if i.keyword == "USER"]
    assert users, "the runtime stage must set USER"
    uid = users[-1].split(":")[0]
    assert uid.isdigit() and int(uid) != 0, "USER must be a numeric non-root uid (for runAsNonRoot)"
    assert [i.args for i in runtime if i.keyword == "EXPOSE"] == [str(CONTAINER_PORT)]
    env = " ".join(i.args for i in runtime if i.keyword == "ENV")
    assert f"HTTP_PORT={CONTAINER_PORT}" in env
    assert "HTTP_HOST=0.0.0.0" in env
    assert re.search(r"SERVICE=\$\{?SERVICE\}?", env), "the entrypoint reads $SERVICE"
    entrypoint = json.loads(next(i.args for i in runtime if i.keyword == "ENTRYPOINT"))
    copied = {dest: src for src, dest in copy_sources(runtime)}
    assert copied.get(f"/usr/local/bin/{entrypoint[0]}") == ENTRYPOINT.relative_to(ROOT).as_posix()
    assert json.loads(next(i.args for i in runtime if i.keyword == "CMD")) == ["start"]


@pytest.mark.parametrize("service", SERVICES)
def test_service_package_has_its_console_script(service: str) -> None:
    manifest = tomllib.loads((ROOT / "services" / service / "pyproject.toml").read_text())
    assert manifest["project"]["name"] == service
    assert service in manifest["project"].get("scripts", {}), (
        f"the image runs `{service} migrate` and `{service} serve`: "
        f"[project.scripts] needs an entry named {service!r}"
    )


@pytest.mark.parametrize("service", SERVICES)
def test_migrations_ship_inside_the_service_package(service: str) -> None:
    # The image installs the service as a wheel (--no-editable) and holds no source tree, so Alembic
    # files next to pyproject.toml would be missing in the container.
    service_dir = ROOT / "services" / service
    strays = [
        name for name in ("alembic.ini", "alembic", "migrations") if (service_dir / name).exists()
    ]
    assert not strays, (
        f"move {strays} into services/{service}/src/{conventions().services[service]}/"
    )


def run_entrypoint(tmp_path: Path, *args: str, fail: str = "") -> tuple[int, list[str]]:
    log = tmp_path / "calls.log"
    bin_dir = tmp_path / "bin"
    bin_dir.mkdir(exist_ok=True)
    body = f'[ "$1" = "{fail}" ] && exit 3\nexit 0\n' if fail else "exit 0\n"
    _fake_command(bin_dir / "reservation", log, body)
    env = {"PATH": f"{bin_dir}:{os.environ['PATH']}", "SERVICE": "reservation"}
    result = subprocess.run(
        ["sh", str(ENTRYPOINT), *args], env=env, capture_output=True, timeout=30
    )
    calls = log.read_text().splitlines() if log.exists() else []
    return result.returncode, calls


def test_entrypoint_default_migrates_then_serves(tmp_path: Path) -> None:
    assert run_entrypoint(tmp_path) == (0, ["reservation migrate", "reservation serve"])


@pytest.mark.parametrize("step", ["migrate", "serve"])
def test_entrypoint_runs_one_step(tmp_path: Path, step: str) -> None:
    assert run_entrypoint(tmp_path, step) == (0, [f"reservation {step}"])


def test_entrypoint_does_not_serve_when_migration_fails(tmp_path: Path) -> None:
    code, calls = run_entrypoint(tmp_path, fail="migrate")
    assert code == 3
    assert calls == ["reservation migrate"]


def test_entrypoint_runs_other_commands_as_given(tmp_path: Path) -> None:
    marker = tmp_path / "ran"
    code, calls = run_entrypoint(tmp_path, "touch", str(marker))
    assert code == 0 and calls == [] and marker.exists()


def test_entrypoint_requires_service() -> None:
    result = subprocess.run(
        ["sh", str(ENTRYPOINT)], env={"PATH": os.environ["PATH"]}, capture_output=True
    )
    assert result.returncode != 0


def _dockerignore_regex(pattern: str) -> re.Pattern[str]:
    out = ""
    i = 0
    while i < len(pattern):
        if pattern.startswith("**/", i):
            out += "(?:.*/)?"
            i += 3
        elif pattern.startswith("**", i):
            out += ".*"
            i += 2
        elif pattern[i] == "*":
            out += "[^/]*"
            i += 1
        elif pattern[i] == "?":
            out += "[^/]"
            i += 1
        elif pattern[i] == "[":
            end = pattern.index("]", i)
            out += pattern[i : end + 1]
            i = end + 1
        else:
            out += re.escape(pattern[i])
            i += 1
    return re.compile(out + r"\Z")


def dockerignore_excludes(path: str) -> bool:
    """Docker's rule: the last pattern matching the path or one of its parents decides."""
    rules = []
    for line in (ROOT / ".dockerignore").read_text().splitlines():
        line = line.strip()
        if not line or line.startswith("#"):
            continue
        negate = line.startswith("!")
        rules.append((negate, _dockerignore_regex(os.path.normpath(line.lstrip("!").lstrip("/")))))
    parts = path.split("/")
    candidates = ["/".join(parts[: i + 1]) for i in range(len(parts))]
    excluded = False
    for negate, regex in rules:
        if any(regex.match(candidate) for candidate in candidates):
            excluded = not negate
    return excluded


def test_dockerignore_sends_what_the_build_copies_and_nothing_else() -> None:
    needed = ["pyproject.toml", "uv.lock", ENTRYPOINT.relative_to(ROOT).as_posix()]
    for member in workspace_members():
        relative = member.relative_to(ROOT).as_posix()
        needed += [f"{relative}/pyproject.toml", f"{relative}/src/pkg/__init__.py"]
    for path in needed:
        assert not dockerignore_excludes(path), f".dockerignore excludes {path}"
    for path in [
        ".git/HEAD",
        ".venv/bin/python",
        "docs/conventions.md",
        "deploy/k8s/secrets.yaml",
        "services/reservation/tests/test_x.py",
        "contracts/src/inventory_contracts/__pycache__/x.cpython-311.pyc",
        ".env",
    ]:
        assert dockerignore_excludes(path), f".dockerignore lets {path} into the build context"
