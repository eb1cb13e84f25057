"""Reading YAML safely: the shipped datasets and the users' workbooks.

Every YAML file cmtraining reads goes through `NoAliasLoader`, which refuses
anchors and aliases. A 372-byte file with nine levels of aliases (the
"billion laughs" bomb) expands to billions of values: PyYAML builds it as
shared references in a blink, but everything that walks the result
(validation, an error message, a save) then runs for minutes and gigabytes.
No file cmtraining writes or ships uses aliases (its dumper writes every
value out in full), so refusing them costs nothing.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import yaml

from cmtraining.core.errors import DatasetError

_Base = getattr(yaml, "CSafeLoader", yaml.SafeLoader)


class AliasError(yaml.YAMLError):
    """A document that uses an alias (`*name`); `line` is where (1-based), when known."""

    def __init__(self, line: int | str = "?"):
        super().__init__(f"aliases are not accepted (line {line})")
        self.line = line


def _refuse_shared(root: yaml.Node) -> None:
    """Raise AliasError if any node is reached twice (an alias), without expanding anything."""
    seen: set[int] = set()
    stack = [root]
    while stack:
        node = stack.pop()
        if id(node) in seen:
            mark = getattr(node, "start_mark", None)
            raise AliasError(mark.line + 1 if mark is not None else "?")
        seen.add(id(node))
        if isinstance(node, yaml.MappingNode):
            for key, value in node.value:
                stack.extend((key, value))
        elif isinstance(node, yaml.SequenceNode):
            stack.extend(node.value)


class NoAliasLoader(_Base):
    """The safe loader (libyaml when available) that refuses aliases before building anything."""

    def get_single_data(self):
        node = self.get_single_node()
        if node is None:
            return None
        _refuse_shared(node)
        return self.construct_document(node)


def load_yaml(stream) -> Any:
    """`yaml.load` with `NoAliasLoader` (AliasError, a YAMLError, on an alias)."""
    return yaml.load(stream, Loader=NoAliasLoader)


def read_yaml(path: Path) -> Any:
    try:
        with open(path, encoding="utf-8") as fh:
            return load_yaml(fh)
    except FileNotFoundError:
        raise DatasetError("core.error.dataset_missing", source=str(path)) from None
    except (yaml.YAMLError, UnicodeDecodeError):
        raise DatasetError("core.error.dataset_yaml", source=str(path)) from None
