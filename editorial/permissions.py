"""Who may do what to an article, by Django permissions (see editorial/roles.py for the groups).

``change_article`` alone lets a writer change their own drafts; ``publish_article``
adds publishing and scheduling their own articles (published ones included);
``review_article`` extends all of it to everyone's articles. The admin asks
these functions for every form, action and POST, not only to hide buttons.
"""

from articles.models import Article

Status = Article.Status


def may_publish(user):
    return user.has_perm("articles.publish_article")


def is_reviewer(user):
    return user.has_perm("articles.review_article")


def owns(user, article):
    return article.created_by_id is not None and article.created_by_id == user.pk


def may_change(user, article=None):
    if not user.has_perm("articles.change_article"):
        return False
    if article is None or is_reviewer(user):
        return True
    return owns(user, article) and (may_publish(user) or article.status == Status.DRAFT)


def may_delete(user, article=None):
    if not user.has_perm("articles.delete_article"):
        return False
    if article is None or is_reviewer(user):
        return True
    return owns(user, article) and article.status not in Article.SHOWN_WHEN_DUE


def statuses(user):
    """The statuses this user may give an article they may change."""
    if may_publish(user):
        return list(Status)
    return [Status.DRAFT, Status.REVIEW]
