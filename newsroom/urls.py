from django.conf import settings
from django.conf.urls.i18n import i18n_patterns
from django.contrib import admin
from django.contrib.sitemaps import views as sitemap_views
from django.urls import include, path
from django.views.generic import RedirectView, TemplateView
from js_asset import static_lazy

from articles import feeds
from articles.caching import cached_page
from newsroom.health import healthz, livez
from newsroom.media import serve_media
from articles.sitemaps import ArticleSitemap, CategorySitemap, NewsSitemap

sitemaps = {"articles": ArticleSitemap, "categories": CategorySitemap}

# Django tries these in order and stops at the first match: the load balancer's
# checks first, then the reader pages, the most visited, then the rest.
urlpatterns = [
    path("healthz", healthz, name="healthz"),
    path("livez", livez, name="livez"),
    path("", include("api.urls")),  # before the site's many patterns: apps call it the most
]

# Chinese at /, English at /en/: each page has one language per address, so it can be cached.
urlpatterns += i18n_patterns(
    path("", include("articles.urls")),
    path("admin/", admin.site.urls),
    prefix_default_language=False,
)

# Language-neutral addresses: the read API, feeds, sitemaps, robots.txt.
urlpatterns += [
    path("feeds/rss/", cached_page(feeds.LatestArticlesFeed()), name="feed_rss"),
    path("feeds/atom/", cached_page(feeds.LatestArticlesAtomFeed()), name="feed_atom"),
    path("feeds/json/", cached_page(feeds.LatestArticlesJsonFeed()), name="feed_json"),
    path("feeds/category/<path:path>/rss/", cached_page(feeds.CategoryFeed()), name="feed_category_rss"),
    path("feeds/category/<path:path>/atom/", cached_page(feeds.CategoryAtomFeed()), name="feed_category_atom"),
    path("feeds/category/<path:path>/json/", cached_page(feeds.CategoryJsonFeed()), name="feed_category_json"),
    path("feeds/tags/<str:slug>/rss/", cached_page(feeds.TagFeed()), name="feed_tag_rss"),
    path("feeds/tags/<str:slug>/atom/", cached_page(feeds.TagAtomFeed()), name="feed_tag_atom"),
    path("feeds/tags/<str:slug>/json/", cached_page(feeds.TagJsonFeed()), name="feed_tag_json"),
    path("sitemap.xml", cached_page(sitemap_views.index), {"sitemaps": sitemaps}, name="sitemap_index"),
    path(
        "sitemap-news.xml",
        cached_page(sitemap_views.sitemap),
        {"sitemaps": {"news": NewsSitemap}, "template_name": "sitemap_news.xml"},
        name="sitemap_news",
    ),
    path(
        "sitemap-<section>.xml",
        cached_page(sitemap_views.sitemap),
        {"sitemaps": sitemaps},
        name="django.contrib.sitemaps.views.sitemap",
    ),
    path("robots.txt", TemplateView.as_view(template_name="robots.txt", content_type="text/plain"), name="robots"),
    # Browsers ask for /favicon.ico on pages that name no icon (the admin, feeds): the site's own.
    path("favicon.ico", RedirectView.as_view(url=static_lazy("favicon.svg"), permanent=True)),
    path("i18n/", include("django.conf.urls.i18n")),
]

# Uploads in a local folder (not in object storage); a proxy in front may serve /media/ itself.
if settings.STORAGES["default"]["BACKEND"].endswith("FileSystemStorage") and settings.MEDIA_URL.startswith("/"):
    urlpatterns.append(path(f"{settings.MEDIA_URL.strip('/')}/<path:path>", serve_media, name="media"))
