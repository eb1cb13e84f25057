"""Seeded generator of realistic incoming mentions for a sample organization.

Trainees practise listening and answering on messages that look like the
real thing: praise, questions, complaints (some sarcastic), suggestions,
spam, off-topic chatter, people defending the organization, and an optional
incident whose crisis signals build up over the last days. The same seed
always gives the same mentions (one `numpy.random.Generator` drives every
draw), so a facilitator and a cohort see the same inbox.

Each mention is a row of a pandas DataFrame with the columns `COLUMNS`.
The labels are part of the data (they come from the template and the author
that produced the text, not from any classifier):

- ``sentiment``: positive, neutral or negative, from the template;
- ``category``: praise, question, complaint, suggestion, spam, crisis_signal
  or other (sarcasm is a complaint; a defence of the organization is praise
  with ``defends`` true);
- ``priority``: urgent for crisis signals; high for a complaint by an author
  with at least `INFLUENCER_FOLLOWERS` followers or a repeat critic (three or
  more mentions in 90 days, under 30 % of them positive); medium for other
  complaints and questions; low otherwise;
- ``department``: the department of the topic the text is about (from the
  organization's `listening.departments`), the incident's department for
  crisis signals, empty when nothing needs routing (spam, off-topic, a
  defence that names no topic).

Templates, noise rates and daily rhythm live in `datasets/mentions.yaml`;
the organization's vocabulary in its `organization.yaml` (`listening`).

Agreement: a complaint is a ``{thing}`` and a ``{problem}`` drawn
independently; `cmtraining.listening.grammar` makes the words around the
thing agree with it (the syntax of choices like ``[estaba|estaban]`` is
documented there), and `check_vocabulary` lists every agreement problem
of an organization's data. Praise draws its thing from the topic's
``praised`` list when it has one: people complain about invoices, they do
not rave about them.
"""

from __future__ import annotations

from bisect import bisect
from datetime import date, datetime, time, timedelta
from functools import cache, lru_cache
from itertools import accumulate

from cmtraining.core.paths import datasets_dir
from cmtraining.listening.grammar import FORMS, Agreement, agreement, fold, inflect, render
from cmtraining.samples.organizations import ListeningSpec, Organization, load_organization

COLUMNS = (
    "id", "at", "network", "lang", "author", "author_name", "followers",
    "author_mentions_90d", "author_positive_share", "brand", "is_competitor", "text",
    "sentiment", "category", "priority", "department", "incident", "defends",
)
# A complaint from an account this large is high priority. Assumption
# (cmtraining, 2026): 10,000 followers is the usual lower bound of the
# "micro-influencer" tier in influencer-marketing guides.
INFLUENCER_FOLLOWERS = 10_000
# Competitors are talked about less than the organization itself in its own
# listening query; relative volume per competitor, in order (assumption).
COMPETITOR_VOLUME = (0.7, 0.45, 0.3, 0.2, 0.15)
# The incident's crisis signals per day: START * GROWTH ** day (assumption:
# a complaint that catches on roughly doubles its daily volume at first).
INCIDENT_START, INCIDENT_GROWTH = 1.5, 1.9
_SLOTTED = ("{thing}", "{problem}", "{question}", "{suggestion}")
_KIND_TO_SAMPLE = {"smb": "cafe", "nonprofit": "ngo", "public": "library",
                   "education": "library", "company": "saas"}


@cache
def templates() -> dict:
    from cmtraining.core.yamlio import load_yaml

    with open(datasets_dir() / "mentions.yaml", encoding="utf-8") as fh:
        return load_yaml(fh)


def sample_for_kind(kind: str) -> str:
    """The sample organization whose inbox best stands in for an organization of this kind."""
    return _KIND_TO_SAMPLE.get(kind, "cafe")


def default_period(org: Organization) -> date:
    """Last day of the organization's metrics history: the generated inbox ends there."""
    year, month = map(int, org.generator.start.split("-"))
    month += org.generator.months
    year, month = year + (month - 1) // 12, (month - 1) % 12 + 1
    return date(year, month, 1) - timedelta(days=1)


