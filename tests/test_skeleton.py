"""Every service keeps the house skeleton (docs/service-skeleton.md): its parts, what each part
may import, no import circle, events leaving one way, and the size of files and functions."""

from __future__ import annotations

import ast
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
SERVICES = sorted(path.name for path in (ROOT / "services").iterdir() if (path / "src").is_dir())

REQUIRED = ("domain/", "ports.py", "handlers", "adapters/", "api/", "consumer", "config.py")
REQUIRED_TOO = ("main.py", "migrations/", "adapters/unit_of_work.py", "../../README.md")
TOP_LEVEL_MODULES = {"__init__", "config", "main", "consumer", "handlers", "ports", "metrics"}
TOP_LEVEL_PACKAGES = {"domain", "adapters", "api", "migrations", "handlers", "consumer"}
NAMED_PACKAGES = {"replenishment": {"planning", "simulator"}}
"""Service-specific packages, each under a name that says what it is."""

OUTSIDE_DOMAIN = {"sqlalchemy", "fastapi", "starlette", "aiokafka", "httpx", "asyncpg", "alembic"}
FORBIDDEN: dict[str, set[str]] = {
    # part -> the service's own parts and the outside packages it must not import
    "domain": {"ports", "handlers", "adapters", "api", "consumer", "main", "config", "metrics"}
    | OUTSIDE_DOMAIN
    | {"inventory_runtime"},
    "ports": {"handlers", "adapters", "api", "consumer", "main"},
    "handlers": {"adapters", "api", "consumer", "main", "sqlalchemy", "fastapi", "starlette"},
    "adapters": {"api", "handlers", "consumer", "main", "fastapi"},
    "api": {"consumer", "main"},
    "consumer": {"api", "main", "sqlalchemy", "fastapi"},
}

NOT_YET_ON_SKELETON: set[str] = set()
"""Services still being moved onto the skeleton (issue 14); each leaves this set when it is."""

MAX_FILE_LINES = 300
MAX_FUNCTION_LINES = 60
SIZE_EXCEPTIONS: dict[str, str] = {}
"""Files (relative to the repository) allowed past the limits, each with its reason."""


def _service_param(service: str) -> object:
    if service in NOT_YET_ON_SKELETON:
        return pytest.param(
            service, marks=pytest.mark.xfail(strict=False, reason="not on the skeleton yet")
        )
    return service


def package_dir(service: str) -> Path:
    packages = [p for p in (ROOT / "services" / service / "src").iterdir() if p.is_dir()]
    [package] = [p for p in packages if (p / "__init__.py").exists()]
    return package


def _python_files(package: Path) -> Iterator[Path]:
    for path in sorted(package.rglob("*.py")):
        if "migrations" not in path.relative_to(package).parts:
            yield path


def module_name(package: Path, path: Path) -> str:
    parts = list(path.relative_to(package.parent).with_suffix("").parts)
    if parts[-1] == "__init__":
        parts.pop()
    return ".".join(parts)


def part_of(package: Path, module: str) -> str:
    """The skeleton part a module of the service belongs to (its first name under the package)."""
    names = module.split(".")
    return names[1] if len(names) > 1 else "__init__"


@dataclass(frozen=True)
class Imported:
    module: str
    at_top: bool
    """Imported at module level (when it loads, or for the type checker): not in a function."""


def imports_of(path: Path, module: str, is_package: bool, known: set[str]) -> list[Imported]:
    """What `module` imports, each name resolved to a module of the service where it is one."""
    tree = ast.parse(path.read_text(encoding="utf-8"))
    found: list[Imported] = []

    def visit(node: ast.AST, at_top: bool) -> None:
        for child in ast.iter_child_nodes(node):
            if isinstance(child, ast.Import):
                found.extend(Imported(alias.name, at_top) for alias in child.names)
            elif isinstance(child, ast.ImportFrom):
                base = _absolute(child, module, is_package)
                for alias in child.names:
                    candidate = f"{base}.{alias.name}"
                    found.append(Imported(candidate if candidate in known else base, at_top))
            elif isinstance(child, ast.FunctionDef | ast.AsyncFunctionDef | ast.Lambda):
                visit(child, False)
            else:
                visit(child, at_top)

    visit(tree, True)
    return found


def _absolute(node: ast.ImportFrom, module: str, is_package: bool) -> str:
    if node.level == 0:
        return node.module or ""
    parts = module.split(".")
    anchor = parts if is_package else parts[:-1]
    anchor = anchor[: len(anchor) - (node.level - 1)]
    return ".".join([*anchor, node.module] if node.module else anchor)


@dataclass(frozen=True)
class ServiceModules:
    package: Path
    paths: dict[str, Path]
    imports: dict[str, list[Imported]]


def service_modules(service: str) -> ServiceModules:
    package = package_dir(service)
    paths = {module_name(package, path): path for path in _python_files(package)}
    known = set(paths)
    imports = {
        name: imports_of(path, name, path.name == "__init__.py", known)
        for name, path in paths.items()
    }
    return ServiceModules(package, paths, imports)


@pytest.mark.parametrize("service", [_service_param(s) for s in SERVICES])
def test_a_service_has_every_part_and_nothing_else_at_its_top(service: str) -> None:
    package = package_dir(service)
    missing = []
    for part in (*REQUIRED, *REQUIRED_TOO):
        if part.endswith("/"):
            present = (package / part / "__init__.py").exists() or (
                part == "migrations/" and (package / part).is_dir()
            )
        elif part.endswith(".py") or part.endswith(".md"):
            present = (package / part).exists()
        else:
            present = (package / f"{part}.py").exists() or (package / part / "__init__.py").exists()
        if not present:
            missing.append(part)
    assert not missing, f"{service} lacks {missing}"
    allowed_packages = TOP_LEVEL_PACKAGES | NAMED_PACKAGES.get(service, set())
    stray = sorted(
        path.name
        for path in package.iterdir()
        if (path.suffix == ".py" and path.stem not in TOP_LEVEL_MODULES)
        or (path.is_dir() and path.name != "__pycache__" and path.name not in allowed_packages)
    )
    assert not stray, f"{service} has modules outside the skeleton: {stray}"


