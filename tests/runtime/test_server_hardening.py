"""Attacks on `cmtraining serve` (issues 20 and 23), each kept as a test on a real server.

The server runs on 127.0.0.1 on a free port; requests go through urllib.
Kernels are counted as the server's child processes (Voila starts each one
with `runtime/served_kernel`), so "no kernel started" is what the OS sees.
"""

from __future__ import annotations

import http.cookiejar
import time
import urllib.error
import urllib.parse
import urllib.request

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from cmtraining.core.errors import CmtrainingError, ParameterError
from cmtraining.runtime.parameters import CONTRACTS
from tests.conftest import launch_chromium, needs_chromium, run_cli, wait_for, write_sample
from tests.served import FACILITATOR, Served

REFUSED = [  # (query of 00-profile, what the refusal says)
    ("lang=fr", "fr"),
    ("template=lab", "template"),
    ("theme=dark", "theme"),
    ("voila-template=x", "voila-template"),
    ("bogus=1", "bogus"),
    ("org=nobody", "nobody"),
    ("workbook=../../etc/passwd", "passwd"),
    ("lang=" + "a" * 100_000, "demasiado largo"),
    ("a" * 5000 + "=1", "demasiado largo"),
]


@pytest.fixture(scope="module")
def served(tmp_path_factory):
    server = Served(tmp_path_factory.mktemp("served"))
    yield server
    server.stop()


# --- issue 20.1: a refused request starts no kernel ---------------------------------


def test_refused_requests_start_no_kernel(served):
    before = served.kernels()
    for _ in range(20):
        status, body, _ = served.get("/voila/render/00-profile.ipynb?lang=fr")
        assert status == 400 and "fr" in body
    for query, words in REFUSED:
        status, body, _ = served.get(f"/voila/render/00-profile.ipynb?{query}")
        assert status == 400, query[:80]
        assert words in body and "cm-refused-message" in body
    assert served.kernels() == before


def test_an_accepted_page_starts_one_kernel_and_a_refused_one_after_it_none(served):
    before = served.kernels()
    status, body, _ = served.get("/voila/render/00-profile.ipynb?lang=en")
    assert status == 200 and "cm-refused" not in body
    started = served.kernels() - before
    assert len(started) == 1
    served.get("/voila/render/00-profile.ipynb?lang=de")
    assert served.kernels() - before == started


# --- issue 20.8 and 23.5: clear answers instead of 500 or a closed connection ----------


def test_voila_reserved_parameters_get_a_clear_400_in_the_readers_language(served):
    status, body, _ = served.get("/voila/render/index.ipynb?template=../../etc&lang=en")
    assert status == 400
    assert "“template” is a setting of the server" in body
    status, body, _ = served.get("/voila/render/index.ipynb?template=lab")
    assert status == 400 and "es un ajuste del servidor" in body


def test_a_100_kb_value_is_answered_400_not_a_closed_connection(served):
    status, body, headers = served.get("/voila/render/00-profile.ipynb?lang=" + "x" * 100_000)
    assert status == 400
    assert "demasiado largo (100000 caracteres; como mucho 1000)" in body
    assert headers["Content-Type"].startswith("text/html")


# --- issue 20.3: the facilitator's pages --------------------------------------------


@pytest.mark.parametrize("path", [
    "90-gradebook.ipynb?lang=en", "./90-gradebook.ipynb", "x/../90-gradebook.ipynb",
    "90%2Dgradebook.ipynb", "90-gradebook.ipynb?facilitator_token=wrong",
    f"90-gradebook.ipynb?token={FACILITATOR}",
])
def test_the_gradebook_needs_the_facilitators_token(served, path):
    before = served.kernels()
    status, body, _ = served.get(f"/voila/render/{path}")
    assert status == 403
    assert "formadores" in body or "facilitators" in body
    assert served.kernels() == before


def test_the_gradebook_database_never_comes_from_the_address(served, tmp_path):
    """Existing, missing and remote databases get the same refusal: no file oracle."""
    other = tmp_path / "other.sqlite"
    other.write_bytes(b"")
    before = served.kernels()
    answers = set()
    for db in (str(other), str(tmp_path / "missing.sqlite"), "/etc/passwd",
               "postgresql://u:pw@h/g"):
        query = urllib.parse.urlencode({"facilitator_token": FACILITATOR, "db": db})
        status, body, _ = served.get(f"/voila/render/90-gradebook.ipynb?{query}")
        answers.add((status, body))
    assert len(answers) == 1
    status, body = answers.pop()
    assert status == 400 and "cmtraining serve --gradebook" in body
    assert served.kernels() == before


