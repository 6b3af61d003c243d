"""The newsroom's content: one module per kind of thing."""

from .articles import Article, ArticleQuerySet, TaggedArticle, search_text
from .categories import NAME_SEPARATOR, PATH_SEPARATOR, Category, CategoryQuerySet
from .images import Image
from .imports import ImportRecord, ImportRun

__all__ = [
    "Article", "ArticleQuerySet", "Category", "CategoryQuerySet", "Image", "ImportRecord", "ImportRun",
    "NAME_SEPARATOR", "PATH_SEPARATOR", "TaggedArticle", "search_text",
]
