"""Write generated files, or check that the committed ones are current (`--check`)."""

from __future__ import annotations

import argparse
import json
import sys
from collections.abc import Callable, Mapping, Sequence
from pathlib import Path
from typing import Any

CONTRACTS_DIR = Path(__file__).resolve().parents[2]
"""The `contracts/` folder of the repository (when running from a checkout)."""

Renderer = Callable[[Path], Mapping[Path, str]]


def to_json(document: Mapping[str, Any]) -> str:
    """Stable JSON text of a generated document: indented, UTF-8, newline at the end."""
    return json.dumps(document, indent=2, ensure_ascii=False) + "\n"


def sync(expected: Mapping[Path, str], generated_glob: str | None, *, check: bool) -> list[str]:
    """Make the files equal to `expected`, or with `check` only list how they differ.

    Files matching `generated_glob` (an absolute pattern) that are not expected are extra, and
    are deleted. Returns one line per difference: "missing: ...", "differs: ...", "extra: ...".
    """
    problems: list[str] = []
    for path, text in sorted(expected.items()):
        current = path.read_text(encoding="utf-8") if path.exists() else None
        if current == text:
            continue
        problems.append(f"{'missing' if current is None else 'differs'}: {_shown(path)}")
        if not check:
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_text(text, encoding="utf-8")
    if generated_glob is not None:
        pattern = Path(generated_glob)
        for path in sorted(pattern.parent.glob(pattern.name)):
            if path not in expected:
                problems.append(f"extra: {_shown(path)}")
                if not check:
                    path.unlink()
    return problems


def run(
    *,
    command: str,
    description: str,
    default_target: Path,
    render: Renderer,
    generated_glob: str | None,
    argv: Sequence[str] | None,
) -> int:
    """Command line of a generator: render the files for the target, then write or check."""
    parser = argparse.ArgumentParser(prog=command, description=description)
    parser.add_argument("--check", action="store_true", help="fail if the files are not current")
    parser.add_argument("--target", type=Path, default=default_target, help="where to write")
    args = parser.parse_args(argv)
    target: Path = args.target.resolve()
    expected = render(target)
    glob = str(target / generated_glob) if generated_glob else None
    problems = sync(expected, glob, check=args.check)
    for line in problems:
        print(line, file=sys.stderr if args.check else sys.stdout)
    if args.check and problems:
        print(f"out of date; regenerate with: uv run {command}", file=sys.stderr)
        return 1
    if not args.check:
        print(f"{len(problems)} file(s) updated" if problems else "already up to date")
    return 0


def _shown(path: Path) -> str:
    try:
        return str(path.relative_to(CONTRACTS_DIR.parent))
    except ValueError:
        return str(path)
