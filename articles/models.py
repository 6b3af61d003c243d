import datetime
import secrets

from django.db import models, transaction
from django.db.models import Exists, Min, OuterRef, Q
from django.utils import timezone
from django.utils.functional import cached_property
from django.utils.text import Truncator
from django.utils.translation import gettext_lazy as _
from taggit.managers import TaggableManager
from taggit.models import TaggedItemBase

from .caching import cached_reverse
from .images import sha256_of
from .renditions import enrich_body
from .sanitize import clean_html
from .text import excerpt_from_html, html_to_text, searchable, strip_control, unicode_slug

PATH_SEPARATOR = "/"
NAME_SEPARATOR = " › "  # between the names of a category's full name: 新媒体 › cnBeta › 最新


class CategoryQuerySet(models.QuerySet):
    def subtree(self, category):
        """The category and all its descendants, in one query (by stored path)."""
        return self.filter(Q(pk=category.pk) | Q(path__startswith=category.path + PATH_SEPARATOR))


class Category(models.Model):
    """A node of the category hierarchy; its URL is the path of slugs from the root."""

    name = models.CharField(_("name"), max_length=100)
    slug = models.SlugField(
        _("slug"),
        max_length=100,
        allow_unicode=True,
        blank=True,
        help_text=_("Part of the URL. Chinese is fine. Left empty, it is made from the name."),
    )
    parent = models.ForeignKey(
        "self",
        verbose_name=_("parent"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="children",
        help_text=_("Empty for a top-level category."),
    )
    description = models.TextField(_("description"), blank=True)
    ordering = models.IntegerField(
        _("ordering"), default=0, help_text=_("Lower numbers come first among siblings.")
    )
    path = models.CharField(_("path"), max_length=1000, unique=True, editable=False)
    depth = models.PositiveSmallIntegerField(_("depth"), default=0, editable=False)
    # The names from the root down, kept like ``path``; a text, so that no depth or name length is too long.
    full_name = models.TextField(_("full name"), editable=False)

    objects = CategoryQuerySet.as_manager()

    class Meta:
        verbose_name = _("category")
        verbose_name_plural = _("categories")
        ordering = ["path"]
        constraints = [
            models.UniqueConstraint(
                fields=["parent", "slug"],
                name="category_unique_slug_among_siblings",
                violation_error_message=_("A sibling category already uses this slug."),
            ),
            models.UniqueConstraint(
                fields=["slug"],
                condition=Q(parent__isnull=True),
                name="category_unique_top_level_slug",
                violation_error_message=_("A top-level category already uses this slug."),
            ),
        ]

    def __str__(self):
        """The full name, as the admin shows categories: two 首页 under different parents differ (pages show ``name``)."""
        return self.full_name or self.name

    def clean(self):
        from django.core.exceptions import ValidationError

        node = self.parent
        while node is not None:
            if self.pk and node.pk == self.pk:
                raise ValidationError({"parent": _("A category cannot be inside itself.")})
            node = node.parent

    def save(self, *args, **kwargs):
        if not self.slug:
            self.slug = self._free_slug(unicode_slug(self.name, max_length=90, fallback="category"))
        old_path, old_full_name = self.path, self.full_name
        prefix = self.parent.path + PATH_SEPARATOR if self.parent_id else ""
        self.path = prefix + self.slug
        self.depth = self.path.count(PATH_SEPARATOR)
        self.full_name = (self.parent.full_name + NAME_SEPARATOR if self.parent_id else "") + self.name
        with transaction.atomic():
            super().save(*args, **kwargs)
            if old_path and (old_path != self.path or old_full_name != self.full_name):
                self._move_descendants(old_path, old_full_name)

    def _free_slug(self, base):
        """``base`` or ``base-2``…: "C" and "C++" both slugify to "c" but are different categories."""
        siblings = Category.objects.filter(parent_id=self.parent_id).exclude(pk=self.pk)
        slug, n = base, 2
        while siblings.filter(slug=slug).exists():
            slug, n = f"{base}-{n}", n + 1
        return slug

    def _move_descendants(self, old_path, old_full_name):
        """Descendants' paths and full names begin with this category's: they follow a move or a rename."""
        for child in Category.objects.filter(path__startswith=old_path + PATH_SEPARATOR):
            child.path = self.path + child.path[len(old_path) :]
            child.full_name = self.full_name + child.full_name[len(old_full_name) :]
            child.depth = child.path.count(PATH_SEPARATOR)
            child.save(update_fields=["path", "depth", "full_name"])

    def get_absolute_url(self):
        return cached_reverse("articles:category", path=self.path)

    def ancestors(self):
        """Ancestors from the root down, in one query."""
        parts = self.path.split(PATH_SEPARATOR)
        paths = [PATH_SEPARATOR.join(parts[:i]) for i in range(1, len(parts))]
        return list(Category.objects.filter(path__in=paths).order_by("depth"))


class Image(models.Model):
    """A picture used by articles: an uploaded file or a remote URL, stored once."""

    file = models.ImageField(
        _("file"),
        upload_to="images/%Y/%m/",
        width_field="width",
        height_field="height",
        blank=True,
        help_text=_("JPEG, PNG, GIF or WebP. Leave empty to use a remote URL instead."),
    )
    source_url = models.URLField(
        _("source URL"),
        max_length=2000,
        blank=True,
        help_text=_("Where the picture lives on the web, when it is not uploaded."),
    )
    sha256 = models.CharField(max_length=64, blank=True, editable=False)
    width = models.PositiveIntegerField(_("width"), null=True, blank=True, editable=False)
    height = models.PositiveIntegerField(_("height"), null=True, blank=True, editable=False)
    alt_text = models.CharField(
        _("alt text"),
        max_length=300,
        blank=True,
        help_text=_("What the picture shows, for readers who cannot see it."),
    )
    caption = models.CharField(_("caption"), max_length=500, blank=True)
    credit = models.CharField(_("credit"), max_length=200, blank=True)
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    fetch_error = models.CharField(
        _("download failed"),
        max_length=500,
        blank=True,
        editable=False,
        help_text=_("Why the last download of the source URL failed; a later import with --fetch-images tries again."),
    )
    fetch_failed_at = models.DateTimeField(_("download failed at"), null=True, blank=True, editable=False)

    class Meta:
        verbose_name = _("image")
        verbose_name_plural = _("images")
        ordering = ["-created_at", "-pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["source_url"],
                condition=~Q(source_url=""),
                name="image_unique_source_url",
                violation_error_message=_("An image with this URL already exists."),
            ),
            models.UniqueConstraint(
                fields=["sha256"], condition=~Q(sha256=""), name="image_unique_file_content"
            ),
            models.CheckConstraint(
                condition=~Q(file="") | ~Q(source_url=""),
                name="image_has_file_or_url",
                violation_error_message=_("Upload a file or give a source URL."),
            ),
        ]

    def __str__(self):
        return self.alt_text or self.caption or (self.file.name if self.file else self.source_url)

    @property
    def url(self):
        return self.file.url if self.file else self.source_url

    def save(self, *args, **kwargs):
        if self.file and not self.sha256 and not self.source_url:  # uploads are stored once
            self.sha256 = sha256_of(self.file)
        super().save(*args, **kwargs)


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
        from .search import search

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
        return self.status != self.Status.DRAFT and self.published_at <= timezone.now()

    def save(self, *args, body_is_clean=False, **kwargs):
        """Save with the body sanitized (then its library pictures given renditions: see
        ``renditions.enrich_body``), the excerpt filled (and following the body unless it was
        written by hand: see ``excerpt_from_body``) and the status matching the date.

        ``body_is_clean`` tells that the caller ran ``clean_html`` on this very
        body already and filled ``search_text`` from it (the importer does
        both in its worker processes).
        """
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
        if self.status != self.Status.DRAFT:
            future = self.published_at > timezone.now()
            self.status = self.Status.SCHEDULED if future else self.Status.PUBLISHED
        if not self.slug:
            self.slug = Article.objects.unique_slug(unicode_slug(self.title, max_length=100), self.pk)
        super().save(*args, **kwargs)


