"""Store normalized posts: one file, one transaction."""

import dataclasses
import datetime as dt
from collections import Counter

import reversion
from django.db import IntegrityError, transaction
from django.db.models import Q
from django.utils import timezone

from taggit.models import Tag

from editorial import revisions
from editorial.models import SourceUpdate

from ..caching import bump_content_version
from ..models import Article, Category, Image, TaggedArticle
from .errors import PostError
from .normalize import Post

CREATED, UPDATED, UNCHANGED, SKIPPED, FAILED = "created", "updated", "unchanged", "skipped", "failed"
CACHE_LIMIT = 10_000
FOUND_FIELDS = ("pk", "source_key", "content_hash", "edited_since_import", "imported_at", "source_file")
COPIED_FIELDS = ("title", "body", "search_text", "excerpt", "excerpt_from_body", "author", "source_name", "source_url",
                 "language", "published_at", "date_estimated", "updated_at", "comments_enabled", "content_hash")
DATE_FIELDS = {f.name for f in dataclasses.fields(Post) if f.type is dt.datetime}


def post_to_json(post):
    """``post`` as JSON values (dates as ISO strings), for a source version kept to wait for an editor."""
    data = dataclasses.asdict(post)
    for name in DATE_FIELDS:
        data[name] = data[name] and data[name].isoformat()
    return data


def post_from_json(data):
    """The ``Post`` that ``post_to_json`` gave ``data`` for."""
    dates = {name: data[name] and dt.datetime.fromisoformat(data[name]) for name in DATE_FIELDS}
    return Post(**{**data, **dates})


