"""The message catalogue: every user-facing string, in Spanish and English.

Catalogues are YAML files beside this module: `es.yaml` and `en.yaml`, plus
one pair per stage or engine (`es-<part>.yaml`, `en-<part>.yaml`) so that
each module's strings live together; nested maps are flattened to dotted
keys, and a key defined in two files is an error. Spanish is the default because the source
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
        from cmtraining.errors import UnknownLanguageError

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
    return [_HERE / f"{lang}.yaml", *sorted(_HERE.glob(f"{lang}-*.yaml"))]


@cache
def catalogue(lang: str) -> dict[str, str]:
    from cmtraining.yamlio import load_yaml

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
    from cmtraining.stages import catalogue_numbers

    numbers = catalogue_numbers()
    for key, text in merged.items():
        if "{stage_" in text:
            for name, number in numbers.items():
                text = text.replace("{" + name + "}", number)
            merged[key] = text
    return merged


def placeholders(text: str) -> set[str]:
    return {name for _, name, _, _ in string.Formatter().parse(text) if name}


def t(key: str, lang: str | None = None, **params) -> str:
    """Translate `key` into `lang` (default: Spanish), filling `{params}`.

    A key missing from the catalogue is a programming error, caught by the
    catalogue tests; at run time it falls back to the other language, then
    to the key itself, so a user never sees a crash for a missing string.
    """
    lang = check_lang(lang)
    text = catalogue(lang).get(key)
    if text is None:
        for other in LANGS:
            text = catalogue(other).get(key)
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
