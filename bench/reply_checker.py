"""Reply checker throughput, next to the post checker alone on the same texts.

Generates 3,000 realistic (message, reply) pairs per language from templates
(seeded `random.Random`): complaints, questions and praise, good and bad
replies (placeholders, public requests for data, boilerplate, typos), with
authors and reply times against a playbook with service hours. Times a warm
`check_reply` over them and, as the floor, a warm `PostChecker` over the same
reply texts: the reply checker runs the post checker inside, so the printed
ratio is the cost of the reply-specific checks on top. Never fails.
"""

from __future__ import annotations

import random
import time
from datetime import datetime, timedelta

SEED = 2026
PAIRS = 3_000
NETWORKS = ("x", "instagram", "facebook", "linkedin", "threads", "bluesky")

MESSAGES = {
    "es": {
        "complaint": ["Mi pedido de {day} llegó con {n} días de retraso y {thing} estaba {bad}.",
                      "Llevo {n} días esperando el reembolso de {thing}. ¿Nadie me contesta?",
                      "Fatal el servicio: {thing} {bad} y nadie responde. Escribidme a {email}"],
        "question": ["¿A qué hora abrís el {day}?", "¿Tenéis {thing} sin gluten?",
                     "¿Cómo cambio la fecha de mi reserva del {day}?"],
        "praise": ["¡Qué bueno {thing} de ayer! Volveremos el {day}.",
                   "Gracias por la atención del {day}, {thing} estaba perfecto."],
    },
    "en": {
        "complaint": ["My order from {day} arrived {n} days late and the {thing} was {bad}.",
                      "Still waiting {n} days for my refund for the {thing}. Anyone there?",
                      "Awful service: the {thing} was {bad} and nobody answers. Email me at {email}"],
        "question": ["What time do you open on {day}?", "Do you have gluten-free {thing}?",
                     "How do I change my booking for {day}?"],
        "praise": ["Loved the {thing} yesterday! We'll be back on {day}.",
                   "Thanks for the service on {day}, the {thing} was perfect."],
    },
}
REPLIES = {
    "es": ["Hola, {name}. Sentimos mucho lo del {thing}: no es lo que esperabas. Te escribimos por "
           "mensaje directo para solucionarlo hoy mismo.",
           "Gracias por tu mensaje.",
           "Hola {{name}}, disculpe las molestias que haya podido ocasionar.",
           "Hola, {name}. ¿Nos pasas tu DNI y teléfono para revisar el {thing}?",
           "Hola, {name}. El {day} abrimos de 9:00 a 14:00. Más información en https://tahona.es/horario",
           "¡Muchas gracias, {name}! Nos alegra que te gustara el {thing}. Te esperamos el {day}.",
           "Como ya dijimos, deberías haber leído las condiciones del {thing}.",
           "Hola, {name}, lo sentimos. Escríbenos por DM con tu número de pedido y lo revisamos."],
    "en": ["Hi {name}, we're sorry about the {thing}: not what you expected. We'll DM you now to "
           "put it right today.",
           "Thanks for your message.",
           "Hi {{name}}, we apologize for any inconvenience this may have caused.",
           "Hi {name}, can you send us your phone number and email address about the {thing}?",
           "Hi {name}, we open at 9am on {day}. More at https://bakery.example.com/hours",
           "Thank you so much, {name}! Glad you loved the {thing}. See you on {day}.",
           "As we already said, you should have read the terms for the {thing}.",
           "Hi {name}, sorry about that. Send us a DM with your order number and we'll look into it."],
}
FILL = {
    "es": {"day": ["lunes", "sábado", "viernes"], "thing": ["pan", "roscón", "menú", "pedido"],
           "bad": ["frío", "duro", "roto"], "name": ["Marta", "Luis", "Ana", "Pepe"]},
    "en": {"day": ["Monday", "Saturday", "Friday"], "thing": ["bread", "cake", "menu", "order"],
           "bad": ["cold", "stale", "broken"], "name": ["Tom", "Amy", "Raj", "Lucy"]},
}


def make_pairs(lang: str, n: int, seed: int = SEED) -> list[dict]:
    from cmtraining.workbook.sections_response import ResponsePlaybook, ResponseRule

    rng = random.Random(f"{seed}-{lang}")
    playbook = ResponsePlaybook(rules=[ResponseRule(category="complaint", max_hours=1),
                                       ResponseRule(category="question", max_hours=2)])
    start = datetime(2026, 3, 2, 8, 0)
    pairs = []
    for i in range(n):
        category = rng.choice(["complaint", "question", "praise"])
        values = {k: rng.choice(v) for k, v in FILL[lang].items()}
        values.update(n=rng.randint(2, 9), email=f"cliente{i}@example.com")
        message = rng.choice(MESSAGES[lang][category]).format(**values)
        reply = rng.choice(REPLIES[lang]).format(**values)
        received = start + timedelta(minutes=rng.randrange(0, 60 * 24 * 14))
        pairs.append(dict(reply=reply, message=message, category=category,
                          author=f"{values['name']} (@{values['name'].lower()}{i % 97})",
                          network=NETWORKS[i % len(NETWORKS)], received=received,
                          replied=received + timedelta(minutes=rng.randrange(5, 600)),
                          playbook=playbook, crisis=i % 10 == 0))
    return pairs


def _rate(func, items) -> float:
    start = time.perf_counter()
    func(items)
    return len(items) / (time.perf_counter() - start)


def main() -> None:
    from cmtraining.planning.posts import PostChecker
    from cmtraining.response import check_reply

    for lang in ("es", "en"):
        pairs = make_pairs(lang, PAIRS)
        posts = PostChecker(lang)

        def replies_all(items, lang=lang):
            for p in items:
                check_reply(p["reply"], message=p["message"], lang=lang, network=p["network"],
                            category=p["category"], author=p["author"], received=p["received"],
                            replied=p["replied"], playbook=p["playbook"], crisis=p["crisis"])

        def posts_all(items, posts=posts):
            for p in items:
                posts.check(p["reply"], p["network"])

        cold = _rate(replies_all, pairs)  # the first pass fills the spelling caches
        warm = max(_rate(replies_all, pairs) for _ in range(3))
        floor = max(_rate(posts_all, pairs) for _ in range(3))
        print(f"reply checker {lang}: {warm:,.0f} replies/s warm, {cold:,.0f} replies/s on the "
              f"first pass ({floor / warm:,.1f}x the cost of the post checker alone on the same "
              f"texts, {floor:,.0f} posts/s)")


if __name__ == "__main__":
    main()
