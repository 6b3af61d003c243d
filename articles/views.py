import html
import re

from django.db.models import Count, Exists, OuterRef, Q
from django.db.models.functions import TruncMonth
from django.shortcuts import get_object_or_404, redirect
from django.urls import reverse
from django.utils import timezone
from django.utils.functional import SimpleLazyObject
from django.utils.formats import date_format
from django.utils.timezone import localtime
from django.utils.translation import get_language, ngettext
from django.utils.translation import gettext as _
from django.views.generic import DetailView, ListView, TemplateView
from taggit.models import Tag

from .caching import CachedPageMixin, cached_reverse, remember, signed_in
from .filters import ArticleFilter, category_options
from .models import Article, Category, TaggedArticle
from .pagination import ArticlePaginator, PageArticles
from .search import terms_of
from .text import reading_minutes

RELATED_COUNT = 4


class PublishedArticlesMixin(CachedPageMixin):
    """Every public page starts from the published articles, ready for listing."""

    model = Article
    template_name = "articles/article_list.html"

    def get_queryset(self):
        return Article.objects.published().for_listing()


class ArticleListMixin(PublishedArticlesMixin):
    """A page of a list of articles, newest first."""

    paginate_by = 20
    paginator_class = ArticlePaginator
    context_object_name = "article_list"

    def get(self, request, *args, **kwargs):
        # The list is described here but built only if a page's ids or total
        # are not cached (see ArticlePaginator): building the query of a
        # category or a search costs more than rendering its cached cards.
        self.object_list = SimpleLazyObject(self.get_queryset)
        return self.render_to_response(self.get_context_data())

    def get_template_names(self):
        return [self.template_name]  # ListView's would build the list to read its model

    def get_context_data(self, **kwargs):
        # Defaults for what list templates test: a missing variable is a slow lookup in templates.
        return super().get_context_data(**{"show_lead": False, "terms": None, **kwargs})

    def get_paginator(self, queryset, per_page, **kwargs):
        query = self.request.GET.copy()
        query.pop(self.page_kwarg, None)
        key = f"{get_language()}:{self.request.path}?{query.urlencode()}"
        return self.paginator_class(queryset, per_page, count_key=key, **kwargs)


class ArticleListView(ArticleListMixin, ListView):
    """Home: the lead story, then the latest articles; the filter form narrows them."""

    def get(self, request, *args, **kwargs):
        # A filter set only for a filtered list: the plain home page has nothing to check.
        filtered = any(key != self.page_kwarg for key in request.GET)
        self.filterset = ArticleFilter(request.GET, request=request) if filtered else None
        return super().get(request, *args, **kwargs)

    def get_queryset(self):
        articles = super().get_queryset()
        if self.filterset is None:
            return articles
        return self.filterset.filter_queryset(articles) if self.filterset.is_valid() else articles.none()

    def get_context_data(self, **kwargs):
        context = super().get_context_data(filter=self.filterset, show_filters=True, **kwargs)
        context["show_lead"] = context["page_obj"].number == 1 and not (self.filterset and self.filterset.is_active)
        if context["show_lead"]:
            context["lead"], context["listed"] = lead_and_rest(context["object_list"])
        context["category_options"] = category_options(self.request.GET.get("category"))
        return context


def lead_and_rest(articles):
    """The lead story and the other articles of the first page. The lead is the newest article whose
    date is known: an estimated date (a file's modification time) may be today's by accident."""
    ids = articles.ids
    estimated = remember("newsroom:estimated:", *ids, compute=lambda: set(
        Article.objects.filter(pk__in=ids, date_estimated=True).values_list("pk", flat=True)
    ))
    at = next((index for index, pk in enumerate(ids) if pk not in estimated), None)
    if at is None:
        return articles[:0], articles
    return articles[at : at + 1], articles[:at] + articles[at + 1 :]


def category_surroundings(path):
    """A category, what its page shows around the list, and the ids of its subtree."""
    category = get_object_or_404(Category, path=path)
    return {
        "category": category,
        "ancestors": category.ancestors(),
        "children": list(category.children.order_by("ordering", "name")),
        "subtree": list(Category.objects.subtree(category).values_list("pk", flat=True)),
    }


class CategoryArticleListView(ArticleListMixin, ListView):
    template_name = "articles/category_article_list.html"

    def get(self, request, *args, **kwargs):
        path = self.kwargs["path"].strip("/")
        self.surroundings = remember("newsroom:category:", path, compute=lambda: category_surroundings(path))
        return super().get(request, *args, **kwargs)

    def get_queryset(self):
        category, subtree = self.surroundings["category"], self.surroundings["subtree"]
        return super().get_queryset().in_category(category, subtree)

    def get_context_data(self, **kwargs):
        editor_bar = category_editor_bar(self.request, self.surroundings["category"])
        return super().get_context_data(**self.surroundings, editor_bar=editor_bar, **kwargs)


