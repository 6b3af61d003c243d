"""Articles, with the one definition of what readers may see (``ArticleQuerySet.published``)."""

import datetime
import secrets

from django.conf import settings
from django.db import models
from django.db.models import Exists, Min, OuterRef, Q
from django.utils import timezone
from django.utils.functional import cached_property
from django.utils.text import Truncator
from django.utils.translation import gettext_lazy as _
from taggit.managers import TaggableManager
from taggit.models import TaggedItemBase

from ..caching import cached_reverse
from ..renditions import enrich_body
from ..sanitize import clean_html
from ..text import excerpt_from_html, html_to_text, searchable, strip_control, unicode_slug
from .categories import Category
from .images import Image


def search_text(title, body):
    """What search looks in: the title and the plain text of the body (see ``text.searchable``)."""
    return searchable(title, html_to_text(body))


class ArticleQuerySet(models.QuerySet):
    def published(self):
        """What readers may see: the one definition, used by every public page."""
        return self.filter(status__in=Article.SHOWN_WHEN_DUE, published_at__lte=timezone.now())

    def next_publication(self, after):
        """When the first article due after the timestamp ``after`` goes live, as a timestamp (or None)."""
        moment = datetime.datetime.fromtimestamp(after, tz=datetime.timezone.utc)
        waiting = self.filter(status__in=Article.SHOWN_WHEN_DUE, published_at__gt=moment)
        first = waiting.aggregate(first=Min("published_at"))["first"]
        return first and first.timestamp()

    def for_listing(self):
        """What an article card shows: its images joined in, the long text columns left out."""
        return self.select_related("thumbnail", "head_image").defer("body", "search_text")

    def with_filing(self):
        """Whole articles with categories and tags, for feeds (article pages cache theirs, see views.around)."""
        return self.select_related("thumbnail", "head_image").prefetch_related("categories", "tags")

    def by_author(self, name):
        """Articles with ``name`` among their authors (stored as in ``Article.authors``)."""
        sep = Article.AUTHOR_SEPARATOR
        return self.filter(
            Q(author=name) | Q(author__startswith=name + sep) | Q(author__endswith=sep + name)
            | Q(author__contains=sep + name + sep)
        )

    def tagged(self, tag):
        """Articles with ``tag``: a correlated EXISTS, so lists walk the date index and stop early."""
        return self.filter(Exists(TaggedArticle.objects.filter(content_object_id=OuterRef("pk"), tag=tag)))

    def unique_slug(self, base, exclude_pk=None):
        """``base``, else ``base-2`` to ``base-5``, else ``base`` and a random suffix: one no other article uses.

        Counting on past five would cost a query per article of a series whose
        titles start alike: here it takes two at most.
        """
        others = self.exclude(pk=exclude_pk) if exclude_pk else self
        candidates = [base, *(f"{base}-{n}" for n in range(2, 6))]
        taken = set(others.filter(slug__in=candidates).values_list("slug", flat=True))  # the unique index
        for slug in candidates:
            if slug not in taken:
                return slug
        while True:
            slug = f"{base}-{secrets.token_hex(3)}"
            if not others.filter(slug=slug).exists():
                return slug

    def search(self, query):
        """Articles matching ``query``, best first (see ``articles.search``)."""
        from ..search import search

        return search(self, query)

    def in_category(self, category, subtree=None):
        """Articles filed under ``category`` or any of its descendants (``subtree``: their ids, if known).

        A correlated EXISTS on the (article, category) index, so that a list
        can walk articles newest-first and stop after one page.
        """
        # The ids as a list, not a subquery: PostgreSQL then knows how many
        # articles match and walks the date index instead of sorting them all.
        if subtree is None:
            subtree = list(Category.objects.subtree(category).values_list("pk", flat=True))
        filed = Article.categories.through.objects.filter(article_id=OuterRef("pk"), category_id__in=subtree)
        return self.filter(Exists(filed))


