"""The image chooser: the body editor's figure dialog and the head image and thumbnail fields
pick (or upload) a library picture here.

It opens in a window of its own and hands the picture back to whoever opened it
(static/admin/newsroom/chooser.js): the Figure extension's callback (``CKEditorFuncNum``, its
``pickerUrl`` convention) or a picture field (``field``, the id of its hidden input). Uploads go
through the image admin's own form, so they pass the same checks.
"""

from django import forms
from django.forms import Script
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.db.models import Q
from django.shortcuts import redirect
from django.template.response import TemplateResponse
from django.urls import reverse
from django.utils.http import urlencode
from django.utils.translation import gettext as _

from ..models import Image

from .widgets import image_tag

PER_PAGE = 24


def caption_with_credit(image):
    """What the figure's caption starts with: the library caption, and whom the picture is from."""
    credit = _("Credit: %(credit)s") % {"credit": image.credit} if image.credit else ""
    return " ".join(part for part in (image.caption, credit) if part)


def chooser_media():
    """Both ends of the chooser run one script: the chooser's window and the fields that open it."""
    return forms.Media(css={"all": ["admin/newsroom/chooser.css"]}, js=[Script("admin/newsroom/chooser.js", type="module")])


def chooser_view(model_admin, request):
    if not model_admin.has_view_permission(request):
        raise PermissionDenied
    opener = {key: request.GET[key] for key in ("CKEditorFuncNum", "field") if key in request.GET}
    can_add = model_admin.has_add_permission(request)
    form = None
    if can_add:
        Form = model_admin.get_form(request, fields=["file", "alt_text", "caption", "credit"])
        form = Form(request.POST, request.FILES) if request.method == "POST" else Form()
        form.fields["file"].required = True
        if form.is_bound and form.is_valid():
            image = form.save()
            model_admin.log_addition(request, image, [{"added": {}}])
            return redirect(f"{request.path}?{urlencode({**opener, 'picked': image.pk})}")
    elif request.method == "POST":
        raise PermissionDenied

    query = request.GET.get("q", "").strip()
    images = model_admin.get_queryset(request).order_by("-created_at", "-pk")
    picked = request.GET.get("picked", "")
    picked = images.filter(pk=picked).first() if picked.isdigit() else None
    if query:
        images = images.filter(
            Q(alt_text__icontains=query) | Q(caption__icontains=query) | Q(credit__icontains=query)
            | Q(file__icontains=query) | Q(source_url__icontains=query)
        )
    page = Paginator(images, PER_PAGE).get_page(request.GET.get("page"))

    def page_url(number):
        return "?" + urlencode({**opener, "q": query, "page": number})

    context = {
        **model_admin.admin_site.each_context(request),
        "title": _("Choose a picture"),
        "opts": model_admin.opts,
        "page": page,
        "choices": [{"image": image, "caption": caption_with_credit(image), "thumb": image_tag(image, 140)} for image in page],
        "page_label": _("Page %(number)s of %(total)s") % {"number": page.number, "total": page.paginator.num_pages},
        "previous_url": page_url(page.previous_page_number()) if page.has_previous() else "",
        "next_url": page_url(page.next_page_number()) if page.has_next() else "",
        "query": query,
        "opener": opener,
        "form": form,
        "picked": picked and {"image": picked, "caption": caption_with_credit(picked)},
        "is_popup": True,
        "media": chooser_media(),
    }
    return TemplateResponse(request, "admin/articles/image/chooser.html", context)


class ImageChooserWidget(forms.Widget):
    """A picture field (head image, thumbnail) as a thumbnail with buttons that open the chooser."""

    template_name = "admin/articles/image/chooser_widget.html"

    media = property(lambda self: chooser_media())

    def get_context(self, name, value, attrs):
        context = super().get_context(name, value, attrs)
        pk = getattr(value, "pk", value)
        image = Image.objects.filter(pk=pk).first() if pk not in (None, "") else None
        field_id = context["widget"]["attrs"].get("id", name)
        context["widget"].update(
            image=image,
            thumb=image_tag(image, 160) if image else "",
            chooser_url=reverse("admin:articles_image_chooser") + "?" + urlencode({"field": field_id}),
        )
        return context
