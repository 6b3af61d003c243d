import datetime as dt

import factory
from django.utils import timezone

from articles.models import Article, Category, Image


class CategoryFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Category

    name = factory.Sequence(lambda n: f"分类{n}")


class ImageFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Image

    source_url = factory.Sequence(lambda n: f"https://img.example.com/{n}.jpg")


class ArticleFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Article
        skip_postgeneration_save = True

    title = factory.Sequence(lambda n: f"新闻标题{n}")
    body = "<p>第一句。第二句。</p>"
    status = Article.Status.PUBLISHED
    published_at = factory.LazyFunction(lambda: timezone.now() - dt.timedelta(hours=1))
    source_name = "cnBeta"

    @factory.post_generation
    def categories(self, create, extracted, **kwargs):
        if create and extracted:
            self.categories.set(extracted)

    @factory.post_generation
    def tags(self, create, extracted, **kwargs):
        if create and extracted:
            self.tags.set(extracted)
