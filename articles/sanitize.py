"""The one HTML policy of Newsroom.

Every article body, imported or edited, goes through ``clean_html`` before it
is stored; templates mark only that stored field safe. Changing what readers
may receive means changing this file and nothing else.
"""

import html
import re
import threading

import bleach
from bleach.html5lib_shim import BleachHTMLParser, Filter
from bleach.sanitizer import BleachSanitizerFilter
from selectolax.lexbor import LexborHTMLParser

ALLOWED_TAGS = frozenset(
    {
        "p", "br", "hr", "div", "span",
        "h1", "h2", "h3", "h4", "h5", "h6",
        "strong", "b", "em", "i", "u", "s", "del", "ins", "mark", "small", "sub", "sup",
        "abbr", "cite", "q", "dfn", "kbd", "samp", "var", "time",
        "ul", "ol", "li", "dl", "dt", "dd",
        "table", "caption", "thead", "tbody", "tfoot", "tr", "th", "td", "colgroup", "col",
        "blockquote", "pre", "code",
        "figure", "figcaption", "img", "picture",
        "a",
    }
)

ALLOWED_ATTRIBUTES = {
    "a": ["href", "title"],
    "img": ["src", "alt", "title", "width", "height"],
    "abbr": ["title"],
    "ol": ["start", "reversed"],
    "td": ["colspan", "rowspan"],
    "th": ["colspan", "rowspan", "scope"],
    "col": ["span"],
    "colgroup": ["span"],
    "time": ["datetime"],
    "code": ["class"],
}

ALLOWED_PROTOCOLS = frozenset({"http", "https", "mailto"})

# Elements removed together with everything inside them. Other unknown tags
# are unwrapped: their text stays, only the markup goes.
DROP_WITH_CONTENT = frozenset(
    {
        "script", "style", "iframe", "frame", "frameset", "object", "embed", "applet",
        "noscript", "noembed", "noframes", "template", "title", "head", "meta", "link",
        "base", "svg", "math", "canvas", "audio", "video", "select", "textarea",
        "button", "input", "form", "xmp", "plaintext",
    }
)

EXTERNAL_REL = "noopener noreferrer nofollow"
_CONTROL_AND_SPACE = re.compile(r"[\x00-\x20\x7f-\x9f]+")
_SCHEME = re.compile(r"^([a-z][a-z0-9+.\-]*):")
_CODE_CLASS = re.compile(r"^language-[\w+#.-]{1,40}$")


def url_scheme(value):
    """Return the scheme a browser would see in ``value``, or '' for a relative URL.

    Mirrors WHATWG URL parsing closely enough for a safety check: entities
    decoded, control characters and whitespace stripped, lower-cased.
    """
    normalized = _CONTROL_AND_SPACE.sub("", html.unescape(value or "")).lower()
    match = _SCHEME.match(normalized)
    return match.group(1) if match else ""


def is_safe_url(value):
    scheme = url_scheme(value)
    return scheme == "" or scheme in ALLOWED_PROTOCOLS


_TAG_TOKENS = frozenset({"StartTag", "EmptyTag", "EndTag"})


class _DropDangerousContent(Filter):
    """Skip dangerous elements with their content, before bleach sees them."""

    def __iter__(self):
        depth = 0
        for token in self.source:
            kind = token["type"]
            if kind in _TAG_TOKENS and str(token.get("name", "")).lower() in DROP_WITH_CONTENT:
                if kind == "StartTag":
                    depth += 1
                elif kind == "EndTag":
                    depth = max(depth - 1, 0)
                continue
            if depth == 0:
                yield token


_HEADINGS = {f"h{n}": n for n in range(1, 7)}
_SPACE = re.compile(r"\s+")


class _FinishMarkup(Filter):
    """What the policy does to the allowed markup, in one walk over the whole body:

    - URL schemes enforced, external links marked, images lazy and referrer-free;
    - a picture without alt text gets its figure's caption (a ``<figcaption>``, or
      the figure's own text beside the image), else an empty ``alt``: present, and
      easy to find as missing;
    - links with nothing inside are dropped;
    - headings sit under the page's one ``<h1>``, the title: the body's top level
      becomes ``<h2>`` and no heading skips a level below the one before it
      (``h1, h3`` -> ``h2, h3``; ``h2, h4`` -> ``h2, h3``), as screen readers and
      search engines expect.
    """

    def __iter__(self):
        tokens = list(super().__iter__())  # headings and captions need what comes after them
        levels, figure, depth = [], 0, 0
        for index, token in enumerate(tokens):
            kind = token["type"]
            if kind not in _TAG_TOKENS:
                continue
            name = token["name"]
            if name in _HEADINGS:
                if kind == "StartTag":
                    levels.append(_HEADINGS[name])
            elif name == "figure":
                if kind == "StartTag":
                    figure, depth = (index if depth == 0 else figure), depth + 1
                elif kind == "EndTag" and depth:
                    depth -= 1
                    if depth == 0:
                        _caption_to_alt(tokens[figure : index + 1])
            elif name in ("a", "img") and kind != "EndTag":
                _finish_link_or_image(token, in_figure=depth > 0)
        if depth:  # never left open by the parser, but never lost either
            _caption_to_alt(tokens[figure:])
        if levels:
            _order_headings(tokens, 2 - min(levels))
        for token in tokens:
            if token["type"] in ("StartTag", "EmptyTag"):
                _quote_attributes(token["data"])
                if token["name"] == "img":
                    _policy_attributes_last(token["data"])
        return _without_empty_links(tokens)


