"""Voila's page templates compiled once per server, not once per page.

Each page Voila renders builds a new nbconvert exporter, hence a new Jinja
environment with an empty template cache, and compiles its ~13 templates
(Voila's `index.html.j2` and the nbconvert templates it extends) again: 17 ms
each, some 0.23 s a page on this 2-core machine, measured with cProfile while
a browser opened the profile stage (`bench/classroom_warm.py`). Jinja's own
bytecode-cache hook keeps the compiled code of each template in memory, keyed
by its name and file and checked against a hash of its source, so an edited
template is compiled again. Only Voila's exporter uses it: its environments
are all asynchronous with the same extensions, which the compiled code
depends on.

This module imports Jinja, never Voila (`cmtraining.runtime.serve` installs it).
"""

from __future__ import annotations

import threading
from types import CodeType

from jinja2.bccache import Bucket, BytecodeCache


class CompiledTemplates(BytecodeCache):
    """Compiled template code kept in memory, shared by every environment it is given to."""

    def __init__(self) -> None:
        self._code: dict[str, tuple[str, CodeType]] = {}
        self._lock = threading.Lock()
        self.compiled = 0  # templates compiled (a test and the benchmark read it)

    def load_bytecode(self, bucket: Bucket) -> None:
        with self._lock:
            found = self._code.get(bucket.key)
        if found is not None and found[0] == bucket.checksum:
            bucket.code = found[1]

    def dump_bytecode(self, bucket: Bucket) -> None:
        if bucket.code is None:
            return
        with self._lock:
            self._code[bucket.key] = (bucket.checksum, bucket.code)
            self.compiled += 1

    def clear(self) -> None:
        with self._lock:
            self._code.clear()


#: the one cache of a server process
COMPILED = CompiledTemplates()


def compile_once(exporter_class: type) -> None:
    """Make every environment `exporter_class` (an nbconvert `TemplateExporter`) creates use
    `COMPILED` (idempotent)."""
    if getattr(exporter_class, "_cm_compiled_once", False):
        return
    create = exporter_class._create_environment

    def _create_environment(self):
        environment = create(self)
        environment.bytecode_cache = COMPILED
        return environment

    exporter_class._create_environment = _create_environment
    exporter_class._cm_compiled_once = True
