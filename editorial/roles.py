"""The newsroom's roles: groups with Django permissions, made by a data migration (editorial 0002).

Code checks permissions, never group names: a site may make its own groups.

- Contributor: writes and changes their own drafts and submits them for review.
- Author: also publishes and schedules their own articles (``publish_article``).
- Editor: changes, reviews, publishes and unpublishes everyone's articles
  (``review_article``), and manages categories, tags and pictures.
- Superusers (administrators) may do everything.
"""

CONTRIBUTOR, AUTHOR, EDITOR = "Contributor", "Author", "Editor"

_WRITER = [
    "articles.add_article", "articles.change_article", "articles.view_article",
    "articles.view_category", "articles.view_image", "articles.add_image",
    "taggit.view_tag", "taggit.add_tag",
]
ROLES = {
    CONTRIBUTOR: _WRITER,
    AUTHOR: _WRITER + ["articles.publish_article", "articles.delete_article"],
    EDITOR: _WRITER + [
        "articles.publish_article", "articles.review_article", "articles.delete_article",
        "articles.add_category", "articles.change_category", "articles.delete_category",
        "articles.change_image", "articles.delete_image",
        "taggit.change_tag", "taggit.delete_tag",
        "articles.view_importrun", "articles.view_importrecord",
        "editorial.view_sourceupdate", "editorial.change_sourceupdate",
    ],
}


def make_groups(apps, schema_editor):
    from django.contrib.auth.management import create_permissions

    for app_config in apps.get_app_configs():  # permissions are otherwise made only after all migrations
        app_config.models_module = True
        create_permissions(app_config, apps=apps, verbosity=0)
        app_config.models_module = None
    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    for name, codes in ROLES.items():
        group, _ = Group.objects.get_or_create(name=name)
        for code in codes:
            app_label, codename = code.split(".")
            group.permissions.add(Permission.objects.get(content_type__app_label=app_label, codename=codename))
