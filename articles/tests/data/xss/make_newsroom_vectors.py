"""Writes newsroom_events.txt, newsroom_urls.txt and newsroom_urls.escaped.txt beside this file.

These vectors are Newsroom's own: event handler attribute names (as listed in the HTML Living
Standard and the other specifications named below, plus legacy names that old browsers acted on)
put on a few elements, and spellings of script-running URLs put in every URL-carrying attribute
we know of. Nothing here is copied from a third-party vector list. Run it again after editing the
lists (``python articles/tests/data/xss/make_newsroom_vectors.py``) and commit the output with it.
"""

import json
from pathlib import Path

HERE = Path(__file__).parent

# --- event handler attribute names ----------------------------------------------------

EVENT_GROUPS = [
    (
        "HTML Living Standard, GlobalEventHandlers and DocumentAndElementEventHandlers",
        """abort auxclick beforeinput beforematch beforetoggle blur cancel canplay canplaythrough change
        click close command contextlost contextmenu contextrestored copy cuechange cut dblclick drag
        dragend dragenter dragleave dragover dragstart drop durationchange emptied ended error focus
        formdata input invalid keydown keypress keyup load loadeddata loadedmetadata loadstart
        mousedown mouseenter mouseleave mousemove mouseout mouseover mouseup paste pause play playing
        progress ratechange reset resize scroll scrollend securitypolicyviolation seeked seeking
        select slotchange stalled submit suspend timeupdate toggle volumechange waiting
        webkitanimationend webkitanimationiteration webkitanimationstart webkittransitionend wheel""",
    ),
    (
        "HTML Living Standard, WindowEventHandlers (body and frameset) and Document",
        """afterprint beforeprint beforeunload hashchange languagechange message messageerror offline
        online pagehide pagereveal pageshow pageswap popstate rejectionhandled storage
        unhandledrejection unload readystatechange visibilitychange""",
    ),
    (
        "Pointer Events, Touch Events, CSS Animations, CSS Transitions, Selection API, Fullscreen API,"
        " DeviceOrientation Event",
        """gotpointercapture lostpointercapture pointerdown pointermove pointerrawupdate pointerup
        pointercancel pointerover pointerout pointerenter pointerleave touchstart touchend touchmove
        touchcancel animationstart animationiteration animationend animationcancel transitionrun
        transitionstart transitionend transitioncancel selectstart selectionchange fullscreenchange
        fullscreenerror deviceorientation devicemotion deviceorientationabsolute""",
    ),
    (
        "SVG (animation timing events and SVG 1.1 event attributes)",
        "begin end repeat focusin focusout activate zoom",
    ),
    (
        "legacy and vendor names (Internet Explorer DHTML events, marquee, menu, search input,"
        " prefixed fullscreen, Gecko script events)",
        """beforecopy beforecut beforepaste beforeactivate beforedeactivate deactivate beforeeditfocus
        help propertychange filterchange move moveend movestart resizestart resizeend losecapture
        errorupdate dataavailable datasetchanged datasetcomplete rowenter rowexit rowsdelete
        rowsinserted cellchange layoutcomplete start finish bounce show search mousewheel
        orientationchange beforescriptexecute afterscriptexecute mozfullscreenchange
        webkitfullscreenchange dragexit""",
    ),
]

EVENT_NAMES = list(dict.fromkeys("on" + word for _, words in EVENT_GROUPS for word in words.split()))

# {e}: the attribute name. Elements the policy keeps (p, a, img, td, code), drops with their
# content (svg, math) and unwraps (an unknown custom element); the last two change the spelling.
EVENT_TEMPLATES = [
    '<p {e}="alert(1)">x</p>',
    '<a href="https://example.com/" {e}="alert(1)">x</a>',
    '<img src="/x.png" alt="x" {e}="alert(1)">',
    "<table><tr><td {e}='alert(1)'>x</td></tr></table>",
    '<svg {e}="alert(1)"><rect width="10" height="10" {e}="alert(1)"/></svg>',
    '<math {e}="alert(1)"><mi {e}="alert(1)">x</mi></math>',
    "<x-widget {e}=alert(1)>x</x-widget>",
    "<CODE {E}=alert(1)>x</CODE>",
    "<img/src=x/{e}=alert(1)>",
]


def event_vectors():
    return [
        template.format(e=name, E=name.upper())
        for name in EVENT_NAMES
        for template in EVENT_TEMPLATES
    ]


# --- script-running URLs --------------------------------------------------------------


def _decimal(text, width=0, semicolon=True):
    return "".join(f"&#{ord(c):0{width}d}" + (";" if semicolon else "") for c in text)


def _hex(text, semicolon=True):
    return "".join(f"&#x{ord(c):x}" + (";" if semicolon else "") for c in text)


PAYLOAD = "alert(1)"

