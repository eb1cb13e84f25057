"""Hidden checks of `response-complaints`: public replies to three complaints to the NGO.

Each reply is reviewed by the reply checker of the response app
(`cmtraining.response.check_reply`): the same findings and 0-100 score.
"""

from cmtraining.grading.answers import as_list, as_text, missing, msg, total

GOOD_SCORE = 80  # a reply scoring this or more earns full marks
COMPLAINTS = {
    "es": [
        {"author": "Marta Gil", "network": "facebook", "text": "Me apunté a la formación de voluntariado del martes y se canceló sin avisar. Fui hasta el local para nada. Así no dan ganas de colaborar."},
        {"author": "Jorge Lacasa", "network": "instagram", "text": "Llevo dos semanas esperando el certificado de mi donación para Hacienda y nadie contesta los correos. Muy decepcionado."},
        {"author": "Elena Royo", "network": "x", "text": "Mi hijo se quedó sin plaza en el refuerzo escolar y nadie nos explicó por qué. Otras familias del barrio sí entraron."},
    ],
    "en": [
        {"author": "Martha Green", "network": "facebook", "text": "I signed up for Tuesday's volunteer training and it was cancelled without notice. I went all the way to the centre for nothing. This does not make me want to help."},
        {"author": "George Lake", "network": "instagram", "text": "I have been waiting two weeks for the tax receipt for my donation and nobody answers my emails. Very disappointed."},
        {"author": "Helen Rowe", "network": "x", "text": "My son did not get a place in the homework club and nobody told us why. Other families from the area did get in."},
    ],
}


def _reviews(answers, lang):
    from cmtraining.response import check_reply

    items = as_list(answers.get("replies"))
    if items is None:
        return None
    out = []
    for index, complaint in enumerate(COMPLAINTS[lang]):
        text = as_text(items[index]) if index < len(items) else None
        if not text or not text.strip():
            out.append(None)
            continue
        out.append(check_reply(text[:5000], message=complaint["text"], lang=lang,
                               network=complaint["network"], category="complaint",
                               author=complaint["author"]))
    return out


@total
def check_quality(answers, lang):
    reviews = _reviews(answers, lang)
    if reviews is None:
        return missing("replies", lang)
    parts, notes = [], []
    for number, review in enumerate(reviews, 1):
        if review is None:
            parts.append(0.0)
            notes.append(msg("replies.empty", lang, number=number))
            continue
        parts.append(min(1.0, review.score / GOOD_SCORE))
        if review.score < GOOD_SCORE:
            worst = review.findings[0].message(lang) if review.findings else ""
            notes.append(msg("replies.low", lang, number=number, score=review.score,
                             good=GOOD_SCORE, why=worst))
    fraction = sum(parts) / len(parts)
    if fraction >= 1:
        return 1.0, msg("replies.quality_ok", lang, good=GOOD_SCORE)
    return fraction, " ".join(notes)


@total
def check_no_errors(answers, lang):
    """No reply breaks a hard rule (personal data in public, blaming, an empty reply...)."""
    reviews = _reviews(answers, lang)
    if reviews is None:
        return missing("replies", lang)
    clean, notes = 0, []
    for number, review in enumerate(reviews, 1):
        if review is None:
            notes.append(msg("replies.empty", lang, number=number))
        elif review.errors:
            notes.append(f"{number}: {review.errors[0].message(lang)}")
        else:
            clean += 1
    if clean == len(reviews):
        return 1.0, msg("replies.no_errors_ok", lang)
    return clean / len(reviews), " ".join(notes)
