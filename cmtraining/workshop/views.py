"""What the pages show: the team's `TeamView` and the facilitator's `ConsoleView`.

Split from `live.py` (the lifecycle and clock) because building a page's view
only reads: the stored curves and injects, the drafts, and the exercise as
each team played it, cut at the clock's minute so a page never shows later.
`ViewsMixin` is one part of `Workshop`; it relies on the workshop's `store`,
`id`, `config`, `_row`, `_teams`, `team_names`, `exercise`, `_played` and
`seconds_left` (in `live.py`), and on `drafts`, `team_turns` and `_check_team`
(in `drafting.py`).
"""

from __future__ import annotations

from sqlalchemy import select

from cmtraining.workshop import store as db
from cmtraining.workshop.models import LINK, ConsoleView, TeamView


class ViewsMixin:
    """Read-only views of a workshop for the team pages and the facilitator's console."""

    def team_exercise(self, team_id: str, lang: str | None = None, *, minute: int | None = None):
        """The stage-5 exercise as this team played it (its turns from the store)."""
        return self._played(lang, self.minute if minute is None else minute,
                            self.team_turns(team_id))

    def curves(self, team_id: str | None = None) -> list[dict]:
        """Stored curves up to the current minute: [{team_id, minute, negative_reach, ...}]."""
        c = db.curves.c
        query = select(db.curves).where(c.workshop_id == self.id).order_by(c.team_id, c.minute)
        if team_id is not None:
            query = query.where(c.team_id == team_id)
        with self.store.engine.connect() as conn:
            return [{"team_id": r.team_id, "minute": r.minute,
                     "negative_reach": r.negative_reach, "outraged": r.outraged,
                     "new_negative": r.new_negative} for r in conn.execute(query)]

    def injects(self, team_id: str | None = None, lang: str | None = None) -> list[dict]:
        """The facilitator's injects (to everyone, or reaching `team_id`), in `lang`."""
        lang = lang or self.config.lang
        i = db.injects.c
        query = select(db.injects).where(i.workshop_id == self.id).order_by(i.id)
        if team_id is not None:
            query = query.where((i.team_id == team_id) | i.team_id.is_(None))
        with self.store.engine.connect() as conn:
            return [{"id": f"inject-x{r.id}", "kind": "facilitator_inject", "type": r.kind,
                     "minute": r.minute, "turn": r.turn, "team_id": r.team_id,
                     "author": None, "label": _t(f"workshop.inject.label.{r.kind}", lang),
                     "text": r.text_es if lang == "es" else r.text_en}
                    for r in conn.execute(query)]

    def _timeline(self, ex, injects: list[dict]) -> list[dict]:
        events = ex.timeline() + [{k: i[k] for k in ("minute", "kind", "type", "author", "id",
                                                     "text", "label")} for i in injects]
        return sorted(events, key=lambda e: (e["minute"], e["kind"].startswith("action")))

    def team_view(self, team_id: str, lang: str | None = None) -> TeamView:
        """What the team's page shows now (nothing later than the clock's minute)."""
        from cmtraining.i18n import check_lang

        self._check_team(team_id)
        lang = check_lang(lang or self.config.lang)
        row = self._row()
        drafts = self.drafts(team_id)
        ex = self._played(lang, row.minute, self.team_turns(team_id, drafts))
        injects = self.injects(team_id, lang)
        arrived = [i for i in ex.arrivals() if i["minute"] <= row.minute] if \
            row.status != "ready" else []
        inbox = sorted(arrived + injects, key=lambda i: i["minute"])
        published = [_shown(d, "published_minute") for d in drafts if d["state"] == "published"]
        return TeamView(
            workshop_id=self.id, team_id=team_id, team_name=self.team_names()[team_id],
            status=row.status, turn=row.turn, minute=row.minute, duration=ex.duration, lang=lang,
            roles=self.config.roles, inbox=inbox,
            posts=[{"id": p["id"], "author": p.get("author"), "minute": p["minute"],
                    "text": p["text"]} for p in ex.posts()] if row.status != "ready" else [],
            timeline=self._timeline(ex, injects) if row.status != "ready" else [],
            published=published,
            pending=[_shown(d, "minute") for d in drafts if d["state"] == "pending"],
            rejected=[_shown(d, "minute") for d in drafts if d["state"] == "rejected"],
            curve=[{k: v for k, v in c.items() if k != "team_id"} for c in self.curves(team_id)
                   if c["minute"] <= row.minute],
            seconds_left=self.seconds_left())

    def console_view(self, lang: str | None = None, base: str = "") -> ConsoleView:
        """What the facilitator's console shows: every team side by side."""
        from cmtraining.i18n import check_lang

        lang = check_lang(lang or self.config.lang)
        row = self._row()
        teams = self._teams()
        names = {t.team_id: t.name for t in teams}
        drafts = self.drafts()
        curves = [c for c in self.curves() if c["minute"] <= row.minute]
        ex = self.exercise(lang)
        timelines = {}
        for t in teams:
            played = self._played(lang, row.minute, self.team_turns(t.team_id, drafts))
            timelines[t.team_id] = self._timeline(played, self.injects(t.team_id, lang)) \
                if row.status != "ready" else []
        last = {c["team_id"]: c["negative_reach"] for c in curves}
        summary = [{"team_id": t.team_id, "name": t.name, "token": t.token,
                    "link": base.rstrip("/") + LINK.format(token=t.token),
                    "published": sum(d["team_id"] == t.team_id and d["state"] == "published"
                                     for d in drafts),
                    "pending": sum(d["team_id"] == t.team_id and d["state"] == "pending"
                                   for d in drafts),
                    "negative_reach": last.get(t.team_id)} for t in teams]
        published = sorted(({**_shown(d, "published_minute"), "team_id": d["team_id"],
                             "team": names[d["team_id"]]}
                            for d in drafts if d["state"] == "published"),
                           key=lambda p: (p["minute"], p["draft_id"]))
        return ConsoleView(
            workshop_id=self.id, scenario_id=self.config.scenario_id,
            scenario_title=ex.text(ex.scenario.title), status=row.status, turn=row.turn,
            minute=row.minute, duration=ex.duration, lang=lang, teams=summary,
            timelines=timelines,
            curves=[{"team_id": c["team_id"], "team": names[c["team_id"]], "minute": c["minute"],
                     "negative_reach": c["negative_reach"]} for c in curves],
            published=published, injects=self.injects(None, lang),
            seconds_left=self.seconds_left())


def _shown(draft: dict, minute_key: str) -> dict:
    a = draft["action"]
    return {"draft_id": draft["draft_id"], "kind": draft["kind"], "role": draft["role"],
            "text": a.get("text", ""), "strategy": a.get("strategy"), "channel": a.get("channel"),
            "reply_to": a.get("_reply_author"), "score": a.get("reply_score"),
            "minute": draft[minute_key], "turn": draft["published_turn"]
            if minute_key == "published_minute" else draft["turn"]}



def _t(key: str, lang: str | None, **params) -> str:
    from cmtraining.i18n import t

    return t(key, lang, **params)
