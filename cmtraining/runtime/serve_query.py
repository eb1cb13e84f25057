"""What a served page's address may carry, checked before any kernel starts.

Pure (no Voila or tornado): `cmtraining.runtime.serve`'s page handler and its
prelaunch hook call `check_query`, and the apps and tests read the constants.
A query passes when every name and value is short, it carries none of Voila's
own parameters (a template or theme from the address), the gradebook's `db`
is absent (the database is the facilitator's configuration), and the rest
passes the notebook's parameter contract.
"""

from __future__ import annotations

from cmtraining.core.errors import ParameterError
from cmtraining.i18n import LANGS, check_lang
from cmtraining.runtime.parameters import contract

LANDING = "index.ipynb"
#: notebooks only the facilitator may open (and that no listing shows)
FACILITATOR_NOTEBOOKS = frozenset({"90-gradebook"})
GRADEBOOK_NOTEBOOK = "90-gradebook"
#: query argument carrying the facilitator's token (a signed cookie keeps it afterwards)
FACILITATOR_PARAM = "facilitator_token"
#: query arguments read by jupyter_server's authentication, not by the notebook
AUTH_PARAMS = frozenset({"token", FACILITATOR_PARAM})
#: query arguments Voila would interpret itself (a template or theme from the address)
VOILA_OWN_PARAMS = frozenset({"template", "theme", "voila-template", "classic-tree"})
#: longest name or value a query may carry: ids, languages and numbers are far shorter
MAX_QUERY_CHARS = 1000
#: the gradebook `serve --gradebook` names, inherited by every kernel
GRADEBOOK_ENV = "CMTRAINING_GRADEBOOK"


def _shown(name: str) -> str:
    return name if len(name) <= 40 else name[:40] + "…"


def query_values(query_arguments: dict[str, list[bytes]]) -> dict[str, str]:
    """The last value of each query argument, decoded (undecodable bytes replaced)."""
    return {k: v[-1].decode("utf-8", "replace") for k, v in query_arguments.items() if v}


def query_lang(query: dict[str, str]) -> str:
    """The language a refusal is written in: the requested one when it exists."""
    lang = query.get("lang")
    return lang if lang in LANGS else check_lang(None)


def check_query(stem: str, query: dict[str, str]) -> dict:
    """The notebook's parameter values for a URL query, or the package's error.

    Run by the page handler before any kernel starts, and again by the
    prelaunch hook that injects the values.
    """
    lang = query_lang(query)
    for name, value in query.items():
        longest = max(len(name), len(value))
        if longest > MAX_QUERY_CHARS:
            raise ParameterError("runtime.server.value_too_long", name=_shown(name), length=longest,
                                 limit=MAX_QUERY_CHARS, lang=lang)
    reserved = sorted(VOILA_OWN_PARAMS & set(query))
    if reserved:
        raise ParameterError("runtime.server.reserved_param", name=", ".join(reserved), lang=lang)
    if stem == GRADEBOOK_NOTEBOOK and "db" in query:
        raise ParameterError("runtime.server.gradebook_from_config", lang=lang)
    params = {k: v for k, v in query.items() if k not in AUTH_PARAMS}
    return contract(stem).resolve(params, source="url")
