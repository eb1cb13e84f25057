"""Triage of incoming messages: category, priority and the department to route to.

Transparent rules, applied in order, each decision with the cue that made it
(invariant 4), so a trainee can see why and disagree:

1. spam: a link with a spam cue, or two spam cues;
2. crisis signal: a strong cue (safety, health, personal data, legal,
   integrity), or an outrage/spread cue in a negative message;
3. suggestion: a suggestion cue ("estaría bien que", "what if");
4. complaint: a complaint cue, or a negative message that asks nothing;
5. question: a question mark or an interrogative opening (a question in a
   cross tone is still a question to answer);
6. praise: a positive message or a praise cue;
7. other.

Priority: urgent for crisis signals; high for a complaint with a safety cue,
from an author with at least `INFLUENCER_FOLLOWERS` followers, or from a
repeat critic; medium for complaints and questions; low otherwise.
Department: the route whose keywords the message mentions most (the
Workbook's informants map: each informant's department and topics); crisis
signals go to the crisis route; spam goes nowhere, and chatter only where
it names a department's topic.
The same rules label nothing in the generated data: those labels come from
the templates, so the measured accuracy is an honest one.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from functools import cache

from cmtraining.core.findings import Finding, Key
from cmtraining.listening.cues import LINK as _LINK
from cmtraining.listening.cues import TOKEN as _TOKEN
from cmtraining.listening.cues import cues, fold, spam_by_cues
from cmtraining.listening.mentions import INFLUENCER_FOLLOWERS

CATEGORIES = ("question", "complaint", "praise", "suggestion", "spam", "crisis_signal", "other")
PRIORITIES = ("urgent", "high", "medium", "low")


@dataclass(frozen=True)
class Route:
    """A department and the words that send a message to it."""

    department: str
    keywords: tuple[str, ...]


@dataclass(frozen=True)
class Routes:
    routes: tuple[Route, ...]
    crisis: str  # where crisis signals go
    source: str = "workbook"  # "workbook" (informants) or "sample" (the sample's departments)
    brand: str = ""  # the organization's name, folded: its words are never a topic


@dataclass
class TriageDecision:
    category: str
    priority: str
    department: str
    reasons: list[Finding] = field(default_factory=list)

    def as_dict(self, lang: str | None = None) -> dict:
        return {"category": self.category, "priority": self.priority,
                "department": self.department,
                "reasons": [r.message(lang) for r in self.reasons]}


def _stem(word: str) -> str:
    """A light stem shared by keywords and message words: plural, then final vowel."""
    word = fold(word)
    if len(word) > 4 and word.endswith("es") and word[-3] not in "aeiou":
        word = word[:-2]
    elif len(word) > 4 and word.endswith("s"):
        word = word[:-1]
    return word[:-1] if len(word) > 4 and word[-1] in "aeo" else word


# Assumption (cmtraining's own teaching choices, 2026): the words that show an informant's
# department handles a duty, matched as word prefixes on its folded name and topics.
# A department is never given a duty its name and topics do not show (issue 21.11:
# one bakery informant must not become the crisis, legal and data-protection owner).
DUTIES: dict[str, tuple[str, ...]] = {
    "crisis": ("comunicacion", "communication", "direccion", "director", "gerencia", "gerente",
               "management", "leadership", "prensa", "press", "crisis", "ceo"),
    "complaint": ("atencion", "cliente", "customer", "servicio", "service", "soporte", "support",
                  "calidad", "quality", "reclamacion", "complaint", "sala", "socios"),
    "legal": ("legal", "juridic", "abogad", "lawyer", "compliance", "cumplimiento"),
    "personal_data": ("datos", "privacidad", "privacy", "rgpd", "gdpr", "dpo", "proteccion",
                      "legal", "juridic"),
}


def covering(informants, duty: str) -> str:
    """The first informant's department whose name or topics show it handles `duty`, or ""."""
    words = DUTIES[duty]
    for informant in informants:
        text = fold(" ".join([informant.department, *informant.topics]))
        tokens = re.findall(r"[a-z0-9ñ]+", text)
        if any(tok.startswith(w) for tok in tokens for w in words):
            return informant.department
    return ""


def unassigned_duties(workbook) -> list[str]:
    """The duties none of the workbook's informants covers (none when it has no informants)."""
    if not workbook.informants:
        return []
    escalated = {e.trigger: e.to for e in workbook.response_playbook.escalation if e.to}
    out = []
    for duty in DUTIES:
        trigger = "crisis_signal" if duty == "crisis" else duty
        if not escalated.get(trigger) and not covering(workbook.informants, duty):
            out.append(duty)
    return out


