"""Every change to an article is kept as a revision (django-reversion).

A revision holds the article's row (categories with it, as their ids) and its tag rows: the
project's own ``TaggedArticle`` is followed, so an old revision shows the tags it had then,
not today's. Reader pages never read revisions.
"""

import reversion
from django.utils.translation import gettext


def register():
    from articles.models import Article, TaggedArticle

    if not reversion.is_registered(TaggedArticle):
        reversion.register(TaggedArticle)
    if not reversion.is_registered(Article):
        reversion.register(Article, follow=["taggedarticle_set"])


def record(articles, comment, user=None):
    """Keeps the current state of ``articles`` as one revision each (for changes made by ``update()``,
    which saves nothing through the models)."""
    for article in articles:
        with reversion.create_revision(atomic=False):
            reversion.add_to_revision(article)
            reversion.set_comment(comment)
            if user is not None:
                reversion.set_user(user)


def import_comment(run_id):
    return gettext("Import run %(run)s") % {"run": run_id}
