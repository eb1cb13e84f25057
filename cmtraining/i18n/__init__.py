"""The message catalogue: every user-facing string, in Spanish and English.

Catalogues are YAML files beside this module, one pair per owner:
`<lang>-<top>.yaml` holds the one top-level key `<top>`, the package that owns
the strings (`crisis`, `planning`, `report`, `runtime`, `cli`...), `app` for
strings only an app shows (`app.<app module>.*`, `app.common.*`), or `common`
for shared words (tests/test_i18n.py enforces it). Nested maps are flattened to
dotted keys, and a key defined in two files is an error. Spanish is the default because the source
material and most trainees are Spanish-speaking; `CMTRAINING_LANG` changes
the default for a whole server or shell.
"""

from __future__ import annotations

import os
import string
from functools import cache
from pathlib import Path

LANGS: tuple[str, ...] = ("es", "en")
DEFAULT_LANG = "es"
_HERE = Path(__file__).parent


def default_lang() -> str:
    lang = os.environ.get("CMTRAINING_LANG", DEFAULT_LANG)
    return lang if lang in LANGS else DEFAULT_LANG


def check_lang(lang: str | None) -> str:
    """Return a supported language code, or raise the package's error."""
    if lang is None or lang == "":
        return default_lang()
    if lang not in LANGS:
        from cmtraining.core.errors import UnknownLanguageError

        raise UnknownLanguageError(value=lang, allowed=", ".join(LANGS))
    return lang


def _flatten(tree: dict, prefix: str = "") -> dict[str, str]:
    flat: dict[str, str] = {}
    for key, value in tree.items():
        dotted = f"{prefix}{key}"
        if isinstance(value, dict):
            flat.update(_flatten(value, dotted + "."))
        else:
            flat[dotted] = str(value)
    return flat


def catalogue_files(lang: str) -> list[Path]:
    return sorted(_HERE.glob(f"{lang}-*.yaml"))


@cache
def catalogue(lang: str) -> dict[str, str]:
    from cmtraining.core.yamlio import load_yaml

    merged: dict[str, str] = {}
    for path in catalogue_files(lang):
        with open(path, encoding="utf-8") as fh:
            part = _flatten(load_yaml(fh) or {})
        twice = set(part) & set(merged)
        if twice:
            raise ValueError(f"{path.name} redefines {sorted(twice)}")
        merged.update(part)
    return _fill_stage_numbers(merged)


def _fill_stage_numbers(merged: dict[str, str]) -> dict[str, str]:
    """Cross-references name a stage as `{stage_<key>}`: its number comes from the registry.

    So a renumbered journey renumbers every "create it in stage 4" with it.
    """
    from cmtraining.core.stages import catalogue_numbers

    numbers = catalogue_numbers()
    for key, text in merged.items():
        if "{stage_" in text:
            for name, number in numbers.items():
                text = text.replace("{" + name + "}", number)
            merged[key] = text
    return merged


def placeholders(text: str) -> set[str]:
    return {name for _, name, _, _ in string.Formatter().parse(text) if name}


def plural_form(count) -> str:
    """CLDR's category for Spanish and English: `one` for exactly 1, else `other`."""
    try:
        return "one" if float(str(count).replace(",", ".")) == 1 else "other"
    except ValueError:
        return "other"


def _lookup(key: str, lang: str, params: dict) -> str | None:
    """The entry for `key`; a plural entry (a map of `one`/`other`) picks its form by `count`,
    so no screen writes "mensaje(s)" or "1 problems"."""
    entries = catalogue(lang)
    text = entries.get(key)
    if text is None and "count" in params:
        text = entries.get(f"{key}.{plural_form(params['count'])}")
    return text


def forms(key: str, lang: str | None = None) -> list[str]:
    """The texts `key` can give: itself, or its `one` and `other` forms; [] if unknown."""
    entries = catalogue(check_lang(lang))
    if key in entries:
        return [entries[key]]
    return [entries[f"{key}.{form}"] for form in ("one", "other") if f"{key}.{form}" in entries]


def t(key: str, lang: str | None = None, **params) -> str:
    """Translate `key` into `lang` (default: Spanish), filling `{params}`.

    A plural entry (`key.one` / `key.other`) is chosen by the `count` parameter.

    A key missing from the catalogue is a programming error, caught by the
    catalogue tests; at run time it falls back to the other language, then
    to the key itself, so a user never sees a crash for a missing string.
    """
    lang = check_lang(lang)
    text = _lookup(key, lang, params)
    if text is None:
        for other in LANGS:
            text = _lookup(key, other, params)
            if text is not None:
                break
        else:
            return key
    if params:
        try:
            return text.format(**params)
        except (KeyError, IndexError, ValueError):
            return text
    return text


def choices(prefix: str, lang: str | None = None) -> dict[str, str]:
    """All entries under `prefix.` as {last part of key: text}, in order."""
    lang = check_lang(lang)
    start = prefix + "."
    return {k[len(start):]: v for k, v in catalogue(lang).items() if k.startswith(start)}
