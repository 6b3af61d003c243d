"""Turn a parsed post into the values of an article. No database access here.

Date rule (documented for operators): ``date`` in any of the forms below is
read in the site time zone when it has no zone of its own. When it is missing
or unreadable, the date in the file name (``2012-10-26-…``) is used, else the
file's modification time, marked as estimated; each fallback warns.
"""

import datetime as dt
import email.utils
import hashlib
import os
import re
import zoneinfo
from dataclasses import dataclass, field

from django.conf import settings
from markdown_it import MarkdownIt

from ..models import Article, Category, Image
from ..sanitize import clean_html
from ..text import excerpt_from_html, html_to_text, searchable, strip_control, truncate_text, unicode_slug
from .errors import PostError
from .parse import RawPost

# Bump when normalizing changes, so that a re-import rewrites unchanged files.
NORMALIZER_VERSION = "3"

HEAD_IMAGE_KEYS = ("headimg", "cover", "banner_img", "image", "cover_image", "featured_image", "index_img")
THUMBNAIL_KEYS = ("thumbnail", "index_img")
EXCERPT_KEYS = ("description", "excerpt", "summary")
MORE_MARKER = re.compile(r"<!--\s*more\s*-->", re.I)
_FILE_DATE = re.compile(r"(?<!\d)(\d{4})-(\d{2})-(\d{2})(?!\d)")
_HTML_START = re.compile(r"^\s*(?:<!--.*?-->\s*)*<(!doctype|html|body|div|p|section|article|h[1-6]|table|ul|ol|figure|blockquote|pre|br|img|span|font|center)\b", re.I | re.S)

_markdown = MarkdownIt("commonmark", {"html": True, "typographer": False}).enable(["table", "strikethrough"])


def _max(field_name, model):
    return model._meta.get_field(field_name).max_length


LIMITS = {
    "title": _max("title", Article),
    "author": _max("author", Article),
    "source": _max("source_name", Article),
    "slug": 100,
    "category": _max("name", Category),
    "tag": 100,
    "image URL": _max("source_url", Image),
    "alt_text": _max("alt_text", Image),
    "caption": _max("caption", Image),
    "credit": _max("credit", Image),
    "link": _max("source_url", Article),
    "lang": _max("language", Article),
}


@dataclass
class Post:
    """Everything the writer needs to store one article."""

    path: str
    source_key: str
    content_hash: str
    title: str
    slug: str
    body: str
    search_text: str
    excerpt: str
    author: str
    source_name: str
    source_url: str
    language: str
    published_at: dt.datetime
    updated_at: dt.datetime
    draft: bool
    comments_enabled: bool
    categories: list  # of paths, each a list of names from the root
    tags: list
    head_image_url: str
    thumbnail_url: str
    image_details: dict = field(default_factory=dict)  # URL -> {"alt_text", "caption", "credit"} given
    date_estimated: bool = False  # no date in the file: its modification time stands in
    excerpt_from_body: bool = False  # no excerpt in the file: the body's start, which follows the body
    warnings: list = field(default_factory=list)


def content_hash(raw, body_format):
    digest = hashlib.sha256(f"{NORMALIZER_VERSION}:{body_format}:".encode())
    digest.update(raw)
    return digest.hexdigest()


