from django.urls import path

from . import views

app_name = "articles"

urlpatterns = [
    path("", views.ArticleListView.as_view(), name="home"),
    path("articles/<int:pk>-<str:slug>/", views.ArticleDetailView.as_view(), name="detail"),
    path("category/<path:path>/", views.CategoryArticleListView.as_view(), name="category"),
    path("tags/<str:slug>/", views.TagArticleListView.as_view(), name="tag"),
    path("sources/<str:name>/", views.SourceArticleListView.as_view(), name="source"),
    path("authors/<str:name>/", views.SourceArticleListView.as_view(field="author"), name="author"),
    path("archive/", views.ArchiveIndexView.as_view(), name="archive"),
    path("archive/<int:year>/", views.MonthArticleListView.as_view(), name="archive_year"),
    path("archive/<int:year>/<int:month>/", views.MonthArticleListView.as_view(), name="archive_month"),
    path("search/", views.SearchView.as_view(), name="search"),
]