class _Inbox:
    """One generation run: the organization, its vocabulary and the generator."""

    def __init__(self, org: Organization, rng, *, brand: str, handle: str, competitors):
        self.org, self.rng, self.spec = org, rng, org.listening
        self.data = templates()
        self.brand, self.handle = brand, handle
        self.competitors = list(competitors)
        nets = org.generator.networks
        self.networks = list(nets)
        weights = [nets[n].followers ** 0.5 for n in self.networks]
        self.network_p = [w / sum(weights) for w in weights]
        self.langs = list(self.spec.languages)
        total = sum(self.spec.languages.values())
        self.lang_p = [self.spec.languages[lang] / total for lang in self.langs]
        mix = self.data["category_mix"]
        self.kinds = list(mix)
        self.kind_p = [mix[k] / sum(mix.values()) for k in self.kinds]
        hours = self.data["hour_weights"]
        self.hour_p = [h / sum(hours) for h in hours]
        self._authors()

    def pick(self, items, p=None):
        """One item, uniformly or with probabilities `p` (faster than Generator.choice)."""
        if p is None:
            return items[int(self.rng.integers(len(items)))]
        return items[min(bisect(list(accumulate(p)), self.rng.random() * sum(p)), len(items) - 1)]

    def _authors(self) -> None:
        rng, names = self.rng, self.data["names"]
        count = max(40, int(self.spec.mentions_per_day * 10))
        roles = rng.choice(["fan", "critic", "bot", "regular"], size=count,
                           p=[0.12, 0.10, 0.06, 0.72])
        self.authors = []
        seen: set[str] = set()
        for index, role in enumerate(roles):
            first, last = self.pick(names["first"]), self.pick(names["last"])
            handle = "@" + fold(first + last[:4]).lower() + str(int(rng.integers(1, 99)))
            if handle in seen:
                handle = f"{handle}_{index}"
            seen.add(handle)
            followers = int(rng.lognormal(5.3, 1.5))
            if rng.random() < 0.04:
                followers = int(rng.uniform(15_000, 250_000))
            if role == "bot":
                followers = int(rng.uniform(0, 60))
            history = int(rng.poisson(5 if role in ("fan", "critic") else 1.2))
            positive = {"fan": rng.beta(8, 2), "critic": rng.beta(1.5, 8),
                        "bot": 0.0}.get(role, rng.beta(4, 3))
            self.authors.append({"author": handle, "author_name": f"{first} {last}",
                                 "followers": followers, "author_mentions_90d": history,
                                 "author_positive_share": round(float(positive), 2),
                                 "role": str(role)})
        self.by_role = {r: [a for a in self.authors if a["role"] == r]
                        for r in ("fan", "critic", "bot", "regular")}

    def author_for(self, kind: str) -> dict:
        rng = self.rng
        if kind == "spam":
            return self.pick(self.by_role["bot"] or self.authors)
        if kind in ("praise", "defense") and rng.random() < (0.9 if kind == "defense" else 0.5):
            return self.pick(self.by_role["fan"] or self.authors)
        if kind in ("complaint", "sarcasm", "crisis_signal") and rng.random() < 0.4:
            return self.pick(self.by_role["critic"] or self.authors)
        return self.pick(self.by_role["regular"] or self.authors)

    def moment(self, day: date) -> datetime:
        hour = self.pick(range(24), self.hour_p)
        return datetime.combine(day, time(hour, int(self.rng.integers(0, 60))))

    def mention(self, day: date, kind: str, *, brand: str | None = None,
                incident: int | None = None) -> dict:
        rng, data = self.rng, self.data
        spec = data["templates"][kind]
        lang = self.pick(self.langs, self.lang_p)
        template = self.pick(spec[lang])
        topic = self.pick(self.spec.topics)
        words = getattr(topic, lang)
        # praise names what is worth praising; complaints, anything of the topic
        things = words.praised if spec["sentiment"] == "positive" and words.praised else words.thing
        competitor = brand is not None
        story = ""
        if incident is not None:
            stories = getattr(self.spec.incident, lang)
            story = stories[incident % len(stories)]
        name = brand if competitor else (self.handle if rng.random() < data["noise"]["mention_handle"]
                                         else self.brand)
        text = render(
            template, lang,
            brand=name, thing=self.pick(things), problem=self.pick(words.problem),
            question=self.pick(words.question), suggestion=self.pick(words.suggestion),
            incident=story, link=self.pick(data["links"]))
        text = self.decorate(text[0].upper() + text[1:], lang, spec["sentiment"])
        author = self.author_for(kind)
        category = spec["category"]
        if category == "crisis_signal":
            department = self.spec.incident.department
        elif any(slot in template for slot in _SLOTTED):
            department = topic.department
        else:
            department = ""
        return {"at": self.moment(day), "network": self.pick(self.networks, self.network_p),
                "lang": lang, **{k: v for k, v in author.items() if k != "role"},
                "brand": brand or self.brand, "is_competitor": competitor, "text": text,
                "sentiment": spec["sentiment"], "category": category,
                "priority": priority(category, author), "department": department,
                "incident": incident is not None, "defends": bool(spec.get("defends", False))}

    def decorate(self, text: str, lang: str, sentiment: str) -> str:
        """Typos, missing accents, emojis, hashtags: the noise of real inboxes."""
        rng, noise = self.rng, self.data["noise"]
        if rng.random() < noise["typo"]:
            text = _typo(text, rng)
        if lang == "es" and rng.random() < noise["no_accents"]:
            text = fold(text)
        if rng.random() < noise["elongation"]:
            text = _elongate(text, rng)
        if rng.random() < noise["lowercase"]:
            text = text.lower()
        if rng.random() < noise["emoji"]:
            text += " " + self.pick(self.data["emoji"][sentiment]) * int(rng.integers(1, 3))
        if rng.random() < noise["hashtag"]:
            pool = list(self.spec.hashtags) + self.data["hashtags_generic"][lang]
            text += " " + self.pick(pool)
        return text


