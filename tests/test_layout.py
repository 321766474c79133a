"""The layout's rules, read from the source: imports point one way and never go round in a
circle (README, "How it is built"); the files and modules the docs cite exist."""

import ast
import re
import subprocess
import sys
import tomllib
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
FEATURES = ("webhooks", "reports", "calendar_feed", "dashboard", "declaration", "markings")
APPS = ("access", "audit", "notifications", "commitments", "dialogues", *FEATURES)
PACKAGES = ("declaration_tracker", *APPS, "bench")
# The project package's wiring; its `core` and `api` lie below every app.
WIRING = tuple(
    f"declaration_tracker.{name}"
    for name in ("celery", "formats", "middleware", "settings", "urls", "views", "wsgi")
)


def _module_name(path: Path) -> str:
    parts = list(path.relative_to(ROOT).with_suffix("").parts)
    if parts[-1] == "__init__":
        parts.pop()
    return ".".join(parts)


def _modules() -> dict[str, Path]:
    found = {}
    for package in PACKAGES:
        for path in (ROOT / package).rglob("*.py"):
            if "migrations" not in path.parts:
                found[_module_name(path)] = path
    return found


MODULES = _modules()


def _resolve(module: str, is_package: bool, level: int, name: str | None) -> str:
    if not level:
        return name or ""
    base = module.split(".")
    base = base if is_package else base[:-1]
    base = base[: len(base) - (level - 1)]
    return ".".join([*base, name] if name else base)


def _imports(module: str, *, top_level_only: bool) -> set[str]:
    """The project modules `module` imports (at module level only, if asked)."""
    path = MODULES[module]
    tree = ast.parse(path.read_text(encoding="utf-8"))
    is_package = path.name == "__init__.py"
    nodes = []

    def walk(body):
        for node in body:
            if isinstance(node, ast.Import | ast.ImportFrom):
                nodes.append(node)
            elif isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef | ast.ClassDef):
                if not top_level_only:
                    walk(node.body)
            elif hasattr(node, "body"):  # if / try / with at module level run on import
                walk(node.body)
                for extra in ("orelse", "finalbody", "handlers"):
                    for child in getattr(node, extra, []):
                        walk(child.body if hasattr(child, "body") else [child])

    walk(tree.body)
    targets = set()
    for node in nodes:
        if isinstance(node, ast.Import):
            names = [alias.name for alias in node.names]
        else:
            base = _resolve(module, is_package, node.level, node.module)
            names = [f"{base}.{alias.name}" for alias in node.names] + [base]
        for name in names:
            # `from a.b import c`: c may be a module of a.b or a name in it.
            while name and name not in MODULES:
                name = name.rpartition(".")[0]
            if name and name != module:
                targets.add(name)
    return targets


def _cycles(graph: dict[str, set[str]]) -> list[list[str]]:
    """Strongly connected components of more than one module (Tarjan)."""
    index, low, stack, on_stack, found = {}, {}, [], set(), []
    counter = [0]

    def visit(node):
        index[node] = low[node] = counter[0]
        counter[0] += 1
        stack.append(node)
        on_stack.add(node)
        for target in graph.get(node, ()):
            if target not in index:
                visit(target)
                low[node] = min(low[node], low[target])
            elif target in on_stack:
                low[node] = min(low[node], index[target])
        if low[node] == index[node]:
            component = []
            while True:
                member = stack.pop()
                on_stack.discard(member)
                component.append(member)
                if member == node:
                    break
            if len(component) > 1:
                found.append(sorted(component))

    for node in sorted(graph):
        if node not in index:
            visit(node)
    return found


def test_the_import_graph_is_read_from_every_module():
    assert {"commitments.services", "dialogues.models", "declaration_tracker.core.cache"} <= set(
        MODULES
    )
    assert "commitments.models" in _imports("dialogues.models", top_level_only=True)


def test_no_module_level_import_cycle_among_the_projects_modules():
    graph = {module: _imports(module, top_level_only=True) for module in MODULES}
    assert _cycles(graph) == []


def test_the_cycle_finder_finds_a_cycle():
    assert _cycles({"a": {"b"}, "b": {"c"}, "c": {"a"}, "d": {"a"}}) == [["a", "b", "c"]]


@pytest.mark.parametrize(
    ("below", "above"),
    [
        ("declaration_tracker.core", (*APPS, "declaration_tracker", "bench")),
        (
            "access",
            ("audit", "notifications", "commitments", "dialogues", *FEATURES, *WIRING, "bench"),
        ),
        ("audit", ("notifications", "commitments", "dialogues", *FEATURES, *WIRING, "bench")),
        ("notifications", ("commitments", "dialogues", *FEATURES, *WIRING, "bench")),
        ("commitments", ("dialogues", *FEATURES, *WIRING, "bench")),
        ("dialogues", (*FEATURES, *WIRING, "bench")),
        *[(f, (*(other for other in FEATURES if other != f), *WIRING, "bench")) for f in FEATURES],
    ],
)
def test_imports_point_one_way(below, above):
    """The core uses no app (nor the rest of the project package); access never imports
    commitments, commitments never imports dialogues, nor any of them a feature, not even inside
    a function; no feature imports another, nor any of them the project's wiring; nothing the
    tracker runs imports the benchmarks."""
    offending = []
    for module in MODULES:
        if module != below and not module.startswith(below + "."):
            continue
        for target in _imports(module, top_level_only=False):
            if target.startswith("declaration_tracker.core"):
                continue
            if any(target == name or target.startswith(name + ".") for name in above):
                offending.append(f"{module} → {target}")
    assert offending == []


