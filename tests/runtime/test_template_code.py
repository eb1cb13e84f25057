"""Voila's page templates are compiled once per server, and again only when edited."""

from __future__ import annotations

from jinja2 import DictLoader, Environment, FileSystemLoader

from cmtraining.runtime.template_code import CompiledTemplates, compile_once


def _env(cache, loader) -> Environment:
    env = Environment(loader=loader, enable_async=True, autoescape=False)
    env.bytecode_cache = cache
    return env


def test_a_template_is_compiled_once_for_every_environment_and_renders_the_same(tmp_path):
    (tmp_path / "base.j2").write_text("<b>{% block x %}base{% endblock %}</b>")
    (tmp_path / "page.j2").write_text("{% extends 'base.j2' %}{% block x %}{{ who }}{% endblock %}")
    cache = CompiledTemplates()
    pages = [_env(cache, FileSystemLoader(tmp_path)).get_template("page.j2").render(who=w)
             for w in ("ana", "ben", "eva")]
    assert pages == ["<b>ana</b>", "<b>ben</b>", "<b>eva</b>"]
    assert cache.compiled == 2  # page and base, once each, for three environments


def test_an_edited_template_is_compiled_again(tmp_path):
    cache = CompiledTemplates()
    first = _env(cache, DictLoader({"p": "one {{ n }}"})).get_template("p").render(n=1)
    second = _env(cache, DictLoader({"p": "two {{ n }}"})).get_template("p").render(n=2)
    assert (first, second) == ("one 1", "two 2") and cache.compiled == 2


def test_voilas_exporter_environments_share_the_compiled_pages():
    """What the server installs: a page's exporter is new each time, its templates are not."""
    from voila.exporter import VoilaExporter

    from cmtraining.runtime.template_code import COMPILED

    compile_once(VoilaExporter)
    compile_once(VoilaExporter)  # idempotent
    COMPILED.clear()
    envs = [VoilaExporter(template_name="lab").environment for _ in range(3)]
    assert all(env.bytecode_cache is COMPILED for env in envs)
    for env in envs:
        env.get_template("index.html.j2")
    once = COMPILED.compiled
    assert once and all(envs[0].get_template("index.html.j2") is not None for _ in range(2))
    envs.append(VoilaExporter(template_name="lab").environment)
    envs[-1].get_template("index.html.j2")
    assert COMPILED.compiled == once