def normalize(raw_post: RawPost, *, body_format="auto", mtime=None):
    """Return a ``Post``; raise ``PostError`` naming the field and the reason."""
    fm = {str(k).strip().lower(): v for k, v in raw_post.front_matter.items()}
    warnings = list(raw_post.warnings)
    name = os.path.basename(raw_post.path)

    title = _text(fm.get("title"), "title")
    if not title:
        raise PostError("title: missing or empty (every post needs a title)")

    published_at, estimated = _date_field(fm, ("date", "pubdate", "publishdate"), "date", name, mtime, warnings)
    estimated = estimated or _bool(fm.get("date_estimated"), False)  # as export_seeds writes it
    updated_at = _date_field(fm, ("updated", "lastmod", "modified"), "updated", name, None, warnings)[0]
    updated_at = updated_at or published_at

    body_html, more_excerpt = render_body(raw_post.body, body_format, raw_post.path, fm)
    excerpt = _text(_first(fm, EXCERPT_KEYS), "excerpt", limit=1000)
    text = html_to_text(body_html)
    excerpt_from_body = not excerpt and not more_excerpt
    excerpt = truncate_text(excerpt, 300) if excerpt else (more_excerpt or truncate_text(text, 160))
    unlabelled = _IMG_WITHOUT_ALT.findall(body_html)
    if unlabelled:
        warnings.append(f"{len(unlabelled)} picture(s) in the body have no alt text and no caption to take it from")

    categories = _categories(fm.get("categories", fm.get("category")))
    tags = _tags(fm.get("tags", fm.get("tag")))
    author = _authors(fm)
    source_name = _text(fm.get("source"), "source") or (
        author if any(author in path for path in categories) else ""
    )
    images = {}  # URL -> the alt text, caption and credit the file gives for it
    head = _image_url(_first(fm, HEAD_IMAGE_KEYS), warnings, images)
    thumbnail = _image_url(_first(fm, THUMBNAIL_KEYS), warnings, images)
    # One picture serves as both, unless the file says the other is empty (as export_seeds does).
    thumbnail = thumbnail or ("" if _said_empty(fm, THUMBNAIL_KEYS) else head)
    head = head or ("" if _said_empty(fm, HEAD_IMAGE_KEYS) else thumbnail)

    slug = _text(fm.get("slug"), "slug")
    permalink = _text(fm.get("permalink") or fm.get("url"), "permalink", limit=1000)
    if not slug and permalink:
        slug = _permalink_slug(permalink)
    slug = unicode_slug(slug or title, max_length=LIMITS["slug"])

    return Post(
        path=raw_post.path,
        source_key=source_key(fm, title, categories),
        content_hash=content_hash(raw_post.raw, body_format),
        title=title,
        slug=slug,
        body=body_html,
        search_text=searchable(title, text),
        excerpt=excerpt,
        author=author,
        source_name=source_name,
        source_url=_link(fm.get("link") or fm.get("source_url") or fm.get("original")),
        language=_text(fm.get("lang") or fm.get("language"), "lang"),
        published_at=published_at,
        # Updated before published makes no sense, except for an article written before it is due.
        updated_at=updated_at if published_at > dt.datetime.now(dt.timezone.utc) else max(updated_at, published_at),
        draft=_is_draft(fm),
        comments_enabled=_bool(fm.get("comments"), default=True),
        categories=categories,
        tags=tags,
        head_image_url=head,
        thumbnail_url=thumbnail,
        image_details=images,
        date_estimated=estimated,
        excerpt_from_body=excerpt_from_body,
        warnings=warnings,
    )


def source_key(fm, title, categories):
    """A key that names the post whatever folder its file sits in."""
    for key in ("source_key", "id", "slug", "permalink", "abbrlink", "url"):
        value = fm.get(key)
        if value not in (None, "") and not isinstance(value, (dict, list)):
            value = str(value).strip()
            return value[:200] if key == "source_key" else f"{key}:{value}"[:200]
    identity = "\x1f".join([title, str(fm.get("date", "")), "/".join(categories[0] if categories else [])])
    return "sha1:" + hashlib.sha1(identity.encode()).hexdigest()


def render_body(body, body_format, path, fm):
    """Sanitized HTML of the body, and the excerpt above ``<!-- more -->`` if any."""
    body = strip_control(body)
    if body_format == "auto":
        is_html = path.lower().endswith((".html", ".htm")) or bool(_HTML_START.match(body))
        body_format = "html" if is_html else "markdown"
    render = _markdown.render if body_format == "markdown" else (lambda text: text)
    separator = fm.get("excerpt_separator")
    marker = re.compile(re.escape(separator)) if isinstance(separator, str) and separator.strip() else MORE_MARKER
    parts = marker.split(body, maxsplit=1)
    html = clean_html(render(body))
    more_excerpt = excerpt_from_html(clean_html(render(parts[0])), 300) if len(parts) == 2 else ""
    return html, more_excerpt


_IMG_WITHOUT_ALT = re.compile(r'<img [^>]*alt=""')
_LETTER = re.compile(r"[^\W\d_]")


