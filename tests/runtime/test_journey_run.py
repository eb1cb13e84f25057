"""`cmtraining run` and the strategy report, as a facilitator uses them."""

from __future__ import annotations

import json
import re
import shutil
from html.parser import HTMLParser

import pytest
import yaml

from cmtraining.report import SECTIONS
from tests.conftest import JOURNEY_AS_OF, ROOT, run_cli

pytestmark = pytest.mark.notebook
AS_OF = JOURNEY_AS_OF
RUNS = (("ngo", "es"), ("ngo", "en"), ("saas", "en"), ("saas", "es"))


class Sections(HTMLParser):
    """Collects each <section id=...>'s text and the report's images."""

    def __init__(self):
        super().__init__()
        self.text: dict[str, str] = {}
        self.current: str | None = None
        self.images: list[str] = []

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag == "section":
            self.current = attrs.get("id")
            self.text[self.current] = ""
        if tag == "img":
            self.images.append(attrs.get("src", ""))

    def handle_endtag(self, tag):
        if tag == "section":
            self.current = None

    def handle_data(self, data):
        if self.current:
            self.text[self.current] += data


def parse(path) -> Sections:
    parser = Sections()
    parser.feed(path.read_text(encoding="utf-8"))
    return parser


def without_timestamp(text: str) -> str:
    return re.sub(r"(generado el|generated) [^<·]*", "", text)


@pytest.fixture(scope="module")
def runs(journey_run):
    """Two sample organizations in both languages (the slow part, shared by the tests)."""
    return {(org, lang): journey_run(org, lang) for org, lang in RUNS}


@pytest.mark.parametrize("org, lang", RUNS)
def test_run_executes_every_stage_and_builds_the_report(runs, org, lang):
    folder, done = runs[(org, lang)]
    log = yaml.safe_load((folder / "run.yaml").read_text(encoding="utf-8"))
    stages = [s["notebook"] for s in log["stages"]]
    assert stages[:2] == ["00-profile", "00-listening"] and "04-response" in stages
    assert all(s["status"] == "ok" for s in log["stages"])
    for stem in stages:
        executed = json.loads((folder / "notebooks" / f"{stem}.ipynb").read_text(encoding="utf-8"))
        assert executed["metadata"]["papermill"]["parameters"]["lang"] == lang
    report = parse(folder / "report.html")
    assert set(SECTIONS) <= set(report.text), set(SECTIONS) - set(report.text)
    for section in SECTIONS:
        assert report.text[section].strip(), section
    assert any(src.startswith("data:image/png;base64,") for src in report.images)
    words = {"es": ("Objetivos", "Panel de KPI", "Recomendaciones"),
             "en": ("Objectives", "KPI dashboard", "Recommendations")}[lang]
    html = (folder / "report.html").read_text(encoding="utf-8")
    assert all(w in html for w in words) and "http" not in html.replace("http://www.w3", "")
    assert str(folder / "report.html") in done.stdout


def test_two_runs_with_the_same_inputs_give_the_same_report(runs, tmp_path):
    folder, _ = runs[("ngo", "es")]
    again = tmp_path / "again"
    done = run_cli("run", "--org", "ngo", "--out", str(again), "--lang", "es", "--as-of", AS_OF,
                   "--seed", "3", timeout=900)
    assert done.returncode == 0, done.stderr[-2000:]
    first = without_timestamp((folder / "report.html").read_text(encoding="utf-8"))
    second = without_timestamp((again / "report.html").read_text(encoding="utf-8"))
    assert first == second


def test_export_report_rebuilds_it_from_the_workbook(runs, tmp_path):
    folder, _ = runs[("saas", "en")]
    out = tmp_path / "rebuilt.html"
    done = run_cli("export", "report", str(folder / "workbook.yaml"), "--out", str(out),
                   "--as-of", AS_OF, "--lang", "en")
    assert done.returncode == 0, done.stderr
    assert without_timestamp(out.read_text(encoding="utf-8")) == without_timestamp(
        (folder / "report.html").read_text(encoding="utf-8")).replace(
        re.search(r'<p class="muted" id="stages-ran">.*?</p>',
                  (folder / "report.html").read_text(encoding="utf-8")).group(0),
        '<p class="muted" id="stages-ran"></p>')


def test_a_report_of_an_empty_workbook_says_no_data(tmp_path):
    wb = tmp_path / "blank.yaml"
    assert run_cli("new", "--blank", "--out", str(wb), "--lang", "en").returncode == 0
    out = tmp_path / "blank.html"
    assert run_cli("export", "report", str(wb), "--out", str(out), "--lang", "en").returncode == 0
    report = parse(out)
    assert "No objectives yet" in report.text["objectives"]
    assert "No channel metrics" in report.text["kpis"]
    assert "No listening audit" in report.text["listening"]


def test_a_failing_stage_stops_the_run_and_keeps_what_finished(tmp_path):
    import nbformat

    notebooks = tmp_path / "notebooks"
    shutil.copytree(ROOT / "notebooks", notebooks)
    broken = nbformat.read(notebooks / "01-objectives.ipynb", as_version=4)
    broken.cells.append(nbformat.v4.new_code_cell("raise RuntimeError('boom')"))
    nbformat.write(broken, notebooks / "01-objectives.ipynb")
    out = tmp_path / "run"
    done = run_cli("run", "--org", "cafe", "--out", str(out), "--as-of", AS_OF, "--lang", "en",
                   env={"CMTRAINING_NOTEBOOKS": str(notebooks)}, timeout=900)
    assert done.returncode == 2, done.stderr[-3000:]
    assert "01-objectives.ipynb" in done.stderr and "cell" in done.stderr and "boom" in done.stderr, \
        done.stderr[-3000:]
    assert "Traceback" not in done.stderr
    log = yaml.safe_load((out / "run.yaml").read_text(encoding="utf-8"))
    assert [s["status"] for s in log["stages"]] == ["ok", "ok", "failed"], (log, done.stderr[-3000:])
    assert (out / "notebooks" / "00-listening.ipynb").exists() and not (out / "report.html").exists()


def test_bad_sources_and_an_existing_folder_are_refused(tmp_path):
    done = run_cli("run", "--org", "nope", "--out", str(tmp_path / "x"))
    assert done.returncode == 2 and "nope" in done.stderr and "Traceback" not in done.stderr
    (tmp_path / "full").mkdir()
    (tmp_path / "full" / "keep.txt").write_text("x")
    done = run_cli("run", "--org", "cafe", "--out", str(tmp_path / "full"), "--lang", "en")
    assert done.returncode == 2 and "--force" in done.stderr
    assert (tmp_path / "full" / "keep.txt").exists()