_IMAGE_POLICY_ATTRIBUTES = ((None, "loading"), (None, "referrerpolicy"), (None, "decoding"))


def _policy_attributes_last(attrs):
    """The attributes this policy gives every picture go after the author's (and after the ``alt``
    filled in from a caption or left empty), as the next cleaning puts them: the sanitizer drops
    them, the picture's own attributes stay in place, and they come back at the end. Written in
    that order the first time, a body settles in two passes instead of three."""
    for key in _IMAGE_POLICY_ATTRIBUTES:
        if key in attrs:
            attrs[key] = attrs.pop(key)


def _quote_attributes(attrs):
    """A literal ``"`` in an attribute value becomes ``&quot;``. Values keep their entities as
    written (``&amp;``); with a literal quote the serializer switches to single quotes and escapes
    them again, so the value grew on every pass and a body never settled (then lost its markup)."""
    for key, value in attrs.items():
        if '"' in value:
            attrs[key] = value.replace('"', "&quot;")


def _without_empty_links(tokens):
    """Links with nothing to see inside (share buttons whose icon was removed) are invisible to
    readers: they go, with the empty markup inside them."""
    skip, index = set(), 0
    while index < len(tokens):
        token = tokens[index]
        if token["type"] == "StartTag" and token["name"] == "a":
            end = next((j for j in range(index + 1, len(tokens)) if tokens[j].get("name") == "a"), len(tokens) - 1)
            inside = tokens[index + 1 : end]
            if not any(t["type"] == "Characters" and t["data"].strip() or t["type"] == "EmptyTag" for t in inside):
                skip.update(range(index, end + 1))
            index = end
        index += 1
    return (token for index, token in enumerate(tokens) if index not in skip)


def _finish_link_or_image(token, in_figure):
    attrs = token["data"]
    url_key = (None, "href") if token["name"] == "a" else (None, "src")
    url = attrs.get(url_key)
    if url is not None and not is_safe_url(url):
        del attrs[url_key]
        url = None
    if token["name"] == "a":
        if url and url_scheme(url) in ("http", "https"):
            attrs[(None, "rel")] = EXTERNAL_REL
        return
    attrs[(None, "loading")] = "lazy"
    attrs[(None, "referrerpolicy")] = "no-referrer"
    attrs[(None, "decoding")] = "async"
    if not in_figure:  # a figure's pictures wait for its caption
        attrs.setdefault((None, "alt"), "")


def _caption_to_alt(tokens):
    caption, loose, inside = [], [], 0
    for token in tokens:
        if token.get("name") == "figcaption":
            inside += 1 if token["type"] == "StartTag" else -1 if token["type"] == "EndTag" else 0
        elif token["type"] in ("Characters", "SpaceCharacters"):
            (caption if inside else loose).append(token["data"])
    text = _SPACE.sub(" ", "".join(caption) or "".join(loose)).strip()[:300]
    for token in tokens:
        if token["type"] == "EmptyTag" and token["name"] == "img":
            token["data"].setdefault((None, "alt"), text)


def _order_headings(tokens, shift):
    previous, open_ = 1, []
    for token in tokens:
        if token["type"] in ("StartTag", "EndTag") and token["name"] in _HEADINGS:
            if token["type"] == "StartTag":
                previous = max(2, min(_HEADINGS[token["name"]] + shift, previous + 1, 6))
                open_.append(previous)
                token["name"] = f"h{previous}"
            elif open_:
                token["name"] = f"h{open_.pop()}"


def _filter_attribute(tag, name, value):
    if tag == "code" and name == "class":
        return bool(_CODE_CLASS.match(value))
    return name in ALLOWED_ATTRIBUTES.get(tag, ())


class _Cleaner(bleach.Cleaner):
    def __init__(self, **kwargs):
        super().__init__(**kwargs)
        # The parser must know the dropped elements, or bleach turns them to text first.
        self.parser = BleachHTMLParser(
            tags=self.tags | DROP_WITH_CONTENT,
            strip=True,
            consume_entities=False,
            namespaceHTMLElements=False,
        )

    def clean(self, text):
        if not text:
            return ""
        dom = self.parser.parseFragment(text)
        filtered = BleachSanitizerFilter(
            source=_DropDangerousContent(self.walker(dom)),
            allowed_tags=self.tags,
            attributes=self.attributes,
            strip_disallowed_tags=True,
            strip_html_comments=True,
            allowed_protocols=self.protocols,
        )
        return self.serializer.render(_FinishMarkup(filtered))