def check_vocabulary(org_id: str) -> list[str]:
    """Every agreement problem of an organization's listening words and the templates.

    Empty when each thing's (and praised thing's) gender and number is known,
    and every choice of every template and problem resolves for every thing of
    its topic.
    """
    spec, issues = load_organization(org_id).listening, []
    for index, topic in enumerate(spec.topics):
        for lang in ("es", "en"):
            words, where = getattr(topic, lang), f"{org_id} topic {index + 1} ({lang})"
            for thing in words.praised:  # praise templates agree with every form (checked below)
                try:
                    agreement(thing, lang)
                except ValueError as error:
                    issues.append(f"{where}: {error}")
            for thing in words.thing:
                try:
                    agree = agreement(thing, lang)
                except ValueError as error:
                    issues.append(f"{where}: {error}")
                    continue
                for problem in words.problem:
                    try:
                        inflect(problem, agree)
                    except ValueError as error:
                        issues.append(f"{where}: {error}")
            for field in ("question", "suggestion"):
                issues += [f"{where}: {field} {text!r} has [ ] or |" for text in getattr(words, field)
                           if any(c in text for c in "[]|")]
    for lang in ("es", "en"):
        issues += [f"{org_id} incident ({lang}): {text!r} has [ ] or |"
                   for text in getattr(spec.incident, lang) if any(c in text for c in "[]|")]
    for kind, spec_ in templates()["templates"].items():
        for lang in ("es", "en"):
            for template in spec_[lang]:
                if "{thing}" not in template and any(c in template for c in "[]|"):
                    issues.append(f"template {kind} ({lang}) {template!r}: choices need a {{thing}}")
                    continue
                for agree in FORMS:
                    try:
                        inflect(template, Agreement(*agree))
                    except ValueError as error:
                        issues.append(f"template {kind} ({lang}): {error}")
                        break
    return list(dict.fromkeys(issues))


def _typo(text: str, rng) -> str:
    words = text.split(" ")
    long = [i for i, w in enumerate(words) if len(w) > 5 and w.isalpha()]
    if not long:
        return text
    i = long[int(rng.integers(len(long)))]
    w, j = words[i], int(rng.integers(1, len(words[i]) - 2))
    words[i] = w[:j] + w[j + 1] + w[j] + w[j + 2:] if rng.random() < 0.5 else w[:j] + w[j + 1:]
    return " ".join(words)


