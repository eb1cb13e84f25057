"""Numbers as the reader writes them, for every app, finding, report and feedback page.

Spanish groups thousands with a dot ("116.222"), uses a decimal comma and puts a non-breaking space before "%" ("12,5 %",
so a table cell never wraps between the number and its sign); English
writes "6,371", "12.5%". Babel knows the grouping rules (CLDR); the percent
sign is written here because a custom Babel pattern spells it literally.
Dates too: "4 jun 2027" / "Jun 4, 2027" (Babel's CLDR medium date), never
an ISO date or a browser's mm/dd/yyyy on a Spanish screen (issue 19.8).
One module, so the apps, the report and the findings can't drift apart.
"""

from __future__ import annotations

import math
import re

from cmtraining.core.errors import CmtrainingError

NBSP = "\u00a0"
MISSING = "—"


#: the space between a figure and the word or unit after it ("3,1 h/semana", "6 h")
_FIGURE_SPACE = re.compile(r"(?<=\d) (?=[^\W\d_]|%)")
#: ... and before it ("al minuto 300"), for headings
_WORD_FIGURE = re.compile(r"(?<=[^\W\d_]) (?=\d)")
#: the hyphen of a range of figures ("25-49 años")
_RANGE_HYPHEN = re.compile(r"(?<=\d)-(?=\d)")
NB_HYPHEN = "\u2011"


def keep_figures_with_units(text: str, *, heading: bool = False) -> str:
    """No line break between a number and its unit or noun, nor inside a range: "3,1" at a
    line's end and "h/semana" on the next read as two things (sweeps 5 and 6: the fit
    table's Effort column, "(25-" / "49 años)"). A `heading` also keeps a number with
    the word before it (a column's "al minuto" / "300")."""
    text = _RANGE_HYPHEN.sub(NB_HYPHEN, _FIGURE_SPACE.sub(NBSP, text))
    return _WORD_FIGURE.sub(NBSP, text) if heading else text


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


def whole(x: float) -> int:
    """A score to a whole number, halves up (67.5 -> 68, 52.5 -> 53), as a reader rounds;
    Python's round() takes halves to the even neighbour (52.5 -> 52)."""
    return math.floor(x + 0.5 + 1e-9)


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


def day(value, lang: str) -> str:
    """A date as the reader writes it: "4 jun 2027" / "Jun 4, 2027" (CLDR medium)."""
    if value is None:
        return MISSING
    from babel.dates import format_date

    return format_date(value, "medium", locale=lang)


def weekday_day(value, lang: str) -> str:
    """A day in the current calendar, with its weekday: "vie, 4 dic" / "Fri, Dec 4"."""
    if value is None:
        return MISSING
    from babel.dates import format_skeleton

    return format_skeleton("MMMEd", value, locale=lang)


def month(value, lang: str) -> str:
    """A month as the reader writes it: "oct 2026" / "Oct 2026" (CLDR yMMM)."""
    if value is None:
        return MISSING
    from babel.dates import format_skeleton

    return format_skeleton("yMMM", value, locale=lang)


def day_time(value, lang: str) -> str:
    """A date and time of day: "4 jun 2027, 14:05" / "Jun 4, 2027, 2:05 PM"."""
    if value is None:
        return MISSING
    from babel.dates import format_time

    return f"{day(value, lang)}, {format_time(value, 'short', locale=lang)}"


def clock(value: str, lang: str) -> str:
    """A time of day written "HH:MM" (service hours), as the reader writes it:
    "9:00" / "9:00 AM"; anything else is shown as it is."""
    from datetime import time

    from babel.dates import format_time

    try:
        hour, minute = (int(part) for part in str(value).split(":"))
        return format_time(time(hour, minute), "short", locale=lang)
    except (TypeError, ValueError):
        return str(value)


_CLOCK = re.compile(r"^\s*(\d{1,2})(?:[:.h](\d{2}))?\s*(?:h\s*)?([ap])?\.?\s*(?:m\.?)?\s*$",
                    re.IGNORECASE)


def parse_clock(text: str) -> str:
    """A time of day as a trainee types it ("9", "9:30", "9:00 AM", "6 pm", "18.30",
    "18h") as "HH:MM"; text that is not a time comes back as it is, for the field's
    own check to refuse with its message."""
    match = _CLOCK.match(str(text).replace("\u202f", " "))
    if not match:
        return str(text).strip()
    hour, minute, half = int(match[1]), int(match[2] or 0), (match[3] or "").lower()
    if half and not 1 <= hour <= 12:
        return str(text).strip()
    if half:
        hour = hour % 12 + (12 if half == "p" else 0)
    if hour > 23 or minute > 59:
        return str(text).strip()
    return f"{hour:02d}:{minute:02d}"