def _permalink_slug(permalink):
    """The last segment of a permalink when it says something: in ``/posts/6/`` or ``/2021/07/06/``
    it is a number, and the title makes a better slug."""
    segment = permalink.split("?")[0].strip("/").rsplit("/", 1)[-1].removesuffix(".html").removesuffix(".htm")
    return segment if _LETTER.search(segment) else ""


def _authors(fm):
    """``author`` or ``authors``: a name, or a list of names (Hugo, Jekyll), or mappings with a ``name``."""
    value = _first(fm, ("author", "authors"))
    names = value if isinstance(value, list) else [value]
    names = [item.get("name") if isinstance(item, dict) else item for item in names]
    names = [_text(item, "author", limit=1000) for item in names]
    if isinstance(value, list):  # each item is one name: a comma in it would split it in two
        names = [" ".join(name.replace(",", " ").split()) for name in names]
    names = list(dict.fromkeys(name for name in names if name))
    joined = Article.AUTHOR_SEPARATOR.join(names)
    if len(joined) > LIMITS["author"]:
        raise PostError(f"author: {len(joined)} characters, over the limit of {LIMITS['author']}")
    return joined


def _said_empty(fm, keys):
    return _first(fm, keys) is None and any(key in fm and fm[key] in ("", None) for key in keys)


def _first(fm, keys):
    for key in keys:
        if fm.get(key) not in (None, "", [], {}):
            return fm[key]
    return None


def _text(value, field_name, limit=None):
    if value is None:
        return ""
    if isinstance(value, (list, dict)):
        raise PostError(f"{field_name}: expected text, got a {type(value).__name__}")
    text = strip_control(str(value)).strip()
    limit = limit or LIMITS.get(field_name)
    if limit and len(text) > limit:
        raise PostError(f"{field_name}: {len(text)} characters, over the limit of {limit}")
    return text


def _bool(value, default):
    if isinstance(value, bool):
        return value
    if isinstance(value, str) and value.strip().lower() in {"true", "yes", "on", "1", "false", "no", "off", "0"}:
        return value.strip().lower() in {"true", "yes", "on", "1"}
    return default


def _is_draft(fm):
    return _bool(fm.get("draft"), False) or not _bool(fm.get("published"), True)


def _categories(value):
    """Hexo's rule: a list is one hierarchy, a list of lists several, a string one category."""
    if value in (None, "", []):
        return []
    if isinstance(value, (str, int, float)):
        value = [value]
    if not isinstance(value, list):
        raise PostError(f"categories: expected a list or text, got a {type(value).__name__}")
    paths, chain = [], []
    for item in value:
        if isinstance(item, list):
            path = [_text(part, "category") for part in item if part not in (None, "")]
            if path:
                paths.append(path)
        elif isinstance(item, dict):
            raise PostError("categories: expected names, got a mapping")
        elif item not in (None, ""):
            chain.append(_text(item, "category"))
    if chain:
        paths.insert(0, chain)
    return [[part for part in path if part] for path in paths if any(path)]


def _tags(value):
    if value in (None, "", []):
        return []
    if isinstance(value, str):
        value = re.split(r"[,，、]" if re.search(r"[,，、]", value) else r"\s+", value)
    elif not isinstance(value, list):
        value = [value]
    tags, seen = [], set()
    for item in value:
        if isinstance(item, (list, dict)):
            raise PostError("tags: expected names, got a nested list or mapping")
        tag = _text(item, "tag")
        if tag and tag.lower() not in seen:
            seen.add(tag.lower())
            tags.append(tag)
    return tags


IMAGE_DETAILS = {"alt_text": ("alt", "alt_text"), "caption": ("caption", "title"), "credit": ("credit",)}


def _image_url(value, warnings, details):
    """The URL of an image field: a URL, or a mapping with one (``{url, alt, caption, credit}``,
    PaperMod's ``cover: {image, alt, caption}``), whose descriptions go into ``details``."""
    described = {}
    if isinstance(value, dict):
        described = {name: _text(_first(value, keys), name)
                     for name, keys in IMAGE_DETAILS.items() if _first(value, keys) is not None}
        value = _first(value, ("url", "src", "image", "feature", "path", "filename"))
    if value is None:
        return ""
    url = _text(value, "image URL")
    if not re.match(r"^https?://[^\s/]+", url, re.I):
        warnings.append(f"image {url!r} is not an absolute http(s) URL; left out")
        return ""
    if described:
        details[url] = described
    return url