def test_the_facilitators_token_opens_the_gradebook_and_a_cookie_keeps_it(served):
    jar = http.cookiejar.CookieJar()
    opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(jar))
    status, body, _ = served.get(
        f"/voila/render/90-gradebook.ipynb?lang=en&facilitator_token={FACILITATOR}", opener)
    assert status == 200 and "cm-refused" not in body
    cookie = next(c for c in jar if c.name.startswith("cmtraining-facilitator"))
    assert FACILITATOR not in (cookie.value or "")  # proof of the token, not the token
    # the language switch of the page is a link without the token: the cookie opens it
    assert served.get("/voila/render/90-gradebook.ipynb?lang=es", opener)[0] == 200
    assert served.get("/voila/render/90-gradebook.ipynb?lang=es")[0] == 403


def test_listings_never_show_the_facilitators_pages(served):
    _, listing, _ = served.get("/voila/api/contents")
    _, tree, _ = served.get("/voila/tree?classic-tree=true")
    for page in (listing, tree):
        assert "index.ipynb" in page and "00-profile.ipynb" in page
        assert "90-gradebook" not in page
    assert served.get("/voila/files/90-gradebook.ipynb")[0] in (403, 404)


def test_the_start_page_gives_trainees_no_link_to_the_gradebook():
    from cmtraining.apps.landing import build_app

    app = build_app(lang="en")
    markup = "".join(getattr(w, "value", "") for w in app.children if isinstance(
        getattr(w, "value", None), str))
    assert "90-gradebook" not in markup
    assert "facilitator only" in markup and "private" in markup


# --- every kernel has an end ----------------------------------------------------------


def test_the_kernel_of_a_page_that_is_gone_is_culled(tmp_path):
    server = Served(tmp_path, "--cull-idle", "0.05")  # 3 seconds
    try:
        assert "tras 0,05 minutos sin actividad" in server.log_path.read_text()
        status, _, _ = server.get("/voila/render/00-profile.ipynb?lang=en")
        assert status == 200
        # the page was read by urllib: no browser ever connects to its kernel
        assert wait_for(lambda: not server.kernels(), timeout=120), server.log_path.read_text()
    finally:
        server.stop()


@pytest.mark.browser
@needs_chromium
def test_an_open_page_keeps_its_kernel_and_a_closed_one_loses_it(tmp_path):
    """Culling ends the kernels of pages that are gone, never the one a trainee still reads."""
    from playwright.sync_api import sync_playwright

    # 15 s without activity (the culler looks every 3 s): enough for a loaded machine to load
    # the page and connect it to its kernel after the server has run its cells
    server = Served(tmp_path, "--cull-idle", "0.25")
    try:
        path = write_sample(server.workspace / "ana.yaml")
        with sync_playwright() as p:
            browser = launch_chromium(p)
            page = browser.new_page()
            page.goto(f"{server.base}/voila/render/00-profile.ipynb?workbook=ana")
            name = page.locator(".cm-field-name input")
            name.wait_for(timeout=90_000)
            kernels = server.kernels()
            assert len(kernels) == 1
            time.sleep(20)  # the trainee reads: past the idle time, several culler rounds
            assert server.kernels() == kernels
            name.fill("Read for a while, then edited")
            name.press("Enter")
            assert wait_for(lambda: "Read for a while, then edited" in path.read_text("utf-8"))
            page.close()
            assert wait_for(lambda: not server.kernels(), timeout=120)
            browser.close()
    finally:
        server.stop()


# --- the command line refuses what cannot work, before starting -----------------------


@pytest.mark.parametrize("args, words", [(["--token", " "], "--token"),
                                         (["--port", "99999"], "99999")])
