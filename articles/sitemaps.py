import datetime as dt

from django.contrib.sitemaps import Sitemap
from django.db.models import Max
from django.utils import timezone

from .models import Article, Category


class ArticleSitemap(Sitemap):
    changefreq = "daily"
    limit = 5000

    def items(self):
        return Article.objects.published().only("pk", "slug", "updated_at").order_by("-published_at", "-pk")

    def lastmod(self, item):
        return item.updated_at

    def get_latest_lastmod(self):
        # Django's default walks every item; one aggregate does the same.
        return self.items().aggregate(latest=Max("updated_at"))["latest"]


class CategorySitemap(Sitemap):
    changefreq = "hourly"

    def items(self):
        return Category.objects.only("path").order_by("path")


class NewsSitemap(ArticleSitemap):
    """Google News sitemap: articles of the last two days, whose dates are known (not estimated)."""

    limit = 1000

    def items(self):
        since = timezone.now() - dt.timedelta(days=2)
        return Article.objects.published().filter(published_at__gte=since, date_estimated=False).only(
            "pk", "slug", "title", "published_at", "updated_at", "language"
        ).order_by("-published_at")
