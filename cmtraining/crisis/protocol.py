"""The crisis protocol checker and the facilitator's default protocol.

    check_protocol(protocol, lang=None, *, org_language=None) -> list[Finding]
    default_protocol(workbook, lang=None) -> CrisisProtocol

A protocol is written so that nobody has to decide *who* decides while a
crisis spreads. The checker looks for the gaps that cost the golden hour:
a level without an owner or a pre-approved holding statement, no trigger
to say when a level starts, nobody to clear a text legally or to answer at
night, no approval chain (or one too long), no channel with room for the
full statement, monitoring too slow for a serious level, no dark site or
pinned post prepared. Each check returns an `ok` finding when it passes,
so the trainee sees what is already covered.

Monitoring cadences per level (`MAX_CADENCE`) are cmtraining's teaching
choice: at level 3-4 a post can reach thousands of accounts within one
15-minute turn of the simulation, so checking less often than that means
learning about the crisis from a journalist.
"""

from __future__ import annotations

from cmtraining.core.findings import Finding, Key
from cmtraining.core.numbers import decimal, percent
from cmtraining.i18n import check_lang, t
from cmtraining.workbook.sections_crisis import OWNED_WEB, PERCENT_THRESHOLDS, CrisisProtocol

__all__ = ["MAX_APPROVALS", "MAX_CADENCE", "check_protocol", "default_protocol",
           "describe_trigger"]

#: cmtraining_2026: the slowest acceptable monitoring cadence, minutes per level
MAX_CADENCE = {1: 240, 2: 60, 3: 30, 4: 15}
#: cmtraining_2026: more sign-offs than this rarely fit in the golden hour
MAX_APPROVALS = 3
#: Triggers whose threshold must get stricter with the level: +1 rises, -1 falls.
_RISING = {"volume_per_hour": 1, "influencer": 1, "net_sentiment": -1}


def channel_label(channel: str, lang: str) -> str:
    """A statement channel's name: an owned one's ("Web de crisis") or a network's ("Facebook"),
    from one catalogue list in sentence case, so checkboxes, menus and summaries agree."""
    from typing import get_args

    from cmtraining.workbook.base import NetworkId

    return t(f"common.{'network' if channel in get_args(NetworkId) else 'channel'}.{channel}",
             check_lang(lang))


def describe_trigger(trigger, lang: str | None = None) -> str:
    """A trigger in words for the report and the apps, e.g. "net sentiment ≤ -40.0%".

    Net sentiment is a percentage, as the listening audit and the objectives show it
    ("-10,0 %", not "-0,1"); counts have their grouping ("10.000").
    """
    lang = check_lang(lang)
    text = t(f"crisis.trigger.{trigger.kind}", lang)
    if trigger.threshold is not None:
        number = (percent(trigger.threshold, lang) if trigger.kind in PERCENT_THRESHOLDS
                  else decimal(trigger.threshold, lang, decimals=4, trim=True))
        text += f" {'≤' if _RISING.get(trigger.kind) == -1 else '≥'} {number}"
    return f"{text} ({trigger.note})" if trigger.note else text


def _f(code: str, severity: str, message: str, value=None, **params) -> Finding:
    return Finding(code=f"crisis.protocol.{code}", level=severity,
                   rule_key=f"crisis.protocol.rule.{code}",
                   message_key=f"crisis.protocol.msg.{message}", value=value, params=params)


def _levels(protocol: CrisisProtocol) -> list[Finding]:
    present = sorted(x.level for x in protocol.levels)
    if not present:
        return [_f("levels", "error", "no_levels")]
    missing = [n for n in (1, 2, 3, 4) if n not in present]
    if missing:
        return [_f("levels", "warning", "levels_missing", missing,
                   missing=", ".join(map(str, missing)))]
    return [_f("levels", "ok", "levels_ok", present)]


def _owners(protocol: CrisisProtocol) -> list[Finding]:
    out = [_f("owner", "error", "owner_missing", x.level, level=x.level)
           for x in protocol.levels if not x.owner]
    return out or [_f("owner", "ok", "owner_ok")]


