"""Stage 2 engine: personas, a transparent network-fit score, role checks.

Network fit, per network and persona, is a weighted sum of four components,
each between 0 and 1 and each explained (invariant 4):

- audience: 1 if the persona is said to be on the network, else the overlap
  of the persona's age range with the network's core audience ages
  (catalogue, Pew Research Center 2024/2025), halved;
- formats: how many of the network's formats the team can produce, a third each up to
  `FORMATS_ENOUGH` (3);
- effort: hours a week the network needs at the low end of its sourced
  posting range, against the team's hours (1 when it takes at most half);
- goals: the share of roles the organization's goals call for (keywords in
  `datasets/personas.yaml`) that the network carries well (catalogue roles).
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field, replace
from functools import cache

from cmtraining.core.findings import Finding, Key, KeyList, KeyWords, Number
from cmtraining.core.numbers import whole
from cmtraining.core.paths import datasets_dir
from cmtraining.core.yamlio import read_yaml
from cmtraining.networks import catalogue
from cmtraining.workbook.models import Persona, Workbook

# Assumption (cmtraining, 2026): weights of the fit components. Audience comes
# first (no audience, no point); goals next; formats and effort are constraints.
WEIGHTS = {"audience": 0.4, "goals": 0.25, "formats": 0.2, "effort": 0.15}
# Assumption (cmtraining, 2026): minutes a small team needs per post, by format
# (drafting, making, checking). Replace with the team's own timings.
MINUTES_PER_POST = {
    "text": 15, "link": 15, "image": 30, "story": 15, "poll": 10, "broadcast": 10, "event": 30,
    "carousel": 60, "short_video": 90, "document": 90, "live": 90, "audio": 120,
    "long_video": 240,
}
RESPONSE_SHARE = 0.3  # assumption: answering the community adds ~30% to publishing time
# Assumption (cmtraining, 2026): three formats the team can produce are enough to keep a
# network varied; each one short of that takes a third off the Formats score.
FORMATS_ENOUGH = 3


@dataclass(frozen=True)
class Component:
    name: str
    score: float
    weight: float
    message_key: str
    params: dict = field(default_factory=dict)

    def explain(self, lang: str | None = None) -> str:
        from cmtraining.core.findings import render_params
        from cmtraining.i18n import t

        return t(self.message_key, lang, **render_params(self.params, lang))


@dataclass(frozen=True)
class NetworkFit:
    network: str
    persona: str
    components: tuple[Component, ...]

    @property
    def score(self) -> float:
        return sum(c.score * c.weight for c in self.components)


@cache
def templates_data() -> dict:
    return read_yaml(datasets_dir() / "personas.yaml")


def persona_templates(kind: str, lang: str = "es") -> list[Persona]:
    """Starting personas for a kind of organization, in `lang`."""
    out = []
    for tpl in templates_data()["templates"].get(kind, []):
        out.append(Persona(
            id=tpl["id"], name=tpl["name"][lang], age_range=tpl["age_range"],
            description=tpl["description"][lang], needs=tpl["needs"][lang],
            questions=tpl["questions"][lang], expectations=tpl["expectations"][lang],
            networks=tpl["networks"]))
    return out


def goal_roles(workbook: Workbook) -> dict[str, list[str]]:
    """{role: [goal ids]} for the roles the organization's goals call for."""
    found: dict[str, list[str]] = {}
    for goal in workbook.profile.goals:
        words = re.findall(r"\w+", goal.text.lower())
        for role, stems in templates_data()["goal_roles"].items():
            if any(w.startswith(s) for w in words for s in stems):
                found.setdefault(role, []).append(goal.id)
    return found


def _ages(text: str) -> tuple[int, int] | None:
    numbers = [int(n) for n in re.findall(r"\d+", text)]
    if len(numbers) >= 2:
        return min(numbers[:2]), max(numbers[:2])
    if len(numbers) == 1:
        return numbers[0], 100
    return None


def _overlap(a: tuple[int, int], b: tuple[int, int]) -> float:
    inter = max(0, min(a[1], b[1]) - max(a[0], b[0]))
    return inter / max(1, a[1] - a[0])


def weekly_hours(network_id: str, formats: list[str]) -> float:
    """Hours a week for the low end of the network's posting range, plus replies."""
    net = catalogue().networks[network_id]
    usable = [f for f in net.formats if f in formats] or list(net.formats)
    minutes = sum(MINUTES_PER_POST[f] for f in usable) / len(usable)
    return net.posts_per_week.low * minutes / 60 * (1 + RESPONSE_SHARE)


def _effort_score(need: float, have: float) -> float:
    """1 while a network needs at most half the hours available, down to 0 when it needs them all.

    Written without dividing by `have / 2`, which is 0.0 for the tiniest positive floats.
    """
    if need <= have / 2:
        return 1.0
    if have <= 0:
        return 0.0
    return max(0.0, min(1.0, 2 * (have - need) / have))


