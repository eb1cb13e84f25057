"""A workbook's inbox: the generated mentions (or an import) it is audited on.

Sample organizations get their own generated inbox; a trainee's own
organization gets the inbox of the closest sample (by kind) with its name
in place of the sample's, so that every stage has something real to work on.
The inbox itself is never stored: the same seed gives it back, and the
Workbook keeps only what the trainee concluded (summary, alerts, findings).
"""

from __future__ import annotations

from cmtraining.listening.mentions import generate_mentions, sample_for_kind
from cmtraining.samples.organizations import list_organizations, load_organization

DEFAULT_SEED = 1  # the notebooks' `seed` parameter default: the sample every trainee starts on


def sample_of(workbook) -> str:
    """The sample organization whose inbox this workbook uses."""
    if workbook.org_id in list_organizations():
        return workbook.org_id
    return sample_for_kind(workbook.profile.kind)


def inbox_for(workbook, *, seed: int = DEFAULT_SEED, days: int = 28, incident: bool = True,
              lang: str = "es"):
    """The generated mentions for this workbook, and a line saying where they come from."""
    from cmtraining.i18n import t

    org_id = sample_of(workbook)
    own = workbook.org_id == org_id
    competitors = workbook.listening.competitors or None
    frame = generate_mentions(org_id, days=days, seed=seed, incident=incident,
                              brand=None if own else workbook.profile.name,
                              competitors=competitors)
    key = "listening.inbox.sample" if seed == DEFAULT_SEED else "listening.inbox.sample_variant"
    source = t(key, lang, name=workbook.profile.name, seed=seed, days=days)
    if incident:
        source += " · " + t("listening.inbox.incident", lang)
    return frame, source


def competitors_in_use(workbook) -> list[str]:
    """The competitors of the generated inbox: the workbook's, or else its sample's."""
    return list(workbook.listening.competitors or
                load_organization(sample_of(workbook)).listening.competitors)


def brand_terms(workbook) -> tuple[str, str]:
    """The organization's name and handle (left out of the top terms)."""
    org_id = sample_of(workbook)
    handle = load_organization(org_id).listening.handle if workbook.org_id == org_id else ""
    return workbook.profile.name, handle


def audit_change(audit, *, sensitivity: float):
    """A workbook change that stores the audit's summary and alerts."""
    summary = audit.summary()
    days = {row["day"]: row for row in audit.daily.to_dict("records")} if len(audit.daily) else {}
    alerts = [{"day": a.day, "negative": a.count, "expected": a.expected,
               "threshold": a.threshold, **_day_figures(days.get(a.day))} for a in audit.alerts]

    def change(wb):
        data = wb.model_dump()
        data["listening"]["summary"] = summary.model_dump() if summary else None
        data["listening"]["alerts"] = alerts
        data["listening"]["sensitivity"] = sensitivity
        return data
    return change


def _day_figures(row) -> dict:
    """An alert day's own mentions and positive ones (the crisis status reads the incident's
    net sentiment from them); nothing when the audit has no row for that day."""
    if row is None:
        return {}
    return {"mentions": int(row["total"]), "positive": int(row["positive"])}


def prefill_listening(wb, *, seed: int, days: int, incident: bool, lang: str,
                      backend=None) -> dict:
    """The facilitator's prefill: competitors, the audit's summary and alerts, its findings.

    `backend`: the organization's adapted sentiment model, if any (None: the default).
    """
    from cmtraining.listening.audit import audit_mentions

    data = wb.model_dump()
    if not wb.listening.competitors:
        data["listening"]["competitors"] = competitors_in_use(wb)
    frame, source = inbox_for(wb, seed=seed, days=days, incident=incident, lang=lang)
    brand, handle = brand_terms(wb)
    audit = audit_mentions(frame, brand=brand, handle=handle, source=source,
                           sensitivity=wb.listening.sensitivity, backend=backend)
    data = audit_change(audit, sensitivity=wb.listening.sensitivity)(_Dumped(data))
    if not wb.listening.findings:
        from cmtraining.i18n import t

        data["listening"]["findings"] = [
            {"topic": t(f"listening.topic.{f.code.split('.')[-1]}", lang), "source": source[:200],
             "sentiment": finding_tone(f), "note": f.message(lang)[:5000]}
            for f in audit.findings() if f.level != "ok"][:10]
    return data


def finding_tone(finding) -> str | None:
    """The tone a conclusion drawn from an audit finding is tagged with.

    A split tone (net sentiment between -20 % and +20 %, overall or on a network)
    is "neutral", not "negative": the sweep found "-3 %... las opiniones están
    divididas" tagged negative. Other warnings (a competitor leads the
    conversation) have no tone; errors (alerts, a clearly negative tone) do.
    """
    if finding.message_key.endswith(("net_sentiment_warning", "network_split")):
        return "neutral"
    if finding.message_key.endswith("msg.network"):
        return "negative"
    return "negative" if finding.level == "error" else None


class _Dumped:
    """Adapter: lets `audit_change` apply to an already dumped workbook."""

    def __init__(self, data: dict):
        self._data = data

    def model_dump(self) -> dict:
        return self._data
