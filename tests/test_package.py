"""Package-level promises: a cheap import, engines free of UI libraries, and the layering.

The layers, bottom to top (issue 16): the core (`core/`, and the catalogue
`i18n/`), the engines (one package per subject), the report, the notebook
runtime (`runtime/`), the apps and the CLI. A layer imports only from the
layers below it, checked on every import statement of every module
(function-level imports included) by walking the source with `ast`.
"""

from __future__ import annotations

import ast
import re
import subprocess
import sys
from collections import defaultdict
from dataclasses import dataclass
from pathlib import Path

import pytest

from tests.conftest import ROOT

PACKAGE = ROOT / "cmtraining"

#: every top-level package or module of cmtraining, by layer (a new one must be placed here)
CORE = frozenset({"core", "i18n"})
ENGINES = frozenset({"workbook", "samples", "networks", "metrics", "listening", "planning",
                     "crisis", "response", "evaluation", "grading",
                     "workshop"})  # the live crisis workshop (issue 18), on its own branch
LAYERS = {
    **dict.fromkeys(CORE, "core"),
    **dict.fromkeys(ENGINES, "engine"),
    "report": "report",
    "runtime": "runtime",
    "apps": "apps",
    "cli": "cli",
}
#: what each layer must never import (core: anything above it)
FORBIDDEN = {
    "core": {"engine", "report", "runtime", "apps", "cli"},
    "engine": {"report", "runtime", "apps", "cli"},
    "report": {"runtime", "apps", "cli"},
    "runtime": {"apps", "cli"},
    "apps": {"cli"},
    "cli": set(),
}


@dataclass(frozen=True)
class Import:
    module: str  # the importing module, e.g. "cmtraining.planning.smart"
    target: str  # the imported module, e.g. "cmtraining.core.findings"
    names: tuple[str, ...]  # the names taken from it (`from target import names`)
    line: int

    def __str__(self) -> str:
        names = f" ({', '.join(self.names)})" if self.names else ""
        return f"{self.module}:{self.line} imports {self.target}{names}"


def module_name(path: Path) -> str:
    parts = list(path.relative_to(ROOT).with_suffix("").parts)
    if parts[-1] == "__init__":
        parts.pop()
    return ".".join(parts)


def imports_of(path: Path) -> list[Import]:
    """Every import of a cmtraining module in `path`, at any depth (functions included)."""
    module = module_name(path)
    package = module if path.name == "__init__.py" else module.rpartition(".")[0]
    found = []
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"), str(path))):
        if isinstance(node, ast.Import):
            found += [Import(module, alias.name, (), node.lineno) for alias in node.names
                      if alias.name.split(".")[0] == "cmtraining"]
        elif isinstance(node, ast.ImportFrom):
            if node.level:  # relative: from the package, up level - 1
                base = package.split(".")[: len(package.split(".")) - node.level + 1]
                target = ".".join([*base, *([node.module] if node.module else [])])
            else:
                target = node.module or ""
            if target.split(".")[0] == "cmtraining":
                found.append(Import(module, target, tuple(a.name for a in node.names),
                                    node.lineno))
    return found


def top_package(module: str) -> str:
    """"cmtraining.planning.smart" -> "planning"; "cmtraining" itself -> ""."""
    parts = module.split(".")
    return parts[1] if len(parts) > 1 else ""


def all_imports() -> list[Import]:
    return [imp for path in sorted(PACKAGE.rglob("*.py")) for imp in imports_of(path)]


def test_import_pulls_in_no_heavy_library():
    code = ("import sys, cmtraining; print([m for m in ('pandas', 'ipywidgets', 'matplotlib', "
            "'voila', 'papermill', 'jupyter_client', 'pydantic') if m in sys.modules])")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "[]"


def test_engines_never_import_ui_or_runner_libraries():
    ui = re.compile(r"^\s*(import|from)\s+(ipywidgets|voila|papermill)\b", re.M)
    # the apps are widgets; of the runtime, the run drives papermill and the server Voila
    allowed = {"apps", "cli", "runtime/journey_run.py", "runtime/serve.py"}
    offenders = [str(p.relative_to(ROOT)) for p in PACKAGE.rglob("*.py")
                 if ui.search(p.read_text(encoding="utf-8"))
                 and p.relative_to(PACKAGE).parts[0] not in allowed
                 and p.relative_to(PACKAGE).as_posix() not in allowed]
    assert offenders == []


