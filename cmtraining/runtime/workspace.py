"""The workspace: one folder, one YAML workbook per trainee.

A workbook is named by an id (a slug such as ``ana-garcia``) that maps to
``<workspace>/<id>.yaml``. Ids come from URLs, so they are checked against a
strict pattern: a trainee can never reach a file outside the workspace.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path

from cmtraining.core.errors import CmtrainingError, ParameterError
from cmtraining.core.paths import workspace_dir
from cmtraining.core.text import slugify

# matched with fullmatch: "^...$" with `match` let "ana\n" through ($ matches before a final newline)
ID_PATTERN = re.compile(r"[a-z0-9][a-z0-9-]{0,47}")
#: the longest trainee name (the workbook's `trainee` field is a short text)
MAX_TRAINEE = 200


def is_workbook_id(value: str) -> bool:
    return isinstance(value, str) and ID_PATTERN.fullmatch(value) is not None


def path_for(workbook_id: str, workspace: Path | None = None) -> Path:
    if not is_workbook_id(workbook_id):
        raise ParameterError("core.error.workbook_id", value=workbook_id)
    return (workspace or workspace_dir()) / f"{workbook_id}.yaml"


@dataclass(frozen=True)
class Entry:
    id: str
    path: Path
    trainee: str
    organization: str
    updated: str


def list_workbooks(workspace: Path | None = None) -> list[Entry]:
    """Workbooks in the workspace, newest first; unreadable files are skipped."""
    from cmtraining.workbook.store import load

    folder = workspace or workspace_dir()
    entries = []
    for path in folder.glob("*.yaml"):
        if not is_workbook_id(path.stem):
            continue
        try:
            wb = load(path)
        except CmtrainingError:
            continue
        entries.append(Entry(path.stem, path, wb.trainee, wb.profile.name, wb.updated.isoformat()))
    return sorted(entries, key=lambda e: e.updated, reverse=True)


def create_workbook(trainee: str, org_id: str | None, *, lang: str = "es",
                    workspace: Path | None = None) -> Entry:
    """Create a workbook for `trainee` from a sample organization (or blank).

    The id is the trainee's name as a slug; if taken, a numeric suffix is
    added, so two trainees called Ana never share a file.
    """
    from cmtraining.i18n import check_lang
    from cmtraining.workbook.store import locked, save

    lang = check_lang(lang)
    name = trainee.strip()
    base = slugify(name)
    if len(name) < 2 or not base:
        raise ParameterError("core.error.trainee_name", value=trainee[:60], lang=lang)
    wb = new_workbook(org_id, name, lang=lang)
    folder = workspace or workspace_dir()
    folder.mkdir(parents=True, exist_ok=True)
    # hold a workspace-wide lock while choosing the id, so that two
    # trainees typing the same name at once get two different files
    with locked(folder / ".workspace", lang=lang):
        candidate, n = base, 1
        while (folder / f"{candidate}.yaml").exists():
            n += 1
            candidate = f"{base[:44]}-{n}"
        path = folder / f"{candidate}.yaml"
        save(wb, path, lang=lang, touch=False)
    return Entry(candidate, path, wb.trainee, wb.profile.name, wb.updated.isoformat())


def new_workbook(org_id: str | None, trainee: str, *, lang: str = "es"):
    """A sample (or, without `org_id`, blank) workbook for `trainee`, or the package's error.

    A name longer than the schema allows is refused with a message, not
    pydantic's ValidationError (the Create button and `new --trainee`).
    """
    from cmtraining.samples.organizations import blank_workbook, sample_workbook

    if len(trainee.strip()) > MAX_TRAINEE:
        raise ParameterError("core.safety.trainee_too_long", length=len(trainee.strip()),
                             limit=MAX_TRAINEE,
                             lang=lang)
    return (sample_workbook(org_id, trainee=trainee, lang=lang) if org_id
            else blank_workbook(trainee=trainee, lang=lang))


# --- private links (issue 17): an unguessable token per workbook ----------------------

#: a workbook's private token: never an id (ids have no underscore), 128 random bits
TOKEN_PATTERN = re.compile(r"^wb_[0-9a-f]{32}$")
TOKENS_FILE = ".tokens.json"
#: set by `cmtraining serve --private-links`: trainees open workbooks by token only
PRIVATE_LINKS_ENV = "CMTRAINING_PRIVATE_LINKS"


def is_workbook_token(value: str) -> bool:
    return bool(TOKEN_PATTERN.fullmatch(value))


def private_links() -> bool:
    import os

    return os.environ.get(PRIVATE_LINKS_ENV) == "1"


def _tokens(folder: Path) -> dict[str, str]:
    import json

    try:
        data = json.loads((folder / TOKENS_FILE).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return {}
    return {k: v for k, v in data.items() if is_workbook_token(k) and is_workbook_id(v)} \
        if isinstance(data, dict) else {}


def id_for_token(token: str, workspace: Path | None = None) -> str | None:
    """The workbook a private token opens, or None."""
    if not is_workbook_token(token):
        return None
    return _tokens(workspace or workspace_dir()).get(token)


def token_for(workbook_id: str, workspace: Path | None = None, *, lang: str = "es") -> str:
    """The workbook's private token, made (and saved atomically) the first time it is asked."""
    import json
    import os
    import secrets

    from cmtraining.workbook.store import locked

    folder = workspace or workspace_dir()
    path_for(workbook_id, folder)  # a valid id, or the package's error
    with locked(folder / ".workspace", lang=lang):
        tokens = _tokens(folder)
        for token, ident in tokens.items():
            if ident == workbook_id:
                return token
        token = f"wb_{secrets.token_hex(16)}"
        tokens[token] = workbook_id
        tmp = folder / f"{TOKENS_FILE}.{os.getpid()}.tmp"
        tmp.write_text(json.dumps(tokens, indent=1, sort_keys=True), encoding="utf-8")
        os.replace(tmp, folder / TOKENS_FILE)
        return token


def workbook_path(ref: str, workspace: Path | None = None) -> Path:
    """The file a workbook reference names: a private token, an id or (papermill) a path."""
    ident = id_for_token(ref, workspace)
    if ident is not None:
        return path_for(ident, workspace)
    return path_for(ref, workspace) if is_workbook_id(ref) else Path(ref)