def _statements(protocol: CrisisProtocol, org_language: str) -> list[Finding]:
    """The organization's language is required; the other of es/en is advised."""
    out = []
    for x in sorted(protocol.levels, key=lambda x: x.level):
        for language in (org_language, "en" if org_language == "es" else "es"):
            if x.holding_statement.get(language, "").strip():
                continue
            main = language == org_language
            # Level 1 is handled as ordinary customer care: a gap there is less urgent.
            level = "error" if main and x.level >= 2 else "warning" if main else "info"
            out.append(_f("statement", level, "statement_missing" if main else "statement_other",
                          [x.level, language], level=x.level, language=Key(f"crisis.language.{language}")))
    return out or [_f("statement", "ok", "statement_ok")]


def _triggers(protocol: CrisisProtocol) -> list[Finding]:
    out = []
    levels = sorted(protocol.levels, key=lambda x: x.level)
    for x in levels:
        if not x.triggers:
            out.append(_f("triggers", "warning", "triggers_missing", x.level, level=x.level))
    for kind, sign in _RISING.items():
        previous = None
        for x in levels:
            values = [g.threshold for g in x.triggers if g.kind == kind and g.threshold is not None]
            if not values:
                continue
            value = min(values) if sign > 0 else max(values)
            if previous is not None and sign * (value - previous[1]) <= 0:
                out.append(_f("triggers", "warning", "triggers_order", value, level=x.level,
                              previous=previous[0], trigger=Key(f"crisis.trigger.{kind}")))
            previous = (x.level, value)
    return out or [_f("triggers", "ok", "triggers_ok")]


def _contacts(protocol: CrisisProtocol) -> list[Finding]:
    legal = [c.role for c in protocol.contacts if c.is_legal]
    night = [c.role for c in protocol.contacts if c.after_hours]
    return [
        _f("legal", "ok", "legal_ok", legal, who=", ".join(legal)) if legal
        else _f("legal", "error", "legal_missing"),
        _f("after_hours", "ok", "after_hours_ok", night, who=", ".join(night)) if night
        else _f("after_hours", "error", "after_hours_missing"),
    ]


def _people(protocol: CrisisProtocol) -> list[Finding]:
    """Contacts are listed by role (people change), but in a crisis someone has to know whom
    to call: a contact without a person named is a gap, said with its roles."""
    unnamed = [c.role for c in protocol.contacts if not c.name.strip()]
    if unnamed:
        return [_f("people", "warning", "people_missing", unnamed, count=len(unnamed),
                   who=", ".join(unnamed))]
    return [_f("people", "ok", "people_ok")] if protocol.contacts else []


def _approval(protocol: CrisisProtocol) -> list[Finding]:
    chain = protocol.approval_chain
    if not chain:
        return [_f("approval", "error", "approval_missing")]
    out = []
    if len(chain) > MAX_APPROVALS:
        out.append(_f("approval", "warning", "approval_long", len(chain), count=len(chain)))
    roles = {c.role.casefold() for c in protocol.contacts}
    out += [_f("approval", "warning", "approval_unknown", who, who=who)
            for who in chain if who.casefold() not in roles]
    return out or [_f("approval", "ok", "approval_ok", chain, chain=" → ".join(chain))]


def _channels(protocol: CrisisProtocol) -> list[Finding]:
    if not protocol.channels:
        return [_f("channels", "error", "channels_missing")]
    if not set(protocol.channels) & set(OWNED_WEB):
        return [_f("channels", "warning", "channels_web", list(protocol.channels))]
    return [_f("channels", "ok", "channels_ok", list(protocol.channels),
               count=len(protocol.channels))]


def _cadence(protocol: CrisisProtocol) -> list[Finding]:
    out = []
    for x in sorted(protocol.levels, key=lambda x: x.level):
        limit = MAX_CADENCE[x.level]
        if x.monitor_minutes is None:
            out.append(_f("cadence", "error" if x.level >= 3 else "warning", "cadence_missing",
                          x.level, level=x.level, limit=limit))
        elif x.monitor_minutes > limit:
            out.append(_f("cadence", "warning", "cadence_slow", x.monitor_minutes, level=x.level,
                          minutes=x.monitor_minutes, limit=limit))
    top = max((x.level for x in protocol.levels), default=4)
    return out or [_f("cadence", "ok", "cadence_ok", level=top, limit=MAX_CADENCE[top])]