def parse_day(text: str, lang: str):
    """A date typed as the reader writes it ("4/6/2027", "4 jun 2027", "2027-06-04"), or None.

    Spanish reads day/month/year, English month/day/year (CLDR short
    pattern); ISO dates are read in both. None when the text is not a date.
    """
    import re
    from datetime import date

    from babel.dates import get_month_names, parse_date

    text = " ".join(text.strip().lower().replace(",", " ").split())
    if not text:
        return None
    if re.fullmatch(r"\d{4}-\d{1,2}-\d{1,2}", text):
        try:
            return date.fromisoformat("-".join(f"{int(p):02d}" for p in text.split("-")))
        except ValueError:
            return None
    words = re.fullmatch(r"(\d{1,2}) (?:de )?([^\d\s]+)\.? (?:de )?(\d{4})", text) \
        or re.fullmatch(r"([^\d\s]+)\.? (\d{1,2}) (\d{4})", text)
    if words:
        first, second, year = words.groups()
        name, number = (second, first) if first.isdigit() else (first, second)
        months = {}
        for width in ("wide", "abbreviated"):
            for index, month in get_month_names(width, locale=lang).items():
                months[month.lower().rstrip(".")] = index
        if name.rstrip(".") not in months:
            return None
        try:
            return date(int(year), months[name.rstrip(".")], int(number))
        except ValueError:
            return None
    if not re.fullmatch(r"\d{1,2}[/.-]\d{1,2}[/.-]\d{2,4}", text):
        return None
    try:
        parsed = parse_date(re.sub(r"[.-]", "/", text), locale=lang)
    except (ValueError, IndexError):
        return None
    return parsed if parsed.year >= 1900 else None


# --- rounding rules per quantity (issue 21.8) -------------------------------------------
# A figure carries no more digits than the data behind it holds:
# - a rate's level (engagement, clicks, conversation): two significant figures
#   and at most two decimals ("0,06 %", "4,6 %", "14 %"); monthly rates swing
#   by ~20 %, so a third figure is noise, and a column of rates reads alike
#   ("0,01 %" next to "0,09 %", not "0,0075 %" next to "0,092 %"); a rate
#   that is not zero but rounds to it is written "<0,01 %";
# - a growth or a progress over a period: whole percent ("-7 %", "45 %"), one
#   decimal below 1 % so a small change is not written as "0 %".


def _significant_decimals(value: float, figures: int) -> int:
    import math

    if value == 0 or not math.isfinite(value):
        return 0
    return max(0, figures - 1 - math.floor(math.log10(abs(value))))


RATE_MAX_DECIMALS = 2


def rate_decimals(value: float) -> int:
    """Decimals of a rate's percentage: two significant figures, at most `RATE_MAX_DECIMALS`."""
    pct = float(value) * 100
    decimals = min(RATE_MAX_DECIMALS, _significant_decimals(pct, 2))
    if round(pct, decimals) == 0:
        return decimals
    # 9.96 rounds to 10: one figure less
    return min(RATE_MAX_DECIMALS, _significant_decimals(round(pct, decimals), 2))


def column_rate_decimals(values) -> int:
    """One number of decimals for a column of rates: the most any of them needs, so the
    column lines up (sweep 4: "6.6%" above "0.73%" above "7.8%")."""
    needed = [rate_decimals(v) for v in values if not _missing(v)]
    return max(needed, default=0)


def rate(value: float | None, lang: str, *, decimals: int | None = None) -> str:
    """A rate's level (a fraction) as a percentage by the one rule for rates (see above);
    `decimals`: a column's own (`column_rate_decimals`)."""
    if _missing(value):
        return MISSING
    decimals = rate_decimals(value) if decimals is None else decimals
    if value and round(abs(float(value)) * 100, decimals) == 0:  # not zero, but under 0,01 %
        floor = percent(10 ** -(RATE_MAX_DECIMALS + 2), lang, decimals=RATE_MAX_DECIMALS)
        return (">-" if value < 0 else "<") + floor
    return percent(value, lang, decimals=decimals)


def growth(value: float | None, lang: str, *, sign: bool = False) -> str:
    """A change or a progress (a fraction) as whole percent; one decimal under 1 %."""
    if _missing(value):
        return MISSING
    small = 0 < abs(float(value)) < 0.01 and round(float(value) * 100) == 0
    return percent(value, lang, decimals=1 if small else 0, sign=sign)



def growth_rate(value: float | None, lang: str) -> str:
    """A month's audience growth, signed with one decimal ("+4,0 %", "+0,3 %"): one rule
    for the whole column, so its figures line up (sweep 3: "+4 %" above "+0,3 %")."""
    return percent(value, lang, decimals=1, sign=True)


# --- reading numbers the reader typed (issue 21.6) --------------------------------------


class NumberEntryError(CmtrainingError):
    """A number typed in a form that cannot be read in the reader's language."""

    key = "core.number_entry.unreadable"


def parse_number(text: str, lang: str, *, percent_sign: bool = False) -> float:
    """A number as the reader writes it: "4.000" is four thousand in Spanish, "4,5" is 4.5.

    Babel's strict parser (CLDR separators for `lang`): a grouping mark in the
    wrong place ("4.00" in Spanish, "4,5" in English) is refused rather than
    guessed, and so are words ("tres mil"). `percent_sign` lets a trailing "%"
    through, for fields that take a percentage. Raises `NumberEntryError`
    with the text and an example in the reader's format.
    """
    from babel.numbers import NumberFormatError, parse_decimal

    raw = (text or "").strip().replace(NBSP, " ")
    if percent_sign and raw.endswith("%"):
        raw = raw[:-1].strip()
    if raw.startswith("+"):
        raw = raw[1:]
    example = decimal(1234.5, lang, decimals=1)
    if not raw:
        raise NumberEntryError("core.number_entry.empty", text=text or "", example=example)
    negative = raw.startswith(("-", "\u2212"))
    body = raw[1:].strip() if negative else raw
    if not body or not (body[0].isdigit() and body[0].isascii()):
        raise NumberEntryError(text=text, example=example)
    try:
        number = parse_decimal(body, locale=lang, strict=True)
    except (NumberFormatError, ValueError) as exc:
        raise NumberEntryError(text=text, example=example) from exc
    if not number.is_finite():
        raise NumberEntryError(text=text, example=example)
    return -float(number) if negative else float(number)