def _elongate(text: str, rng) -> str:
    vowels = [i for i, c in enumerate(text) if c in "aeiouAEIOU"]
    if not vowels:
        return text
    i = vowels[int(rng.integers(len(vowels)))]
    return text[: i + 1] + text[i] * int(rng.integers(2, 5)) + text[i + 1:]


def priority(category: str, author: dict) -> str:
    """The priority label; see the module docstring for the rule."""
    if category == "crisis_signal":
        return "urgent"
    if category == "complaint":
        repeat = author["author_mentions_90d"] >= 3 and author["author_positive_share"] < 0.3
        return "high" if author["followers"] >= INFLUENCER_FOLLOWERS or repeat else "medium"
    return "medium" if category == "question" else "low"


def generate_mentions(org_id: str, *, days: int = 28, seed: int | None = None,
                      incident: bool = True, end: date | None = None,
                      brand: str | None = None, competitors=None):
    """A DataFrame of `days` days of mentions of `org_id` (and its competitors), sorted by time.

    `brand` and `competitors` replace the sample's names, so that a trainee's
    own organization can practise on an inbox shaped like the closest sample.
    The stages that share an inbox (listening, response, the journey run)
    get it from a small cache: the same arguments always give the same rows.
    """
    competitors = None if competitors is None else tuple(competitors)
    return _generate(org_id, days, seed, incident, end, brand, competitors).copy()


@lru_cache(maxsize=8)
def _generate(org_id, days, seed, incident, end, brand, competitors):
    import numpy as np
    import pandas as pd

    from cmtraining.core.errors import ParameterError

    if not isinstance(days, int) or not 1 <= days <= 366:
        raise ParameterError("core.error.param_range", name="days", value=days, low=1, high=366)
    org = load_organization(org_id)
    spec: ListeningSpec = org.listening
    rng = np.random.default_rng(org.generator.seed + 7919 if seed is None else seed)
    rivals = list(spec.competitors if competitors is None else competitors)[:len(COMPETITOR_VOLUME)]
    inbox = _Inbox(org, rng, brand=brand or org.profile.name,
                   handle=spec.handle if brand is None else _handle_of(brand), competitors=rivals)
    end = end or default_period(org)
    start = end - timedelta(days=days - 1)
    weekday = templates()["weekday_weights"]
    incident_day = end - timedelta(days=spec.incident.days_before_end - 1)
    story = int(rng.integers(len(spec.incident.es)))  # one incident per run
    rows = []
    for offset in range(days):
        day = start + timedelta(days=offset)
        volume = int(rng.poisson(spec.mentions_per_day * weekday[day.weekday()]))
        for _ in range(volume):
            rows.append(inbox.mention(day, inbox.pick(inbox.kinds, inbox.kind_p)))
        for rank, rival in enumerate(rivals):
            share = COMPETITOR_VOLUME[rank]
            for _ in range(int(rng.poisson(spec.mentions_per_day * share * weekday[day.weekday()]))):
                kind = inbox.pick(["praise", "complaint", "question", "sarcasm"], [0.4, 0.3, 0.2, 0.1])
                rows.append(inbox.mention(day, kind, brand=rival))
        if incident and day >= incident_day:
            step = (day - incident_day).days
            for _ in range(int(rng.poisson(INCIDENT_START * INCIDENT_GROWTH ** step))):
                rows.append(inbox.mention(day, "crisis_signal", incident=story))
    frame = pd.DataFrame(rows)
    if frame.empty:
        return pd.DataFrame(columns=list(COLUMNS))
    frame = frame.sort_values("at", kind="stable").reset_index(drop=True)
    frame.insert(0, "id", [f"m{i + 1:05d}" for i in range(len(frame))])
    return frame[list(COLUMNS)]


def _handle_of(name: str) -> str:
    letters = "".join(c for c in fold(name).lower() if c.isalnum())
    return "@" + (letters[:20] or "org")
