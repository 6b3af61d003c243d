"""Write published articles back as front-matter files that ``import_seeds`` reads again."""

import os

import yaml

from ..models import Article, Category
from ..text import unicode_slug


def front_matter(article, category_names):
    data = {
        "title": article.title,
        "source_key": article.source_key or f"article:{article.pk}",
        "slug": article.slug,
        "date": article.published_at.isoformat(),
        "updated": article.updated_at.isoformat(),
        "author": article.author or None,
        "source": article.source_name or None,
        "categories": [category_names[c.path] for c in article.categories.all()] or None,
        "tags": [tag.name for tag in article.tags.all()] or None,
        "headimg": article.head_image.url if article.head_image else None,
        "thumbnail": article.thumbnail.url if article.thumbnail else None,
        "description": article.excerpt or None,
        "lang": article.language or None,
        "link": article.source_url or None,
        "comments": article.comments_enabled,
    }
    return {key: value for key, value in data.items() if value is not None}


def export_articles(out_dir, queryset=None):
    """Write one ``.html`` file per published article into ``out_dir``; return the count.

    File names are built from the id and a slugified slug, so no slug can
    point a file outside ``out_dir``.
    """
    os.makedirs(out_dir, exist_ok=True)
    root = os.path.realpath(out_dir)
    paths = dict(Category.objects.values_list("path", "name"))
    names = {path: [paths[p] for p in _prefixes(path)] for path in paths}
    queryset = queryset if queryset is not None else Article.objects.published()
    count = 0
    for article in queryset.with_filing().order_by("pk").iterator(chunk_size=500):
        file_name = f"{article.pk:07d}-{unicode_slug(article.slug, max_length=60)}.html"
        target = os.path.realpath(os.path.join(root, file_name))
        if os.path.dirname(target) != root:  # unreachable with slugified names; kept as a guard
            raise ValueError(f"refusing to write outside {root}: {file_name}")
        head = yaml.safe_dump(front_matter(article, names), allow_unicode=True, sort_keys=False)
        with open(target, "w", encoding="utf-8") as handle:
            handle.write(f"---\n{head}---\n{article.body}\n")
        count += 1
    return count


def _prefixes(path):
    parts = path.split("/")
    return ["/".join(parts[:i]) for i in range(1, len(parts) + 1)]