def _link(value):
    url = _text(value, "link") if isinstance(value, str) else ""
    return url if re.match(r"^https?://", url, re.I) else ""


def _tz():
    return zoneinfo.ZoneInfo(settings.TIME_ZONE)


def _aware(value):
    if isinstance(value, dt.datetime):
        return value if value.tzinfo else value.replace(tzinfo=_tz())
    return dt.datetime.combine(value, dt.time(), tzinfo=_tz())


_JS_DATE = re.compile(r"^(\w{3} \w{3} \d{1,2} \d{4} \d{1,2}:\d{2}:\d{2}) GMT([+-]\d{4})")
_SLASH_DATE = re.compile(r"^(\d{1,4})/(\d{1,2})/(\d{1,4})(.*)$")
_LOOSE_ISO = re.compile(r"^(\d{4})-(\d{1,2})-(\d{1,2})(?:[T ](\d{1,2}):(\d{2})(?::(\d{2}))?)?\s*(Z|[+-]\d{2}:?\d{2})?$")


def parse_date(value):
    """Read a date in the forms real front matter uses; ``None`` when unreadable."""
    if isinstance(value, (dt.datetime, dt.date)):
        return _aware(value)
    if not isinstance(value, (str, int)) or isinstance(value, bool):
        return None
    text = str(value).strip()
    if not text:
        return None
    try:
        return _aware(dt.datetime.fromisoformat(text.replace("Z", "+00:00")))
    except ValueError:
        pass
    match = _LOOSE_ISO.match(text)
    if match:
        year, month, day, hour, minute, second, zone = match.groups()
        try:
            value = dt.datetime(int(year), int(month), int(day), int(hour or 0), int(minute or 0), int(second or 0))
        except ValueError:
            return None
        if zone:
            return _aware(dt.datetime.fromisoformat(value.isoformat() + zone.replace("Z", "+00:00")))
        return _aware(value)
    match = _SLASH_DATE.match(text)
    if match:
        a, b, c, rest = match.groups()
        if len(a) == 4:
            year, month, day = a, b, c
        elif int(a) > 12:
            day, month, year = a, b, c
        else:
            month, day, year = a, b, c
        return parse_date(f"{year}-{month}-{day}{rest}")
    match = _JS_DATE.match(text)
    if match:
        try:
            return dt.datetime.strptime(f"{match.group(1)} {match.group(2)}", "%a %b %d %Y %H:%M:%S %z")
        except ValueError:
            return None
    try:
        parsed = email.utils.parsedate_to_datetime(text)
    except (TypeError, ValueError, IndexError):
        return None
    if parsed.tzinfo is None:  # RFC 2822 "-0000": UTC, source zone unknown
        parsed = parsed.replace(tzinfo=dt.timezone.utc)
    return parsed


def _date_field(fm, keys, label, file_name, mtime, warnings):
    """``(date, estimated)``: estimated when the file's modification time had to stand in."""
    raw = _first(fm, keys)
    value = parse_date(raw) if raw is not None else None
    if value is not None:
        if not 1900 <= value.year <= 2200:
            raise PostError(f"{label}: {raw!r} is out of range")
        return value, False
    if mtime is None:  # optional field, e.g. updated
        if raw is not None:
            warnings.append(f"{label}: {str(raw)[:60]!r} is not a date; ignored")
        return None, False
    said = f"{str(raw)[:60]!r} is not a date" if raw is not None else "missing"
    match = _FILE_DATE.search(file_name)
    if match:
        try:
            value = dt.datetime(*map(int, match.groups()), tzinfo=_tz())
            warnings.append(f"{label}: {said}; used the date in the file name ({value:%Y-%m-%d})")
            return value, False
        except ValueError:
            pass
    value = dt.datetime.fromtimestamp(int(mtime), tz=_tz())
    warnings.append(f"{label}: {said}; used the file's modification time ({value:%Y-%m-%d %H:%M}), marked as estimated")
    return value, True
