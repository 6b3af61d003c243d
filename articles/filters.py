import django_filters
from django import forms
from django.core.exceptions import ValidationError
from django.db.models import Exists, OuterRef, Q
from django.utils.html import format_html_join
from django.utils.safestring import mark_safe
from django.utils.translation import gettext_lazy as _
from taggit.models import Tag

from .caching import remember
from .models import Article, Category, TaggedArticle


def named_category(value):
    """The category ``value`` names as a link or a reader would: its id (what the form sends), its
    path (``新媒体/cnbeta``) or the name of a top-level category, in any case; or None.

    Looked up once per content version, like the form's list of categories.
    """
    value = value.strip().strip("/")

    def find():
        if value.isdecimal():
            return Category.objects.filter(pk=int(value)).first()
        named = Q(path__iexact=value) | Q(parent__isnull=True, name__iexact=value)
        return Category.objects.filter(named).order_by("depth", "path").first()

    return remember("newsroom:category-named:", value, compute=find) if value else None


def tags_named(value):
    """Ids of the tags whose name or slug is ``value``, in any case: ``JavaScript`` finds ``javascript``."""
    tags = Tag.objects.filter(Q(name__iexact=value) | Q(slug__iexact=value))
    return remember("newsroom:tags-named:", value, compute=lambda: list(tags.values_list("pk", flat=True)))


class ArticleFilterForm(forms.Form):
    """Reads a category and a tag as they are named in addresses; a name that finds nothing is an error
    shown in the form, rather than an empty list that does not say why."""

    def clean_category(self):
        value = self.cleaned_data["category"]
        if not value:
            return None
        category = named_category(value)
        if category is None:
            raise ValidationError(_("There is no category “%(value)s”."), params={"value": value})
        return category

    def clean_tag(self):
        value = self.cleaned_data["tag"]
        if not value:
            return None
        found = tags_named(value)
        if not found:
            raise ValidationError(_("There is no tag “%(value)s”."), params={"value": value})
        return found


class ArticleFilter(django_filters.FilterSet):
    """Filters for public article lists; the state lives in the query string."""

    category = django_filters.CharFilter(label=_("Category"), method="filter_category")
    tag = django_filters.CharFilter(label=_("Tag"), method="filter_tag")
    source = django_filters.CharFilter(label=_("Source"), field_name="source_name", lookup_expr="iexact")
    published = django_filters.DateFromToRangeFilter(
        label=_("Published between"),
        method="filter_published",
        widget=django_filters.widgets.DateRangeWidget(attrs={"type": "date"}),
    )

    class Meta:
        model = Article
        fields = ["category", "tag", "source", "published"]
        form = ArticleFilterForm

    def filter_published(self, queryset, name, value):
        # Bounds outside the years articles can have are ignored (year 1 overflows in UTC).
        if value.start and 1900 <= value.start.year <= 2200:
            queryset = queryset.filter(published_at__gte=value.start)
        if value.stop and 1900 <= value.stop.year <= 2200:
            queryset = queryset.filter(published_at__lte=value.stop)
        return queryset

    def filter_tag(self, queryset, name, value):
        tagged = TaggedArticle.objects.filter(content_object_id=OuterRef("pk"), tag_id__in=value)
        return queryset.filter(Exists(tagged))

    def filter_category(self, queryset, name, value):
        return queryset.in_category(value)

    @property
    def is_active(self):
        return self.is_bound and any(v for k, v in self.data.items() if k != "page")


def _all_category_options():
    rows = Category.objects.order_by("path").values_list("pk", "name", "depth")
    labels = ((pk, "— " * depth + name) for pk, name, depth in rows)
    return format_html_join("", '<option value="{}">{}</option>', labels)


def category_options(selected=None):
    """The filter form's ``<option>`` for every category, indented by depth, the one ``selected`` names marked.

    Rendered once per content version: a template loop over every category
    cost more than the rest of the home page.
    """
    options = remember("newsroom:category-options:", compute=_all_category_options)
    category = named_category(selected) if selected else None
    if category is not None:
        options = options.replace(f'value="{category.pk}">', f'value="{category.pk}" selected>', 1)
    return mark_safe(options)  # noqa: S308 - escaped above; the change adds a constant attribute
