"""Hidden checks of `evaluation-kpis`: KPIs of the SaaS sample computed with pandas.

The expected values come from the evaluation engine (`evaluation.dashboard.kpi_table`,
which applies the formulas of `metrics.kpis`), so a trainee's numbers are
judged against the same figures the evaluation app shows.
"""

import math

from cmtraining.grading.answers import as_dict, as_number, missing, msg, total

ORG = "saas"
RELATIVE = 0.005  # 0.5 % relative tolerance: rounding, not another formula
MONTH_RATES = ("engagement_rate_reach", "engagement_rate_followers")
KAUSHIK = ("applause_rate", "conversation_rate", "amplification_rate")


def _table():
    from cmtraining.evaluation.dashboard import kpi_table
    from cmtraining.samples.organizations import load_metrics

    return kpi_table(list(load_metrics(ORG)))


def _expected():
    table = _table()
    last = table[table["month"] == table["month"].max()].set_index("network")
    growth = {}
    for network, rows in table.groupby("network"):
        rows = rows.sort_values("month")
        start, end = float(rows["followers"].iloc[0]), float(rows["followers"].iloc[-1])
        from cmtraining.metrics.kpis import audience_growth_rate

        growth[network] = audience_growth_rate(start, end)
    return last, growth


def _close(got, want):
    if want is None or (isinstance(want, float) and math.isnan(want)):
        return got is None
    return got is not None and math.isclose(got, want, rel_tol=RELATIVE, abs_tol=1e-6)


def _compare(answers, lang, names):
    table = as_dict(answers.get("kpis"))
    if table is None:
        return missing("kpis", lang)
    last, _ = _expected()
    good, total_, notes = 0, 0, []
    for network in last.index:
        row = as_dict(table.get(network)) or {}
        for name in names:
            total_ += 1
            want = float(last.loc[network, name])
            if _close(as_number(row.get(name)), want):
                good += 1
            elif len(notes) < 3:
                notes.append(msg("kpis.wrong", lang, network=network, kpi=name,
                                 given=str(row.get(name))[:20]))
    if good == total_:
        return 1.0, msg("kpis.ok", lang, count=total_)
    return good / total_, " ".join([msg("kpis.some", lang, good=good, total=total_), *notes])


@total
def check_engagement(answers, lang):
    return _compare(answers, lang, MONTH_RATES)


@total
def check_kaushik(answers, lang):
    return _compare(answers, lang, KAUSHIK)


@total
def check_growth(answers, lang):
    given = as_dict(answers.get("growth"))
    if given is None:
        return missing("growth", lang)
    _, growth = _expected()
    good = [n for n, want in growth.items() if _close(as_number(given.get(n)), want)]
    if len(good) == len(growth):
        return 1.0, msg("kpis.growth_ok", lang)
    wrong = ", ".join(sorted(set(growth) - set(good)))
    return len(good) / len(growth), msg("kpis.growth_wrong", lang, networks=wrong)


@total
def check_best(answers, lang):
    given = answers.get("best_network")
    if not isinstance(given, str) or not given:
        return missing("best_network", lang)
    last, _ = _expected()
    best = str(last["engagement_rate_reach"].idxmax())
    if given == best:
        return 1.0, msg("kpis.best_ok", lang)
    return 0.0, msg("kpis.best_wrong", lang, given=given[:40])
