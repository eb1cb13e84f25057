"""The Voila application `cmtraining serve` runs: its page handler refuses before any kernel starts.

Voila's own page handler asks for a kernel for every request it accepts,
even when the prelaunch hook turns the notebook into an error page. Ours
decides first, from the request alone: the facilitator's pages need the
facilitator's token (or the signed cookie it leaves), and the query must
pass the notebook's parameter contract (`cmtraining.serve.check_query`).
A refusal is a short page in the reader's language (400 or 403); no kernel
starts. Listings (`/voila/tree`, the contents API) never show the
facilitator's notebooks, and tornado reads addresses up to 1 MiB so that a
long one gets an answer rather than a closed connection.
"""

from __future__ import annotations

import functools
import hashlib
import hmac
import html
import os
from pathlib import Path

import tornado.web
from voila.app import Voila
from voila.tornado.handler import TornadoVoilaHandler

from cmtraining.errors import CmtrainingError
from cmtraining.i18n import t
from cmtraining.serve import (
    FACILITATOR_NOTEBOOKS,
    FACILITATOR_PARAM,
    LANDING,
    MAX_HEADER_BYTES,
    check_query,
    query_lang,
    query_values,
)

FACILITATOR_SETTING = "cmtraining_facilitator_token"
PAGE_STYLE = ("body{font-family:system-ui,sans-serif;max-width:42rem;margin:3rem auto;"
              "padding:0 1rem;line-height:1.5}h1{font-size:1.4rem}")


def _fingerprint(token: str) -> str:
    """What the facilitator's cookie holds: proof of the token, not the token itself."""
    return hashlib.sha256(f"cmtraining-facilitator:{token}".encode()).hexdigest()


def notebook_file(root: str, path: str) -> Path:
    """The file a render path names, resolved the way jupyter_server's `to_os_path` does."""
    parts = [part for part in (path or "").strip("/").split("/") if part]
    return Path(os.path.realpath(os.path.normpath(os.path.join(root, *parts))))


def refusal_html(title: str, message: str, back: str, back_label: str, lang: str) -> str:
    return (f'<!DOCTYPE html><html lang="{lang}"><head><meta charset="utf-8">'
            f"<title>{html.escape(title)}</title><style>{PAGE_STYLE}</style></head><body>"
            f'<h1 class="cm-refused">{html.escape(title)}</h1>'
            f'<p class="cm-refused-message">{html.escape(message)}</p>'
            f'<p><a href="{html.escape(back)}">{html.escape(back_label)}</a></p></body></html>')


class GuardedVoilaHandler(TornadoVoilaHandler):
    """Voila's page handler, behind the facilitator's token and the parameter contract."""

    notebook_stem: str | None = None

    @tornado.web.authenticated
    async def get(self, path=None):
        query = query_values(self.request.query_arguments)
        lang = query_lang(query)
        root = os.path.realpath(self.contents_manager.root_dir)
        target = notebook_file(root, path)
        if target.suffix == ".ipynb" and target.is_file() and target.parent == Path(root):
            self.notebook_stem = target.stem
            if target.stem in FACILITATOR_NOTEBOOKS and not self._facilitator():
                return self._refuse(403, t("server.facilitator_title", lang),
                                    t("server.facilitator_only", lang), lang)
            try:
                check_query(target.stem, query)
            except CmtrainingError as exc:
                return self._refuse(400, t("serve.refused_title", lang), exc.message(lang), lang)
        elif target.suffix == ".ipynb":
            raise tornado.web.HTTPError(404)  # outside the notebooks folder, or missing
        await super().get(path)

    def _facilitator(self) -> bool:
        """Whether the request carries the facilitator's token (query or signed cookie)."""
        expected = _fingerprint(self.settings[FACILITATOR_SETTING])
        cookie_name = f"cmtraining-facilitator-{self.request.host.rsplit(':', 1)[-1]}"
        given = self.get_query_argument(FACILITATOR_PARAM, None)
        if given is not None:
            if not hmac.compare_digest(_fingerprint(given), expected):
                return False
            self.set_signed_cookie(cookie_name, expected, expires_days=None, httponly=True,
                                   samesite="Strict", path=self.base_url)
            return True
        cookie = self.get_signed_cookie(cookie_name, max_age_days=1)
        return cookie is not None and hmac.compare_digest(cookie, expected.encode())

    def _refuse(self, status: int, title: str, message: str, lang: str) -> None:
        back = LANDING + (f"?lang={lang}" if lang != "es" else "")
        self.set_status(status)
        self.set_header("Content-Type", "text/html; charset=utf-8")
        self.set_header("Cache-Control", "no-cache, no-store, must-revalidate")
        self.finish(refusal_html(title, message, back, t("app.back_home", lang), lang))


class CmtrainingVoila(Voila):
    """Voila with the guarded page handler, hidden facilitator pages and long addresses read."""

    def __init__(self, *, facilitator_token: str, **kwargs):
        super().__init__(**kwargs)
        self.tornado_settings = {**self.tornado_settings, FACILITATOR_SETTING: facilitator_token}

    def init_settings(self) -> dict:
        settings = super().init_settings()
        hidden = [f"{stem}.ipynb" for stem in sorted(FACILITATOR_NOTEBOOKS)]
        self.contents_manager.hide_globs = [*self.contents_manager.hide_globs, *hidden]
        return settings

    def init_handlers(self) -> list:
        return [(rule[0], GuardedVoilaHandler, *rule[2:]) if rule[1] is TornadoVoilaHandler
                else rule for rule in super().init_handlers()]

    def listen(self) -> None:
        self.app.listen = functools.partial(self.app.listen, max_header_size=MAX_HEADER_BYTES)
        super().listen()
