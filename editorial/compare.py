"""Two states of an article compared field by field, for editors to read (on difflib).

A state is a *snapshot*: a plain dict with the keys of ``FIELDS``, made from
the article as it is now (``snapshot_of_article``), from one of its
revisions (``snapshot_of_version``) or by a caller from anything else (a
posted form, an incoming import). ``changes(old, new)`` gives one ``Row`` per
field that differs, and ``admin/editorial/changes.html`` shows them (with
``media`` on the page).

The body is compared as text, never as HTML: tags would drown the changes,
and a diff of markup would show editors markup. Chinese has no spaces, so
each CJK character is a token of its own; Latin script is compared by words.
"""

import datetime
import difflib
import re
from typing import NamedTuple

from django import forms
from django.contrib.contenttypes.models import ContentType
from django.utils import timezone
from django.utils.dateformat import format as format_date
from django.utils.html import escape, format_html, format_html_join
from django.utils.safestring import SafeString
from django.utils.text import capfirst
from django.utils.translation import gettext as _
from taggit.models import Tag

from articles.models import Article, Category, Image, TaggedArticle
from articles.text import html_to_text

FIELDS = [
    "title", "slug", "status", "published_at", "author", "source_name", "source_url", "excerpt", "body",
    "categories", "tags", "head_image", "thumbnail",
]
TEXTS = {"title", "slug", "author", "source_name", "source_url", "excerpt", "body"}  # diffed inline
LISTS = {"categories", "tags"}  # shown as what was added and removed
IMAGES = {"head_image", "thumbnail"}  # by their labels
EMPTY = {**{name: "" for name in FIELDS}, "published_at": None, "categories": [], "tags": []}
CONTEXT = 60  # characters kept on each side of a change when unchanged text is elided

media = forms.Media(css={"all": ["admin/newsroom/compare.css"]})

# Han (with extensions and compatibility ideographs), kana, Hangul, bopomofo, CJK punctuation and
# full-width forms: each such character is a token, as Chinese words are not marked off by spaces.
_CJK = (
    "\u1100-\u11ff\u2e80-\u2fdf\u3000-\u303f\u3040-\u30ff\u3100-\u31ff\u3200-\u33ff\u3400-\u4dbf"
    "\u4e00-\u9fff\uac00-\ud7af\uf900-\ufaff\ufe30-\ufe4f\uff00-\uffef\U00020000-\U0003134f"
)
_TOKEN = re.compile(rf"[{_CJK}]|\s+|[^\W{_CJK}]+|.", re.S)
_PARAGRAPH_END = re.compile(r"</(?:p|div|h[1-6]|li|blockquote|pre|figure|figcaption|tr|table)>|<br\s*/?>", re.I)


class Row(NamedTuple):
    """One field that differs: its name, its label and the change as safe HTML."""

    name: str
    label: str
    html: SafeString


def deleted(pk):
    return _("#%(id)s (deleted)") % {"id": pk}


def snapshot_of_article(article):
    """The article as stored now, its categories and tags included."""
    return {
        **{name: getattr(article, name) for name in FIELDS if name not in LISTS | IMAGES},
        "categories": [str(category) for category in article.categories.all()],
        "tags": sorted(tag.name for tag in article.tags.all()),
        "head_image": str(article.head_image) if article.head_image_id else "",
        "thumbnail": str(article.thumbnail) if article.thumbnail_id else "",
    }


def snapshot_of_version(version):
    """The article as one revision kept it. Its tags are the revision's own tag rows, named as the
    revision's copies of the tags (else as the tags are now); categories and images, which revisions
    do not copy, are named as they are now, or shown as deleted."""
    fields = version.field_dict
    tags = kept_tags(version)
    names = dict(Tag.objects.filter(pk__in=[pk for pk, name in tags if name is None]).values_list("pk", "name"))
    category_ids = fields.get("categories", [])
    categories = {category.pk: str(category) for category in Category.objects.filter(pk__in=category_ids)}
    image_ids = [fields["head_image_id"], fields["thumbnail_id"]]
    images = Image.objects.in_bulk([pk for pk in image_ids if pk])
    return {
        **{name: fields.get(name, EMPTY[name]) for name in FIELDS if name not in LISTS | IMAGES},
        "categories": [categories[pk] if pk in categories else deleted(pk) for pk in category_ids],
        "tags": sorted(name or names.get(pk) or deleted(pk) for pk, name in tags),
        "head_image": image_label(images, fields["head_image_id"]),
        "thumbnail": image_label(images, fields["thumbnail_id"]),
    }


def kept_tags(version):
    """``(id, name)`` of each tag the revision kept for the article. The name is that of the
    revision's copy of the tag, or None: revisions made before tags were followed have none."""
    tagged_type, tag_type = (ContentType.objects.get_for_model(model) for model in (TaggedArticle, Tag))
    others = list(version.revision.version_set.all())
    names = {int(other.object_id): other.object_repr for other in others if other.content_type_id == tag_type.pk}
    tag_ids = [
        other.field_dict["tag_id"] for other in others
        if other.content_type_id == tagged_type.pk and str(other.field_dict["content_object_id"]) == version.object_id
    ]
    return [(pk, names.get(pk)) for pk in tag_ids]


