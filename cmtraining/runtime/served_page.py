"""What the server writes into a page, or instead of one: refusals, offline assets, the
kernel watch.

Plain strings, no Voila: `cmtraining.runtime.serve` streams Voila's page through them.
"""

from __future__ import annotations

import html
import json
import re

from cmtraining.i18n import t

#: how often an open page asks whether its kernel is still there
KERNEL_WATCH_SECONDS = 30
PAGE_STYLE = ("body{font-family:system-ui,sans-serif;max-width:42rem;margin:3rem auto;"
              "padding:0 1rem;line-height:1.5}h1{font-size:1.4rem}")


def refusal_html(title: str, message: str, back: str, back_label: str, lang: str) -> str:
    return (f'<!DOCTYPE html><html lang="{lang}"><head><meta charset="utf-8">'
            f"<title>{html.escape(title)}</title><style>{PAGE_STYLE}</style></head><body>"
            f'<h1 class="cm-refused">{html.escape(title)}</h1>'
            f'<p class="cm-refused-message">{html.escape(message)}</p>'
            f'<p><a href="{html.escape(back)}">{html.escape(back_label)}</a></p></body></html>')


#: a stylesheet or script fetched from outside the server. Voila's lab template links
#: Font Awesome 5 from cdn.jsdelivr.net although its own bundle (voila-style.js, served
#: locally) already carries the icons and their fonts: offline (issue 19.2) the page
#: logged ERR_NAME_NOT_RESOLVED, behind a proxy 403s.
EXTERNAL_ASSET = re.compile(r"""<(?:link|script)\b[^>]*\b(?:href|src)=["']?(?:https?:)?//[^>]*>"""
                            r"(?:\s*</script>)?", re.IGNORECASE)
HTML_LANG = re.compile(r"<html(?: lang=\"[^\"]*\")?>")


def offline_page(chunk: str, lang: str) -> str:
    """A chunk of a page with nothing fetched from outside and the reader's language declared.

    `<html lang>` tells the browser (hyphenation, spell-check, screen
    readers) that the page is in the trainee's language, not the template's.
    """
    return HTML_LANG.sub(f'<html lang="{lang}">', EXTERNAL_ASSET.sub("", chunk), count=1)


def kernel_watch_script(lang: str) -> str:
    """A page's watch on its kernel: when it is gone (culled, server restarted), say so.

    It asks Voila's `api/kernels/<id>` when the tab becomes visible again and
    every `KERNEL_WATCH_SECONDS`; on a 404 (or no answer) it shows a notice with
    a reload button instead of leaving widgets that no longer answer.
    """
    texts = {"message": t("runtime.classroom.kernel_gone", lang), "reload": t("runtime.classroom.reload", lang)}
    return ("<script>(function(){var T=" + json.dumps(texts).replace("</", "<\\/") + ";"
            "var c=document.getElementById('jupyter-config-data');if(!c)return;"
            "var cfg=JSON.parse(c.textContent),id=cfg.kernelId,base=cfg.baseUrl||'/';"
            "if(!id)return;var shown=false;"
            "function gone(){if(shown)return;shown=true;var d=document.createElement('div');"
            "d.className='cm-kernel-gone';d.setAttribute('role','alert');"
            "d.style.cssText='position:fixed;top:0;left:0;right:0;z-index:10000;padding:1rem;"
            "background:#fff3cd;color:#222;border-bottom:2px solid #b58900;"
            "font:1rem system-ui,sans-serif;text-align:center';"
            "var p=document.createElement('p');p.textContent=T.message;p.style.margin='0 0 .5rem';"
            "var b=document.createElement('button');b.className='cm-reload';"
            "b.textContent=T.reload;b.onclick=function(){location.reload()};"
            "d.appendChild(p);d.appendChild(b);document.body.appendChild(d);}"
            "function check(){if(shown)return;fetch(base+'api/kernels/'+id,"
            "{credentials:'same-origin',cache:'no-store'}).then(function(r){"
            "if(r.status===404)gone();}).catch(gone);}"
            "document.addEventListener('visibilitychange',function(){"
            "if(document.visibilityState==='visible')check();});"
            "window.addEventListener('focus',check);"
            f"setInterval(check,{KERNEL_WATCH_SECONDS * 1000});"
            "window.cmtrainingCheckKernel=check;})();</script>")


def page_failed_html(lang: str) -> str:
    """What ends a page whose rendering failed half-way: a notice and a reload button.

    Streamed after whatever part of the page had gone out, so it closes the
    document itself. It lands inside Voila's hidden cell container and the
    page's own scripts never arrive: its script moves it into view and takes
    the loading spinner away.
    """
    message, reload = t("runtime.classroom.page_failed", lang), t("runtime.classroom.reload", lang)
    return (f'<div class="cm-page-failed" role="alert" style="margin:1rem;padding:1rem;'
            f'background:#fff3cd;color:#222;border:2px solid #b58900;font:1rem system-ui,'
            f'sans-serif"><p style="margin:0 0 .5rem">{html.escape(message)}</p>'
            f'<button class="cm-reload" onclick="location.reload()">{html.escape(reload)}'
            f"</button></div><script>(function(){{var n=document.querySelector('.cm-page-failed');"
            f"document.body.appendChild(n);var l=document.getElementById('loading');"
            f"if(l)l.remove();}})();</script></body></html>")
