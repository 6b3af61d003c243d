"""The review of an article: a writer submits it, an editor approves it or sends it back.

Each step is a button on the article's form (``STEPS``); the form checks that the
user may take it, the save records it in the article's revision and tells the
people concerned by email, once the save has committed.
"""

from django.contrib.auth import get_user_model
from django.contrib.auth.models import Permission
from django.core.mail import send_mail
from django.db import transaction
from django.db.models import Q
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from articles.models import Article

from .permissions import is_reviewer

Status = Article.Status

SUBMIT, APPROVE, SEND_BACK = "_submit_review", "_approve", "_send_back"
STEPS = {  # the button's name: (the status it gives, what the revision says)
    SUBMIT: (Status.REVIEW, gettext_lazy("Submitted for review")),
    APPROVE: (Status.PUBLISHED, gettext_lazy("Approved")),
    SEND_BACK: (Status.DRAFT, gettext_lazy("Sent back to the writer")),
}


def step_of(data):
    """The review step the posted form asks for (the button that was pressed), if any."""
    return next((name for name in STEPS if name in data), None)


def refusal(step, user, article):
    """Why ``user`` may not take ``step`` on ``article`` (None when they may)."""
    status = article.status if article is not None else Status.DRAFT
    if step == SUBMIT and status != Status.DRAFT:
        return _("Only a draft can be submitted for review.")
    if step in (APPROVE, SEND_BACK):
        if not is_reviewer(user):
            return _("Only editors review articles.")
        if status != Status.REVIEW:
            return _("The article is not waiting for review.")
    return None


def reviewers():
    """Active users who may review, with an email address."""
    users = get_user_model().objects.filter(is_active=True).exclude(email="")
    permission = Permission.objects.filter(codename="review_article", content_type__app_label="articles").first()
    return users.filter(
        Q(is_superuser=True) | Q(user_permissions=permission) | Q(groups__permissions=permission)
    ).distinct()


def notify(request, step, article, note=""):
    """Email editors when an article is submitted, its writer when it is approved or sent back."""
    url = request.build_absolute_uri(reverse("admin:articles_article_change", args=[article.pk]))
    actor = request.user.get_full_name() or request.user.get_username()
    if step == SUBMIT:
        recipients = [user.email for user in reviewers() if user.pk != request.user.pk]
        subject = _("Waiting for review: %(title)s") % {"title": article.title}
        text = _("%(actor)s submitted “%(title)s” for review.") % {"actor": actor, "title": article.title}
    else:
        writer = article.created_by
        recipients = [writer.email] if writer and writer.email and writer.pk != request.user.pk else []
        if step == APPROVE:
            subject = _("Approved: %(title)s") % {"title": article.title}
            text = _("%(actor)s approved “%(title)s”.") % {"actor": actor, "title": article.title}
        else:
            subject = _("Sent back: %(title)s") % {"title": article.title}
            text = _("%(actor)s sent “%(title)s” back to you.") % {"actor": actor, "title": article.title}
    if not recipients:
        return
    body = "\n\n".join(filter(None, [text, note, url]))
    transaction.on_commit(lambda: send_mail(subject, body, None, recipients))
