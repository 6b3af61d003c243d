"""The article admin's editorial side: roles, the review steps, revisions and the version check.

``articles.admin.ArticleAdmin`` builds on ``EditorialAdmin``. Every permission is
checked here on the server (forms, actions, saves, deletes), whatever the page shows.
"""

from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.db.models import F
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext
from reversion import is_active, set_comment
from reversion.admin import VersionAdmin

from articles.caching import bump_content_version
from articles.models import Article

from . import presence, review, revisions, stale
from .forms import EditorialForm, for_user
from .permissions import is_reviewer, may_change, may_delete, may_publish, owns


class StaleSave(Exception):
    """Someone saved the article between this form's check and its save."""


class EditorialAdmin(VersionAdmin):
    form = EditorialForm
    history_latest_first = True
    change_list_template = None  # Django's: no "recover deleted" button (see recover_view)
    actions = ["publish", "unpublish"]

    def get_urls(self):
        return presence.urls(self) + stale.urls(self) + super().get_urls()

    def recoverlist_view(self, request, extra_context=None):
        raise Http404  # reversion's recovery writes old rows back as they were, past Article.save and its sanitizer

    def recover_view(self, request, version_id, extra_context=None):
        raise Http404

    def get_form(self, request, obj=None, change=False, **kwargs):
        return for_user(super().get_form(request, obj, change, **kwargs), request.user)

    def has_change_permission(self, request, obj=None):
        return may_change(request.user, obj)

    def has_delete_permission(self, request, obj=None):
        return may_delete(request.user, obj)

    def has_publish_permission(self, request):
        return may_publish(request.user)

    def get_deleted_objects(self, objs, request):
        deleted, counts, perms_needed, protected = super().get_deleted_objects(objs, request)
        if not all(may_delete(request.user, article) for article in objs):
            perms_needed.add(self.opts.verbose_name)  # the confirmation refuses, and so does its POST
        return deleted, counts, perms_needed, protected

    def delete_queryset(self, request, queryset):
        if not all(may_delete(request.user, article) for article in queryset):
            raise PermissionDenied
        super().delete_queryset(request, queryset)

    def change_view(self, request, object_id, form_url="", extra_context=None):
        try:
            return super().change_view(request, object_id, form_url, extra_context)
        except StaleSave:  # rolled back; the form now finds the newer save and says so
            return super().change_view(request, object_id, form_url, extra_context)

    def render_change_form(self, request, context, add=False, change=False, form_url="", obj=None):
        context.update(
            review_steps=self.review_steps(request, obj),
            review_note=obj.review_note if obj is not None and obj.status == Article.Status.DRAFT else "",
            stale=getattr(context.get("adminform") and context["adminform"].form, "stale", None),
            **presence.form_context(request, obj),
        )
        return super().render_change_form(request, context, add, change, form_url, obj)

    def review_steps(self, request, obj):
        """The review buttons this user may press on this article's form: ``[(name, label)]``."""
        if not may_change(request.user, obj):
            return []
        steps = [review.SUBMIT] if obj is None or obj.status == Article.Status.DRAFT else []
        if obj is not None and obj.status == Article.Status.REVIEW and is_reviewer(request.user):
            steps += [review.APPROVE, review.SEND_BACK]
        labels = {
            review.SUBMIT: _("Submit for review"), review.APPROVE: _("Approve and publish"),
            review.SEND_BACK: _("Send back to the writer"),
        }
        return [(step, labels[step]) for step in steps]

    def save_model(self, request, obj, form, change):
        if not change:
            obj.created_by = request.user
        else:
            self.claim(obj, form)
        step = review.step_of(request.POST)
        note = form.cleaned_data.get("change_note", "").strip()
        if step == review.SEND_BACK:
            obj.review_note = note
        elif step == review.SUBMIT:
            obj.review_note = ""
        super().save_model(request, obj, form, change)
        request.revision_comment = ": ".join(filter(None, [str(review.STEPS[step][1]) if step else "", note]))
        if step:
            review.notify(request, step, obj, note)

    def claim(self, obj, form):
        """Make this save the next one after the version the form was opened at, or none.

        The update locks the row until the save commits, so two saves that both
        passed the form's check cannot both land.
        """
        seen = form.cleaned_data.get("base_version")
        if seen is not None and not Article.objects.filter(pk=obj.pk, version=seen).update(version=F("version")):
            raise StaleSave

    def log_addition(self, request, obj, message):
        entry = super().log_addition(request, obj, message)
        self.comment_revision(request)
        return entry

    def log_change(self, request, obj, message):
        entry = super().log_change(request, obj, message)
        self.comment_revision(request)
        return entry

    def comment_revision(self, request):
        comment = getattr(request, "revision_comment", "")
        if comment and is_active():
            set_comment(comment)

    def own_only(self, request, queryset):
        """The selected articles this user may publish or unpublish: everyone's for an editor, else their own."""
        if is_reviewer(request.user):
            return queryset
        mine = [article.pk for article in queryset if owns(request.user, article)]
        left = queryset.count() - len(mine)
        if left:
            self.message_user(
                request,
                ngettext(
                    "%d article left alone: you may publish only your own.",
                    "%d articles left alone: you may publish only your own.", left,
                ) % left,
                messages.WARNING,
            )
        return queryset.filter(pk__in=mine)

    @admin.action(description=gettext_lazy("Publish selected articles"), permissions=["publish"])
    def publish(self, request, queryset):
        queryset = self.own_only(request, queryset)
        now = timezone.now()
        bump = {"version": F("version") + 1, "review_note": ""}
        count = queryset.filter(published_at__gt=now).update(status=Article.Status.SCHEDULED, **bump)
        count += queryset.filter(published_at__lte=now).update(status=Article.Status.PUBLISHED, **bump)
        self.bulk_done(request, queryset, _("Published from the article list"))
        self.message_user(
            request, ngettext("%d article published.", "%d articles published.", count) % count, messages.SUCCESS
        )

    @admin.action(description=gettext_lazy("Unpublish selected articles (back to draft)"), permissions=["publish"])
    def unpublish(self, request, queryset):
        queryset = self.own_only(request, queryset)
        count = queryset.update(status=Article.Status.DRAFT, version=F("version") + 1)
        self.bulk_done(request, queryset, _("Unpublished from the article list"))
        self.message_user(
            request, ngettext("%d article unpublished.", "%d articles unpublished.", count) % count, messages.SUCCESS
        )

    def bulk_done(self, request, queryset, comment):
        bump_content_version()  # update() sends no signals
        revisions.record(queryset, comment, request.user)