def test_the_api_machinery_imports_no_app():
    """declaration_tracker.api is shared by both apps' APIs; only its URL map names them."""
    offending = [
        f"{module} → {target}"
        for module in MODULES
        if module.startswith("declaration_tracker.api") and module != "declaration_tracker.api.urls"
        for target in _imports(module, top_level_only=False)
        if target.split(".")[0] in APPS
    ]
    assert offending == []


def _layers() -> list[set[str]]:
    """The layers of pyproject.toml's import-linter contract, highest first."""
    config = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))
    (contract,) = [c for c in config["tool"]["importlinter"]["contracts"] if c["type"] == "layers"]
    return [{name.strip() for name in re.split(r"[:|]", layer)} for layer in contract["layers"]]


def test_the_import_layers_hold():
    """`make lint` runs the same command: an import against the layers breaks it."""
    result = subprocess.run(  # noqa: S603 - our own virtualenv's command, fixed arguments
        [Path(sys.executable).with_name("lint-imports"), "--no-cache"],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )

    assert result.returncode == 0, result.stdout + result.stderr
    assert "0 broken" in result.stdout


def test_every_part_of_the_project_package_has_a_layer():
    """A module or package added to declaration_tracker is checked only once it is in a layer."""
    parts = {
        f"declaration_tracker.{path.stem if path.suffix else path.name}"
        for path in (ROOT / "declaration_tracker").iterdir()
        if (path.suffix == ".py" and path.name != "__init__.py")
        or (path.is_dir() and (path / "__init__.py").exists())
    }
    layered = set().union(*_layers())

    assert parts <= layered, sorted(parts - layered)
    assert {*APPS, "declaration_tracker.core"} <= layered


# --- what the docs cite --------------------------------------------------------------------------

DOCS = [ROOT / "README.md", *sorted((ROOT / "docs").glob("*.md"))]
TOP = (*APPS, "declaration_tracker", "bench", "tests", "docs", "locale")
CITED_PATH = re.compile(rf"`((?:{'|'.join(TOP)})/[\w./-]*)(?:::(\w+))?`")
CITED_MODULE = re.compile(rf"`((?:{'|'.join(TOP[:-2])})(?:\.\w+)+)`")


def _defines(path: Path, name: str) -> bool:
    return bool(
        re.search(rf"^\s*(?:def|class) {name}\b|^{name}\s*[:=]", path.read_text(), re.MULTILINE)
    )


def _missing_path(path: str, test: str | None) -> bool:
    target = ROOT / path
    return not target.exists() or (test is not None and not _defines(target, test))


def _missing_module(dotted: str) -> bool:
    """`a.b.c` is a module, or a name defined in one (`access.auth.UserBackend`)."""
    parts = dotted.split(".")
    for cut in range(len(parts), 0, -1):
        base = ROOT.joinpath(*parts[:cut])
        source = next(
            (f for f in (base.with_suffix(".py"), base / "__init__.py") if f.is_file()), None
        )
        if source is not None:
            rest = parts[cut:]
            return len(rest) > 1 or (len(rest) == 1 and not _defines(source, rest[0]))
    return True


def _cited() -> list[tuple[str, str, bool]]:
    found = []
    for doc in DOCS:
        text = doc.read_text(encoding="utf-8")
        name = doc.relative_to(ROOT).as_posix()
        found += [(name, m[0], _missing_path(m[1], m[2])) for m in CITED_PATH.finditer(text)]
        found += [(name, m[0], _missing_module(m[1])) for m in CITED_MODULE.finditer(text)]
    return found


def test_every_file_and_module_the_docs_cite_exists():
    cited = _cited()

    assert len(cited) > 50  # the docs cite many; a broken pattern would find none
    assert [(doc, what) for doc, what, missing in cited if missing] == []


def test_a_cited_file_or_module_that_is_not_there_is_found():
    assert _missing_path("declaration_tracker/api/permissions.py", None)
    assert _missing_path("tests/test_layout.py", "test_no_such_thing")
    assert not _missing_path("tests/test_layout.py", "test_the_import_layers_hold")
    assert _missing_module("commitments.no_such_module")
    assert _missing_module("access.auth.NoSuchBackend")
    assert not _missing_module("access.auth.UserBackend")
    assert not _missing_module("declaration_tracker.core")


def test_the_domain_app_stays_small_enough_to_read():
    """`commitments/` holds at most 16 flat modules; what grows past that becomes a package
    split by concern (as `services/`, `views/`, `models/`) or an app of its own."""
    flat = sorted(path.name for path in (ROOT / "commitments").glob("*.py"))
    assert len(flat) <= 16, flat
