"""docs/security.md prints the permission table exactly as the code decides it."""

from __future__ import annotations

from pathlib import Path

from inventory_runtime.auth.permissions import PERMISSIONS, ROLE_PERMISSIONS, ROLES

DOC = Path(__file__).resolve().parents[2] / "docs" / "security.md"


def test_the_documented_permission_table_is_the_codes() -> None:
    rows = {}
    lines = DOC.read_text(encoding="utf-8").splitlines()
    header = next(line for line in lines if line.startswith("| Permission |"))
    roles = [cell.strip() for cell in header.strip("|").split("|")][2:]
    assert roles == list(ROLES)
    for line in lines:
        if line.startswith("| `") and ":" in line.split("|")[1]:
            cells = [cell.strip() for cell in line.strip("|").split("|")]
            rows[cells[0].strip("`")] = {
                r for r, mark in zip(roles, cells[2:], strict=True) if mark
            }
    assert set(rows) == set(PERMISSIONS)
    for permission, holders in rows.items():
        expected = {role for role in ROLES if permission in ROLE_PERMISSIONS[role]}
        assert holders == expected, permission
