from django.urls import path, register_converter

from . import views

class YearConverter:
    regex = r"(19|20|21)[0-9]{2}"
    to_python, to_url = int, str


class MonthConverter:
    regex = r"0?[1-9]|1[0-2]"
    to_python, to_url = int, str


register_converter(YearConverter, "yyyy")
register_converter(MonthConverter, "mm")

app_name = "articles"

urlpatterns = [
    path("", views.ArticleListView.as_view(), name="home"),
    path("articles/<int:pk>-<str:slug>/", views.ArticleDetailView.as_view(), name="detail"),
    path("category/<path:path>/", views.CategoryArticleListView.as_view(), name="category"),
    path("tags/<str:slug>/", views.TagArticleListView.as_view(), name="tag"),
    path("sources/<path:name>/", views.SourceArticleListView.as_view(), name="source"),
    path("authors/<path:name>/", views.SourceArticleListView.as_view(field="author"), name="author"),
    path("archive/", views.ArchiveIndexView.as_view(), name="archive"),
    path("archive/<yyyy:year>/", views.MonthArticleListView.as_view(), name="archive_year"),
    path("archive/<yyyy:year>/<mm:month>/", views.MonthArticleListView.as_view(), name="archive_month"),
    path("search/", views.SearchView.as_view(), name="search"),
]