class ArticleWriter:
    """Writes posts as articles, reusing categories and images across files.

    Caches only hold rows whose transaction has committed, so a failed file
    never leaves a cached id pointing at a rolled-back row.
    """

    run_id = None  # the import run, named in each article's revision

    def __init__(self, *, status=Article.Status.PUBLISHED, overwrite=False, dry_run=False, fetcher=None):
        self.status = status
        self.overwrite = overwrite
        self.dry_run = dry_run
        self.fetcher = fetcher
        self._categories = {}
        self._images = {}
        self._tags = {}  # lower-cased name: (id, name, slug)
        self._pending = {}
        self._uncommitted = None  # (cache, key) put in caches inside a batch's open transaction
        self._revisions = None  # inside a batch: the revisions of its stored files, written by flush_batch
        self._revision = None  # the revision of the file being stored, until its savepoint is released
        self._absent = set()  # image URLs the batch's prefetch found no row for
        self._batch = None
        self._waiting = None  # whether any source version waits: asked once, when it matters
        self.started = timezone.now()

    def prefetch(self, posts):
        """Look up a batch's stored articles and images in two queries instead of two per post."""
        keys = {post.source_key for post in posts}
        paths = {post.path[-500:] for post in posts if post.source_key.startswith("sha1:")}
        match = Q(source_key__in=keys) | Q(source_file__in=paths, source_key__startswith="sha1:")
        self._batch = {"keys": keys, "by_key": {}, "by_file": {}}
        for article in Article.objects.filter(match).only(*FOUND_FIELDS):
            if article.source_key in keys:
                self._batch["by_key"][article.source_key] = article
            else:
                self._batch["by_file"][article.source_file] = article
        urls = {url for post in posts for url in (post.head_image_url, post.thumbnail_url) if url}
        self._absent = urls - self._images.keys()
        for url, pk in Image.objects.filter(source_url__in=self._absent).values_list("source_url", "pk"):
            self._images[url] = pk  # committed rows: safe to cache
        self._absent -= self._images.keys()

    def begin_batch(self):
        """The next files are written in one transaction (a savepoint each): what they add to the
        caches is noted, so that ``end_batch(committed=False)`` can take it out again."""
        self._uncommitted = []
        self._revisions = []

    def flush_batch(self):
        """Write the revisions of the batch's stored files (inside the batch's transaction)."""
        revisions.record_imports(self._revisions)
        self._revisions = []

    def end_batch(self, committed):
        """The batch's transaction committed, or was rolled back (then the caches forget its rows)."""
        if not committed:
            for cache, key in self._uncommitted or ():
                cache.pop(key, None)
            self._batch = None
        self._uncommitted = self._revisions = None

    def _lookup(self, post):
        batch = self._batch
        if batch is None or post.source_key not in batch["keys"] or post.source_key.startswith("article:"):
            return self._find(post.source_key, post.path)
        return batch["by_key"].get(post.source_key) or batch["by_file"].get(post.path[-500:])

    def write(self, post: Post):
        """Return ``(outcome, article_id, warnings)`` for one post."""
        warnings = []
        existing = self._lookup(post)
        if (
            existing
            and existing.imported_at
            and existing.imported_at >= self.started
            and existing.content_hash != post.content_hash
        ):  # identical copies are fine, two different posts under one key are not
            raise PostError(f"source key {post.source_key!r} is already used by {existing.source_file} in this import")
        if existing and existing.content_hash == post.content_hash and not (
            self.overwrite and existing.edited_since_import
        ):
            self.forget_waiting([existing.pk])
            return UNCHANGED, existing.pk, warnings
        if existing and existing.edited_since_import and not self.overwrite:
            if self.dry_run:
                warnings.append("edited in the admin since its import; the newer version would wait for an editor")
            else:
                self._keep_waiting(post, existing)
                warnings.append("edited in the admin since its import; the newer version waits there for an editor "
                                "to accept or dismiss (--overwrite replaces the article)")
            return SKIPPED, existing.pk, warnings
        if self.dry_run:
            return (UPDATED if existing else CREATED), getattr(existing, "pk", None), warnings
        return self._store(post, existing, warnings)

    def accept(self, post, article_id):
        """Write ``post`` over the article ``article_id``, edited or not: an editor accepted this source version."""
        existing = Article.objects.only(*FOUND_FIELDS).get(pk=article_id)
        return self._store(post, existing, [])

    def forget_waiting(self, article_ids):
        """The files of these articles hold what the articles do again: no newer version of theirs waits."""
        if article_ids and not self.dry_run and self._any_waiting():
            SourceUpdate.objects.filter(article_id__in=article_ids).delete()

    def _any_waiting(self):
        if self._waiting is None:  # one query a run, and none for a run that only creates articles
            self._waiting = SourceUpdate.objects.exists()
        return self._waiting

    def _keep_waiting(self, post, article):
        """Keep ``post`` beside the edited ``article`` for an editor; a newer one replaces it."""
        SourceUpdate.objects.update_or_create(  # its own small transaction
            article_id=article.pk,
            defaults={"run_id": self.run_id, "content_hash": post.content_hash, "post": post_to_json(post)},
        )
        self._waiting = True

    def _store(self, post, existing, warnings):
        images = {url: self._image_file(url, warnings) for url in {post.head_image_url, post.thumbnail_url} if url}
        try:
            for attempt in (1, 2):
                try:
                    with transaction.atomic():
                        article = self._save(post, images, existing, check_slug=attempt == 2)
                    break
                except IntegrityError:
                    # Another import stored the same post, slug or image meanwhile: look again.
                    self._pending.clear()
                    self._revision = None
                    self._absent.clear()
                    if attempt == 2:
                        raise
                    existing = self._find(post.source_key, post.path)
                    if existing and existing.content_hash == post.content_hash:
                        return UNCHANGED, existing.pk, warnings
        except Exception:
            self._pending.clear()
            self._revision = None
            raise
        if self._revision is not None:
            self._revisions.append(self._revision)
            self._revision = None
        self._keep_pending()
        if self._batch is not None:  # a later post of the batch with this key must see this article
            self._batch["by_key"][post.source_key] = article
        return (UPDATED if existing else CREATED), article.pk, warnings

    def _cached(self, cache, pending_key, key):
        """The cached id for ``key``, or the one made for the file(s) being stored (not cached yet)."""
        return cache.get(key) or self._pending.get(pending_key, (None, None, None))[2]

    def _keep_pending(self):
        """The categories, tags and pictures made for the stored file(s) go into the caches."""
        for cache, key, value in self._pending.values():
            if len(cache) >= CACHE_LIMIT:  # memory stays flat however many files come
                cache.clear()
            cache[key] = value
            if self._uncommitted is not None:
                self._uncommitted.append((cache, key))
        self._pending.clear()

    def create_together(self, posts):
        """Create a batch's new articles together: one INSERT for the articles, one for their
        categories, one for their tags and one for their new pictures, in one savepoint.

        Returns ``{path: (CREATED, article_id, warnings)}`` for the posts it created. The others, and
        all of them when the savepoint fails, are left to ``write``, a savepoint each: posts already
        stored, posts sharing a key or slug with another, and any write that is not a plain import.
        """
        if self.dry_run or self.fetcher is not None or self._revisions is None or reversion.is_active():
            return {}
        keys = Counter(post.source_key for post in posts)
        slugs = Counter(post.slug for post in posts)
        new = [post for post in posts if post.slug and keys[post.source_key] == slugs[post.slug] == 1
               and not post.source_key.startswith("article:") and self._lookup(post) is None]
        taken = set(Article.objects.filter(slug__in=[post.slug for post in new]).values_list("slug", flat=True))
        new = [post for post in new if post.slug not in taken]
        if not new:
            return {}
        try:
            with transaction.atomic():
                articles, made = self._insert_together(new, posts)
        except Exception:  # e.g. another import took a key or a slug meanwhile: one file at a time
            self._pending.clear()
            return {}
        self._revisions += made
        self._keep_pending()
        for post, article in zip(new, articles):
            self._batch["by_key"][post.source_key] = article
        bump_content_version()  # bulk inserts send no signals
        return {post.path: (CREATED, article.pk, []) for post, article in zip(new, articles)}

    def _insert_together(self, posts, batch):
        # Pictures the batch's prefetch found no row for, described as by the batch's first file to name
        # them (as when the files are written one by one, even if that file is not a new one).
        missing = {url for post in posts for url in (post.head_image_url, post.thumbnail_url)
                   if url and url not in self._images}
        urls = {}
        for post in batch:
            for url in (post.head_image_url, post.thumbnail_url):
                if url in missing:
                    urls.setdefault(url, post.image_details.get(url, {}))
        images = Image.objects.bulk_create(Image(source_url=url, **details) for url, details in urls.items())
        for image in images:
            self._pending[("i", image.source_url)] = (self._images, image.source_url, image.pk)
        articles = []
        for post in posts:
            article = Article(source_key=post.source_key, slug=post.slug)
            self._fill(article, post, {})
            article.prepare_to_save(body_is_clean=True)
            articles.append(article)
        Article.objects.bulk_create(articles)
        category_ids = [list(dict.fromkeys(map(self._category_id, post.categories))) for post in posts]
        tags = [{tag[0]: tag for tag in map(self._tag, post.tags)} for post in posts]
        Through = Article.categories.through
        Through.objects.bulk_create(
            Through(article_id=article.pk, category_id=pk) for article, ids in zip(articles, category_ids) for pk in ids
        )
        rows = TaggedArticle.objects.bulk_create(
            TaggedArticle(content_object=article, tag_id=pk) for article, found in zip(articles, tags) for pk in found
        )
        by_article = {}
        for row in rows:
            by_article.setdefault(row.content_object_id, []).append(row)
        comment, made = revisions.import_comment(self.run_id), []
        for article, ids, found in zip(articles, category_ids, tags):
            kept = [(row.pk, *found[row.tag_id]) for row in by_article.get(article.pk, ())]
            made.append((timezone.now(), comment, revisions.import_versions(article, ids, kept)))
        return articles, made  # the revisions, kept only once the savepoint is released

    def _save(self, post, images, existing, check_slug):
        created = existing is None
        if created:
            article = Article(source_key=post.source_key)
        else:  # lock the row, so that two imports update it one after the other
            article = Article.objects.select_for_update().get(pk=existing.pk)
            article.source_key = post.source_key
        if check_slug or not created:  # a new post tries its own slug first; a clash retries
            article.slug = Article.objects.unique_slug(post.slug, exclude_pk=article.pk)
        else:
            article.slug = post.slug
        self._fill(article, post, images)
        article.save(body_is_clean=True)
        category_ids = list(dict.fromkeys(self._category_id(path) for path in post.categories))
        if created:
            Article.categories.through.objects.bulk_create(
                Article.categories.through(article_id=article.pk, category_id=pk) for pk in category_ids
            )
        else:
            article.categories.set(category_ids)
        tags = {tag[0]: tag for tag in map(self._tag, post.tags)}
        tag_ids = list(tags)
        if not created:
            TaggedArticle.objects.filter(content_object=article).exclude(tag_id__in=tag_ids).delete()
            tag_ids = [pk for pk in tag_ids if not TaggedArticle.objects.filter(content_object=article, tag_id=pk).exists()]
        rows = TaggedArticle.objects.bulk_create(TaggedArticle(content_object=article, tag_id=pk) for pk in tag_ids)
        if not created and self._any_waiting():  # what waited from an earlier run is out of date now
            SourceUpdate.objects.filter(article_id=article.pk).delete()
        if reversion.is_active():  # the caller's revision (an editor accepting this version) says who and why
            reversion.add_to_revision(article)
        else:
            if not created:  # the tag rows it kept from before are in the revision too
                rows = TaggedArticle.objects.filter(content_object=article)
            kept = [(row.pk, *tags[row.tag_id]) for row in rows]
            revision = (timezone.now(), revisions.import_comment(self.run_id),
                        revisions.import_versions(article, category_ids, kept))
            if self._revisions is None:
                revisions.record_imports([revision])
            else:  # written with the batch's others, in its transaction, once this file's savepoint is released
                self._revision = revision
        return article

    def _fill(self, article, post, images):
        """Give ``article`` what ``post`` says (all but its slug and key)."""
        for name in COPIED_FIELDS:
            setattr(article, name, getattr(post, name))
        article.status = Article.Status.DRAFT if post.draft else self.status
        article.head_image_id = self._image_id(post.head_image_url, images, post.image_details)
        article.thumbnail_id = self._image_id(post.thumbnail_url, images, post.image_details)
        article.source_file = post.path[-500:]
        article.imported_at = timezone.now()
        article.edited_since_import = False

    @staticmethod
    def _find(source_key, path):
        """The article a post updates.

        Besides its key: ``article:<id>`` (written by export_seeds) also finds
        an article created in the admin, and a post keyed by a hash of its
        title also finds the article imported from the same file, so fixing a
        typo in a title updates the article instead of adding another.
        """
        match = Q(source_key=source_key)
        prefix, _, pk = source_key.partition(":")
        if prefix == "article" and pk.isdigit():
            match |= Q(pk=int(pk), source_key__isnull=True)
        elif prefix == "sha1":
            match |= Q(source_file=path[-500:], source_key__startswith="sha1:")
        found = list(Article.objects.filter(match).only(*FOUND_FIELDS)[:5])
        return next((a for a in found if a.source_key == source_key), found[0] if found else None)

    def _category_id(self, names):
        parent_id = None
        for depth in range(1, len(names) + 1):
            key = tuple(names[:depth])
            cached = self._cached(self._categories, ("c",) + key, key)
            if cached is None:
                name = names[depth - 1]
                category = Category.objects.filter(parent_id=parent_id, name=name).first()
                if category is None:
                    parent = Category.objects.get(pk=parent_id) if parent_id else None
                    category = Category.objects.create(name=name, parent=parent)
                cached = category.pk
                self._pending[("c",) + key] = (self._categories, key, cached)
            parent_id = cached
        return parent_id

    def _tag(self, name):
        """``(id, name, slug)`` of the tag called ``name`` (in any case), made when it is new."""
        key = name.lower()
        cached = self._cached(self._tags, ("t", key), key)
        if cached is None:
            tag = Tag.objects.filter(name__iexact=name).first() or Tag.objects.create(name=name)
            cached = (tag.pk, tag.name, tag.slug)
            self._pending[("t", key)] = (self._tags, key, cached)
        return cached

    def _image_file(self, url, warnings):
        """Download ``url`` when fetching is on and it is new; ``None`` to hotlink it."""
        if self.fetcher is None or url in self._images or Image.objects.filter(source_url=url).exists():
            return None
        return self.fetcher.fetch(url, warnings)

    def _image_id(self, url, files, details):
        """The id of the image row for ``url``, made on first sight with the alt text, caption and
        credit the post gives; an existing row gets them only where it has none (an editor's win)."""
        if not url:
            return None
        cached = self._cached(self._images, ("i", url), url)
        if cached is None:
            # The batch's prefetch found no row for it: one made since (by another import) makes the
            # insert fail, and the retry looks it up.
            image = None if url in self._absent else Image.objects.filter(source_url=url).first()
            missing = {name: value for name, value in details.get(url, {}).items() if image and not getattr(image, name)}
            if missing:
                Image.objects.filter(pk=image.pk).update(**missing)
            if image is None:
                image = Image(source_url=url, **details.get(url, {}))
                fetched = files.get(url)
                if fetched:
                    image.file.name, image.width, image.height = fetched.name, fetched.width, fetched.height
                elif self.fetcher and url in self.fetcher.errors:  # recorded: the next import tries again
                    image.fetch_error, image.fetch_failed_at = self.fetcher.errors[url][:500], timezone.now()
                image.save()
            cached = image.pk
            self._pending[("i", url)] = (self._images, url, cached)
        return cached