def test_every_top_level_package_has_a_layer():
    """A new package or module at the top says where it belongs (add it to LAYERS above)."""
    tops = {p.stem if p.is_file() else p.name for p in PACKAGE.iterdir()
            if (p.suffix == ".py" and p.name != "__init__.py")
            or (p.is_dir() and (p / "__init__.py").is_file())}
    assert sorted(tops - set(LAYERS)) == []


def test_top_level_holds_only_packages_and_the_networks_engine():
    """The top level tells the layers apart: no loose runtime, CLI or core modules."""
    loose = sorted(p.name for p in PACKAGE.glob("*.py") if p.name != "__init__.py")
    assert loose == ["networks.py"]


@pytest.mark.parametrize("layer", list(FORBIDDEN))
def test_a_layer_never_imports_a_layer_above_it(layer):
    offenders = [str(imp) for imp in all_imports()
                 if LAYERS.get(top_package(imp.module)) == layer
                 and LAYERS.get(top_package(imp.target)) in FORBIDDEN[layer]]
    assert offenders == []


def test_the_layering_test_sees_function_level_and_relative_imports(tmp_path, monkeypatch):
    """The walker itself: an import inside a function and a relative import both count."""
    monkeypatch.setattr(sys.modules[__name__], "ROOT", tmp_path)
    engine = tmp_path / "cmtraining" / "planning"
    engine.mkdir(parents=True)
    (engine / "__init__.py").write_text("")
    (engine / "x.py").write_text("def f():\n    from cmtraining.apps.common import y\n"
                                 "from ..runtime import session\nfrom .smart import _private\n")
    found = {(imp.target, imp.names) for imp in imports_of(engine / "x.py")}
    assert found == {("cmtraining.apps.common", ("y",)), ("cmtraining.runtime", ("session",)),
                     ("cmtraining.planning.smart", ("_private",))}


def test_no_private_name_is_imported_across_packages():
    """`from cmtraining.x.y import _z` only within package x: a private name is no API.

    Apps and the CLI are checked by the wiring test (tests/test_apps_wiring.py
    on the `wiring` branch), which removes their last private imports.
    """
    offenders = [str(imp) for imp in all_imports()
                 if top_package(imp.module) != top_package(imp.target)
                 and top_package(imp.module) not in ("apps", "cli")
                 and any(n.startswith("_") and not n.startswith("__") for n in imp.names)]
    assert offenders == []


def unit(module: str) -> str:
    """The package a module belongs to for cycles: the catalogue is part of the core."""
    top = top_package(module)
    return "core" if top in CORE else top


def package_graph() -> dict[str, set[str]]:
    graph: dict[str, set[str]] = defaultdict(set)
    for imp in all_imports():
        source, target = unit(imp.module), unit(imp.target)
        if source and target and source != target:
            graph[source].add(target)
    return graph


def cycles(graph: dict[str, set[str]]) -> list[list[str]]:
    """The strongly connected groups of more than one package (Tarjan's algorithm)."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    found = []

    def visit(node: str) -> None:
        index[node] = low[node] = len(index)
        stack.append(node)
        for nxt in sorted(graph.get(node, ())):
            if nxt not in index:
                visit(nxt)
                low[node] = min(low[node], low[nxt])
            elif nxt in stack:
                low[node] = min(low[node], index[nxt])
        if low[node] == index[node]:
            group = []
            while True:
                member = stack.pop()
                group.append(member)
                if member == node:
                    break
            if len(group) > 1:
                found.append(sorted(group))

    for node in sorted(graph):
        if node not in index:
            visit(node)
    return found


def test_no_import_cycle_between_packages():
    graph = package_graph()
    groups = cycles(graph)
    detail = [f"{a} -> {b}: " + "; ".join(str(i) for i in all_imports()
                                          if unit(i.module) == a and unit(i.target) == b)
              for group in groups for a in group for b in graph[a] if b in group]
    assert groups == [], "\n".join(detail)


def test_the_cycle_finder_finds_a_cycle():
    assert cycles({"planning": {"evaluation"}, "evaluation": {"planning", "core"},
                   "core": set()}) == [["evaluation", "planning"]]


def test_no_module_imports_by_computed_name_with___import__():
    """Imports are statements the layering test can see (`importlib` is kept for the registry)."""
    calls = [f"{module_name(p)}:{node.lineno}" for p in sorted(PACKAGE.rglob("*.py"))
             for node in ast.walk(ast.parse(p.read_text(encoding="utf-8")))
             if isinstance(node, ast.Call) and isinstance(node.func, ast.Name)
             and node.func.id == "__import__"]
    assert calls == []
