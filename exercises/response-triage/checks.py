"""Hidden checks of `response-triage`: 30 incoming messages of the café, triaged.

The inbox is regenerated from the seed the notebook ran with (an answer:
`seed`), so the checks compare with the generator's own labels. Feedback on a
disagreement quotes the triage engine of the response app
(`cmtraining.response.triage.triage`), the rule and cue it applied, so the
trainee sees why the expected label is what it is.
"""

from cmtraining.grading.answers import as_dict, as_list, as_number, missing, msg, total

ORG = "cafe"
DAYS = 14
COUNT = 30
FULL = 0.85  # agreement that earns full marks: labels of real inboxes are arguable


def inbox(seed):
    """The 30 messages of the exercise (the notebook's setup cell does the same)."""
    from cmtraining.listening.mentions import generate_mentions

    frame = generate_mentions(ORG, seed=seed, days=DAYS)
    own = frame[~frame["is_competitor"]]
    return own.sample(COUNT, random_state=seed).sort_values("at")


def _answers(answers, lang):
    seed = as_number(answers.get("seed"))
    items = as_list(answers.get("triage"))
    if seed is None or seed != int(seed) or not 0 <= seed < 2**32:
        return None, missing("seed", lang)
    if items is None:
        return None, missing("triage", lang)
    given = {}
    for item in items[:200]:
        item = as_dict(item)
        if item is not None and isinstance(item.get("id"), str):
            given[item["id"]] = item
    if not given:
        return None, msg("triage.none", lang)
    return (inbox(int(seed)), given), None


def _agreement(answers, lang, field):
    from cmtraining.response.triage import triage

    data, problem = _answers(answers, lang)
    if data is None:
        return problem
    frame, given = data
    good, notes = 0, []
    for row in frame.itertuples():
        mine = (given.get(row.id) or {}).get(field)
        if mine == getattr(row, field):
            good += 1
        elif len(notes) < 3:
            decision = triage(row.text, sentiment=row.sentiment, followers=int(row.followers),
                              author_mentions_90d=int(row.author_mentions_90d),
                              author_positive_share=float(row.author_positive_share))
            reason = decision.reasons[0 if field == "category" else 1]
            notes.append(msg("triage.disagree", lang, id=row.id, given=str(mine)[:20],
                             expected=getattr(row, field), why=reason.message(lang)))
    share = good / len(frame)
    field = msg(f"triage.field_{field}", lang)
    if share >= FULL:
        return 1.0, msg("triage.agree_ok", lang, good=good, total=len(frame), field=field)
    return share / FULL, " ".join([msg("triage.agree", lang, good=good, total=len(frame),
                                       field=field), *notes])


@total
def check_categories(answers, lang):
    return _agreement(answers, lang, "category")


@total
def check_priorities(answers, lang):
    return _agreement(answers, lang, "priority")


@total
def check_urgent(answers, lang):
    """Every crisis signal flagged urgent, and nothing else: a miss here costs the most."""
    data, problem = _answers(answers, lang)
    if data is None:
        return problem
    frame, given = data
    crisis = set(frame.loc[frame["category"] == "crisis_signal", "id"])
    flagged = {i for i, item in given.items() if item.get("priority") == "urgent"}
    missed, extra = crisis - flagged, flagged - crisis
    if not missed and not extra:
        return 1.0, msg("triage.urgent_ok", lang, count=len(crisis))
    fraction = (len(crisis) - len(missed)) / len(crisis) if crisis else 1.0
    fraction = max(0.0, fraction - 0.1 * len(extra & set(frame["id"])))
    return fraction, msg("triage.urgent_miss", lang, missed=", ".join(sorted(missed)) or "—",
                         extra=", ".join(sorted(extra))[:200] or "—")
