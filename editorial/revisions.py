"""Every change to an article is kept as a revision (django-reversion).

A revision holds the article's row (categories with it, as their ids), its tag rows and copies
of its tags: the project's own ``TaggedArticle`` is followed, so an old revision shows the tags
it had then, not today's, and the tags themselves, so that a tag deleted since can be made again
by its name. Reader pages never read revisions.
"""

import functools
import itertools
import json
import re

import reversion
from django.conf import settings
from django.core.serializers.json import DjangoJSONEncoder
from django.db import connection, transaction
from django.utils import timezone, translation
from django.utils.text import capfirst
from django.utils.translation import gettext, ngettext
from reversion.models import Revision, Version

UNKEPT = ["search_text"]  # derived from the title and body on every save: a revision need not copy it
KEPT_STATUSES = {"published", "scheduled"}  # what readers saw (or were to see): never pruned
PRUNE_BATCH = 500  # revisions deleted per query


def register():
    from taggit.models import Tag

    from articles.models import Article, TaggedArticle

    if not reversion.is_registered(TaggedArticle):
        reversion.register(TaggedArticle)
    if not reversion.is_registered(Tag):
        reversion.register(Tag)
    if not reversion.is_registered(Article):
        # The tags through the manager: one query for all of them (following each row's tag is one per tag).
        reversion.register(Article, exclude=UNKEPT, follow=["taggedarticle_set", "tags"])


def record(articles, comment, user=None):
    """Keeps the current state of ``articles`` as one revision each (for changes made by ``update()``,
    which saves nothing through the models)."""
    for article in articles:
        with reversion.create_revision(atomic=False):
            reversion.add_to_revision(article)
            reversion.set_comment(comment)
            if user is not None:
                reversion.set_user(user)


def record_import(article, category_ids, tags, comment):
    """Keeps an imported article's revision in two INSERTs, from what the importer already holds.

    The same rows as ``record`` would write (the article with its category ids,
    its tag rows and copies of its tags: ``tags`` is ``[(tag row id, tag id,
    name, slug)]``), without reading back what was just written or building
    model instances: the import makes a revision for every file, and the rest
    of its work for a file is a few queries.
    """
    record_imports([(timezone.now(), comment, import_versions(article, category_ids, tags))])


def import_versions(article, category_ids, tags):
    """The version rows of an imported article's revision (see ``record_import``), to be written by
    ``record_imports``: what the article holds now, whenever they are written."""
    from django.contrib.contenttypes.models import ContentType
    from taggit.models import Tag

    from articles.models import Article, TaggedArticle

    article_type, tagged_type, tag_type = (
        ContentType.objects.get_for_model(model) for model in (Article, TaggedArticle, Tag)
    )
    fields = {field.name: getattr(article, field.attname) for field in _article_fields()}
    fields["categories"] = list(category_ids)
    rows = [(article_type.pk, article.pk, "articles.article", fields, str(article))]
    for tagged_id, tag_id, name, slug in tags:
        tag = Tag(pk=tag_id, name=name, slug=slug)
        text = str(TaggedArticle(pk=tagged_id, content_object=article, tag=tag))
        rows.append((tagged_type.pk, tagged_id, "articles.taggedarticle", {"tag": tag_id, "content_object": article.pk}, text))
        rows.append((tag_type.pk, tag_id, "taggit.tag", {"name": name, "slug": slug}, name))
    return [
        (str(pk), type_id, json.dumps([{"model": label, "pk": pk, "fields": data}], cls=DjangoJSONEncoder), text[:191])
        for type_id, pk, label, data, text in rows
    ]


def record_imports(revisions):
    """Writes imported articles' revisions, ``[(date, comment, import_versions(…))]``: one INSERT for
    the revisions and one for all their versions (the importer writes a batch of files at once)."""
    if not revisions:
        return
    if connection.features.can_return_rows_from_bulk_insert:
        made = Revision.objects.bulk_create(Revision(date_created=date, comment=comment) for date, comment, _ in revisions)
    else:  # pragma: no cover - both supported databases return the ids
        made = [Revision.objects.create(date_created=date, comment=comment) for date, comment, _ in revisions]
    with connection.cursor() as cursor:
        cursor.executemany(
            _VERSION_INSERT,
            [
                (revision.pk, object_id, "default", type_id, "json", data, text)
                for revision, (_date, _comment, versions) in zip(made, revisions)
                for object_id, type_id, data, text in versions
            ],
        )


_VERSION_INSERT = (
    "INSERT INTO reversion_version (revision_id, object_id, db, content_type_id, format, serialized_data, object_repr)"
    " VALUES (%s, %s, %s, %s, %s, %s, %s)"
)


@functools.cache
def _article_fields():
    from articles.models import Article

    return [field for field in Article._meta.concrete_fields if not field.primary_key and field.name not in UNKEPT]


def import_comment(run_id):
    return gettext("Import run %(run)s") % {"run": run_id}


@functools.cache
def _import_comments(language):
    with translation.override(language):
        template = re.escape(import_comment("RUN")).replace("RUN", r"(\d+)")
    return re.compile(template)


