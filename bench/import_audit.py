"""Importing and auditing 100,000 mentions, next to pandas' own `read_csv` of the same file.

Writes a 100,000-row export in the airline-tweets layout (seeded: texts from
templates in English and Spanish with quotes, commas, `&amp;`, emoji and
line breaks; X-style dates with offsets; three brands and human labels),
nearly every text distinct (a flight number in each) and every text's
tokens distinct too (a booking reference in letters in each, as "ref QXHTZA":
numbers all read as one token): the worst case, since the audit classifies
each distinct text once and weighs each distinct token sequence once. Then
it times, in the same run and on the same file:

- pandas.read_csv (the floor: parsing only, no mapping, dates or checks);
- `read_mentions_csv` (reading, layout detection, dates to the org's zone,
  HTML entities, brand split, labels);
- `audit_mentions` on the result (sentiment of every message, daily series,
  gaps, spikes, share of voice, terms, authors).

Prints seconds and the ratios against the floor, by the wall clock and by
the process's CPU time (steadier when other work shares the machine);
targets (issue 15, on the 2-core development machine): import <= 3 s,
audit <= 5 s. Never fails.
"""

from __future__ import annotations

import random
import string
import tempfile
import time
from datetime import datetime, timedelta, timezone
from pathlib import Path

SEED = 2026
ROWS = 100_000
TEMPLATES = [
    ("negative", "@{brand} flight {flight} is late again &amp; nobody answers. I'm done {emoji}"),
    ("negative", '@{brand} lost my bag, "priority" they said; it\'s the {n}th time'),
    ("positive", "@{brand} thanks, great crew on the {city} flight {flight} today! {emoji}"),
    ("neutral", "@{brand} do you fly to {city} on Sundays?"),
    ("negative", "@{brand} otra vez retraso en el {flight}, y nadie responde &amp; nadie informa"),
    ("positive", "Gracias @{brand}, tripulación estupenda en el vuelo {flight} a {city} {emoji}"),
    ("negative", "@{brand} stuck at gate {n} for the {flight},\nworst delay ever, I don't get it"),
    ("neutral", "¿Cuánto cuesta facturar una maleta en el {flight} de {city}?"),
]
BRANDS = ("Iberia", "Vueling", "Air Europa")
CITIES = ("Madrid", "Lisboa", "Sevilla", "Bilbao", "London")
EMOJI = ("😍", "✈️", "😡", "👍🏽", "")


def write_export(path: Path) -> None:
    import pandas as pd

    rng = random.Random(SEED)
    start = datetime(2017, 12, 1, tzinfo=timezone(timedelta(hours=-8)))
    rows = []
    for i in range(ROWS):
        label, template = rng.choice(TEMPLATES)
        brand = rng.choices(BRANDS, weights=(5, 3, 2))[0]
        at = start + timedelta(seconds=int(i * 60 * 24 * 60 / 1000))  # ~60 days
        rows.append({"tweet_id": 500000 + i, "airline_sentiment": label,
                     "airline_sentiment_confidence": round(rng.random(), 3),
                     "negativereason": "Late Flight" if label == "negative" else "",
                     "airline": brand, "name": f"traveller{rng.randrange(4000)}",
                     "retweet_count": rng.randrange(5),
                     "text": template.format(brand=brand, city=rng.choice(CITIES),
                                             emoji=rng.choice(EMOJI), n=rng.randrange(2, 9),
                                             flight=f"{brand[:2].upper()}{rng.randrange(10000)}")
                     + " ref " + "".join(rng.choices(string.ascii_uppercase, k=6)),
                     "tweet_created": at.strftime("%Y-%m-%d %H:%M:%S %z"),
                     "tweet_location": rng.choice(CITIES), "user_timezone": "Madrid"})
    pd.DataFrame(rows).to_csv(path, index=False)


def timed(function, *args, **kwargs):
    """(result, wall seconds, CPU seconds of this process): on a machine shared with other
    work the CPU time moves less than the wall time, so both are shown."""
    wall, cpu = time.perf_counter(), time.process_time()
    result = function(*args, **kwargs)
    return result, time.perf_counter() - wall, time.process_time() - cpu


def measure() -> dict:
    """Seconds (wall, CPU) of the floor, the import and the audit, in one run on one file."""
    import pandas as pd

    from cmtraining.listening.audit import audit_mentions
    from cmtraining.listening.importer import read_mentions_csv

    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "airline_tweets_100k.csv"
        write_export(path)
        size = path.stat().st_size / 1_048_576
        read_mentions_csv(path.read_bytes()[:20000].rsplit(b"\n", 1)[0] + b"\n")  # warm imports
        floors = [timed(pd.read_csv, path)[1:] for _ in range(3)]
        frame, *import_s = timed(read_mentions_csv, path, brand="Iberia", tz="Europe/Madrid")
        audit, *audit_s = timed(audit_mentions, frame, brand="Iberia")
    return {"size": size, "floor": (min(f[0] for f in floors), min(f[1] for f in floors)),
            "import": tuple(import_s), "audit": tuple(audit_s), "frame": frame, "audit_": audit}


def main() -> None:
    import os

    run = measure()
    (floor, floor_cpu), frame, audit = run["floor"], run["frame"], run["audit_"]
    print(f"  file: {ROWS:,} mentions, {run['size']:.1f} MB (airline-tweets layout); "
          f"load average {os.getloadavg()[0]:.1f} on {os.cpu_count()} cores")
    print(f"  pandas.read_csv (floor)   {floor:6.2f} s             (CPU {floor_cpu:5.2f} s)")
    for name, label, target in (("import", "read_mentions_csv", 3), ("audit", "audit_mentions", 5)):
        wall, cpu = run[name]
        print(f"  {label:<25} {wall:6.2f} s = {wall / floor:5.1f} x floor (CPU {cpu:5.2f} s = "
              f"{cpu / floor_cpu:5.1f} x floor)   (target <= {target} s: "
              f"{'met' if wall <= target else 'NOT met'})")
    print(f"  {frame['text'].nunique():,} distinct texts; "
          f"audited {audit.total:,} own mentions, {len(audit.alerts)} alert day(s), "
          f"share of voice {audit.own_share:.1%}")


if __name__ == "__main__":
    main()