def _classes(path: Path) -> dict[str, list[str]]:
    """Each class of the module with the names of its bases."""
    tree = ast.parse(path.read_text(encoding="utf-8"))
    return {
        node.name: [ast.unparse(base) for base in node.bases]
        for node in tree.body
        if isinstance(node, ast.ClassDef)
    }


@pytest.mark.parametrize("service", [_service_param(s) for s in SERVICES])
def test_the_unit_of_work_is_a_port_and_one_sql_adapter(service: str) -> None:
    package = package_dir(service)
    ports = _classes(package / "ports.py")
    protocols = [name for name, bases in ports.items() if "UnitOfWorkProtocol" in bases]
    assert protocols and all(name.endswith("UoW") for name in protocols), (
        f"{service}/ports.py: the unit of work Protocol is <Service>UoW, extending "
        f"UnitOfWorkProtocol; found {protocols}"
    )
    adapters = _classes(package / "adapters" / "unit_of_work.py")
    sql = [name for name, bases in adapters.items() if "UnitOfWork" in bases]
    assert len(sql) == 1 and sql[0].endswith("UnitOfWork"), (
        f"{service}/adapters/unit_of_work.py holds one subclass of the runtime's UnitOfWork: {sql}"
    )


@pytest.mark.parametrize("service", [_service_param(s) for s in SERVICES])
def test_each_part_imports_only_what_it_may(service: str) -> None:
    modules = service_modules(service)
    own = modules.package.name
    wrong = []
    for name, imported in modules.imports.items():
        forbidden = FORBIDDEN.get(part_of(modules.package, name), set())
        for target in imported:
            top = target.module.split(".")[0]
            if top == own:
                target_part = part_of(modules.package, target.module)
                if target_part in forbidden:
                    wrong.append(f"{name} imports {target.module}")
            elif top in forbidden:
                wrong.append(f"{name} imports {target.module}")
    assert not wrong, "\n".join(wrong)


def _cycle_from(graph: dict[str, set[str]]) -> list[str] | None:
    state: dict[str, int] = {}
    stack: list[str] = []

    def visit(node: str) -> list[str] | None:
        state[node] = 1
        stack.append(node)
        for nxt in sorted(graph.get(node, ())):
            if state.get(nxt) == 1:
                return [*stack[stack.index(nxt) :], nxt]
            if nxt not in state and (cycle := visit(nxt)) is not None:
                return cycle
        stack.pop()
        state[node] = 2
        return None

    for node in sorted(graph):
        if node not in state and (cycle := visit(node)) is not None:
            return cycle
    return None


@pytest.mark.parametrize("service", [_service_param(s) for s in SERVICES])
def test_no_import_circle_within_a_service(service: str) -> None:
    modules = service_modules(service)
    graph = {
        name: {i.module for i in imported if i.at_top and i.module in modules.paths}
        for name, imported in modules.imports.items()
    }
    cycle = _cycle_from(graph)
    assert cycle is None, " -> ".join(cycle or ())


def test_the_circle_check_finds_a_circle() -> None:
    assert _cycle_from({"a": {"b"}, "b": {"c"}, "c": {"a"}}) == ["a", "b", "c", "a"]
    assert _cycle_from({"a": {"b"}, "b": set()}) is None


@pytest.mark.parametrize("service", [_service_param(s) for s in SERVICES])
def test_handlers_and_routes_leave_events_to_the_unit_of_work(service: str) -> None:
    modules = service_modules(service)
    publishing = []
    for name, path in modules.paths.items():
        if part_of(modules.package, name) not in {"handlers", "api", "consumer"}:
            continue
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.Attribute) and node.attr == "publish":
                publishing.append(f"{name}:{node.lineno}")
    assert not publishing, f"publish called outside the unit of work: {publishing}"


SOURCE_AREAS = [
    "contracts",
    *(f"libs/{path.name}" for path in sorted((ROOT / "libs").iterdir()) if (path / "src").is_dir()),
    *(f"services/{service}" for service in SERVICES),
]


def _area_param(area: str) -> object:
    if area.startswith("services/"):
        return _service_param(area.removeprefix("services/"))
    return area


def _too_long(path: Path) -> list[str]:
    text = path.read_text(encoding="utf-8")
    problems = []
    lines = text.count("\n") + 1
    if lines > MAX_FILE_LINES:
        problems.append(f"{lines} lines")
    for node in ast.walk(ast.parse(text)):
        if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef):
            length = (node.end_lineno or node.lineno) - node.lineno + 1
            if length > MAX_FUNCTION_LINES:
                problems.append(f"{node.name}() {length} lines")
    return problems


@pytest.mark.parametrize("area", [_area_param(a) for a in SOURCE_AREAS])
def test_no_source_file_or_function_is_too_long(area: str) -> None:
    where = area if area == "contracts" or area.startswith("libs/") else f"services/{area}"
    offenders = {}
    for path in sorted((ROOT / where / "src").rglob("*.py")):
        if "migrations" in path.parts:
            continue
        relative = path.relative_to(ROOT).as_posix()
        if relative in SIZE_EXCEPTIONS:
            continue
        problems = _too_long(path)
        if problems:
            offenders[relative] = problems
    assert not offenders, "\n".join(f"{path}: {', '.join(p)}" for path, p in offenders.items())
