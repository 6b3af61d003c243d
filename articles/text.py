"""Plain-text helpers that work for Chinese as well as for English.

Chinese has no spaces between words, so anything counted in "words" treats a
whole paragraph as one. Here everything is counted in characters and cut at
sentence ends.
"""

import html
import re

from django.utils.text import slugify

_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")
_WHITESPACE = re.compile(r"[\s\u00a0\u3000]+")
_SENTENCE_END = re.compile(r"[。！？!?…]+[”’」』）)]*|\.(?=\s|$)[”’\"')]*")
_BLOCK_END = re.compile(r"</(p|div|h[1-6]|li|blockquote|pre|figure|figcaption|tr|table)>|<br\s*/?>", re.I)


def strip_control(value):
    """Remove control characters (other than tab and newlines): XML feeds cannot carry them."""
    return _CONTROL.sub("", value or "")


_TAG = re.compile(r"""<(?:[^>"']|"[^"]*"|'[^']*')*>""")


def html_to_text(value):
    """Text content of sanitized HTML (as stored), entities decoded, whitespace collapsed.

    A quote-aware regular expression is enough for the sanitizer's output (no
    comments, every attribute quoted) and five times faster than strip_tags.
    """
    value = _BLOCK_END.sub(lambda m: m.group(0) + " ", value or "")
    return _WHITESPACE.sub(" ", html.unescape(_TAG.sub("", value))).strip()


def searchable(title, text):
    """What search looks in: the title and the plain text, lower-cased once here.

    Stored folded, the text can be matched with a plain LIKE: folding case
    on every candidate row was most of the cost of a PostgreSQL search.
    """
    return f"{title}\n{text}".lower()


def truncate_text(text, limit):
    """Cut ``text`` to at most ``limit`` characters, at a sentence end if one is near.

    A sentence end in the second half of the budget wins; otherwise the text
    is cut at a word boundary for Latin text (or anywhere between CJK
    characters) and gets an ellipsis.
    """
    text = _WHITESPACE.sub(" ", text or "").strip()
    if len(text) <= limit:
        return text
    window = text[:limit]
    ends = [m.end() for m in _SENTENCE_END.finditer(window)]
    if ends and ends[-1] >= limit // 2:
        return window[: ends[-1]].strip()
    cut = window[: limit - 1]
    space = cut.rfind(" ")
    if space >= limit // 2 and not _is_cjk(cut[space - 1 : space]):
        cut = cut[:space]
    return cut.rstrip(" ,，、;；:：") + "…"


def excerpt_from_html(value, limit=160):
    """A clean, tag-free excerpt of an HTML body."""
    return truncate_text(html_to_text(value), limit)


_CJK = re.compile(r"[\u3400-\u9fff\uf900-\ufaff\u3040-\u30ff\uac00-\ud7af]")


def reading_minutes(text, cjk_per_minute=400, words_per_minute=220):
    """Reading time of plain text: CJK counted per character, other text per word."""
    cjk = len(_CJK.findall(text))
    words = len(re.findall(r"[A-Za-z0-9]+", text))
    return max(1, round(cjk / cjk_per_minute + words / words_per_minute))


def unicode_slug(value, max_length=80, fallback="article"):
    """A URL slug that keeps Chinese characters (Django's plain slugify drops them)."""
    slug = slugify(value or "", allow_unicode=True)[:max_length].strip("-_")
    return slug or fallback


def _is_cjk(ch):
    return bool(ch) and (
        "\u3400" <= ch <= "\u9fff"
        or "\uf900" <= ch <= "\ufaff"
        or "\u3040" <= ch <= "\u30ff"
        or "\uac00" <= ch <= "\ud7af"
    )
