"""One parameter contract per notebook, shared by every way of running it.

papermill (`-p lang en`), a Voila URL (`?lang=en`), the CLI and the links
of the landing page all pass their inputs through `resolve`, which types
them, fills defaults and refuses anything the declaration does not allow
(an unknown name, a wrong type, a value outside the allowed set) with one
clear `ParameterError`, before any cell of the notebook runs.

Each notebook's tagged `parameters` cell is generated from its contract
(`cell_source`), and a test checks they match. The cell after it
(`CHECK_CELL`) calls `check_notebook`, which also sees the names papermill
injected (`papermill -p colour red` only gets a warning from papermill
itself), so an unknown or bad parameter stops the notebook before any cell
does work, whichever way it was run.
"""

from __future__ import annotations

import ast
import difflib
import re
from collections.abc import Callable, Mapping, MutableMapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Literal

from cmtraining.core.errors import ParameterError
from cmtraining.i18n import LANGS, check_lang, t

Source = Literal["url", "papermill", "cli"]
#: query arguments that belong to Voila itself, not to the notebook
VOILA_RESERVED = frozenset({"template", "theme", "token", "voila-template"})
#: an integer as a person writes it: ASCII digits and an optional sign (no "１２",
#: "1_0", " 12" or 5,000 digits, which Python's int() would take or choke on)
INTEGER = re.compile(r"[+-]?[0-9]{1,18}")
#: the first line of the cell papermill (and Voila's prelaunch hook) injects
INJECTED_MARKER = "# Parameters"


@dataclass(frozen=True)
class Param:
    """One declared parameter: name, type, default, allowed values, help."""

    name: str
    type: type
    default: Any
    help_key: str
    choices: Callable[[], tuple] | None = None
    #: check(value, source, lang, name) -> value, or a ParameterError naming `name`
    check: Callable[[Any, Source, str, str], Any] | None = field(default=None, compare=False)

    def help(self, lang: str | None = None) -> str:
        return t(self.help_key, lang)

    def coerce(self, raw: Any, source: Source, lang: str) -> Any:
        value = raw
        if self.type is bool and isinstance(raw, str):
            lowered = raw.strip().lower()
            if lowered not in {"true", "false", "1", "0", "yes", "no"}:
                raise ParameterError("core.error.param_type", name=self.name, value=raw,
                                     type=self.type.__name__, lang=lang)
            value = lowered in {"true", "1", "yes"}
        elif self.type is int and isinstance(raw, str):
            if not INTEGER.fullmatch(raw):
                raise ParameterError("runtime.contract.integer", name=self.name, value=raw[:40],
                                     lang=lang)
            value = int(raw)
        elif self.type is float and isinstance(raw, str):
            try:
                value = float(raw) if raw.isascii() and "_" not in raw else None
            except ValueError:
                value = None
            if value is None:
                raise ParameterError("core.error.param_type", name=self.name, value=raw[:40],
                                     type=self.type.__name__, lang=lang)
        if not isinstance(value, self.type) or (self.type is int and isinstance(value, bool)):
            raise ParameterError("core.error.param_type", name=self.name, value=repr(raw),
                                 type=self.type.__name__, lang=lang)
        if self.choices is not None:
            allowed = self.choices()
            if value not in allowed:
                raise ParameterError("core.error.param_choice", name=self.name, value=value,
                                     allowed=", ".join(map(str, allowed)), lang=lang)
        if self.check is not None:
            value = self.check(value, source, lang, self.name)
        return value


def _orgs() -> tuple[str, ...]:
    from cmtraining.samples.organizations import list_organizations

    return list_organizations()


def _check_workbook(value: str, source: Source, lang: str, name: str) -> str:
    """An id in the workspace; papermill and the CLI may also give a path."""
    from cmtraining.runtime.workspace import (
        id_for_token,
        is_workbook_id,
        is_workbook_token,
        path_for,
    )

    if value == "":
        return value
    if is_workbook_token(value):  # a private link (issue 17)
        if id_for_token(value) is None:
            raise ParameterError("core.error.workbook_unknown_id", value=value, lang=lang)
        return value
    if is_workbook_id(value):
        if not path_for(value).exists():
            raise ParameterError("core.error.workbook_unknown_id", value=value, lang=lang)
        return value
    if source != "url" and value.endswith((".yaml", ".yml")):
        if not Path(value).is_file():
            raise ParameterError("core.error.workbook_missing", source=value, lang=lang)
        return value
    raise ParameterError("core.error.workbook_id", value=value, lang=lang)


@dataclass(frozen=True)
class Range:
    """A check that `low <= value <= high` (or 0, with `zero`), naming the parameter.

    The CLI reads `low` and `high` for its options, so a notebook and a
    command refuse the same values.
    """

    low: int
    high: int
    zero: bool = False

    def __call__(self, value: int, source: Source, lang: str, name: str) -> int:
        if not (self.low <= value <= self.high or (self.zero and value == 0)):
            shown_low = f"0, {self.low}" if self.zero else self.low
            raise ParameterError("core.error.param_range", name=name, value=value, low=shown_low,
                                 high=self.high, lang=lang)
        return value