def unassigned_findings(workbook) -> list[Finding]:
    """One finding naming the duties nobody covers and whom to add, or none."""
    duties = unassigned_duties(workbook)
    if not duties:
        return []
    return [Finding("triage.unassigned", "warning", "response.triage.rule.department",
                    "app.response.screen.unassigned", value=len(duties),
                    params={"what": KeyListOf("response.duty.what", duties),
                            "whom": KeyListOf("response.duty.whom", duties)})]


class KeyListOf(tuple):
    """Catalogue texts `prefix.item` joined in the reader's language ("a, b y c")."""

    def __new__(cls, prefix: str, items):
        obj = super().__new__(cls, items)
        obj.prefix = prefix
        return obj

    def render(self, lang: str | None) -> str:
        from cmtraining.i18n import t

        parts = [t(f"{self.prefix}.{item}", lang) for item in self]
        if len(parts) < 2:
            return "".join(parts)
        return ", ".join(parts[:-1]) + t("response.duty.and", lang) + parts[-1]


def routes_for(workbook) -> Routes:
    """The workbook's informants as routes; the closest sample's departments when it has none.

    With informants, crisis signals go where the playbook escalates them, else
    to the informant whose department shows it handles crises; else nowhere
    (`unassigned_findings` says whom to add).
    """
    from cmtraining.listening.mentions import sample_for_kind
    from cmtraining.samples.organizations import list_organizations, load_organization

    brand = fold(workbook.profile.name)
    crisis = next((r.to for r in workbook.response_playbook.escalation
                   if r.trigger == "crisis_signal"), "")
    if workbook.informants:
        routes = tuple(Route(i.department, tuple(w for t in i.topics for w in t.split(",") if w.strip()))
                       for i in workbook.informants)
        return Routes(routes, crisis or covering(workbook.informants, "crisis"), "workbook", brand)
    org_id = workbook.org_id if workbook.org_id in list_organizations() else sample_for_kind(
        workbook.profile.kind)
    spec = load_organization(org_id).listening
    routes = tuple(Route(d.name, tuple(d.keywords)) for d in spec.departments)
    return Routes(routes, crisis or spec.crisis_department, "sample", brand)


def _department(tokens: list[str], routes: Routes) -> tuple[str, list[str]]:
    stems = [_stem(t) for t in tokens]
    best, best_hits, best_pos = "", [], len(stems) + 1
    for route in routes.routes:
        keys = {_stem(k.strip()) for k in route.keywords if k.strip()}
        positions = [i for i, s in enumerate(stems) if s in keys]
        hits = [tokens[i] for i in positions]
        if hits and (len(hits) > len(best_hits) or
                     (len(hits) == len(best_hits) and positions[0] < best_pos)):
            best, best_hits, best_pos = route.department, hits, positions[0]
    return best, best_hits


def _reason(field_: str, case: str, **params) -> Finding:
    return Finding(f"triage.{field_}", "info", f"response.triage.rule.{field_}",
                   f"response.triage.why.{field_}_{case}", value=params.get("cue"), params=params)


def triage(text: str, *, sentiment: str = "neutral", followers: int = 0,
           author_mentions_90d: int = 0, author_positive_share: float = 0.5,
           routes: Routes | None = None) -> TriageDecision:
    """Category, priority and department of one message, each with its reason."""
    text = "" if text is None else str(text)
    folded = " " + fold(text) + " "
    tokens = _TOKEN.findall(folded)
    cue = cues()
    found = {name: c.find(tokens, folded) for name, c in cue.items()}
    has_link = bool(_LINK.search(text))
    category, reason = _category(found, has_link, sentiment, folded)
    reasons = [reason]
    priority, why = _priority(category, found, followers, author_mentions_90d,
                              author_positive_share)
    reasons.append(why)
    department = ""
    if routes is not None:
        if category == "crisis_signal" and routes.crisis:
            department = routes.crisis
            reasons.append(_reason("department", "crisis", department=department))
        elif category == "crisis_signal":  # nobody covers crises: say so, route to no one
            reasons.append(Finding("triage.department", "info", "response.triage.rule.department",
                                   "response.triage.crisis_unassigned"))
        elif category == "spam":
            reasons.append(_reason("department", "none", category=Key(f"response.triage.category.{category}")))
        else:
            topic_text = folded.replace(routes.brand, " ") if routes.brand else folded
            department, hits = _department(_TOKEN.findall(topic_text), routes)
            if department:
                reasons.append(_reason("department", "keywords", department=department,
                                       cue=", ".join(dict.fromkeys(hits))))
            elif category == "other":
                reasons.append(_reason("department", "none",
                                       category=Key(f"response.triage.category.{category}")))
            else:
                reasons.append(_reason("department", "unknown"))
    return TriageDecision(category, priority, department, reasons)


