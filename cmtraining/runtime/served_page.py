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


#: what jupyterlab_widgets writes in place of a widget whose model the page never got
#: ("Error displaying widget: model not found", "Error displaying widget"): final, the
#: renderer does not try again
WIDGETS_LOST = "^Error displaying widget"
#: how long after a page loads it is watched for lost widgets, and the least time between
#: two automatic reloads of the same page (a second loss within it asks the trainee instead)
LOST_WATCH_SECONDS = 600
LOST_RELOAD_SECONDS = 120

KERNEL_WATCH_JS = """<script>(function(){var T=%(texts)s;
var c=document.getElementById('jupyter-config-data');if(!c)return;
var cfg=JSON.parse(c.textContent),id=cfg.kernelId,base=cfg.baseUrl||'/';
if(!id)return;var shown=false;
function notice(message){if(shown)return;shown=true;var d=document.createElement('div');
d.className='cm-kernel-gone';d.setAttribute('role','alert');
d.style.cssText='position:fixed;top:0;left:0;right:0;z-index:10000;padding:1rem;'+
'background:#fff3cd;color:#222;border-bottom:2px solid #b58900;'+
'font:1rem system-ui,sans-serif;text-align:center';
var p=document.createElement('p');p.textContent=message;p.style.margin='0 0 .5rem';
var b=document.createElement('button');b.className='cm-reload';
b.textContent=T.reload;b.onclick=function(){location.reload()};
d.appendChild(p);d.appendChild(b);document.body.appendChild(d);}
function gone(){notice(T.message);}
function check(){if(shown)return;fetch(base+'api/kernels/'+id,
{credentials:'same-origin',cache:'no-store'}).then(function(r){
if(r.status===404)gone();}).catch(gone);}
document.addEventListener('visibilitychange',function(){
if(document.visibilityState==='visible')check();});
window.addEventListener('focus',check);
setInterval(check,%(every)d);
window.cmtrainingCheckKernel=check;
var LOST=new RegExp(%(lost)s),key='cm-reloaded:'+location.pathname+location.search,
started=Date.now();
function lost(){var o=document.querySelectorAll('.jp-OutputArea-output');
for(var i=0;i<o.length;i++){if(o[i].childElementCount===0&&LOST.test(o[i].textContent))
return true;}return false;}
var watch=setInterval(function(){
if(shown||Date.now()-started>%(watch)d){
clearInterval(watch);return;}
if(!lost())return;clearInterval(watch);
var last=+(sessionStorage.getItem(key)||0);
if(Date.now()-last>%(again)d){sessionStorage.setItem(key,String(Date.now()));
console.warn('cmtraining: the page lost its widgets, reloading it once');location.reload();}
else notice(T.lost);},1000);
})();</script>"""


def kernel_watch_script(lang: str) -> str:
    """A page's watch on its kernel and its widgets, so a trainee never faces a dead page.

    - Kernel gone (culled, server restarted): it asks Voila's `api/kernels/<id>`
      when the tab becomes visible again and every `KERNEL_WATCH_SECONDS`; on a
      404 (or no answer) it shows a notice with a reload button.
    - Widgets lost: on a loaded machine a page sometimes comes up with "Error
      displaying widget: model not found" in place of its app (the browser's
      widget manager finished restoring without the root's model: about one run
      in three of the 3-trainee classroom test on the 2-core CI machine, 2026;
      cause not found). The renderer never retries, so the page
      reloads itself once (a new kernel; the workbook is saved on every change,
      nothing is lost); a second loss within `LOST_RELOAD_SECONDS` shows the
      notice instead of reloading in a loop.
    """
    texts = {"message": t("runtime.classroom.kernel_gone", lang),
             "lost": t("runtime.classroom.widgets_lost", lang),
             "reload": t("runtime.classroom.reload", lang)}
    script = KERNEL_WATCH_JS % {
        "texts": json.dumps(texts).replace("</", "<\\/"), "every": KERNEL_WATCH_SECONDS * 1000,
        "lost": json.dumps(WIDGETS_LOST), "watch": LOST_WATCH_SECONDS * 1000,
        "again": LOST_RELOAD_SECONDS * 1000}
    return script.replace("\n", "")


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
