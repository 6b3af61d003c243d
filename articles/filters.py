import django_filters
from django.db.models import Exists, OuterRef
from django.utils.html import format_html_join
from django.utils.safestring import mark_safe
from django.utils.translation import gettext_lazy as _

from .caching import remember
from .models import Article, Category, TaggedArticle


class ArticleFilter(django_filters.FilterSet):
    """Filters for public article lists; the state lives in the query string."""

    category = django_filters.ModelChoiceFilter(
        label=_("Category"),
        queryset=Category.objects.order_by("path"),
        method="filter_category",
        empty_label=_("All categories"),
    )
    tag = django_filters.CharFilter(label=_("Tag"), method="filter_tag")
    source = django_filters.CharFilter(label=_("Source"), field_name="source_name")
    published = django_filters.DateFromToRangeFilter(
        label=_("Published between"),
        method="filter_published",
        widget=django_filters.widgets.DateRangeWidget(attrs={"type": "date"}),
    )

    class Meta:
        model = Article
        fields = ["category", "tag", "source", "published"]

    def filter_published(self, queryset, name, value):
        # Bounds outside the years articles can have are ignored (year 1 overflows in UTC).
        if value.start and 1900 <= value.start.year <= 2200:
            queryset = queryset.filter(published_at__gte=value.start)
        if value.stop and 1900 <= value.stop.year <= 2200:
            queryset = queryset.filter(published_at__lte=value.stop)
        return queryset

    def filter_tag(self, queryset, name, value):
        tagged = TaggedArticle.objects.filter(content_object_id=OuterRef("pk"), tag__slug=value)
        return queryset.filter(Exists(tagged))

    def filter_category(self, queryset, name, value):
        return queryset.in_category(value) if value else queryset

    @property
    def is_active(self):
        return self.is_bound and any(v for k, v in self.data.items() if k != "page")


def _all_category_options():
    rows = Category.objects.order_by("path").values_list("pk", "name", "depth")
    labels = ((pk, "— " * depth + name) for pk, name, depth in rows)
    return format_html_join("", '<option value="{}">{}</option>', labels)


def category_options(selected=None):
    """The filter form's ``<option>`` for every category, indented by depth, ``selected`` marked.

    Rendered once per content version: a template loop over every category
    cost more than the rest of the home page.
    """
    options = remember("newsroom:category-options:", compute=_all_category_options)
    if selected and selected.isdigit():
        options = options.replace(f'value="{int(selected)}">', f'value="{int(selected)}" selected>', 1)
    return mark_safe(options)  # noqa: S308 - escaped above; the change adds a constant attribute
