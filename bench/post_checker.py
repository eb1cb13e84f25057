"""Post checker throughput, next to a floor measured in the same run.

Generates 10,000 realistic posts per language from templates (seeded
`random.Random`), with hashtags, mentions, links, emojis and typos, and times
a warm `PostChecker` over them (spelling included). The floor is a loop that
only splits the same posts with `str.split`, so the printed ratio says how
many times the cost of the bare minimum the checker takes. Never fails.
"""

from __future__ import annotations

import random
import time

SEED = 2026
POSTS = 10_000
NETWORKS = ("x", "instagram", "facebook", "linkedin", "tiktok", "threads", "bluesky")

TEMPLATES = {
    "es": [
        "¡Este {day} celebramos la jornada de puertas abiertas en nuestra sede de {city}! "
        "Ven a conocer a las voluntarias y descubre los proyectos de la {org_word}. {cta} {link} {tags} {emoji}",
        "Gracias a {mention} por acompañarnos en el taller de {topic}. Fue una tarde {adj} y "
        "aprendimos mucho sobre cómo cuidar el barrio. {cta} {tags}",
        "Nuevo artículo en el blog: cinco ideas para {topic} sin gastar de más. {link} {emoji} {tags}",
        "{emoji} Abrimos las inscripciones para el curso de {topic}. Plazas limitadas, "
        "empieza el {day} a las 18:00. {cta} {link}",
        "¿Sabías que el 40 % de las familias de {city} no tiene acceso a {topic}? "
        "Trabajamos cada día para cambiarlo junto a {mention}. {tags}",
        "Hoy cumplimos diez años. Gracias a todas las personas que habéis hecho posible esta "
        "{org_word}: socias, voluntarios y {mention}. {emoji} {emoji}",
        "Recordad que el {day} cerramos por la tarde. Podéis escribirnos por mensaje directo "
        "y os responderemos lo antes posible. {tags}",
    ],
    "en": [
        "This {day} we open our doors in {city}! Come and meet the volunteers and discover "
        "the projects of the {org_word}. {cta} {link} {tags} {emoji}",
        "Thanks to {mention} for joining our {topic} workshop. It was a {adj} afternoon and "
        "we learned a lot about caring for the neighbourhood. {cta} {tags}",
        "New on the blog: five ideas for {topic} without spending more. {link} {emoji} {tags}",
        "{emoji} Registrations are open for the {topic} course. Places are limited and it "
        "starts on {day} at 6 pm. {cta} {link}",
        "Did you know that 40% of families in {city} have no access to {topic}? We work every "
        "day to change it together with {mention}. {tags}",
        "Today we turn ten. Thank you to everyone who made this {org_word} possible: members, "
        "volunteers and {mention}. {emoji} {emoji}",
        "Remember that we close early on {day}. You can send us a direct message and we will "
        "answer as soon as possible. {tags}",
    ],
}
FILL = {
    "es": {
        "day": ["sábado", "domingo", "lunes", "viernes"],
        "city": ["Valencia", "Zaragoza", "Sevilla", "Bilbao", "Madrid"],
        # typos a trainee makes: missing accents, swapped letters
        "org_word": ["organización", "organización", "organizacion", "fundación", "fundacion",
                     "asociación", "asocaición"],
        "topic": ["huertos urbanos", "alimentación", "reciclaje", "educación financiera",
                  "lectura fácil", "informacion digital", "alfabetización digital"],
        "adj": ["estupenda", "preciosa", "muy especial", "inolvidable", "increible"],
        "cta": ["Inscríbete en el enlace.", "Apúntate ya.", "Más información en la web.",
                "Cuéntanos qué te pareció.", "", "Reserva tu plaza."],
    },
    "en": {
        "day": ["Saturday", "Sunday", "Monday", "Friday"],
        "city": ["Leeds", "Bristol", "Glasgow", "Cardiff", "Madrid"],
        "org_word": ["organization", "organization", "organisation", "foundation", "fundation",
                     "association", "assocation"],
        "topic": ["urban gardening", "healthy food", "recycling", "money skills", "easy reading",
                  "digital skils", "digital literacy"],
        "adj": ["great", "lovely", "very special", "unforgettable", "wonderfull"],
        "cta": ["Sign up at the link.", "Book your place now.", "Learn more on our website.",
                "Tell us what you thought.", "", "Join us."],
    },
}
SHARED = {
    "mention": ["@AyuntamientoVLC", "@banco_alimentos", "@ana.garcia", "@RedVecinal", "@LibreriaSol"],
    "link": ["https://raices.org/jornada", "www.raices.org/curso", "bit.ly/3xYzAbc", "", ""],
    "tags": ["#Voluntariado", "#Comunidad #Barrio", "#ODS #Agenda2030 #Impacto", "",
             "#Sostenibilidad #Reciclaje #Barrio #Verde"],
    "emoji": ["🌱", "🎉", "💚", "👉", "🙌🏽", "", "📅"],
}


def make_posts(lang: str, n: int, seed: int = SEED) -> list[str]:
    rng = random.Random(f"{seed}-{lang}")
    fill = {**SHARED, **FILL[lang]}
    posts = []
    for _ in range(n):
        template = rng.choice(TEMPLATES[lang])
        values = {k: rng.choice(v) for k, v in fill.items()}
        # a few fresh typos too: two letters swapped in one word
        text = template.format(**values)
        if rng.random() < 0.1:
            words = text.split()
            i = rng.randrange(len(words))
            w = words[i]
            if len(w) > 4 and w.isalpha():
                j = rng.randrange(1, len(w) - 2)
                words[i] = w[:j] + w[j + 1] + w[j] + w[j + 2:]
            text = " ".join(words)
        posts.append(" ".join(text.split()))
    return posts


def _rate(func, posts) -> float:
    start = time.perf_counter()
    func(posts)
    return len(posts) / (time.perf_counter() - start)


def main() -> None:
    from cmtraining.planning.posts import PostChecker

    for lang in ("es", "en"):
        posts = make_posts(lang, POSTS)
        nets = [NETWORKS[i % len(NETWORKS)] for i in range(len(posts))]
        checker = PostChecker(lang)

        def check_all(items, checker=checker, nets=nets):
            for text, net in zip(items, nets, strict=True):
                checker.check(text, net)

        def split_all(items):
            for text in items:
                text.split()

        cold = _rate(check_all, posts)  # first pass fills the per-word caches
        warm = max(_rate(check_all, posts) for _ in range(3))
        floor = max(_rate(split_all, posts) for _ in range(3))
        print(f"post checker {lang}: {warm:,.0f} posts/s warm, {cold:,.0f} posts/s on the first "
              f"pass ({floor / warm:,.0f}x the cost of str.split alone, {floor:,.0f} posts/s)")


if __name__ == "__main__":
    main()
