import datetime as dt
from pathlib import Path

from django.utils import timezone

from articles.models import Article

POSTS = Path(__file__).resolve().parent / "data" / "posts"


def form_data(article=None, **changes):
    """What the article form posts: ``article``'s stored values (or a new article's), with ``changes``."""
    article = article or Article(title="新文章", published_at=timezone.now() - dt.timedelta(hours=1))
    published = timezone.localtime(article.published_at)
    data = {
        "title": article.title, "slug": article.slug, "status": article.status,
        "published_at_0": published.strftime("%Y-%m-%d"), "published_at_1": published.strftime("%H:%M:%S"),
        "body": article.body, "excerpt": article.excerpt, "comments_enabled": "on",
        "author": article.author, "source_name": article.source_name,
    }
    if article.pk:
        data["categories"] = [category.pk for category in article.categories.all()]
        data["tags"] = [tag.pk for tag in article.tags.all()]
        data["base_version"] = article.version  # as the form was opened
    return {**data, **changes}
