"""Where the organization stands today on the crisis protocol (issue 15, part 2).

`current(wb, as_of)` reads the listening audit's open spike alerts and the
crisis protocol and answers: is there an open incident, which protocol level
it matches and what the protocol says to do (owner, holding statement,
monitoring cadence). The report's crisis and risks sections and the
coherence engine use it. Pure: no widgets, no I/O.

- An **incident** is a run of alert days with at most `INCIDENT_GAP` quiet
  days between two of them; the latest one is **open** when its last alert
  day is at most `QUIET_DAYS` before the end of what listening saw (the
  audit's last day, or `as_of` when earlier; alerts after `as_of` are not
  known yet).
- Its **level** is the highest protocol level with a trigger the incident
  meets: ``volume_per_hour`` against the peak day's negative mentions per
  hour (the workbook keeps daily counts, so this is the day's average hour,
  a lower bound of the peak hour), ``net_sentiment`` against the incident
  days' own net sentiment (their positive and negative mentions, which the
  alerts keep; the whole period's, diluted by the quiet days around it, only
  for alerts saved without them). Event triggers (media, legal, safety, influencer) cannot be
  read from listening figures. When no trigger is met, the lowest level
  applies (`by_trigger` is False): a spike the detector flags is at least
  something to watch.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, timedelta

# Assumption (cmtraining, 2026): one quiet day inside a run of alerts is the same story
# (a weekend lull); two quiet days after the last alert close the incident.
INCIDENT_GAP = 1
QUIET_DAYS = 2


@dataclass(frozen=True)
class CrisisStatus:
    open: bool  # an alert is open on or near `as_of`
    alert_days: list[date] = field(default_factory=list)  # the alert days of the open incident
    level: str | None = None  # id/name of the protocol level it matches (None: no matching level)
    actions: list[str] = field(default_factory=list)  # what the protocol says to do, in `lang`
    number: int | None = None  # the level's number (1-4)
    owner: str = ""  # who decides at that level ("" when the protocol names nobody)
    peak_negative: int = 0  # negative mentions on the incident's worst day
    by_trigger: bool = False  # a trigger of the level was met (else: the lowest level applies)
    why: object = None  # the trigger met, in words (a `Phrase`), when `by_trigger`


def incidents(days: list[date]) -> list[list[date]]:
    """Alert days grouped into incidents (see the module docstring)."""
    out: list[list[date]] = []
    for day in sorted(set(days)):
        if out and (day - out[-1][-1]).days <= INCIDENT_GAP + 1:
            out[-1].append(day)
        else:
            out.append([day])
    return out


def _matched(levels, per_hour: float, sentiment: float | None):
    """The highest level with a trigger met, and that trigger in words (`Phrase`)."""
    from cmtraining.core.findings import Number, Percent, Phrase

    hits = []
    for lv in levels:
        for trig in lv.triggers:
            if trig.threshold is None:
                continue
            if trig.kind == "volume_per_hour" and per_hour >= trig.threshold:
                hits.append((lv, Phrase("crisis.status.why.volume_per_hour",
                                        value=Number(per_hour), threshold=Number(trig.threshold))))
                break
            if trig.kind == "net_sentiment" and sentiment is not None and sentiment <= trig.threshold:
                hits.append((lv, Phrase("crisis.status.why.net_sentiment", value=Percent(sentiment),
                                        threshold=Percent(trig.threshold))))
                break
    return max(hits, key=lambda hit: hit[0].level) if hits else (None, None)


def incident_sentiment(alerts, summary) -> float | None:
    """Net sentiment of the incident's own days; the period's when an alert lacks its day's
    positive count (an older audit), None when neither is known."""
    from cmtraining.metrics.kpis import net_sentiment

    if alerts and all(a.positive is not None for a in alerts):
        return net_sentiment(sum(a.positive for a in alerts), sum(a.negative for a in alerts))
    return summary.net_sentiment if summary is not None else None


def _actions(wb, lv, lang: str) -> list[str]:
    from cmtraining.i18n import t

    protocol = wb.crisis_protocol
    out = []
    if lv.monitor_minutes:  # "every 4 hours", not "every 240 minutes"
        out.append(t(*monitor_key("planning.coherence.crisis.action.monitor", lv.monitor_minutes), lang,
                     **monitor_params(lv.monitor_minutes)))
    statement = lv.holding_statement.get(lang) or next(
        (text for text in lv.holding_statement.values() if text.strip()), "")
    if statement.strip():
        out.append(t("planning.coherence.crisis.action.statement", lang, text=statement.strip()))
    if protocol.approval_chain:
        out.append(t("planning.coherence.crisis.action.approval", lang,
                     chain=" → ".join(protocol.approval_chain)))
    if protocol.channels:
        from cmtraining.crisis.protocol import channel_label

        names = [channel_label(c, lang) for c in protocol.channels]
        out.append(t("planning.coherence.crisis.action.channels", lang, channels=", ".join(names)))
    return out


def monitor_key(key: str, minutes: int) -> tuple[str]:
    """The catalogue key for a monitoring cadence: whole hours read as hours."""
    return (f"{key}_hours",) if minutes >= 120 and minutes % 60 == 0 else (key,)


def monitor_params(minutes: int) -> dict:
    return {"minutes": minutes, "hours": minutes // 60}


def current(wb, *, as_of: date | None = None, lang: str | None = None) -> CrisisStatus | None:
    """The open incident of `wb` and what its protocol says, or None when nothing is open."""
    from cmtraining.i18n import check_lang

    lang = check_lang(lang or wb.lang)
    alerts = [a for a in wb.listening.alerts if as_of is None or a.day <= as_of]
    if not alerts:
        return None
    summary = wb.listening.summary
    end = summary.period_end if summary is not None else max(a.day for a in alerts)
    if as_of is not None:
        end = min(end, as_of)
    latest = incidents([a.day for a in alerts])[-1]
    if end - latest[-1] > timedelta(days=QUIET_DAYS):
        return None
    peak = max(a.negative for a in alerts if a.day in set(latest))
    levels = sorted(wb.crisis_protocol.levels, key=lambda lv: lv.level)
    if not levels:
        return CrisisStatus(open=True, alert_days=latest, peak_negative=peak)
    sentiment = incident_sentiment([a for a in alerts if a.day in set(latest)], summary)
    lv, why = _matched(levels, peak / 24, sentiment)
    by_trigger = lv is not None
    lv = lv or levels[0]
    name = f"{lv.level} · {lv.name}" if lv.name else str(lv.level)
    return CrisisStatus(open=True, alert_days=latest, level=name, actions=_actions(wb, lv, lang),
                        number=lv.level, owner=lv.owner, peak_negative=peak,
                        by_trigger=by_trigger, why=why)
