from django.shortcuts import get_object_or_404, redirect
from django.views.generic import DetailView, ListView
from taggit.models import Tag

from .models import Article, Category


class PublishedArticlesMixin:
    """Every public page starts from the published articles, ready for listing."""

    model = Article
    paginate_by = 20

    def get_queryset(self):
        return Article.objects.published().for_listing()


class ArticleListView(PublishedArticlesMixin, ListView):
    pass


class CategoryArticleListView(PublishedArticlesMixin, ListView):
    template_name = "articles/category_article_list.html"

    def get_queryset(self):
        self.category = get_object_or_404(Category, path=self.kwargs["path"].strip("/"))
        return super().get_queryset().in_category(self.category)

    def get_context_data(self, **kwargs):
        return super().get_context_data(
            category=self.category,
            ancestors=self.category.ancestors(),
            children=self.category.children.order_by("ordering", "name"),
            **kwargs,
        )


class TagArticleListView(PublishedArticlesMixin, ListView):
    template_name = "articles/tag_article_list.html"

    def get_queryset(self):
        self.tag = get_object_or_404(Tag, slug=self.kwargs["slug"])
        return super().get_queryset().filter(tags=self.tag)

    def get_context_data(self, **kwargs):
        return super().get_context_data(tag=self.tag, **kwargs)


class ArticleDetailView(PublishedArticlesMixin, DetailView):
    def get_queryset(self):
        if self.request.user.is_staff:
            return Article.objects.for_listing()  # staff preview drafts and scheduled articles
        return super().get_queryset()

    def get(self, request, *args, **kwargs):
        self.object = self.get_object()
        if self.object.slug != self.kwargs["slug"]:
            return redirect(self.object, permanent=True)
        return self.render_to_response(self.get_context_data(object=self.object))