def check_protocol(protocol: CrisisProtocol, lang: str | None = None, *,
                   org_language: str | None = None) -> list[Finding]:
    """Every gap of `protocol` with its reason, and an `ok` finding for each check passed.

    `org_language` is the profile's language: its holding statements are
    required. When it is neither es nor en (or not given), `lang` stands in.
    """
    lang = check_lang(lang)
    org_language = org_language if org_language in ("es", "en") else lang
    if isinstance(protocol, dict):
        protocol = CrisisProtocol.model_validate(protocol)
    findings = _levels(protocol)
    if protocol.levels:
        findings += _owners(protocol) + _statements(protocol, org_language) + _triggers(protocol)
        findings += _cadence(protocol)
    findings += _contacts(protocol) + _people(protocol) + _approval(protocol)
    findings += _channels(protocol)
    findings.append(_f("dark_site", "ok", "dark_site_ok") if protocol.dark_site_plan.strip()
                    else _f("dark_site", "warning", "dark_site_missing"))
    return findings


# --- the facilitator's prefill -----------------------------------------------------


def _escalation_to(workbook, *triggers: str) -> str:
    rules = {e.trigger: e.to for e in workbook.response_playbook.escalation}
    return next((rules[x] for x in triggers if rules.get(x)), "")


def default_protocol(workbook, lang: str | None = None) -> CrisisProtocol:
    """A complete protocol to start from, using the workbook's own people as hints.

    The crisis owner is whoever the response playbook escalates crises to
    (else the informant whose department handles crises, else "Management":
    never a department that does not, issue 21.11); the legal
    contact whoever legal issues go to. Thresholds scale with the
    organization's usual mention volume when the listening audit has one.
    """
    from cmtraining.response.triage import covering

    lang = check_lang(lang or workbook.lang)
    role = {k: t(f"crisis.default.role.{k}", lang)
            for k in ("management", "spokesperson", "community_manager", "legal", "on_call")}
    owner = (_escalation_to(workbook, "crisis_signal", "safety")
             or covering(workbook.informants, "crisis")
             or role["management"])
    legal = _escalation_to(workbook, "legal") or role["legal"]
    if legal == owner:
        legal = role["legal"]
    cm = role["community_manager"]
    summary = workbook.listening.summary
    per_hour = 1.0
    if summary and summary.mentions:
        days = max(1, (summary.period_end - summary.period_start).days + 1)
        per_hour = max(1.0, summary.mentions / days / 24)
    volume = {n: round(per_hour * factor) for n, factor in ((1, 3), (2, 6), (3, 12), (4, 25))}
    sentiment = {1: -0.1, 2: -0.25, 3: -0.4, 4: -0.6}
    owners = {1: cm, 2: cm, 3: owner, 4: owner}
    levels = []
    for n in (1, 2, 3, 4):
        triggers = [{"kind": "volume_per_hour", "threshold": max(n, volume[n])},
                    {"kind": "net_sentiment", "threshold": sentiment[n]}]
        if n >= 2:
            triggers.append({"kind": "influencer", "threshold": 10_000 * n})
        if n >= 3:
            triggers += [{"kind": "media_enquiry"}, {"kind": "legal"}]
        if n == 4:
            triggers.append({"kind": "safety"})
        levels.append({"level": n, "name": t(f"crisis.default.level.{n}", lang),
                       "owner": owners[n], "triggers": triggers,
                       "monitor_minutes": MAX_CADENCE[n],
                       "holding_statement": {x: t(f"crisis.default.statement.{n}", x)
                                             for x in ("es", "en")}})
    reach = t("crisis.default.reach_by", lang)
    contacts = [
        {"role": owner, "kind": "management", "reach_by": reach, "after_hours": True},
        {"role": role["spokesperson"], "kind": "spokesperson", "reach_by": reach},
        {"role": cm, "kind": "community_manager", "reach_by": reach},
        {"role": legal, "kind": "legal", "legal": True, "reach_by": reach},
    ]
    channels = list(dict.fromkeys([r.network for r in workbook.networks]))
    if not channels:
        channels = list(dict.fromkeys(m.network for m in workbook.metrics))
    return CrisisProtocol.model_validate({
        "levels": levels, "contacts": contacts,
        "approval_chain": [cm, owner, legal] if owner != cm else [cm, legal],
        "channels": [*channels, "website", "dark_site"],
        "dark_site_plan": t("crisis.default.dark_site_plan", lang),
    })
