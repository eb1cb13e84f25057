"""Editorial calendar generator: entries per second, next to floors measured in the same run.

Times `generate_calendar` for a realistic plan (52 weeks, 6 networks, 4
pillars, Spain) and prints the median of several runs, in entries per second,
next to two floors built in the same process:

* `objects`: building the same number of `CalendarEntry` objects directly
  (the cost of the pydantic model alone);
* `naive`: a round-robin calendar with the same capacity and pillars but no
  holidays, posting windows, spreading or mix control.

The ratios say what the generator's rules cost on top of those floors. The
checker and the two exports are timed too, for reference. Never fails the
build: any error is printed.

Run: `.venv/bin/python bench/calendar_generation.py` (or `make bench`).
"""

from __future__ import annotations

import statistics
import time
from datetime import date, timedelta

RUNS = 7
WEEKS = 52
START = date(2026, 1, 5)
CAPS = {"facebook": 4, "instagram": 5, "x": 5, "linkedin": 3, "tiktok": 3, "youtube": 1}


def _plan():
    from cmtraining.workbook.models import ContentPlan

    return ContentPlan(
        pillars=[{"id": "impact", "name": "Our impact", "share": 40},
                 {"id": "people", "name": "People behind it", "share": 25},
                 {"id": "tips", "name": "Useful tips", "share": 20},
                 {"id": "agenda", "name": "Agenda", "share": 15}],
        posts_per_week=CAPS)


def _median(fn, runs: int = RUNS) -> tuple[float, object]:
    times, result = [], None
    for _ in range(runs):
        start = time.perf_counter()
        result = fn()
        times.append(time.perf_counter() - start)
    return statistics.median(times), result


def _objects_floor(entries):
    from cmtraining.workbook.models import CalendarEntry

    rows = [e.model_dump() for e in entries]
    return lambda: [CalendarEntry(**row) for row in rows]


def _naive_floor(plan):
    from cmtraining.workbook.models import CalendarEntry

    ids = [p.id for p in plan.pillars]

    def run():
        out, k = [], 0
        for week in range(WEEKS):
            monday = START + timedelta(weeks=week)
            for net, cap in plan.posts_per_week.items():
                for i in range(cap):
                    out.append(CalendarEntry(day=monday + timedelta(days=i % 7), time="10:00",
                                             network=net, pillar=ids[k % len(ids)]))
                    k += 1
        return out
    return run


def main() -> None:
    try:
        from cmtraining.planning.calendar import check_calendar, generate_calendar
        from cmtraining.planning.export import calendar_to_csv, calendar_to_ics

        plan = _plan()

        def generate():
            return generate_calendar(plan, start=START, weeks=WEEKS, country="ES", seed=42)

        entries = generate()  # warm-up: imports, datasets and holiday tables are cached
        gen_s, entries = _median(generate)
        n = len(entries)
        obj_s, _ = _median(_objects_floor(entries))
        naive_s, naive = _median(_naive_floor(plan))
        check_s, _ = _median(lambda: check_calendar(entries, plan, country="ES"))
        ics_s, _ = _median(lambda: calendar_to_ics(entries, org_name="Bench"))
        csv_s, _ = _median(lambda: calendar_to_csv(entries))

        print(f"plan: {WEEKS} weeks x {len(CAPS)} networks ({sum(CAPS.values())} posts/week), "
              f"{len(plan.pillars)} pillars, ES holidays; median of {RUNS} runs")
        print(f"generate_calendar : {n:5d} entries in {gen_s * 1000:8.1f} ms "
              f"= {n / gen_s:9,.0f} entries/s")
        print(f"floor, objects    : {n:5d} entries in {obj_s * 1000:8.1f} ms "
              f"= {n / obj_s:9,.0f} entries/s  -> generator x{gen_s / obj_s:.1f} slower")
        print(f"floor, round-robin: {len(naive):5d} entries in {naive_s * 1000:8.1f} ms "
              f"= {len(naive) / naive_s:9,.0f} entries/s  -> generator x{gen_s / naive_s:.1f} slower")
        print(f"check_calendar    : {check_s * 1000:8.1f} ms; calendar_to_ics: {ics_s * 1000:.1f} ms; "
              f"calendar_to_csv: {csv_s * 1000:.1f} ms")
    except Exception as exc:  # a benchmark reports, it never fails the build
        print(f"calendar benchmark could not run: {type(exc).__name__}: {exc}")


if __name__ == "__main__":
    main()
