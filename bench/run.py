"""`make bench`: every benchmark, each printing ratios measured side by side."""

from __future__ import annotations

import importlib

BENCHES = [
    ("import time", "import_time"),
    ("Voila time to first interactive widget", "voila_first_widget"),
    ("a page's kernel handshake: the page client against jupyter_client's", "page_client"),
    ("warm kernels: a stage's first usable widget with and without the pool", "classroom_warm"),
    ("a class of 25 trainees on one server (a few minutes)", "classroom_load"),
    ("editorial calendar generation", "calendar_generation"),
    ("post checker throughput", "post_checker"),
    ("sentiment backends on real messages", "sentiment"),
    ("reply checker throughput", "reply_checker"),
    ("crisis engine: SIR against NDlib, ensembles, a million nodes", "crisis"),
    ("cmtraining run against the papermill floor", "journey"),
    ("cohort grading: workers and sandbox overhead", "grading"),
    ("importing and auditing 100,000 mentions against pandas.read_csv", "import_audit"),
    ("live crisis workshop: one turn for 6 teams batched against 6 separate runs",
     "workshop_turn"),
]

if __name__ == "__main__":
    for title, module in BENCHES:
        print(f"\n== {title} ==")
        try:
            importlib.import_module(module).main()
        except Exception as exc:  # a benchmark never fails the build
            print(f"failed to run: {exc!r}")