def import_run_id(comment):
    """The import run an import's revision comment names (in whichever language it was written), or None."""
    for language, _name in settings.LANGUAGES:
        match = _import_comments(language).fullmatch(comment)
        if match:
            return int(match.group(1))
    return None


def restore(article, version, user):
    """Makes ``article`` as the revision ``version`` kept it, saved through the model (so the body is
    sanitized again); inside ``create_revision(manage_manually=True)``, the result is the new revision.
    Returns warnings about what could not come back.

    Not reversion's ``revert()``: it writes the old rows as they were, past ``Article.save``.
    """
    from articles.models import Article, Category, Image

    from .compare import kept_tags
    from .permissions import statuses

    fields = version.field_dict
    warnings = []
    for name in ("title", "body", "excerpt", "excerpt_from_body", "author", "source_name", "source_url",
                 "language", "comments_enabled", "published_at", "date_estimated"):
        if name in fields:
            setattr(article, name, fields[name])
    if Article.objects.exclude(pk=article.pk).filter(slug=fields["slug"]).exists():
        warnings.append(gettext("Another article has the slug “%(slug)s” now: this one keeps its slug.")
                        % {"slug": fields["slug"]})
    else:
        article.slug = fields["slug"]
    if fields["status"] in statuses(user):
        article.status = fields["status"]
    else:  # a writer who may not publish does not publish by restoring
        warnings.append(gettext("You may not give an article that status: this one keeps its own."))
    image_ids = [fields["head_image_id"], fields["thumbnail_id"]]
    images = set(Image.objects.filter(pk__in=image_ids).values_list("pk", flat=True))
    for name in ("head_image", "thumbnail"):
        pk = fields[f"{name}_id"]
        setattr(article, f"{name}_id", pk if pk in images else None)
        if pk and pk not in images:
            label = capfirst(Article._meta.get_field(name).verbose_name)
            warnings.append(
                gettext("%(field)s: the picture of that revision was deleted since, so the article has none.")
                % {"field": label}
            )
    if article.imported_at:  # as an editor's save: a re-import leaves the article alone
        article.edited_since_import = True
    article.updated_at = timezone.now()

    category_ids = fields.get("categories", [])
    categories = list(Category.objects.filter(pk__in=category_ids))
    gone = len(category_ids) - len(categories)
    if gone:
        warnings.append(ngettext("%(count)d category of that revision was deleted since and is left out.",
                                 "%(count)d categories of that revision were deleted since and are left out.",
                                 gone) % {"count": gone})
    tags, gone = revived_tags(kept_tags(version))
    if gone:
        warnings.append(ngettext("%(count)d tag of that revision was deleted since and is left out.",
                                 "%(count)d tags of that revision were deleted since and are left out.",
                                 gone) % {"count": gone})
    with transaction.atomic():
        article.save()
        article.categories.set(categories)
        article.tags.set(tags)
        if reversion.is_active():  # kept as it is now, with its categories and tags
            reversion.add_to_revision(article)
    return warnings


def revived_tags(kept):
    """The tags of ``(id, name)`` pairs: by id while the tag exists, else by its kept name (found or made
    again); also how many could not come back (deleted, their names not kept)."""
    from taggit.models import Tag

    existing = Tag.objects.in_bulk([pk for pk, _name in kept])
    tags, gone = [], 0
    for pk, name in kept:
        if pk in existing:
            tags.append(existing[pk])
        elif name:
            tags.append(Tag.objects.filter(name=name).first() or Tag.objects.create(name=name))
        else:
            gone += 1
    return tags, gone


def prunable_revisions(keep):
    """Ids of the revisions that ``prune(keep)`` deletes: for each article (deleted ones too), those
    older than its ``keep`` latest in which it was neither published nor scheduled. A revision
    holding several articles must be prunable for each."""
    from articles.models import Article

    kept, candidates = set(), set()
    versions = (
        Version.objects.get_for_model(Article)
        .order_by("object_id", "-revision_id")
        .values_list("object_id", "revision_id", "serialized_data")
    )
    for _article, group in itertools.groupby(versions.iterator(chunk_size=2000), key=lambda row: row[0]):
        for index, (_id, revision_id, data) in enumerate(group):
            if index < keep or status_of(data) in KEPT_STATUSES:
                kept.add(revision_id)
            else:
                candidates.add(revision_id)
    return sorted(candidates - kept)


def status_of(serialized_data):
    """The status an article's version kept (read from its JSON, without building the article)."""
    try:
        return json.loads(serialized_data)[0]["fields"].get("status")
    except (ValueError, LookupError, TypeError):
        return None  # unreadable: nothing readers saw is known of it


def prune(keep, dry_run=False):
    """Deletes old revisions of articles (see ``prunable_revisions``); returns how many (or would)."""
    if keep < 1:
        raise ValueError("keep must be at least 1")
    ids = prunable_revisions(keep)
    if not dry_run:
        for start in range(0, len(ids), PRUNE_BATCH):
            with transaction.atomic():
                Revision.objects.filter(pk__in=ids[start:start + PRUNE_BATCH]).delete()
    return len(ids)