class TaggedArticle(TaggedItemBase):
    content_object = models.ForeignKey("Article", on_delete=models.CASCADE)

    class Meta:
        verbose_name = _("tagged article")
        verbose_name_plural = _("tagged articles")
        constraints = [
            models.UniqueConstraint(fields=["content_object", "tag"], name="tagged_article_unique")
        ]


class Article(models.Model):
    class Status(models.TextChoices):
        DRAFT = "draft", _("Draft")
        REVIEW = "review", _("In review")
        SCHEDULED = "scheduled", _("Scheduled")
        PUBLISHED = "published", _("Published")

    SHOWN_WHEN_DUE = [Status.PUBLISHED, Status.SCHEDULED]  # readers see these once published_at has come
    AUTHOR_SEPARATOR = ", "  # between the names of several authors in ``author``

    title = models.CharField(_("title"), max_length=300)
    slug = models.SlugField(
        _("slug"),
        max_length=120,
        allow_unicode=True,
        unique=True,
        blank=True,
        help_text=_("Part of the URL. Chinese is fine. Left empty, it is made from the title."),
    )
    body = models.TextField(
        _("body"),
        blank=True,
        help_text=_("HTML. Scripts, styles, embeds and unknown markup are removed on save."),
    )
    excerpt = models.TextField(
        _("excerpt"),
        max_length=1000,
        blank=True,
        help_text=_(
            "Shown in lists and search results. Left empty, it is taken from the body, "
            "and then follows the body when the body changes."
        ),
    )
    excerpt_from_body = models.BooleanField(
        _("excerpt taken from the body"),
        default=False,
        editable=False,
        help_text=_("The excerpt was not written by hand, so it follows the body when the body changes."),
    )
    author = models.CharField(
        _("author"), max_length=200, blank=True, help_text=_("Several authors: separate them with commas.")
    )
    source_name = models.CharField(
        _("source"), max_length=200, blank=True, help_text=_("The publication this came from.")
    )
    source_url = models.URLField(
        _("original URL"), max_length=2000, blank=True, help_text=_("Link to the original article.")
    )
    language = models.CharField(_("language"), max_length=16, blank=True)
    search_text = models.TextField(editable=False, blank=True, help_text="Plain text of title and body, for search.")
    published_at = models.DateTimeField(
        _("published at"),
        default=timezone.now,
        help_text=_("A future time schedules the article: readers see it from then on."),
    )
    date_estimated = models.BooleanField(
        _("date estimated"),
        default=False,
        editable=False,
        help_text=_(
            "The source file gave no readable date, so the file's modification time stands in for it: "
            "the article is never the lead story or in the news sitemap, and readers see no time. "
            "Setting the publication date clears it."
        ),
    )
    updated_at = models.DateTimeField(_("updated at"), default=timezone.now)
    status = models.CharField(
        _("status"), max_length=10, choices=Status.choices, default=Status.DRAFT
    )
    comments_enabled = models.BooleanField(_("comments enabled"), default=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("writer"),
        null=True,
        blank=True,
        editable=False,
        on_delete=models.SET_NULL,
        related_name="+",
        help_text=_("Who created it in the admin; contributors and authors may change only their own articles."),
    )
    review_note = models.TextField(
        _("review note"),
        blank=True,
        editable=False,
        help_text=_("Why an editor sent it back; shown to the writer until it is submitted again."),
    )
    version = models.PositiveIntegerField(
        _("version"),
        default=0,
        editable=False,
        help_text=_("Counts the saves: an editor's save is refused when someone else saved after the form was opened."),
    )
    head_image = models.ForeignKey(
        Image,
        verbose_name=_("head image"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    thumbnail = models.ForeignKey(
        Image,
        verbose_name=_("thumbnail"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        help_text=_("Shown on article cards. Left empty, the head image is used."),
    )
    categories = models.ManyToManyField(
        Category, verbose_name=_("categories"), blank=True, related_name="articles"
    )
    tags = TaggableManager(verbose_name=_("tags"), through=TaggedArticle, blank=True)

    # Import provenance: written by the importer, read-only for editors.
    source_file = models.CharField(_("source file"), max_length=500, blank=True, editable=False)
    source_key = models.CharField(
        _("source key"), max_length=200, unique=True, null=True, blank=True, editable=False
    )
    content_hash = models.CharField(_("content hash"), max_length=64, blank=True, editable=False, db_index=True)
    imported_at = models.DateTimeField(_("imported at"), null=True, blank=True, editable=False)
    edited_since_import = models.BooleanField(
        _("edited since import"),
        default=False,
        editable=False,
        help_text=_("Set when an editor saves an imported article; a re-import then leaves it alone."),
    )

    objects = ArticleQuerySet.as_manager()

    class Meta:
        verbose_name = _("article")
        verbose_name_plural = _("articles")
        ordering = ["-published_at", "-pk"]
        permissions = [
            ("publish_article", _("Can publish and schedule articles")),
            ("review_article", _("Can review, change and publish everyone's articles")),
        ]
        get_latest_by = "published_at"
        indexes = [
            # Date first: lists walk it newest-first and stop after one page,
            # checking the status from the index instead of sorting every row.
            models.Index(fields=["-published_at", "status"], name="article_published_status"),
            models.Index(fields=["source_name", "-published_at"], name="article_source_published"),
            models.Index(fields=["source_file"], name="article_source_file"),
        ]

    def __str__(self):
        return self.title

    def get_absolute_url(self):
        return cached_reverse("articles:detail", pk=self.pk, slug=self.slug)

    def get_source_url(self):
        return cached_reverse("articles:source", name=self.source_name)

    @property
    def authors(self):
        """The author names, in order (``author`` holds them joined by commas)."""
        return [name.strip() for name in self.author.split(",") if name.strip()]

    def author_links(self):
        """``(url, name)`` of each author that is a person: a publication as author is its source link."""
        return [(cached_reverse("articles:author", name=name), name) for name in self.authors if name != self.source_name]

    @cached_property
    def filed_under(self):
        """Names of its categories, then of its tags: a feed item's <category> elements."""
        return [category.name for category in self.categories.all()] + [tag.name for tag in self.tags.all()]

    @cached_property
    def summary(self):
        """The excerpt cut for meta descriptions and link previews; kept with the (cached) article."""
        return Truncator(self.excerpt).chars(160)

    @property
    def card_image(self):
        return self.thumbnail or self.head_image

    def is_visible(self):
        return self.status in self.SHOWN_WHEN_DUE and self.published_at <= timezone.now()

    def save(self, *args, body_is_clean=False, **kwargs):
        """Save with the body sanitized (then its library pictures given renditions: see
        ``renditions.enrich_body``), the excerpt filled (and following the body unless it was
        written by hand: see ``excerpt_from_body``) and the status matching the date.

        ``body_is_clean`` tells that the caller ran ``clean_html`` on this very
        body already and filled ``search_text`` from it (the importer does
        both in its worker processes).
        """
        self.prepare_to_save(body_is_clean=body_is_clean)
        super().save(*args, **kwargs)

    def prepare_to_save(self, body_is_clean=False):
        """What ``save`` does to the fields before writing the row; the importer calls it for
        the new articles it inserts together."""
        for field in ("title", "excerpt", "author", "source_name"):
            setattr(self, field, strip_control(getattr(self, field)))
        self.author = self.AUTHOR_SEPARATOR.join(dict.fromkeys(self.authors))
        if not body_is_clean:
            self.body = clean_html(self.body)
            self.search_text = ""
        self.body = enrich_body(self.body, lead=not self.head_image_id)
        if not self.excerpt.strip() or (self.excerpt_from_body and not body_is_clean):
            self.excerpt = excerpt_from_html(self.body)
            self.excerpt_from_body = True
        if not self.search_text:
            self.search_text = search_text(self.title, self.body)
        if self.status in self.SHOWN_WHEN_DUE:
            future = self.published_at > timezone.now()
            self.status = self.Status.SCHEDULED if future else self.Status.PUBLISHED
        if not self.slug:
            self.slug = Article.objects.unique_slug(unicode_slug(self.title, max_length=100), self.pk)
        self.version += 1
