"""Apps and the CLI use the engines' public names only (issue 16.2).

A private name (`grader._root_of`, `gradebook._safe`) reached from an app or
the CLI is logic that belongs in its engine, or a name that should be public.
The walk covers `from cmtraining.x import _name` and `module._name` where
`module` (or any name) was imported from cmtraining.
"""

from __future__ import annotations

import ast
from pathlib import Path

from tests.conftest import ROOT

PACKAGE = ROOT / "cmtraining"


def _front_ends() -> list[Path]:
    """The app modules and the CLI modules (`cli/`)."""
    files = [*PACKAGE.glob("apps/**/*.py"), *PACKAGE.glob("cli/**/*.py")]
    return sorted(p for p in files if p.is_file())


def _private(name: str) -> bool:
    return name.startswith("_") and not name.startswith("__")


def private_uses(source: str) -> list[tuple[int, str]]:
    """(line, what) for every private cmtraining name the source reaches."""
    tree = ast.parse(source)
    from_cmtraining: set[str] = set()
    found = []
    for node in ast.walk(tree):
        if isinstance(node, ast.ImportFrom) and (node.module or "").startswith("cmtraining"):
            for alias in node.names:
                if _private(alias.name):
                    found.append((node.lineno, f"from {node.module} import {alias.name}"))
                from_cmtraining.add(alias.asname or alias.name)
        elif isinstance(node, ast.Import):
            for alias in node.names:
                if alias.name.startswith("cmtraining"):
                    from_cmtraining.add(alias.asname or alias.name.split(".")[0])
    for node in ast.walk(tree):
        if not (isinstance(node, ast.Attribute) and _private(node.attr)):
            continue
        root = node.value
        while isinstance(root, ast.Attribute):  # cmtraining.grading.grader._root_of
            root = root.value
        if isinstance(root, ast.Name) and root.id in from_cmtraining:
            found.append((node.lineno, f"{ast.unparse(node.value)}.{node.attr}"))
    return found


def test_the_walk_finds_each_form_of_private_access():
    source = ("from cmtraining.grading.grader import _root_of, grade\n"
              "from cmtraining.evaluation import competency as engine\n"
              "import cmtraining.grading.gradebook\n"
              "engine._display(1)\n"
              "cmtraining.grading.gradebook._safe('x')\n"
              "self._mine()\nengine.public()\nengine.__name__\n")
    assert [what for _, what in private_uses(source)] == [
        "from cmtraining.grading.grader import _root_of",
        "engine._display", "cmtraining.grading.gradebook._safe"]


def test_no_app_or_cli_module_reaches_a_private_name():
    files = _front_ends()
    assert any(p.parent.name == "apps" for p in files) and any(p.parent.name == "cli" for p in files)
    offenders = [f"{p.relative_to(ROOT)}:{line}: {what}" for p in files
                 for line, what in private_uses(p.read_text(encoding="utf-8"))]
    assert offenders == []