def image_label(images, pk):
    if not pk:
        return ""
    return str(images[pk]) if pk in images else deleted(pk)


def changes(old, new):
    """A ``Row`` for each field whose value differs between the snapshots ``old`` and ``new``."""
    rows = []
    for name in FIELDS:
        before, after = old.get(name, EMPTY[name]), new.get(name, EMPTY[name])
        if name in LISTS:
            html = list_change(before, after)
        elif name == "body":
            html = text_change(body_text(before), body_text(after)) or markup_change(before, after)
        elif name in TEXTS:
            html = text_change(before or "", after or "")
        else:
            html = value_change(display(name, before), display(name, after))
        if html:
            rows.append(Row(name, capfirst(Article._meta.get_field(name).verbose_name), html))
    return rows


def display(name, value):
    """A status by its label, a date to the second in the current time zone, anything else as text."""
    if value is None:
        return ""
    if name == "status":
        return str(Article.Status(value).label) if value in Article.Status.values else str(value)
    if isinstance(value, datetime.datetime):
        return format_date(timezone.localtime(value) if timezone.is_aware(value) else value, "Y-m-d H:i:s")
    return str(value)


def body_text(html):
    """The body's plain text, a line per paragraph, so that the diff keeps its paragraphs."""
    paragraphs = (html_to_text(part) for part in _PARAGRAPH_END.split(html or ""))
    return "\n".join(paragraph for paragraph in paragraphs if paragraph)


def markup_change(before, after):
    """Said, not shown, when only the body's markup differs: its text is the same."""
    if (before or "") == (after or ""):
        return ""
    note = _("Only the markup differs (formatting, links or pictures).")
    return format_html('<span class="compare-note">{}</span>', note)


def tokens(text):
    """``text`` cut into CJK characters, runs of whitespace, words and single other characters."""
    return _TOKEN.findall(text)


def value_change(before, after):
    """A whole value replaced by another: the old struck out, the new marked inserted."""
    if before == after:
        return ""
    parts = [format_html("<del>{}</del>", before)] if before else []
    parts += [format_html("<ins>{}</ins>", after)] if after else []
    return format_html_join(" → ", "{}", ((part,) for part in parts))


def list_change(before, after):
    """The items added (inserted) and removed (struck out), each once."""
    added = [item for item in dict.fromkeys(after) if item not in before]
    removed = [item for item in dict.fromkeys(before) if item not in after]
    if not added and not removed:
        return ""
    items = [("ins", item) for item in added] + [("del", item) for item in removed]
    return format_html(
        '<ul class="compare-list">{}</ul>',
        format_html_join("", "<li><{0}>{1}</{0}></li>", items),
    )


def text_change(before, after):
    """An inline diff: paragraphs compared first, then the changed ones token by token."""
    if before == after:
        return ""
    parts = []
    old, new = before.splitlines(keepends=True), after.splitlines(keepends=True)
    for op, i1, i2, j1, j2 in difflib.SequenceMatcher(None, old, new, autojunk=False).get_opcodes():
        if op == "equal":
            parts.append(("equal", "".join(old[i1:i2])))
        else:
            parts += token_diff("".join(old[i1:i2]), "".join(new[j1:j2]))
    return render(merged(parts))


def token_diff(before, after):
    """``(op, text)`` parts turning ``before`` into ``after``, op being equal, delete or insert."""
    old, new = tokens(before), tokens(after)
    parts = []
    for op, i1, i2, j1, j2 in difflib.SequenceMatcher(None, old, new, autojunk=False).get_opcodes():
        if op == "equal":
            parts.append(("equal", "".join(old[i1:i2])))
            continue
        if i2 > i1:
            parts.append(("delete", "".join(old[i1:i2])))
        if j2 > j1:
            parts.append(("insert", "".join(new[j1:j2])))
    return parts


def merged(parts):
    """Adjacent parts of the same kind as one."""
    result = []
    for op, text in parts:
        if result and result[-1][0] == op:
            result[-1] = (op, result[-1][1] + text)
        elif text:
            result.append((op, text))
    return result


def render(parts):
    """The parts as HTML, long unchanged stretches cut to their ends next to the changes."""
    html = []
    for index, (op, text) in enumerate(parts):
        if op == "delete":
            html.append(format_html("<del>{}</del>", text))
        elif op == "insert":
            html.append(format_html("<ins>{}</ins>", text))
        elif len(text) <= 2 * CONTEXT + 20:
            html.append(escape(text))
        else:
            head = text[:CONTEXT] if index > 0 else ""
            tail = text[-CONTEXT:] if index < len(parts) - 1 else ""
            html.append(format_html('{}<span class="compare-elided">…</span>{}', head, tail))
    return format_html_join("", "{}", ((part,) for part in html))