class ImportRun(models.Model):
    """One run of ``import_seeds``: what was asked and what happened, for editors to browse."""

    started_at = models.DateTimeField(_("started"), default=timezone.now)
    finished_at = models.DateTimeField(_("finished"), null=True, blank=True)
    options = models.JSONField(_("options"), default=dict)
    created = models.PositiveIntegerField(_("created"), default=0)
    updated = models.PositiveIntegerField(_("updated"), default=0)
    unchanged = models.PositiveIntegerField(_("unchanged"), default=0)
    skipped = models.PositiveIntegerField(_("skipped"), default=0)
    failed = models.PositiveIntegerField(_("failed"), default=0)

    class Meta:
        verbose_name = _("import run")
        verbose_name_plural = _("import runs")
        ordering = ["-started_at"]

    def __str__(self):
        return f"{self.started_at:%Y-%m-%d %H:%M:%S}"


class ImportRecord(models.Model):
    """The outcome of one file in an import run."""

    class Outcome(models.TextChoices):
        CREATED = "created", _("created")
        UPDATED = "updated", _("updated")
        UNCHANGED = "unchanged", _("unchanged")
        SKIPPED = "skipped", _("skipped")
        FAILED = "failed", _("failed")

    run = models.ForeignKey(ImportRun, on_delete=models.CASCADE, related_name="records")
    path = models.CharField(_("file"), max_length=500)
    outcome = models.CharField(_("outcome"), max_length=10, choices=Outcome.choices)
    article = models.ForeignKey(Article, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    warnings = models.TextField(_("warnings"), blank=True)
    error = models.TextField(_("error"), blank=True)

    class Meta:
        verbose_name = _("import record")
        verbose_name_plural = _("import records")
        ordering = ["run", "pk"]
        indexes = [models.Index(fields=["run", "outcome"], name="importrecord_run_outcome")]

    def __str__(self):
        return self.path
