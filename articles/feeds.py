import io
import json
import mimetypes

from django.conf import settings
from django.contrib.syndication.views import Feed
from django.core.exceptions import ObjectDoesNotExist
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404
from django.urls import reverse
from django.utils import feedgenerator
from django.utils.html import escape
from django.utils.http import http_date
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _
from django.utils.xmlutils import SimplerXMLGenerator
from taggit.models import Tag

from .caching import remember
from .models import Article, Category

FEED_SIZE = 30


class EntriesWrittenOnce:
    """Feed generator mixin: an entry's XML is written once per content version, like an
    article card, and copied into every feed that lists it (site, category and tag feeds).

    Writing the ~300 elements of thirty entries was nine tenths of a feed's time.
    """

    entry_element = "item"

    def write_items(self, handler):
        # An entry's address holds the host it was read from; the language is kept apart as pages do.
        kind, language = type(self).__name__, get_language()
        for item in self.items:
            address = item["unique_id"] or item["link"]
            entry = remember("newsroom:feed-entry:", kind, language, address, compute=lambda i=item: self.entry_xml(i))
            handler.ignorableWhitespace(entry)  # SAX's way to write text as it is: the XML is ours, escaped

    def entry_xml(self, item):
        buffer = io.StringIO()
        handler = SimplerXMLGenerator(buffer, "utf-8", short_empty_elements=True)
        handler.startElement(self.entry_element, self.item_attributes(item))
        self.add_item_elements(handler, item)
        handler.endElement(self.entry_element)
        return buffer.getvalue()


class RssFeed(EntriesWrittenOnce, feedgenerator.Rss201rev2Feed):
    """RSS 2.0 with each article's body in content:encoded: its description is the summary."""

    def rss_attributes(self):
        return {**super().rss_attributes(), "xmlns:content": "http://purl.org/rss/1.0/modules/content/"}

    def add_item_elements(self, handler, item):
        super().add_item_elements(handler, item)
        handler.addQuickElement("content:encoded", item["content"])


class AtomFeed(EntriesWrittenOnce, feedgenerator.Atom1Feed):
    """Atom with each article's body in <content>: Django's Atom feed has only the <summary>."""

    entry_element = "entry"

    def add_item_elements(self, handler, item):
        super().add_item_elements(handler, item)
        handler.addQuickElement("content", item["content"], {"type": "html"})


class JsonFeed(feedgenerator.SyndicationFeed):
    """JSON Feed 1.1 (https://www.jsonfeed.org/version/1.1/) from the same items as RSS and Atom.

    Each item's JSON is made once per content version, like the XML entries,
    and the feed is those pieces joined.
    """

    content_type = "application/feed+json; charset=utf-8"

    def write(self, outfile, encoding):
        feed = self.feed
        head = {
            "version": "https://jsonfeed.org/version/1.1",
            "title": feed["title"],
            "home_page_url": feed["link"],
            "feed_url": feed["feed_url"],
            "description": feed["description"],
            "language": feed["language"],
            "authors": [{"name": feed["author_name"]}] if feed["author_name"] else [],
        }
        language = get_language()
        items = [
            remember("newsroom:feed-json:", language, item["unique_id"] or item["link"],
                     compute=lambda i=item: json.dumps(self.item(i), ensure_ascii=False))
            for item in self.items
        ]
        text = json.dumps(head, ensure_ascii=False)[:-1] + ', "items": [' + ", ".join(items) + "]}"
        outfile.write(text)

    @staticmethod
    def item(item):
        found = {
            "id": item["unique_id"] or item["link"],
            "url": item["link"],
            "title": item["title"],
            "content_html": item["content"],
            "summary": item["excerpt"],
            "date_published": item["pubdate"].isoformat(),
            "date_modified": (item["updateddate"] or item["pubdate"]).isoformat(),
            "authors": [{"name": item["author_name"]}] if item["author_name"] else [],
            "tags": list(item["categories"] or []),
        }
        if item["enclosures"]:
            found["image"] = item["enclosures"][0].url
        return found


