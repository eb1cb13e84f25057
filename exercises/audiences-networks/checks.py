"""Hidden checks of `audiences-networks`: networks and roles for the café's two personas.

Fit comes from `cmtraining.planning.audiences.network_fit` and the role
contradictions from `check_network_roles`, the engines of the audiences app.
"""

from cmtraining.grading.answers import as_list, missing, msg, total

ORG = "cafe"
MAX_NETWORKS = 3
GOOD_FIT = 0.9  # a choice within 90 % of the persona's best network gets full marks


def _workbook(answers, lang):
    """(workbook with the personas and the chosen roles, problems) or (None, message)."""
    from cmtraining.core.errors import CmtrainingError
    from cmtraining.planning.audiences import persona_templates
    from cmtraining.samples.organizations import sample_workbook
    from cmtraining.workbook.models import NetworkRole
    from cmtraining.workbook.validation import validate_model

    items = as_list(answers.get("networks"))
    if items is None:
        return None, None
    wb = sample_workbook(ORG)
    roles, problems = [], []
    for index, item in enumerate(items[:10]):
        if not isinstance(item, dict):
            problems.append(msg("common.not_mapping", lang, item=index + 1))
            continue
        try:
            roles.append(validate_model(NetworkRole, item, lang=lang))
        except CmtrainingError as exc:
            problems.append(f"{index + 1}: {exc.message(lang)}")
    personas = persona_templates(wb.profile.kind, lang)
    return wb.model_copy(update={"audiences": personas, "networks": roles}), problems


@total
def check_fit(answers, lang):
    from cmtraining.networks import catalogue
    from cmtraining.planning.audiences import network_fit

    wb, problems = _workbook(answers, lang)
    if wb is None:
        return missing("networks", lang)
    if not wb.networks:
        return 0.0, msg("networks.none", lang)
    parts, notes = [], []
    for persona in wb.audiences:
        best = max(network_fit(n, persona, wb).score for n in catalogue().networks)
        chosen = [network_fit(r.network, persona, wb) for r in wb.networks if persona.id in r.personas]
        if not chosen:
            parts.append(0.0)
            notes.append(msg("networks.unserved", lang, persona=persona.name))
            continue
        top = max(chosen, key=lambda f: f.score)
        parts.append(min(1.0, top.score / (best * GOOD_FIT)))
        if top.score < best * GOOD_FIT:
            weak = min(top.components, key=lambda c: c.score)
            notes.append(msg("networks.weak", lang, persona=persona.name, score=round(top.score, 2),
                             best=round(best, 2), why=weak.explain(lang)))
    fraction = sum(parts) / len(parts)
    if fraction >= 1:
        return 1.0, msg("networks.fit_ok", lang)
    return fraction, " ".join(notes + problems[:2])


@total
def check_roles(answers, lang):
    from cmtraining.planning.audiences import check_network_roles

    wb, problems = _workbook(answers, lang)
    if wb is None:
        return missing("networks", lang)
    if not wb.networks:
        return 0.0, msg("networks.none", lang)
    findings = check_network_roles(wb)
    bad = [f for f in findings if f.level in ("warning", "error")]
    if not bad and not problems:
        return 1.0, msg("networks.roles_ok", lang)
    unfit = sum(1 for f in bad if f.code != "networks.hours")
    fraction = max(0.0, 1 - unfit / len(wb.networks))
    if any(f.code == "networks.hours" for f in bad):
        fraction *= 0.5
    return fraction, " ".join([f.message(lang) for f in bad[:3]] + problems[:2])


@total
def check_focus(answers, lang):
    wb, _ = _workbook(answers, lang)
    if wb is None:
        return missing("networks", lang)
    networks = [r.network for r in wb.networks]
    if not networks:
        return 0.0, msg("networks.none", lang)
    if len(set(networks)) != len(networks):
        return 0.0, msg("networks.twice", lang)
    if len(networks) > MAX_NETWORKS:
        return 0.0, msg("networks.too_many", lang, count=len(networks), max=MAX_NETWORKS)
    return 1.0, msg("networks.focus_ok", lang, count=len(networks))
