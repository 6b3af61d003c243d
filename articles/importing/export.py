"""Write articles back as front-matter files that ``import_seeds`` reads again.

Every article goes out, whatever its status: drafts with ``draft: true``,
scheduled ones with their future date. Uploaded and downloaded pictures are
written as absolute URLs under ``base_url`` (a ``/media/...`` path means
nothing to another site), with their alt text, caption and credit.
"""

import os
from urllib.parse import urljoin

import yaml

from ..models import Article, Category
from ..text import unicode_slug


class ExportError(Exception):
    pass


def image_field(image, base_url):
    """An image as front matter: its URL (where it came from, for a downloaded one), with its
    descriptions when it has any."""
    url = image.source_url or image.url
    if not url.startswith(("http://", "https://")):
        if not base_url:
            raise ExportError(f"image {image.pk} is stored here ({url}): give --base-url so it can be linked")
        url = urljoin(base_url.rstrip("/") + "/", url.lstrip("/"))
    described = {"alt": image.alt_text, "caption": image.caption, "credit": image.credit}
    described = {key: value for key, value in described.items() if value}
    return {"url": url, **described} if described else url


def front_matter(article, category_names, base_url=""):
    authors = article.authors
    data = {
        "title": article.title,
        "source_key": article.source_key or f"article:{article.pk}",
        "slug": article.slug,
        "date": article.published_at.isoformat(),
        "updated": article.updated_at.isoformat(),
        "date_estimated": article.date_estimated or None,
        "draft": article.status not in Article.SHOWN_WHEN_DUE or None,
        "author": (authors if len(authors) > 1 else article.author) or None,
        "source": article.source_name or None,
        "categories": [category_names[c.path] for c in article.categories.all()] or None,
        "tags": [tag.name for tag in article.tags.all()] or None,
        # Empty, not left out: the importer would take the other picture for the missing one.
        "headimg": image_field(article.head_image, base_url) if article.head_image else "",
        "thumbnail": image_field(article.thumbnail, base_url) if article.thumbnail else "",
        "description": None if article.excerpt_from_body else article.excerpt or None,  # else it follows the body
        "lang": article.language or None,
        "link": article.source_url or None,
        "comments": article.comments_enabled,
    }
    return {key: value for key, value in data.items() if value is not None}


def export_articles(out_dir, queryset=None, base_url=""):
    """Write one ``.html`` file per article into ``out_dir``; return the count.

    File names are built from the id and a slugified slug, so no slug can
    point a file outside ``out_dir``.
    """
    os.makedirs(out_dir, exist_ok=True)
    root = os.path.realpath(out_dir)
    paths = dict(Category.objects.values_list("path", "name"))
    names = {path: [paths[p] for p in _prefixes(path)] for path in paths}
    queryset = queryset if queryset is not None else Article.objects.all()
    count = 0
    for article in queryset.with_filing().order_by("pk").iterator(chunk_size=500):
        file_name = f"{article.pk:07d}-{unicode_slug(article.slug, max_length=60)}.html"
        target = os.path.realpath(os.path.join(root, file_name))
        if os.path.dirname(target) != root:  # unreachable with slugified names; kept as a guard
            raise ValueError(f"refusing to write outside {root}: {file_name}")
        head = yaml.safe_dump(front_matter(article, names, base_url), allow_unicode=True, sort_keys=False)
        with open(target, "w", encoding="utf-8") as handle:
            handle.write(f"---\n{head}---\n{article.body}\n")
        count += 1
    return count


def _prefixes(path):
    parts = path.split("/")
    return ["/".join(parts[:i]) for i in range(1, len(parts) + 1)]
