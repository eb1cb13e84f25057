"""The public-statement checker of the crisis exercise.

A statement speaks to everyone, not to one person: it is not checked as a
reply (no "you do not name @…", no 60-word limit). Its own rules, with the
figures and cue lists of `datasets/statement_checker.yaml` (sources there):

- safety: where people may be harmed, instructions on how to stay safe come
  first, in the first two sentences (Coombs 2007; `response.instructions`);
- structure: what we know, what we are doing and when we will update
  (CDC's CERC manual, 2018);
- strategy: the text does what its SCCT strategy says, never deny mixed with
  diminish or rebuild, and no family SCCT advises against for this crisis;
- empathy: an acknowledgement or an apology (CERC: empathy first);
- length: within the network's limit and short enough for a feed;
- spelling: the post checker's.

    check_statement(text, scenario=..., lang="es", network="instagram",
                    strategy="apology") -> StatementReview
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cache

from cmtraining.core.findings import Finding, Key, KeyList, worst_first

__all__ = ["StatementReview", "check_statement", "statement_rules"]

#: channels that are not a feed: no feed length applies there
NOT_A_FEED = ("website", "dark_site", "email", "press_release")
PARTS = ("know", "act", "update")


@dataclass(frozen=True)
class StatementReview:
    """Findings (worst first), the 0-1 components, their weights and the 0-100 score."""

    findings: list[Finding]
    components: dict[str, float]
    weights: dict[str, float]
    score: float


@cache
def statement_rules() -> dict:
    from cmtraining.core.paths import datasets_dir
    from cmtraining.core.yamlio import read_yaml
    from cmtraining.planning.post_rules import Terms

    data = read_yaml(datasets_dir() / "statement_checker.yaml")
    cues = {lang: {name: Terms.of(items) for name, items in lists.items()}
            for lang, lists in data["cues"].items()}
    return {"weights": {k: float(v) for k, v in data["weights"].items()},
            "error_cap": float(data["error_cap"]), "feed_words": dict(data["feed_words"]),
            "cues": cues}


def _f(code: str, level: str, message: str, value=None, **params) -> Finding:
    return Finding(code=f"statement.{code}", level=level,
                   rule_key=f"crisis.statement.rule.{code}",
                   message_key=f"crisis.statement.msg.{message}", value=value, params=params)


def _listing(items):
    from cmtraining.i18n.quotes import Quoted

    return Quoted(items)  # « » in Spanish, “ ” in English, chosen when rendered


def safety(text: str, lang: str, needed: bool):
    """Instructions in the first two sentences where people may be harmed."""
    if not needed:
        return [], None
    from cmtraining.response.instructions import instructions

    found = instructions(text, lang)
    first = [i.words for i in found if i.sentence < 2]
    if first:
        return [_f("safety", "ok", "safety_first", first, found=_listing(first[:3]))], 1.0
    if found:
        words = [i.words for i in found]
        return [_f("safety", "warning", "safety_late", words, found=_listing(words[:3]))], 0.5
    return [_f("safety", "error", "safety_missing")], 0.0


def structure(reading, cues: dict):
    """What we know, what we do, when we update (CERC): one third each."""
    present = {part: reading.find(cues[part]) for part in PARTS}
    if not present["update"] and reading.has_time:
        present["update"] = ["⏱"]
    missing = [p for p in PARTS if not present[p]]
    value = 1 - len(missing) / len(PARTS)
    if not missing:
        return [_f("structure", "ok", "structure_ok", present)], 1.0
    return [_f("structure", "warning", "structure_missing", missing,
               missing=KeyList("crisis.statement.part", missing))], value


def strategy_check(reading, cues: dict, reply_cues: dict, chosen: str | None, scenario):
    """The text does what its SCCT strategy says, and SCCT does not advise against it."""
    from cmtraining.crisis.scoring import recommendation_for
    from cmtraining.workbook.sections_crisis import FAMILY

    rec = recommendation_for(scenario)
    sympathy = set(reading.find(cues["sympathy"]))
    apology = reading.find(reply_cues["rebuild"]) + reading.find(reply_cues["apology"])
    said = {"deny": reading.find(reply_cues["deny"]),
            "rebuild": list(dict.fromkeys(w for w in apology if w not in sympathy
                                          and not any(f" {w} " in f" {s} " for s in sympathy))),
            "diminish": []}
    # "la culpa es del proveedor" denies (scapegoat): its "proveedor" is no excuse besides
    said["diminish"] = [w for w in reading.find(cues["diminish"])
                        if not any(f" {w} " in f" {d} " for d in said["deny"])]
    families = {k for k, v in said.items() if v}
    family = FAMILY.get(chosen or "")
    rule = Key(f"crisis.rule.{rec.rule}")
    if "deny" in families and families & {"rebuild", "diminish"}:
        words = list(dict.fromkeys(said["deny"] + said["rebuild"] + said["diminish"]))
        return [_f("strategy", "error", "strategy_mixed", words, found=_listing(words[:4]))], 0.0
    if family in ("deny", "diminish", "rebuild") and families - {family}:
        other = sorted(families - {family})[0]
        level = "error" if "deny" in (family, other) else "warning"
        return [_f("strategy", level, "strategy_contradicts", said[other],
                   chosen=Key(f"crisis.strategy.{chosen}"), found=_listing(said[other][:3]),
                   family=Key(f"crisis.family.{other}"))], (0.0 if level == "error" else 0.5)
    used = family if family in ("deny", "diminish", "rebuild") else \
        next(iter(sorted(families)), None)
    if used in rec.avoid:
        return [_f("strategy", "warning", "strategy_avoid", used,
                   family=Key(f"crisis.family.{used}"),
                   primary=Key(f"crisis.family.{rec.primary}"), reason=rule)], 0.3
    # "lo sentimos" does not contradict an excuse, but it does voice a chosen apology
    voiced = families | ({"rebuild"} if sympathy else set())
    if family in ("deny", "diminish", "rebuild") and family not in voiced:
        return [_f("strategy", "warning", "strategy_not_said", chosen,
                   chosen=Key(f"crisis.strategy.{chosen}"))], 0.5
    if chosen is None:
        return [_f("strategy", "info", "strategy_untagged", sorted(families))], 0.7
    return [_f("strategy", "ok", "strategy_ok", chosen,
               chosen=Key(f"crisis.strategy.{chosen}"))], 1.0


def empathy(reading, reply_cues: dict):
    found = reading.find(reply_cues["apology"]) + reading.find(reply_cues["acknowledge"])
    if found:
        return [_f("empathy", "ok", "empathy_ok", found, found=_listing(found[:3]))], 1.0
    return [_f("empathy", "warning", "empathy_missing")], 0.3


def length(text: str, reading, lang: str, network: str | None, post_findings: dict):
    """The network's limit (an error past it) and a feed's reading length."""
    if network is None:
        return [], None
    limit = post_findings.get("post.length")
    out, value = [], 1.0
    if limit is not None and limit.level == "error":
        out.append(limit)
        value = 0.0
    most = statement_rules()["feed_words"][lang]
    words = len(reading.folded)
    if words > most:
        out.append(_f("length", "warning", "length_long", words, words=words, most=most))
        value = min(value, 0.5)
    if not out:
        out.append(_f("length", "ok", "length_ok", words, words=words, most=most))
    return out, value


def check_statement(text: str, *, scenario, lang: str = "es", network: str | None = None,
                    strategy: str | None = None) -> StatementReview:
    """Review one public statement of the crisis `scenario` (see the module docstring).

    `network`: a network id from the catalogue, or None for the web, crisis
    site, e-mail or press release (no feed length there).
    """
    from cmtraining.crisis.scoring import recommendation_for
    from cmtraining.planning.posts import check_post
    from cmtraining.response.reply_rules import Text, rules

    data = statement_rules()
    if not text.strip():
        return StatementReview([_f("empty", "error", "empty")], {}, {}, 0.0)
    reading = Text(text)
    cues, reply_cues = data["cues"][lang], rules().cues[lang]
    post = {x.code: x for x in check_post(text, network or "facebook", lang=lang)}
    parts = {
        "safety": safety(text, lang, recommendation_for(scenario).instructing),
        "structure": structure(reading, cues),
        "strategy": strategy_check(reading, cues, reply_cues, strategy, scenario),
        "empathy": empathy(reading, reply_cues),
        "length": length(text, reading, lang, network, post),
    }
    spelling = post["post.spelling"]
    unknown = len(spelling.value or {}) if spelling.level != "ok" else 0
    parts["spelling"] = ([spelling], max(0.0, 1 - 0.25 * unknown))
    findings = [x for found, _ in parts.values() for x in found]
    used = {k: v for k, (_, v) in parts.items() if v is not None}
    total = sum(data["weights"][k] for k in used)
    weights = {k: round(data["weights"][k] / total, 4) for k in used}
    score = 100 * sum(data["weights"][k] * v for k, v in used.items()) / total
    if any(x.level == "error" for x in findings):
        score = min(score, data["error_cap"])
    return StatementReview(worst_first(findings), {k: round(v, 4) for k, v in used.items()},
                           weights, round(score, 1))
