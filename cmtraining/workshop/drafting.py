"""Drafts and approval by the team's roles: who may write what, and when it is published.

Split from `live.py` (the lifecycle and clock) so the team's protocol reads on
its own: a role drafts what `ROLE_ACTIONS` allows, a statement (and a reply,
when configured) waits for the "approval" role, and the published drafts
become the exercise's turns the engine simulates. `DraftingMixin` is one part
of `Workshop`; it relies on the workshop's `store`, `id`, `config`, `_row`,
`_status_error`, `team_ids` and `_played` (all in `live.py`).
"""

from __future__ import annotations

import json

from sqlalchemy import func, insert, literal, select, update

from cmtraining.workshop import store as db
from cmtraining.workshop.models import REPLY_KINDS, ROLE_ACTIONS, STATEMENT_KINDS, WorkshopError


class DraftingMixin:
    """The teams' drafts: writing, approving or rejecting, and reading them back."""

    def _check_team(self, team_id: str) -> None:
        ids = self.team_ids()
        if team_id not in ids:
            raise WorkshopError("workshop.error.unknown_team", team=str(team_id),
                                allowed=", ".join(ids))

    def _check_role(self, role: str) -> None:
        if role not in self.config.roles:
            raise WorkshopError("workshop.error.unknown_role", role=str(role),
                                allowed=", ".join(self.config.roles))

    def needs_approval(self, kind: str) -> bool:
        """The team's protocol: statements wait for the approver (when the team has one);
        replies too when `replies_need_approval`."""
        if "approval" not in self.config.roles:
            return False
        return kind in STATEMENT_KINDS or (kind in REPLY_KINDS and self.config.replies_need_approval)

    def draft(self, team_id: str, role: str, action: dict) -> int:
        """A draft of `role` (an action as in the stage-5 exercise: kind, text, strategy,
        channel, reply_to); its text is reviewed now. Published at once unless the protocol
        needs the approver (statements when the team has an approval role; replies when
        `replies_need_approval`). Returns the draft's id."""
        self._check_team(team_id)
        self._check_role(role)
        if not isinstance(action, dict) or "kind" not in action:
            raise WorkshopError("workshop.error.action_type", type=type(action).__name__)
        kind = action["kind"]
        if kind not in ROLE_ACTIONS[role]:
            raise WorkshopError("workshop.error.role_action", role=role, kind=str(kind),
                                allowed=", ".join(ROLE_ACTIONS[role]) or "-")
        if kind != "escalate" and not str(action.get("text") or "").strip():
            raise WorkshopError("workshop.error.text_empty", kind=kind)
        row = self._row()
        if row.status != "running":
            self._status_error(None, "draft")
        ex = self._played(None, row.minute, [])
        reviewed = ex.prepare(dict(action))  # raises the exercise's errors (no such post...)
        publish = not self.needs_approval(kind)
        w = db.workshops.c
        state = "published" if publish else "pending"
        columns = ["workshop_id", "team_id", "role", "kind", "action", "state", "created_turn",
                   "created_minute", "published_turn", "published_minute", "decided_by",
                   "created_at", "decided_at"]
        stamp = db.now()
        source = select(literal(self.id), literal(team_id), literal(role), literal(kind),
                        literal(json.dumps(reviewed, default=str)), literal(state), w.turn,
                        w.minute, w.turn if publish else literal(None),
                        w.minute if publish else literal(None),
                        literal(role if publish else None), literal(stamp),
                        literal(stamp if publish else None)).where(
            w.id == self.id, w.status == "running")
        with self.store.engine.begin() as conn:
            if not conn.execute(insert(db.drafts).from_select(columns, source)).rowcount:
                self._status_error(conn, "draft")
            return int(conn.execute(select(func.max(db.drafts.c.id)).where(
                db.drafts.c.workshop_id == self.id, db.drafts.c.team_id == team_id)).scalar())

    def _decide(self, team_id: str, role: str, draft_id: int, state: str) -> None:
        self._check_team(team_id)
        self._check_role(role)
        if role != "approval":
            raise WorkshopError("workshop.error.not_approver")
        d, w = db.drafts.c, db.workshops.c
        live = select(w.id).where(w.id == self.id, w.status == "running").exists()
        values = {"state": state, "decided_by": role, "decided_at": db.now()}
        if state == "published":  # at the clock's minute when the approver says yes
            values["published_turn"] = select(w.turn).where(w.id == self.id).scalar_subquery()
            values["published_minute"] = select(w.minute).where(w.id == self.id).scalar_subquery()
        with self.store.engine.begin() as conn:
            mine = conn.execute(select(d.state).where(
                d.id == draft_id, d.workshop_id == self.id, d.team_id == team_id)).first()
            if mine is None:
                raise WorkshopError("workshop.error.unknown_draft", draft=str(draft_id))
            if mine.state != "pending":
                raise WorkshopError("workshop.error.not_pending", draft=str(draft_id),
                                    state=_t(f"workshop.draft_state.{mine.state}",
                                             self.config.lang))
            done = conn.execute(update(db.drafts).where(
                d.id == draft_id, d.workshop_id == self.id, d.state == "pending", live)
                .values(**values)).rowcount
            if not done:
                self._status_error(conn, "approve")

    def approve(self, team_id: str, role: str, draft_id: int) -> None:
        """The approver publishes a pending draft of their team (only the "approval" role),
        at the current minute: a slow approval costs the team time."""
        self._decide(team_id, role, draft_id, "published")

    def reject(self, team_id: str, role: str, draft_id: int) -> None:
        """The approver sends a pending draft back (it is never published)."""
        self._decide(team_id, role, draft_id, "rejected")

    def drafts(self, team_id: str | None = None, conn=None) -> list[dict]:
        """Every draft (of one team, or all), oldest first, with its reviewed action."""
        if conn is None:
            with self.store.engine.connect() as conn:
                return self.drafts(team_id, conn)
        d = db.drafts.c
        query = select(db.drafts).where(d.workshop_id == self.id).order_by(d.id)
        if team_id is not None:
            query = query.where(d.team_id == team_id)
        return [{"draft_id": r.id, "team_id": r.team_id, "role": r.role, "kind": r.kind,
                 "state": r.state, "action": json.loads(r.action), "turn": r.created_turn,
                 "minute": r.created_minute, "published_turn": r.published_turn,
                 "published_minute": r.published_minute} for r in conn.execute(query)]

    def team_turns(self, team_id: str, drafts: list[dict] | None = None) -> list:
        """The team's published actions as the exercise's turns (by publication minute)."""
        from cmtraining.crisis.exercise import Turn

        drafts = self.drafts(team_id) if drafts is None else drafts
        turns: dict[int, list] = {}
        for d in drafts:
            if d["state"] == "published" and d["team_id"] == team_id:
                turns.setdefault(d["published_minute"], []).append(d["action"])
        return [Turn(minute, actions) for minute, actions in sorted(turns.items())]


def _t(key: str, lang: str | None, **params) -> str:
    from cmtraining.i18n import t

    return t(key, lang, **params)
