"""The article form's editorial part: statuses by role, review steps, a note, and the version check.

The admin makes the form per request (``for_user``): a writer who may not
publish is offered draft and review only, and a hand-made POST of another
status is a form error, not a save.
"""

from django import forms
from django.utils import formats, timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from reversion.models import Version

from articles.models import Article

from . import review
from .permissions import statuses


class EditorialForm(forms.ModelForm):
    base_version = forms.IntegerField(label=gettext_lazy("Version opened"), widget=forms.HiddenInput, required=False)
    change_note = forms.CharField(
        label=gettext_lazy("Note"),
        required=False,
        max_length=500,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text=gettext_lazy(
            "Optional: why you made this change, kept in the history. "
            "When sending an article back, what the writer should change."
        ),
    )
    user = None  # set by for_user
    stale = None  # (who, when) of the save the editor had not seen, once refused

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["base_version"].initial = self.instance.version
        if "status" in self.fields:
            allowed = statuses(self.user)
            field = self.fields["status"]
            field.choices = [(value, label) for value, label in field.choices if value in allowed]
            field.error_messages["invalid_choice"] = _(
                "You may not publish or schedule articles: submit the article for review instead."
            )

    def clean(self):
        data = super().clean()
        step = review.step_of(self.data)
        if step:
            reason = review.refusal(step, self.user, self.instance if self.instance.pk else None)
            if reason:
                raise forms.ValidationError(reason)
            if step == review.SEND_BACK and not data.get("change_note", "").strip():
                self.add_error("change_note", _("Say what the writer should change."))
            data["status"] = review.STEPS[step][0]
        self.check_version(data.get("base_version"))
        return data

    def check_version(self, seen):
        """Refuse a save over a newer one: the form was opened at ``seen``, someone saved since."""
        if not self.instance.pk or seen is None:
            return
        current = Article.objects.filter(pk=self.instance.pk).values_list("version", flat=True).first()
        if current is None or current == seen:
            return
        self.stale = last_change(self.instance)
        self.data = self.data.copy()
        self.data["base_version"] = current  # saving again is then a deliberate choice
        who, when = self.stale
        raise forms.ValidationError(
            _(
                "Changed by %(who)s at %(when)s after you opened it. Your text is still in the form: "
                "compare it with the current version; saving again replaces their changes with yours."
            ) % {"who": who, "when": when},
            code="stale",
        )


def last_change(article):
    """(who, when) of the article's latest revision, in words."""
    version = (
        Version.objects.get_for_object(article).select_related("revision__user").order_by("-revision__date_created").first()
    )
    if version is None:
        return _("someone"), formats.time_format(timezone.localtime(article.updated_at), "H:i")
    user = version.revision.user
    who = (user.get_full_name() or user.get_username()) if user else (version.revision.comment or _("an import"))
    return who, formats.time_format(timezone.localtime(version.revision.date_created), "H:i")


def for_user(form_class, user):
    return type(form_class.__name__, (form_class,), {"user": user})