LANG = Param("lang", str, "es", "runtime.param.lang", choices=lambda: LANGS)
PREFILL = Param("prefill", bool, False, "runtime.param.prefill")
WEEKS = Param("weeks", int, 0, "runtime.param.weeks", check=Range(0, 104))
SEED = Param("seed", int, 1, "runtime.param.seed", check=Range(0, 2**31 - 1))
ORG = Param("org", str, "ngo", "runtime.param.org", choices=_orgs)
WORKBOOK = Param("workbook", str, "", "runtime.param.workbook", check=_check_workbook)
DAYS = Param("days", int, 28, "runtime.param.days", check=Range(7, 120))


def _scenarios() -> tuple[str, ...]:
    from cmtraining.crisis.scenarios import list_scenarios

    return ("", *list_scenarios())


SCENARIO = Param("scenario", str, "", "runtime.param.scenario", choices=_scenarios)
GRAPH_SIZE = Param("graph_size", int, 3000, "runtime.param.graph_size", check=Range(200, 200_000))
MINUTES_PER_TURN = Param("minutes_per_turn", int, 0, "runtime.param.minutes_per_turn",
                         check=Range(5, 120, zero=True))
INCIDENT = Param("incident", bool, True, "runtime.param.incident")


GRADEBOOK_SUFFIXES = (".sqlite", ".sqlite3", ".db")


def _check_gradebook(value: str, source: Source, lang: str, name: str) -> str:
    """A SQLite file of grades; a SQLAlchemy URL only from papermill or the CLI.

    A browser link may only name a file (a URL could carry a password or
    point the server at another host).
    """
    if value == "":
        return value
    if "://" in value:
        if source == "url":
            raise ParameterError("core.error.gradebook_url", lang=lang)
        return value
    if not value.endswith(GRADEBOOK_SUFFIXES) or not Path(value).is_file():
        raise ParameterError("core.error.gradebook_file", value=value,
                             suffixes=", ".join(GRADEBOOK_SUFFIXES), lang=lang)
    return value


def _check_exercise_id(value: str, source: Source, lang: str, name: str) -> str:
    if value and not re.fullmatch(r"[a-z0-9][a-z0-9-]{0,63}", value):
        raise ParameterError("core.error.exercise_id", value=value, lang=lang)
    return value


GRADEBOOK = Param("db", str, "", "runtime.param.db", check=_check_gradebook)
EXERCISE = Param("exercise", str, "", "runtime.param.exercise", check=_check_exercise_id)
RISK = Param("risk", int, 50, "runtime.param.risk", check=Range(1, 100))

#: what `secrets.token_urlsafe` writes (the workshop's links), with room to spare
WORKSHOP_TOKEN_FORM = re.compile(r"[A-Za-z0-9_-]{8,128}")
#: a role's name in a workshop's configuration (lead, replies, approval, monitoring, ...)
ROLE_FORM = re.compile(r"[a-z][a-z_]{0,31}")


def _check_workshop_token(value: str, source: Source, lang: str, name: str) -> str:
    """A token of a live workshop in the store: a team's or the facilitator's (issue 18).

    Not Jupyter's own `token` (the server's password in an address), hence the
    longer name. Checked before a kernel starts, so an unknown link is a
    short refusal page.
    """
    if value == "":
        return value
    if not WORKSHOP_TOKEN_FORM.fullmatch(value):
        raise ParameterError("app.workshop.error.token_form", lang=lang)
    from cmtraining.workshop.access import known_token

    if not known_token(value):
        raise ParameterError("app.workshop.error.token_unknown", lang=lang)
    return value


def _check_role(value: str, source: Source, lang: str, name: str) -> str:
    if value and not ROLE_FORM.fullmatch(value):
        raise ParameterError("app.workshop.error.role_form", value=value[:40], lang=lang)
    return value


WORKSHOP_TOKEN = Param("workshop_token", str, "", "app.workshop.param.workshop_token",
                       check=_check_workshop_token)
ROLE = Param("role", str, "", "app.workshop.param.role", check=_check_role)
#: the engine's default (cmtraining.workshop.debrief.DEBRIEF_RUNS)
DEBRIEF_RUNS = Param("debrief_runs", int, 60, "app.workshop.param.debrief_runs",
                     check=Range(10, 1000))


