from django.contrib import admin
from django.db.models import Func, IntegerField, OuterRef, Q, Subquery, Value
from django.db.models.functions import Concat
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _

from ..models import PATH_SEPARATOR, Article, Category


def subtree_article_count():
    """How many articles are filed under a category or its descendants, each counted once.

    A correlated subquery (the category's own path, or one below it), so that a
    list of categories costs one query however long it is.
    """
    filed = Article.categories.through.objects.filter(
        Q(category=OuterRef("pk")) | Q(category__path__startswith=Concat(OuterRef("path"), Value(PATH_SEPARATOR)))
    )
    count = Func("article_id", function="COUNT", template="%(function)s(DISTINCT %(expressions)s)")
    return Subquery(filed.values(total=count), output_field=IntegerField())


@admin.register(Category)
class CategoryAdmin(admin.ModelAdmin):
    list_display = ["full_name_display", "path", "article_count", "ordering"]
    list_editable = ["ordering"]
    search_fields = ["full_name", "path"]  # any part of the path finds it: "cnBeta" or "最新"
    prepopulated_fields = {"slug": ["name"]}
    autocomplete_fields = ["parent"]
    fields = ["name", "slug", "parent", "description", "ordering", "path"]
    readonly_fields = ["path"]
    ordering = ["path"]

    def get_queryset(self, request):
        return super().get_queryset(request).annotate(article_total=subtree_article_count())

    @admin.display(description=_("name"), ordering="path")
    def full_name_display(self, obj):
        """The ancestors' names greyed, the category's own name plain: 新媒体 › cnBeta › 最新."""
        return format_html('<span class="quiet">{}</span>{}', obj.full_name.removesuffix(obj.name), obj.name)

    @admin.display(description=_("articles"), ordering="article_total")
    def article_count(self, obj):
        return obj.article_total