def network_fit(network_id: str, persona: Persona, workbook: Workbook) -> NetworkFit:
    net = catalogue().networks[network_id]
    name = Key(f"common.network.{network_id}")
    # audience
    if network_id in persona.networks:
        audience = Component("audience", 1.0, WEIGHTS["audience"], "planning.fit.audience_there",
                             {"persona": persona.name, "network": name})
    else:
        mine, theirs = _ages(persona.age_range), _ages(net.audience.age_core.en)
        share = _overlap(mine, theirs) if mine and theirs else 0.0
        # the text states the whole rule and ends on the score the column shows beside it
        audience = Component("audience", 0.5 * share, WEIGHTS["audience"], "planning.fit.audience_ages",
                             {"persona": persona.name, "network": name,
                              "ages": persona.age_range or "?", "core": net.audience.age_core,
                              "share": Number(whole(share * 100)),
                              "score": Number(whole(0.5 * share * 100))})
    # formats: each one the team can produce counts, up to `enough` of them for the full score
    can = [f for f in net.formats if f in workbook.resources.formats]
    enough = min(FORMATS_ENOUGH, len(net.formats))
    score = min(1.0, len(can) / enough)
    formats = Component("formats", score,
                        WEIGHTS["formats"], "planning.fit.formats" if can else "planning.fit_more.formats_none",
                        {"can": KeyWords("common.format", can), "network": name,
                         "all": KeyWords("common.format", net.formats), "count": len(can),
                         "total": len(net.formats), "enough": enough,
                         "score": Number(whole(score * 100))})
    # effort
    need, have = weekly_hours(network_id, workbook.resources.formats), workbook.resources.hours_per_week
    effort_score = _effort_score(need, have)
    effort = Component("effort", effort_score, WEIGHTS["effort"], "planning.fit.effort",
                       {"need": Number(round(need, 1)), "have": Number(have),
                        "low": Number(net.posts_per_week.low)})
    # goals
    wanted = goal_roles(workbook)
    if wanted:
        carried = [r for r in wanted if r in net.roles]
        goals = Component("goals", len(carried) / len(wanted), WEIGHTS["goals"],
                          "planning.fit.goals" if carried else "planning.fit_more.goals_none",
                          {"carried": KeyWords("common.role", carried), "wanted": KeyWords("common.role", wanted)})
    else:
        goals = Component("goals", 0.5, WEIGHTS["goals"], "planning.fit.goals_unknown", {})
    return NetworkFit(network_id, persona.id, (audience, formats, effort, goals))


def fit_table(workbook: Workbook) -> list[NetworkFit]:
    """Every network against every persona, best first."""
    fits = [network_fit(n, p, workbook) for p in workbook.audiences for n in catalogue().networks]
    return sorted(fits, key=lambda f: (-f.score, f.network, f.persona))


def _f(code, level, message, value=None, **params) -> Finding:
    return Finding(code=f"networks.{code}", level=level, rule_key=f"planning.networks.rule.{code}",
                   message_key=f"planning.networks.msg.{message}", value=value, params=params)


def check_network_roles(workbook: Workbook) -> list[Finding]:
    """Contradictions between chosen networks, roles, personas and hours."""
    out: list[Finding] = []
    personas = {p.id: p for p in workbook.audiences}
    total = needed = 0.0
    for role in workbook.networks:
        net = catalogue().networks[role.network]
        name = Key(f"common.network.{role.network}")
        there = [p for p in workbook.audiences if role.network in p.networks]
        if not there:
            out.append(_f("no_persona", "warning", "no_persona", role.network, network=name))
        for pid in role.personas:
            if pid in personas and role.network not in personas[pid].networks:
                out.append(_f("persona_elsewhere", "info", "persona_elsewhere", pid,
                              persona=personas[pid].name, network=name))
        if role.role not in net.roles:
            out.append(_f("role_unfit", "warning", "role_unfit", role.role, network=name,
                          role=Key(f"common.role.{role.role}"),
                          roles=KeyList("common.role", net.roles)))
        # the Effort column's figure as it shows it (one decimal): the total adds what is read
        need = round(weekly_hours(role.network, workbook.resources.formats), 1)
        needed += need
        total += role.hours_per_week or need
    have = workbook.resources.hours_per_week
    # hours given in the roles table are what the plan spends, not what the networks "need":
    # said as such, with the Effort column's figure beside them, so the two never contradict
    assigned = any(role.hours_per_week for role in workbook.networks)
    suffix = "_assigned" if assigned else ""
    params = {"need": Number(round(needed, 1)), "planned": Number(round(total, 1)),
              "have": Number(have)}
    if workbook.networks and total > have:
        over = _f("hours", "error", f"hours_over{suffix}", round(total, 1), **params,
                  count=len(workbook.networks))
        if len(workbook.networks) == 1:  # "La red elegida pide", never "Las 1 redes"
            over = replace(over, message_key=f"planning.networks.hours_over_one{suffix}")
        out.append(over)
    elif workbook.networks:
        out.append(_f("hours", "ok", f"hours_ok{suffix}", round(total, 1), **params))
    return out