_local = threading.local()  # bleach cleaners hold parser state: one per thread


def _cleaner():
    if not hasattr(_local, "cleaner"):
        _local.cleaner = _Cleaner(
            tags=ALLOWED_TAGS,
            attributes=_filter_attribute,
            protocols=ALLOWED_PROTOCOLS,
            strip=True,
            strip_comments=True,
        )
    return _local.cleaner

_EMPTY_WRAPPERS = re.compile(r"<(div|span|p)>(\s|&nbsp;|\u00a0|\u3000)*</\1>")
_MAX_PASSES = 4


def _clean_once(value):
    cleaned = _cleaner().clean(value or "")
    # Spacer paragraphs and emptied wrappers only add blank space.
    previous = None
    while previous != cleaned:
        previous, cleaned = cleaned, _EMPTY_WRAPPERS.sub("", cleaned)
    return cleaned.strip()


def clean_html(value):
    """Return ``value`` reduced to the allowed HTML. Safe to store and to mark safe."""
    cleaned = _clean_once(value)
    # The parser can leave a tree that no HTML source produces (a heading or a
    # list item inside another, an <a> inside an <a>); serialized, it is rebuilt
    # differently by the next parse, the browser's. What is stored must be what a
    # browser builds from it: either the markup parses exactly as it is written,
    # or it is cleaned again until it stops changing.
    for _ in range(_MAX_PASSES):
        if cleaned == value or parses_as_written(cleaned):
            return cleaned
        value, cleaned = cleaned, _clean_once(cleaned)
    # Never seen: markup that keeps mutating is reduced to its text.
    return bleach.clean(cleaned, tags=set(), strip=True)


# --- the stability check ---------------------------------------------------------------

_VOID = frozenset({"br", "col", "hr", "img"})  # the policy's void elements: written without an end tag
# Tags as the serializer writes them: lower-case names, values always in double quotes, "<" escaped.
_TAG = re.compile(r'<(/?)([a-z][a-z0-9]*)((?:\s+[^\s"\'<>/=]+(?:="[^"<]*")?)*)\s*>')
_ATTRIBUTE = re.compile(r'\s+([^\s"\'<>/=]+)(?:="([^"<]*)")?')


def parses_as_written(markup):
    """Whether a browser's parse of ``markup`` builds exactly the elements, attributes and text
    its tags say, in that nesting: nothing closed, moved, added or merged by the parser.

    Such markup, made of the policy's own elements only, is stored as it is: the check costs
    about a seventh of a cleaning pass, which proved the same by cleaning again and comparing.
    The parse is lexbor's, a parser written to the HTML Standard as browsers are. Markup this
    does not recognise is simply cleaned again. It checks the structure, not the policy: it is
    only ever given what the policy's cleaning wrote.
    """
    written = _written_events(markup)
    return written is not None and written == _parsed_events(markup)


def _text(events, value):
    if events and type(events[-1]) is str:
        events[-1] += value
    else:
        events.append(value)


def _written_events(markup):
    """The start tags (name, attributes), end tags and text that ``markup`` spells out, entities
    decoded; ``None`` where it holds something other than the policy's tags and text."""
    events, position = [], 0
    for match in _TAG.finditer(markup):
        text = markup[position : match.start()]
        if "<" in text:  # a comment, a doctype or a tag not written the serializer's way
            return None
        if text:
            _text(events, html.unescape(text))
        position = match.end()
        closing, name, attributes = match.groups()
        if name not in ALLOWED_TAGS:  # e.g. <noscript> or <textarea>, parsed differently by other means
            return None
        if closing:
            if attributes:
                return None
            events.append(("/", name))
            continue
        events.append((name, {key: html.unescape(value) for key, value in _ATTRIBUTE.findall(attributes)}))
        if name in _VOID:
            events.append(("/", name))
    rest = markup[position:]
    if "<" in rest:
        return None
    if rest:
        _text(events, html.unescape(rest))
    return events


def _parsed_events(markup):
    """The same events from the tree a browser builds for ``markup`` inside a ``<div>``."""
    events, parents = [], []
    node = LexborHTMLParser(markup, is_fragment=True, fragment_tag="div").root
    while node is not None:  # depth first, without recursion: bodies may nest deeply
        if node.is_element_node:
            events.append((node.tag, {key: value or "" for key, value in node.attributes.items()}))
            if node.child is not None:
                parents.append(node)
                node = node.child
                continue
            events.append(("/", node.tag))
        elif node.is_text_node:
            _text(events, node.text_content)
        else:  # a comment: never written by the serializer
            events.append(None)
        while node.next is None and parents:
            node = parents.pop()
            events.append(("/", node.tag))
        node = node.next
    return events
