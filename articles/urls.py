from django.urls import path

from . import views

app_name = "articles"

urlpatterns = [
    path("", views.ArticleListView.as_view(), name="home"),
    path("articles/<int:pk>-<str:slug>/", views.ArticleDetailView.as_view(), name="detail"),
    path("category/<path:path>/", views.CategoryArticleListView.as_view(), name="category"),
    path("tags/<str:slug>/", views.TagArticleListView.as_view(), name="tag"),
]
