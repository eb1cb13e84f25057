"""Numbers as the reader writes them, for every app, finding, report and feedback page.

Spanish groups thousands with a dot ("116.222"), uses a decimal comma and puts a non-breaking space before "%" ("12,5 %",
so a table cell never wraps between the number and its sign); English
writes "6,371", "12.5%". Babel knows the grouping rules (CLDR); the percent
sign is written here because a custom Babel pattern spells it literally.
One module, so the apps, the report and the findings can't drift apart.
"""

from __future__ import annotations

NBSP = "\u00a0"
MISSING = "—"


def _missing(value) -> bool:
    return value is None or value != value  # None or NaN


def _digits(decimals: int, optional: bool = False) -> str:
    mark = "#" if optional else "0"
    return "#,##0" + ("." + mark * decimals if decimals else "")


def _clean(value: float, decimals: int) -> float:
    return round(float(value), decimals) + 0.0  # a rounded -0.0 is written as 0


def _signed(number: float, decimals: int, lang: str, *, sign: bool, trim: bool = False) -> str:
    """Babel's grouping and separators for any finite float, with the sign written here.

    Babel rounds with the ambient decimal context (28 digits): a huge value
    (a 10^27 % growth typed by mistake) would raise, so the context gets the
    digits the number needs.
    """
    import decimal as dec
    import math

    from babel.numbers import format_decimal

    if not math.isfinite(number):
        return ("-" if number < 0 else "+" if sign else "") + "∞"
    with dec.localcontext() as context:
        context.prec = max(28, len(f"{abs(number):.0f}") + decimals + 2)
        text = format_decimal(abs(number), format=_digits(decimals, optional=trim), locale=lang)
    return ("-" if number < 0 else "+" if sign and number > 0 else "") + text


def percent(value: float | None, lang: str, *, decimals: int = 1, sign: bool = False,
            small: bool = False) -> str:
    """A fraction (0.125) as "12,5 %" / "12.5%". `small`: rates under 1 % get two decimals."""
    if _missing(value):
        return MISSING
    if small and 0 < abs(value) < 0.01:
        decimals = max(decimals, 2)
    text = _signed(_clean(value * 100, decimals), decimals, lang, sign=sign)
    return text + (NBSP + "%" if lang == "es" else "%")


def count(value: float | None, lang: str) -> str:
    """A whole number with the language's grouping: "116.222" / "116,222"."""
    return MISSING if _missing(value) else _signed(float(round(value)), 0, lang, sign=False)


def decimal(value: float | None, lang: str, *, decimals: int = 1, sign: bool = False,
            trim: bool = False) -> str:
    """"2,5" / "2.5"; `trim` drops trailing zeros ("2" rather than "2,0")."""
    if _missing(value):
        return MISSING
    return _signed(_clean(value, decimals), decimals, lang, sign=sign, trim=trim)
