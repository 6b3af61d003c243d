from django.apps import AppConfig
from django.db.models.signals import m2m_changed, post_delete, post_save, pre_save
from django.utils.translation import gettext_lazy as _


class ArticlesConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "articles"
    verbose_name = _("News")

    def ready(self):
        from taggit.models import Tag

        from .caching import bump_content_version
        from .models import Article, Category, Image, TaggedArticle
        from .renditions import delete_files

        for model in (Article, Category, Image, Tag, TaggedArticle):
            post_save.connect(bump_content_version, sender=model, dispatch_uid=f"cache-save-{model.__name__}")
            post_delete.connect(bump_content_version, sender=model, dispatch_uid=f"cache-del-{model.__name__}")
        m2m_changed.connect(bump_content_version, sender=Article.categories.through, dispatch_uid="cache-m2m")
        pre_save.connect(give_tag_a_slug, sender=Tag, dispatch_uid="tag-slug")
        post_delete.connect(delete_files, sender=Image, dispatch_uid="image-files")


def give_tag_a_slug(sender, instance, **kwargs):
    """A tag of only emoji or punctuation slugifies to nothing; give it a stable slug of its own."""
    if not instance.slug:
        import hashlib

        instance.slug = "tag-" + hashlib.sha1(instance.name.encode()).hexdigest()[:10]
