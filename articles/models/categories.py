"""The category tree: each category has a parent and a path of slugs."""

from django.db import models, transaction
from django.db.models import Func, IntegerField, OuterRef, Q, Subquery, Value
from django.db.models.functions import Concat
from django.utils.translation import gettext_lazy as _

from ..caching import cached_reverse
from ..text import unicode_slug


PATH_SEPARATOR = "/"
NAME_SEPARATOR = " › "  # between the names of a category's full name: 新媒体 › cnBeta › 最新


class CategoryQuerySet(models.QuerySet):
    def subtree(self, category):
        """The category and all its descendants, in one query (by stored path)."""
        return self.filter(Q(pk=category.pk) | Q(path__startswith=category.path + PATH_SEPARATOR))

    def with_article_totals(self, articles=None):
        """Each category with ``article_total``: how many of ``articles`` (all, by default) are filed
        under it or its descendants, each counted once.

        A correlated subquery (the category's own path, or one below it), so that a
        list of categories costs one query however long it is.
        """
        filed = self.model.articles.through.objects.filter(
            Q(category=OuterRef("pk")) | Q(category__path__startswith=Concat(OuterRef("path"), Value(PATH_SEPARATOR)))
        )
        if articles is not None:
            filed = filed.filter(article__in=articles)
        count = Func("article_id", function="COUNT", template="%(function)s(DISTINCT %(expressions)s)")
        return self.annotate(article_total=Subquery(filed.values(total=count), output_field=IntegerField()))


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
