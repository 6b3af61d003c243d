from django.contrib import admin
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _

from ..models import Category


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
        return super().get_queryset(request).with_article_totals()

    @admin.display(description=_("name"), ordering="path")
    def full_name_display(self, obj):
        """The ancestors' names greyed, the category's own name plain: 新媒体 › cnBeta › 最新."""
        return format_html('<span class="quiet">{}</span>{}', obj.full_name.removesuffix(obj.name), obj.name)

    @admin.display(description=_("articles"), ordering="article_total")
    def article_count(self, obj):
        return obj.article_total