def _category(found, has_link, sentiment, folded) -> tuple[str, Finding]:
    def first(name):
        return found[name][0] if found[name] else ""

    if spam_by_cues(found["spam"], has_link):
        return "spam", _reason("category", "spam", cue=first("spam") or "link")
    if found["crisis_strong"]:
        return "crisis_signal", _reason("category", "crisis", cue=first("crisis_strong"))
    if found["crisis_escalation"] and sentiment == "negative":
        return "crisis_signal", _reason("category", "crisis_spread",
                                        cue=first("crisis_escalation"))
    if found["suggestion"]:
        return "suggestion", _reason("category", "suggestion", cue=first("suggestion"))
    asks = "?" in folded or "¿" in folded
    if _defends(found["defense"]):  # negative words about the critics, not the organization
        return "praise", _reason("category", "defense", cue=first("defense"))
    if found["complaint"]:
        return "complaint", _reason("category", "complaint", cue=first("complaint"))
    if sentiment == "negative" and not asks:
        return "complaint", _reason("category", "negative")
    stripped = folded.strip()
    opening = any(stripped.startswith(q.strip()) for q in cue_phrases("question"))
    if asks or opening:
        return "question", _reason("category", "question", cue="?" if "?" in folded else
                                   first("question"))
    if sentiment == "positive" or found["praise"]:
        return "praise", _reason("category", "praise", cue=first("praise") or "+")
    return "other", _reason("category", "other")


# Defence cues that are complaints as often as defences ("no es justo que me
# cobren"): they count only next to another defence cue.
_AMBIGUOUS_DEFENSE = frozenset({"no es justo", "lo que se dice", "isn't fair", "not fair"})


def _defends(cues_found: list[str]) -> bool:
    """Somebody standing up for the organization against its critics."""
    distinct = {c.strip() for c in cues_found}
    return bool(distinct - _AMBIGUOUS_DEFENSE) or len(distinct) >= 2


@cache
def cue_phrases(name: str) -> tuple[str, ...]:
    c = cues()[name]
    return tuple(sorted(c.words)) + tuple(c.phrases)


def _priority(category, found, followers, history, positive_share) -> tuple[str, Finding]:
    if category == "crisis_signal":
        return "urgent", _reason("priority", "crisis")
    if category == "complaint":
        if found["safety"]:
            return "high", _reason("priority", "safety", cue=found["safety"][0])
        if followers >= INFLUENCER_FOLLOWERS:
            return "high", _reason("priority", "influencer", followers=followers,
                                   limit=INFLUENCER_FOLLOWERS)
        if history >= 3 and positive_share < 0.3:
            return "high", _reason("priority", "repeat", count=history)
        return "medium", _reason("priority", "complaint")
    if category == "question":
        return "medium", _reason("priority", "question")
    return "low", _reason("priority", "low", category=Key(f"response.triage.category.{category}"))


def triage_mentions(frame, *, routes: Routes | None = None, backend=None):
    """Triage every row of a mentions DataFrame; returns (frame with columns, decisions)."""
    frame = frame.reset_index(drop=True).copy()
    if "predicted" in frame:
        sentiments = frame["predicted"].tolist()
    else:
        from cmtraining.listening import classify_sentiment
        from cmtraining.listening.audit import backend_for

        langs = frame["lang"].where(frame["lang"].isin(["es", "en"]), "auto") \
            if "lang" in frame else ["auto"] * len(frame)
        sentiments = [None] * len(frame)
        texts = frame["text"].fillna("").astype(str).tolist()
        for lang in set(langs):
            index = [i for i, v in enumerate(langs) if v == lang]
            labels = classify_sentiment([texts[i] for i in index], lang=lang,
                                        backend=backend_for(backend, lang))
            for i, label in zip(index, labels, strict=True):
                sentiments[i] = label
    decisions = []
    for row, sentiment in zip(frame.to_dict("records"), sentiments, strict=True):
        decisions.append(triage(
            row.get("text", ""), sentiment=sentiment,
            followers=int(row.get("followers") or 0),
            author_mentions_90d=int(row.get("author_mentions_90d") or 0),
            author_positive_share=float(row.get("author_positive_share")
                                        if row.get("author_positive_share") is not None else 0.5),
            routes=routes))
    frame["triage_category"] = [d.category for d in decisions]
    frame["triage_priority"] = [d.priority for d in decisions]
    frame["triage_department"] = [d.department for d in decisions]
    return frame, decisions


def accuracy(frame) -> dict[str, float]:
    """Share of rows where triage agrees with the generated labels, per field."""
    out = {}
    for name in ("category", "priority", "department"):
        if name in frame and f"triage_{name}" in frame and len(frame):
            out[name] = float((frame[name].fillna("") == frame[f"triage_{name}"]).mean())
    return out