@dataclass(frozen=True)
class Contract:
    notebook: str
    params: tuple[Param, ...]

    def names(self) -> list[str]:
        return [p.name for p in self.params]

    def defaults(self) -> dict[str, Any]:
        return {p.name: p.default for p in self.params}

    def resolve(self, raw: Mapping[str, Any], source: Source = "papermill") -> dict[str, Any]:
        """Typed values for every parameter, or `ParameterError`."""
        raw = dict(raw)
        if source == "url":
            raw = {k: v for k, v in raw.items() if k not in VOILA_RESERVED}
        # messages in the requested language when it is a valid one
        lang = raw.get("lang") if raw.get("lang") in LANGS else None
        lang = check_lang(lang)
        self.refuse_unknown(raw, lang)
        values = self.defaults()
        for param in self.params:
            if param.name in raw:
                values[param.name] = param.coerce(raw[param.name], source, lang)
            elif param.check is not None:
                values[param.name] = param.check(param.default, source, lang, param.name)
        return values

    def refuse_unknown(self, names, lang: str | None = None) -> None:
        """`ParameterError` for names the contract does not declare, with the closest one."""
        unknown = sorted(set(names) - set(self.names()))
        if not unknown:
            return
        allowed = ", ".join(self.names())
        name = ", ".join(map(str, unknown))
        closest = difflib.get_close_matches(str(unknown[0]), self.names(), n=1, cutoff=0.6)
        if len(unknown) == 1 and closest:
            raise ParameterError("runtime.contract.unknown_closest", name=name, closest=closest[0],
                                 notebook=self.notebook, allowed=allowed, lang=lang)
        raise ParameterError("core.error.param_unknown", name=name, notebook=self.notebook,
                             allowed=allowed, lang=lang)

    def cell_source(self) -> str:
        """The notebook's `parameters` cell: `name: type = default  # help`.

        That is the form papermill's own inspection reads (name, type, default,
        help), so `papermill --help-notebook` shows the same contract.
        """
        lines = ["# Parameters: declared in cmtraining.runtime.parameters; a test keeps this cell in sync."]
        for p in self.params:
            lines.append(f"{p.name}: {p.type.__name__} = {p.default!r}  # {p.help('en')}")
        return "\n".join(lines)


#: every declared parameter, by the name stages use in `cmtraining.core.stages`
PARAMS: dict[str, Param] = {p.name: p for p in (
    WORKBOOK, ORG, LANG, PREFILL, WEEKS, SEED, DAYS, INCIDENT, SCENARIO, GRAPH_SIZE,
    MINUTES_PER_TURN, GRADEBOOK, EXERCISE, RISK, WORKSHOP_TOKEN, ROLE, DEBRIEF_RUNS)}


def _contracts() -> dict[str, Contract]:
    """One contract per notebook, from the stage registry (and the two other notebooks)."""
    from cmtraining.core.stages import OTHER_NOTEBOOKS, STAGES

    declared = {s.notebook: s.params for s in STAGES} | OTHER_NOTEBOOKS
    return {stem: Contract(stem, tuple(PARAMS[name] for name in names))
            for stem, names in declared.items()}


CONTRACTS: dict[str, Contract] = _contracts()


def contract(notebook: str) -> Contract:
    stem = Path(notebook).stem
    try:
        return CONTRACTS[stem]
    except KeyError:
        raise ParameterError("core.error.notebook_unknown", value=stem,
                             allowed=", ".join(CONTRACTS)) from None


def resolve(notebook: str, raw: Mapping[str, Any], source: Source = "papermill") -> dict[str, Any]:
    return contract(notebook).resolve(raw, source)


#: the cell after each notebook's parameters cell (`{stem}`: the notebook)
CHECK_CELL = ("from cmtraining.runtime.parameters import check_notebook\n\n"
              "# the semicolon keeps the checked values off the page\n"
              'check_notebook("{stem}", globals());')


def injected_names(namespace: Mapping[str, Any]) -> list[str]:
    """The names the cell run just before assigned, if papermill injected that cell.

    papermill writes its values as a cell of plain assignments headed
    `# Parameters` after the notebook's own parameters cell; IPython keeps
    every cell's source in `In`, the last entry being the cell now running.
    Anything else (a notebook run by hand, a plain Python namespace) has no
    injected names.
    """
    history = namespace.get("In")
    if not isinstance(history, list) or len(history) < 2 or not isinstance(history[-2], str):
        return []
    source = history[-2]
    if source.split("\n", 1)[0].strip() != INJECTED_MARKER:
        return []
    try:
        tree = ast.parse(source)
    except SyntaxError:
        return []
    names = []
    for node in tree.body:
        targets = node.targets if isinstance(node, ast.Assign) else (
            [node.target] if isinstance(node, ast.AnnAssign) else [])
        names += [t.id for t in targets if isinstance(t, ast.Name)]
    return names


def check_notebook(notebook: str, namespace: MutableMapping[str, Any]) -> dict[str, Any]:
    """Check a running notebook's parameters: unknown injected names, types, ranges.

    Called by the cell right after the parameters cell (`CHECK_CELL`), before
    any cell does work. The notebook's variables are replaced by their typed
    values (`"28"` from a command line becomes `28`); the values are returned.
    """
    declared = contract(notebook)
    raw = {name: namespace[name] for name in declared.names() if name in namespace}
    lang = raw.get("lang") if raw.get("lang") in LANGS else None
    declared.refuse_unknown([*injected_names(namespace), *raw], check_lang(lang))
    values = declared.resolve(raw, source="papermill")
    namespace.update(values)
    return values


def query_string(values: Mapping[str, Any]) -> str:
    """The URL query for a link to a notebook, skipping defaults."""
    from urllib.parse import urlencode

    return urlencode({k: (str(v).lower() if isinstance(v, bool) else v)
                      for k, v in values.items() if v not in ("", None)})