class TagArticleListView(ArticleListMixin, ListView):
    template_name = "articles/tag_article_list.html"

    def get(self, request, *args, **kwargs):
        slug = self.kwargs["slug"]
        self.tag = remember("newsroom:tag:", slug, compute=lambda: get_object_or_404(Tag, slug=slug))
        return super().get(request, *args, **kwargs)

    def get_queryset(self):
        return super().get_queryset().tagged(self.tag)

    def get_context_data(self, **kwargs):
        return super().get_context_data(tag=self.tag, **kwargs)


class SourceArticleListView(ArticleListMixin, ListView):
    """Articles of one source (publication) or one author."""

    field = "source_name"
    allow_empty = False  # an unknown source is a 404
    template_name = "articles/source_article_list.html"

    def get_queryset(self):
        if self.field == "author":
            return super().get_queryset().by_author(self.kwargs["name"])
        return super().get_queryset().filter(**{self.field: self.kwargs["name"]})

    def get_context_data(self, **kwargs):
        label = _("Source") if self.field == "source_name" else _("Author")
        return super().get_context_data(name=self.kwargs["name"], label=label, **kwargs)


class ArchiveIndexView(CachedPageMixin, TemplateView):
    template_name = "articles/archive_index.html"

    def get_context_data(self, **kwargs):
        months = (
            Article.objects.published()
            .annotate(month=TruncMonth("published_at"))
            .values("month")
            .annotate(total=Count("pk"))
            .order_by("-month")
        )
        # Counting every article by month: once per content version.
        return super().get_context_data(months=remember("newsroom:months:", compute=lambda: list(months)), **kwargs)


class MonthArticleListView(ArticleListMixin, ListView):
    template_name = "articles/month_article_list.html"

    def get_queryset(self):
        year, month = int(self.kwargs["year"]), int(self.kwargs.get("month") or 0)
        articles = super().get_queryset().filter(published_at__year=year)
        return articles.filter(published_at__month=month) if month else articles

    def get_context_data(self, **kwargs):
        return super().get_context_data(year=self.kwargs["year"], month=self.kwargs.get("month"), **kwargs)


class SearchView(ArticleListMixin, ListView):
    template_name = "articles/search.html"

    def get(self, request, *args, **kwargs):
        self.query = request.GET.get("q", "").strip()[:100]
        return super().get(request, *args, **kwargs)

    def get_queryset(self):
        return super().get_queryset().search(self.query)

    def get_context_data(self, **kwargs):
        return super().get_context_data(query=self.query, terms=terms_of(self.query), **kwargs)


def related_ids(article, categories, tags, pool=60):
    """Ids of articles sharing tags or categories with ``article``, those sharing most first.

    Scores only the ``pool`` newest candidates, found by walking the date
    index: the cost stays the same however large the archive grows.
    """
    tag_ids, category_ids = [tag.pk for tag in tags], [category.pk for category in categories]
    tagged = TaggedArticle.objects.filter(tag_id__in=tag_ids)
    filed = Article.categories.through.objects.filter(category_id__in=category_ids)
    shares = Exists(tagged.filter(content_object_id=OuterRef("pk"))) | Exists(
        filed.filter(article_id=OuterRef("pk"))
    )
    published = Article.objects.published().exclude(pk=article.pk)
    candidates = list(published.filter(shares).order_by("-published_at", "-pk").values_list("pk", flat=True)[:pool])
    score = dict.fromkeys(candidates, 0)
    for pk in tagged.filter(content_object_id__in=candidates).values_list("content_object_id", flat=True):
        score[pk] += 2
    for pk in filed.filter(article_id__in=candidates).values_list("article_id", flat=True):
        score[pk] += 1
    return sorted(candidates, key=lambda pk: -score[pk])[:RELATED_COUNT]  # stable: newest first on ties


def _link(url, text):
    return {"url": url, "text": text}


_FIRST_PICTURE = re.compile(r'<img [^>]*?src="([^"]*)"')


def head_image_in_body(article):
    """Whether the head image is also the body's first picture (as in 36kr's posts): the page shows it once."""
    image = article.head_image
    found = image and _FIRST_PICTURE.search(article.body)
    return bool(found) and html.unescape(found.group(1)) in {image.url, image.source_url}