def test_serve_refuses_a_blank_token_and_a_port_that_does_not_exist(tmp_path, args, words):
    """The two cases of the issues, as a facilitator types them (before: a server that
    refused every request, and a traceback)."""
    result = run_cli("serve", "--workspace", str(tmp_path / "ws"), "--lang", "en", *args,
                     timeout=90)
    assert result.returncode == 2, result.stdout + result.stderr
    assert "Traceback" not in result.stderr and words in result.stderr
    assert len(result.stderr.strip().splitlines()) == 1 and "running" not in result.stdout


@pytest.fixture
def serve_in_process(monkeypatch, capsys):
    """`cmtraining serve ARGS` in this process, with a Voila that fails the test if started."""
    import cmtraining.runtime.serve
    from cmtraining.cli import main

    class NoVoila:
        def __init__(self, **kwargs):
            raise AssertionError("the server started")

    monkeypatch.setattr(cmtraining.runtime.serve, "CmtrainingVoila", NoVoila)
    for name in ("CMTRAINING_WORKSPACE", "CMTRAINING_LANG", "CMTRAINING_GRADEBOOK"):
        monkeypatch.setenv(name, "")  # restored afterwards, whatever serve sets

    def run(*args: str) -> tuple[int, str]:
        code = main(["serve", "--lang", "en", *args])
        return code, capsys.readouterr().err
    return run


@pytest.mark.parametrize("args, words", [
    (["--token", ""], "--token"),
    (["--token", " abc"], "--token"),
    (["--token", "abc\t"], "--token"),
    (["--facilitator-token", " "], "--facilitator-token"),
    (["--token", "same", "--facilitator-token", "same"], "differ from the trainees"),
    (["--port", "-1"], "-1"),
    (["--port", "0"], "Port 0"),
    (["--cull-idle", "0"], "--cull-idle"),
    (["--cull-idle", "nan"], "--cull-idle"),
    (["--cull-idle", "100000"], "--cull-idle"),
])
def test_serve_refuses_unusable_options_at_start(serve_in_process, tmp_path, args, words):
    code, err = serve_in_process("--workspace", str(tmp_path / "ws"), *args)
    assert code == 2 and words in err
    assert err.startswith("Error:") and len(err.strip().splitlines()) == 1


def test_serve_refuses_a_workspace_it_cannot_use(serve_in_process, tmp_path):
    path = tmp_path / "file"
    path.write_text("x")
    code, err = serve_in_process("--workspace", str(path / "ws"))
    assert code == 2 and str(path / "ws") in err


# --- the query check itself -------------------------------------------------------------


@settings(max_examples=300, deadline=None)
@given(stem=st.sampled_from(sorted(CONTRACTS)),
       query=st.dictionaries(st.sampled_from(["lang", "org", "workbook", "seed", "days",
                                              "prefill", "db", "risk", "exercise", "template",
                                              "token", "facilitator_token", "x"]) | st.text(),
                             st.text(max_size=1200), max_size=4))
def test_check_query_answers_with_the_packages_error_only(stem, query):
    from cmtraining.runtime.serve_query import check_query

    try:
        values = check_query(stem, query)
    except CmtrainingError as exc:
        assert exc.message("en") and exc.message("es")
        return
    assert set(values) == set(CONTRACTS[stem].names())


def test_the_prelaunch_hook_refuses_with_400_too():
    """A second lock: a query that slipped past the handler still starts nothing."""
    import nbformat
    import tornado.web
    from tornado.httputil import HTTPHeaders, HTTPServerRequest, RequestStartLine

    from cmtraining.runtime.serve import prelaunch_hook

    class Handler:
        notebook_stem = "00-profile"
        request = HTTPServerRequest(start_line=RequestStartLine(
            "GET", "/voila/render/00-profile.ipynb?lang=fr", "HTTP/1.1"),
            headers=HTTPHeaders({"Host": "127.0.0.1"}))

    with pytest.raises(tornado.web.HTTPError) as err:
        prelaunch_hook(Handler(), nbformat.v4.new_notebook(), ".")
    assert err.value.status_code == 400


def test_check_query_keeps_the_gradebook_out_of_the_address():
    from cmtraining.runtime.serve_query import check_query

    with pytest.raises(ParameterError, match="--gradebook"):
        check_query("90-gradebook", {"db": "", "lang": "en"})
    assert check_query("90-gradebook", {"facilitator_token": "t", "token": "u"})["db"] == ""