# Spellings a browser reads as a script (or otherwise unsafe) URL, written for this project.
URL_SPELLINGS = [
    "javascript:alert(1)",
    "JaVaScRiPt:alert(1)",
    "JAVASCRIPT:ALERT(1)",
    " javascript:alert(1)",
    "javascript:alert(1) ",
    "javascript&colon;alert(1)",
    "javascript&#58;alert(1)",
    "javascript&#x3a;alert(1)",
    "javascript&#X3A;alert(1)",
    "javascript&#0000058alert(1)",
    "javascript&#x003A;alert(1)",
    "&#106;avascript:alert(1)",
    "&#x6a;avascript:alert(1)",
    "&#X6A&#X61vascript:alert(1)",
    "javas&#99;ript:alert(1)",
    _decimal("javascript:" + PAYLOAD),
    _decimal("javascript:" + PAYLOAD, semicolon=False),
    _decimal("javascript:" + PAYLOAD, width=7, semicolon=False),
    _hex("javascript:" + PAYLOAD),
    _hex("javascript:", semicolon=False) + PAYLOAD,
    "jav&#x09;ascript:alert(1)",
    "jav&#9;ascript:alert(1)",
    "jav&Tab;ascript:alert(1)",
    "java&NewLine;script:alert(1)",
    "java&#10;script:alert(1)",
    "java&#13;script:alert(1)",
    "java&#x0D;script:alert(1)",
    "&#x20;javascript:alert(1)",
    "&#14;javascript:alert(1)",
    "&#x1f;&#x1;javascript:alert(1)",
    "javascript&colon;alert&lpar;1&rpar;",
    "javascript://%0aalert(1)",
    "javascript:alert%281%29",
    "javascript:void(0)",
    "javascript:",
    "vbscript:msgbox(1)",
    "VBScript:MsgBox(1)",
    "livescript:alert(1)",
    "mocha:alert(1)",
    "data:text/html,<script>alert(1)</script>",
    "data:text/html;base64,PHNjcmlwdD5hbGVydCgxKTwvc2NyaXB0Pg==",
    "DATA:text/html,<svg onload=alert(1)>",
    'data:image/svg+xml,<svg xmlns="http://www.w3.org/2000/svg" onload="alert(1)"/>',
    'data:application/xhtml+xml,<html xmlns="http://www.w3.org/1999/xhtml"><script>alert(1)</script></html>',
    "blob:https://example.com/00000000-0000-0000-0000-000000000000",
    "filesystem:https://example.com/temporary/x.html",
    "view-source:https://example.com/",
    "jar:https://example.com/x.jar!/x.html",
    "ms-its:mhtml:file://C:/x.mht!https://example.com/x.chm::/x.html",
    "about:blank",
    "file:///etc/passwd",
]

# Safe URLs that only look like the ones above: they must keep working where the policy allows URLs.
URL_LOOKALIKES = [
    "https://example.com/javascript:alert(1)",
    "/javascript:alert(1)",
    "./javascript:alert(1)",
    "?javascript:alert(1)",
    "#javascript:alert(1)",
    "http://javascript:alert(1)@example.com/",
    "mailto:javascript@example.com",
    "java%73cript:alert(1)",
]

# Raw control and space characters a browser strips from, or keeps in, a URL: JSON-escaped.
URL_CONTROL_SPELLINGS = [
    "java\tscript:alert(1)",
    "java\nscript:alert(1)",
    "java\rscript:alert(1)",
    "\tjavascript:alert(1)",
    "\x01javascript:alert(1)",
    "\x1f \x0bjavascript:alert(1)",
    "\x00javascript:alert(1)",
    "javascript\x00:alert(1)",
    "\x7fjavascript:alert(1)",
    "java\xadscript:alert(1)",
    "\xa0javascript:alert(1)",
    "javascript\u2028:alert(1)",
    "\u200bjavascript:alert(1)",
    "\ufeffjavascript:alert(1)",
]

# {u}: the URL, already escaped for a double-quoted attribute value.
URL_TEMPLATES = [
    '<a href="{u}">x</a>',
    '<img src="{u}" alt="x">',
    '<img src="/x.png" srcset="{u} 2x" alt="x">',
    '<img lowsrc="{u}" alt="x">',
    '<img dynsrc="{u}" alt="x">',
    '<img src="/x.png" longdesc="{u}" alt="x">',
    '<map name="m"><area href="{u}" shape="rect" coords="0,0,9,9" alt="x"></map>',
    '<form action="{u}"><button>x</button></form>',
    '<form><button formaction="{u}">x</button></form>',
    '<input type="image" src="{u}" alt="x">',
    '<input type="submit" formaction="{u}" value="x">',
    '<iframe src="{u}"></iframe>',
    '<frameset><frame src="{u}"></frameset>',
    '<embed src="{u}">',
    '<object data="{u}"></object>',
    '<video poster="{u}"></video>',
    '<video src="{u}"></video>',
    '<audio src="{u}"></audio>',
    '<video><source src="{u}"><track src="{u}"></video>',
    '<picture><source srcset="{u}"><img src="/x.png" alt="x"></picture>',
    '<table background="{u}"><tr><td background="{u}">x</td></tr></table>',
    '<body background="{u}">x</body>',
    '<blockquote cite="{u}">x</blockquote>',
    '<p><q cite="{u}">x</q><del cite="{u}">y</del><ins cite="{u}">z</ins></p>',
    '<a href="https://example.com/" ping="{u}">x</a>',
    '<base href="{u}"><a href="x">x</a>',
    '<link rel="stylesheet" href="{u}">',
    '<script src="{u}"></script>',
    '<isindex action="{u}">',
    '<applet code="{u}" codebase="{u}"></applet>',
    '<svg><a xlink:href="{u}"><text x="0" y="10">x</text></a></svg>',
    '<svg><a href="{u}"><text x="0" y="10">x</text></a></svg>',
    '<svg><image href="{u}" width="10" height="10"/><use href="{u}"/></svg>',
    '<math href="{u}"><mi xlink:href="{u}">x</mi></math>',
    '<meta http-equiv="refresh" content="0;url={u}">',
]