def around(article, categories=None, tags=None):
    """What an article page shows besides the article, ready to print in the active language:
    its categories and tags, previous/next in its first category, the ids of related
    articles, its dates and reading time.

    Links, dates and counts are put into words here, once per content version and
    language, rather than by template filters on every request. ``categories`` and
    ``tags`` are the article's own unless given: a preview shows a form's, not saved yet.
    """
    categories = list(article.categories.all() if categories is None else categories)
    tags = list(article.tags.all() if tags is None else tags)
    minutes, published = reading_minutes(article.search_text), localtime(article.published_at)
    found = {
        "categories": [_link(category.get_absolute_url(), category.name) for category in categories],
        "tags": [_link(cached_reverse("articles:tag", slug=tag.slug), tag.name) for tag in tags],
        "previous": None,
        "next": None,
        "related": [],
        "published_iso": published.isoformat(),
        "updated_iso": localtime(article.updated_at).isoformat(),
        # An estimated date (the file's modification time) orders the article but is not shown.
        "published_display": "" if article.date_estimated else date_format(published, "DATETIME_FORMAT"),
        "reading_time": ngettext("%(minutes)s min read", "%(minutes)s min read", minutes) % {"minutes": minutes},
        "source_url": article.get_source_url() if article.source_name else "",
        "authors": [_link(url, name) for url, name in article.author_links()],
        "head_image_in_body": head_image_in_body(article),
    }
    if categories:
        # Never itself: a preview's date may differ from the stored one.
        siblings = Article.objects.published().in_category(categories[0]).exclude(pk=article.pk)
        siblings = siblings.only("pk", "slug", "title")
        # The plain range condition lets the date index bound the walk; the OR breaks ties.
        moment, pk = article.published_at, article.pk or 0  # not saved yet: before the others of its time
        previous = siblings.filter(
            Q(published_at__lte=moment), Q(published_at__lt=moment) | Q(pk__lt=pk)
        ).order_by("-published_at", "-pk").first()
        following = siblings.filter(
            Q(published_at__gte=moment), Q(published_at__gt=moment) | Q(pk__gt=pk)
        ).order_by("published_at", "pk").first()
        found["previous"] = previous and _link(previous.get_absolute_url(), previous.title)
        found["next"] = following and _link(following.get_absolute_url(), following.title)
    if categories or tags:
        found["related"] = related_ids(article, categories, tags)
    return found


def article_context(request, article, found):
    """An article page's context: the article and what ``around`` found for it (the page, and the admin's preview)."""
    context = dict(found, article=article)
    listing = SimpleLazyObject(lambda: Article.objects.published().for_listing())  # only for uncached cards
    context["related"] = PageArticles(listing, context["related"])
    # An article not saved yet has no address of its own: its preview's stands in.
    context["page_url"] = request.build_absolute_uri(article.get_absolute_url() if article.pk else None)
    image = article.head_image or article.thumbnail  # what link previews show
    context["share_image_url"] = image and request.build_absolute_uri(image.url)
    return context


class ArticleDetailView(PublishedArticlesMixin, DetailView):
    template_name = "articles/article_detail.html"

    def setup(self, request, *args, **kwargs):
        super().setup(request, *args, **kwargs)
        self.previewing = signed_in(request) and request.user.is_staff  # staff may preview drafts

    def get_queryset(self):
        # Staff preview drafts and scheduled articles. The whole article is
        # needed here: for_listing() would defer the body and load it again.
        # Categories and tags come with the rest of the page's surroundings, see around().
        articles = Article.objects.all() if self.previewing else Article.objects.published()
        return articles.select_related("thumbnail", "head_image")

    def get_object(self, queryset=None):
        find = super().get_object
        if self.previewing:
            return find(queryset)
        # Readers' articles are kept until content changes, like the rest of the page.
        return remember("newsroom:article:", self.kwargs["pk"], compute=lambda: find(queryset))

    def get(self, request, *args, **kwargs):
        self.object = self.get_object()
        if self.object.slug != self.kwargs["slug"]:
            return redirect(self.object, permanent=True)
        return self.render_to_response(self.get_context_data(object=self.object))

    def get_context_data(self, **kwargs):
        # Kept per language until content changes: links, dates and counts are put into words.
        article = self.object
        found = remember("newsroom:around:", article.pk, get_language(), compute=lambda: around(article))
        context = article_context(self.request, article, found)
        context["preview"] = self.previewing and not article.is_visible()
        context["editor_bar"] = article_editor_bar(self.request, article)
        return super().get_context_data(**context, **kwargs)


# The editor bar: links from a public page to the admin, for editors only.


def is_editor(request):
    """Whether the page shows the editor bar: to signed-in staff who may change articles. Readers
    never get it, so no cached page or piece carries it (signed-in users bypass the page cache)."""
    if not signed_in(request):
        return False
    return request.user.is_staff and request.user.has_perm("articles.change_article")


def admin_link(obj, view, text):
    opts = obj._meta
    return _link(reverse(f"admin:{opts.app_label}_{opts.model_name}_{view}", args=[obj.pk]), text)


def status_text(article):
    """An article's status in words: a scheduled article is live from its time on, before any save says so."""
    if article.status not in Article.SHOWN_WHEN_DUE:
        return article.get_status_display()
    if article.published_at > timezone.now():
        when = date_format(localtime(article.published_at), "DATETIME_FORMAT")
        return _("Scheduled for %(time)s") % {"time": when}
    return _("Published")


def article_editor_bar(request, article):
    if not is_editor(request):
        return None
    links = [admin_link(article, "change", _("Edit")), admin_link(article, "history", _("History"))]
    return {"status": status_text(article), "links": links}


def category_editor_bar(request, category):
    if not (is_editor(request) and request.user.has_perm("articles.change_category")):
        return None
    return {"status": "", "links": [admin_link(category, "change", _("Edit category"))]}
