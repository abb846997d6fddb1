"""Publish the integration gateway's OpenAPI document and regenerate its typed client.

    python scripts/gateway_openapi.py          # `make openapi`: write both
    python scripts/gateway_openapi.py --check  # report drift, change nothing (exit 1 on drift)

The document (`services/integration-gateway/openapi.json`) is built from the gateway's code;
the client (`clients/gateway-client/src/inventory_gateway_client`) is generated from the
document by openapi-python-client with `clients/gateway-client/generator.yaml`, then formatted
with ruff in isolation, so the same input gives the same files on every machine.
"""

from __future__ import annotations

import argparse
import filecmp
import json
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
DOCUMENT = ROOT / "services" / "integration-gateway" / "openapi.json"
CLIENT = ROOT / "clients" / "gateway-client"
PACKAGE = CLIENT / "src" / "inventory_gateway_client"
CONFIG = CLIENT / "generator.yaml"
COMMAND = "make openapi"
RUFF = ("--isolated", "--line-length", "100", "--target-version", "py311")


def current_document() -> str:
    """The document as the gateway's code makes it now (default settings), as committed:
    indented, non-ASCII kept readable, one final newline."""
    from integration_gateway.config import IntegrationGatewaySettings
    from integration_gateway.main import create_app

    document = create_app(IntegrationGatewaySettings()).openapi()
    return json.dumps(document, indent=2, ensure_ascii=False) + "\n"


def _run(*args: str, cwd: Path) -> None:
    done = subprocess.run(args, cwd=cwd, capture_output=True, text=True, check=False)
    if done.returncode != 0:
        raise SystemExit(f"{' '.join(args)} failed:\n{done.stdout}\n{done.stderr}")


def generate_client(document: Path, into: Path) -> Path:
    """Generate the client package from `document` under `into`; return the package dir."""
    generator = Path(sys.executable).with_name("openapi-python-client")
    package = into / PACKAGE.name
    _run(
        str(generator), "generate", "--path", str(document), "--meta", "none",
        "--config", str(CONFIG), "--output-path", str(package), "--overwrite",
        cwd=into,
    )  # fmt: skip
    ruff = str(Path(sys.executable).with_name("ruff"))
    _run(
        ruff, "check", *RUFF, "--fix-only", "--select", "I,F401", "--quiet", package.name, cwd=into
    )
    _run(ruff, "format", *RUFF, "--quiet", package.name, cwd=into)
    return package


def _files(top: Path) -> set[Path]:
    return {
        p.relative_to(top) for p in top.rglob("*") if p.is_file() and "__pycache__" not in p.parts
    }


def tree_differences(expected: Path, actual: Path) -> list[str]:
    """The files that differ between two package trees (missing, extra or changed)."""
    wanted, found = _files(expected), _files(actual) if actual.exists() else set()
    problems = [f"missing {name}" for name in sorted(wanted - found)]
    problems += [f"not generated: {name}" for name in sorted(found - wanted)]
    problems += [
        f"differs: {name}"
        for name in sorted(wanted & found)
        if not filecmp.cmp(expected / name, actual / name, shallow=False)
    ]
    return problems


def check() -> list[str]:
    """What is out of date: the document against the code, the client against the document."""
    problems = []
    if not DOCUMENT.exists() or DOCUMENT.read_text(encoding="utf-8") != current_document():
        problems.append(f"{DOCUMENT.relative_to(ROOT)} differs from the gateway's code")
    if DOCUMENT.exists():
        with tempfile.TemporaryDirectory() as temp:
            fresh = generate_client(DOCUMENT, Path(temp))
            problems += [
                f"{PACKAGE.relative_to(ROOT)}: {problem}"
                for problem in tree_differences(fresh, PACKAGE)
            ]
    return problems


def write() -> None:
    """Write the document, then the client generated from it."""
    DOCUMENT.write_text(current_document(), encoding="utf-8")
    with tempfile.TemporaryDirectory() as temp:
        fresh = generate_client(DOCUMENT, Path(temp))
        shutil.rmtree(PACKAGE, ignore_errors=True)
        shutil.copytree(fresh, PACKAGE)
    print(f"wrote {DOCUMENT.relative_to(ROOT)} and {PACKAGE.relative_to(ROOT)}")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--check", action="store_true", help="report drift, write nothing")
    if not parser.parse_args(argv).check:
        write()
        return 0
    problems = check()
    for problem in problems:
        print(problem, file=sys.stderr)
    if problems:
        print(f"the gateway's OpenAPI or client is out of date: run `{COMMAND}`", file=sys.stderr)
    return 1 if problems else 0


if __name__ == "__main__":
    raise SystemExit(main())