# Every spelling goes in the two URL attributes the policy keeps (a href, img src); a few go
# everywhere, quoted three ways in a href.
EVERYWHERE = [
    "javascript:alert(1)",
    "JaVaScRiPt:alert(1)",
    " javascript:alert(1)",
    "javascript&colon;alert(1)",
    "&#x6a;avascript:alert(1)",
    "jav&#x09;ascript:alert(1)",
    "vbscript:msgbox(1)",
    "data:text/html,<script>alert(1)</script>",
    "data:text/html;base64,PHNjcmlwdD5hbGVydCgxKTwvc2NyaXB0Pg==",
]


def _attr(url, quote='"'):
    # Entities stay as written: they are meant to reach the parser.
    if quote == '"':
        return url.replace('"', "&quot;")
    if quote == "'":
        return url.replace("'", "&#39;")
    return url


def url_vectors(spellings):
    vectors = []
    for url in spellings:
        for template in URL_TEMPLATES[:2]:
            vectors.append(template.format(u=_attr(url)))
    for url in EVERYWHERE:
        for template in URL_TEMPLATES[2:]:
            vectors.append(template.format(u=_attr(url)))
        vectors.append(f"<a href='{_attr(url, chr(39))}'>x</a>")
        if not any(c in url for c in " \"'<>=`"):
            vectors.append(f"<a href={url}>x</a>")
    return vectors


def control_url_vectors():
    return [template.format(u=_attr(url)) for url in URL_CONTROL_SPELLINGS for template in URL_TEMPLATES[:2]]


# --- files ------------------------------------------------------------------------------

ONE_PER_LINE = "# One vector per line.\n"
ESCAPED = (
    "# Vectors holding control characters (NUL, CR, U+2028...) that a plain-text\n"
    "# file cannot carry: one JSON string literal per line, as the JSON sources spell them.\n"
)


def _write(name, header, vectors, escaped=False):
    assert all(v and "\n" not in v for v in vectors) or escaped
    assert not vectors[0].startswith("#")
    body = [json.dumps(v) for v in vectors] if escaped else vectors
    (HERE / name).write_text(header + "\n".join(body) + "\n", encoding="utf-8")
    return len(vectors)


def main():
    groups = "".join(f"#   - {title}\n" for title, _ in EVENT_GROUPS)
    n = _write(
        "newsroom_events.txt",
        "# Source: Newsroom's own vectors, written by make_newsroom_vectors.py (this folder).\n"
        f"# The {len(EVENT_NAMES)} distinct event handler attribute names of\n{groups}"
        f"# each on {len(EVENT_TEMPLATES)} element templates. See SOURCES.md.\n" + ONE_PER_LINE,
        event_vectors(),
    )
    print("newsroom_events.txt", n)
    n = _write(
        "newsroom_urls.txt",
        "# Source: Newsroom's own vectors, written by make_newsroom_vectors.py (this folder).\n"
        f"# {len(URL_SPELLINGS)} spellings of script-running or otherwise unsafe URLs and {len(URL_LOOKALIKES)} safe look-alikes in\n"
        f"# <a href> and <img src>, and {len(EVERYWHERE)} of them in {len(URL_TEMPLATES) - 2} more URL attributes. See SOURCES.md.\n"
        + ONE_PER_LINE,
        url_vectors(URL_SPELLINGS + URL_LOOKALIKES),
    )
    print("newsroom_urls.txt", n)
    n = _write(
        "newsroom_urls.escaped.txt",
        "# Source: Newsroom's own vectors, written by make_newsroom_vectors.py (this folder).\n"
        "# javascript: URLs with raw control, space and invisible characters, in <a href> and <img src>.\n"
        "# See SOURCES.md.\n" + ESCAPED,
        control_url_vectors(),
        escaped=True,
    )
    print("newsroom_urls.escaped.txt", n)


if __name__ == "__main__":
    main()