class LatestArticlesFeed(Feed):
    """RSS 2.0 of the latest articles: each one's excerpt, its full sanitized body and its head image."""

    feed_type = RssFeed

    def title(self, obj=None):
        return _("%(site)s: latest news") % {"site": settings.NEWSROOM_SITE_NAME}

    def description(self, obj=None):
        return _("The latest articles on %(site)s.") % {"site": settings.NEWSROOM_SITE_NAME}

    def author_name(self, obj=None):
        return str(settings.NEWSROOM_SITE_NAME)  # Atom needs an author for entries that name none

    def link(self, obj=None):
        return reverse("articles:home")

    def articles(self, obj):
        return Article.objects.published().with_filing()

    def items(self, obj=None):
        return self.articles(obj)[:FEED_SIZE]

    def item_title(self, item):
        return item.title

    def item_description(self, item):
        return escape(item.excerpt)  # the summary: plain text, escaped into the HTML that feeds carry

    def item_extra_kwargs(self, item):
        # The body is stored sanitized: the one field that is ever sent as HTML.
        return {"content": item.body, "excerpt": item.excerpt}

    def item_author_name(self, item):
        return item.author or item.source_name or None

    def item_pubdate(self, item):
        return item.published_at

    def item_updateddate(self, item):
        return item.updated_at

    def item_categories(self, item):
        return item.filed_under

    def __call__(self, request, *args, **kwargs):
        # Django's, with two changes. What the feed says (a dozen attribute
        # look-ups per entry) is worked out once per content version, address
        # and language, and each entry is written once (see EntriesWrittenOnce);
        # the rest is written on every request. And it is written to a string given
        # to the response whole: written to the response, its ~1,400 small pieces
        # were each encoded and kept apart and sent as as many packets.
        def build():
            try:
                obj = self.get_object(request, *args, **kwargs)
            except ObjectDoesNotExist:
                raise Http404("Feed object does not exist.") from None
            return self.get_feed(obj, request)

        address = (request.scheme, request.get_host(), request.path, get_language())
        feedgen = remember("newsroom:feed:", *address, compute=build)
        response = HttpResponse(feedgen.writeString("utf-8"), content_type=feedgen.content_type)
        response.headers["Last-Modified"] = http_date(feedgen.latest_post_date().timestamp())
        return response

    def get_feed(self, obj, request):
        self.request = request  # enclosures need absolute URLs
        return super().get_feed(obj, request)

    def item_enclosure_url(self, item):
        return self.request.build_absolute_uri(item.head_image.url) if item.head_image else None

    def item_enclosure_length(self, item):
        return 0

    def item_enclosure_mime_type(self, item):
        if not item.head_image:
            return None
        guessed = mimetypes.guess_type(item.head_image.url.split("?")[0])[0]
        return guessed if guessed and guessed.startswith("image/") else "image/jpeg"


class LatestArticlesAtomFeed(LatestArticlesFeed):
    feed_type = AtomFeed
    subtitle = LatestArticlesFeed.description


class CategoryFeed(LatestArticlesFeed):
    def get_object(self, request, path):
        return get_object_or_404(Category, path=path.strip("/"))

    def title(self, obj):
        return _("%(site)s: %(name)s") % {"site": settings.NEWSROOM_SITE_NAME, "name": obj.name}

    def description(self, obj):
        return obj.description or self.title(obj)

    def link(self, obj):
        return obj.get_absolute_url()

    def articles(self, obj):
        return super().articles(obj).in_category(obj)


class CategoryAtomFeed(CategoryFeed):
    feed_type = AtomFeed
    subtitle = CategoryFeed.description


class TagFeed(LatestArticlesFeed):
    def get_object(self, request, slug):
        return get_object_or_404(Tag, slug=slug)

    def title(self, obj):
        return _("%(site)s: #%(name)s") % {"site": settings.NEWSROOM_SITE_NAME, "name": obj.name}

    def description(self, obj):
        return self.title(obj)

    def link(self, obj):
        return reverse("articles:tag", kwargs={"slug": obj.slug})

    def articles(self, obj):
        return super().articles(obj).tagged(obj)


class TagAtomFeed(TagFeed):
    feed_type = AtomFeed
    subtitle = TagFeed.description


class LatestArticlesJsonFeed(LatestArticlesFeed):
    feed_type = JsonFeed


class CategoryJsonFeed(CategoryFeed):
    feed_type = JsonFeed


class TagJsonFeed(TagFeed):
    feed_type = JsonFeed
