"""The image chooser of the body editor's figure dialog, and library pictures in saved bodies."""

import datetime as dt

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone

from articles.admin.chooser import PER_PAGE
from articles.models import Image
from articles.renditions import enrich_body
from articles.sanitize import clean_html

from .factories import ArticleFactory, ImageFactory
from .test_admin import queries_for
from .test_models import png_bytes

pytestmark = pytest.mark.django_db
CHOOSER = reverse("admin:articles_image_chooser")


def shown(response):
    return [choice["image"].pk for choice in response.context["choices"]]


def test_the_chooser_lists_the_newest_pictures_first_with_their_caption_and_credit(editor_client):
    """Newest first, each with a thumbnail and the caption (with its credit) the figure gets."""
    old = ImageFactory(caption="旧图", credit="新华社")
    Image.objects.filter(pk=old.pk).update(created_at=timezone.now() - dt.timedelta(days=1))
    new = ImageFactory(alt_text="新图")
    response = editor_client.get(CHOOSER, {"CKEditorFuncNum": "-1"})
    assert shown(response) == [new.pk, old.pk]
    html = response.content.decode()
    assert f'src="{new.url}"' in html and 'data-caption="旧图 来源：新华社"' in html and 'data-funcnum="-1"' in html


def test_a_picture_without_alt_text_is_marked(editor_client):
    """The chooser says which pictures lack alt text."""
    ImageFactory(alt_text="")
    assert "没有替代文字" in editor_client.get(CHOOSER).content.decode()


@pytest.mark.parametrize("field", ["alt_text", "caption", "credit", "source_url"])
def test_the_chooser_searches_each_field(editor_client, field):
    """A search finds pictures by alt text, caption, credit or URL."""
    wanted = ImageFactory(**{field: "https://img.example.com/海边日落.jpg" if field == "source_url" else "海边日落"})
    ImageFactory(alt_text="山", caption="山", credit="山")
    assert shown(editor_client.get(CHOOSER, {"q": "海边"})) == [wanted.pk]


def test_the_chooser_is_paginated_with_constant_queries(editor_client):
    """Pages of PER_PAGE pictures; the page costs the same queries for 3 pictures or a full page and more."""
    for _ in range(3):
        ImageFactory()
    few = queries_for(editor_client, CHOOSER)
    for _ in range(PER_PAGE + 5):
        ImageFactory()
    assert queries_for(editor_client, CHOOSER) == few
    assert len(shown(editor_client.get(CHOOSER))) == PER_PAGE
    assert len(shown(editor_client.get(CHOOSER, {"page": 2}))) == 8


def test_the_chooser_is_for_staff_with_view_permission(client, django_user_model):
    """Anonymous visitors are sent to sign in; staff without permission on images are refused."""
    assert client.get(CHOOSER).status_code == 302
    client.force_login(django_user_model.objects.create_user("staff", is_staff=True))
    assert client.get(CHOOSER).status_code == 403
    assert client.post(CHOOSER, {"file": SimpleUploadedFile("a.png", png_bytes())}).status_code == 403
    assert not Image.objects.exists()


def test_an_upload_from_the_chooser_is_added_and_picked(editor_client):
    """A picture uploaded in the chooser joins the library and comes back ready to be picked."""
    upload = SimpleUploadedFile("new.png", png_bytes(800, 600))
    response = editor_client.post(f"{CHOOSER}?CKEditorFuncNum=-2", {"file": upload, "caption": "新上传", "credit": "本报"},
                                  follow=True)
    image = Image.objects.get()
    assert image.width == 800 and response.context["picked"]["image"] == image
    assert 'data-pick data-id="%s"' % image.pk in response.content.decode()
    assert response.context["opener"] == {"CKEditorFuncNum": "-2"}


def test_the_head_image_field_shows_its_picture_and_opens_the_chooser_for_itself(editor_client):
    """The change form shows the head image as a thumbnail (not a text label) with a button to the chooser."""
    article = ArticleFactory(head_image=ImageFactory(alt_text="头图"))
    html = editor_client.get(reverse("admin:articles_article_change", args=[article.pk])).content.decode()
    field = html.split('class="newsroom-image-field"')[1].split("</div>")[0]
    assert f'name="head_image" id="id_head_image" value="{article.head_image.pk}"' in field
    assert f'src="{article.head_image.url}"' in field and "头图" in field
    assert f'data-chooser="{CHOOSER}?field=id_head_image"' in field
    assert 'id="id_thumbnail" value=""' in html and 'autocomplete' not in field


def test_a_picture_picked_for_a_field_goes_back_to_that_field_after_search_paging_and_upload(editor_client):
    """The chooser opened by a field keeps saying which field through its search, pages and uploads."""
    ImageFactory.create_batch(PER_PAGE + 1, alt_text="海")
    response = editor_client.get(CHOOSER, {"field": "id_thumbnail", "q": "海"})
    html = response.content.decode()
    assert 'data-field="id_thumbnail"' in html and '<input type="hidden" name="field" value="id_thumbnail">' in html
    assert "field=id_thumbnail" in response.context["next_url"]
    upload = SimpleUploadedFile("new.png", png_bytes(300, 200))
    response = editor_client.post(f"{CHOOSER}?field=id_thumbnail", {"file": upload, "alt_text": "新"}, follow=True)
    assert response.context["opener"] == {"field": "id_thumbnail"} and response.context["picked"]["image"].alt_text == "新"


def test_the_picked_head_image_and_thumbnail_are_saved_and_can_be_removed(editor_client):
    """The fields post a picture's id: saved as the article's pictures; an empty field removes it."""
    from .testdata import form_data

    head, thumb = ImageFactory(), ImageFactory()
    article = ArticleFactory()
    url = reverse("admin:articles_article_change", args=[article.pk])
    assert editor_client.post(url, form_data(article, head_image=head.pk, thumbnail=thumb.pk)).status_code == 302
    article.refresh_from_db()
    assert (article.head_image, article.thumbnail) == (head, thumb)
    assert editor_client.post(url, form_data(article, head_image=head.pk, thumbnail="")).status_code == 302
    article.refresh_from_db()
    assert (article.head_image, article.thumbnail) == (head, None)


def test_an_upload_that_is_not_a_picture_is_refused_as_in_the_image_admin(editor_client):
    """A text file is refused with the image admin's own message, and nothing is stored."""
    def error(url):
        response = editor_client.post(url, {"file": SimpleUploadedFile("a.png", b"not a picture", content_type="image/png")})
        form = response.context["form"] if "form" in response.context else response.context["adminform"].form
        return list(form.errors["file"])

    refused = error(CHOOSER)
    assert refused and refused == error(reverse("admin:articles_image_add"))
    assert not Image.objects.exists()


@pytest.fixture
def photo():
    return Image.objects.create(file=SimpleUploadedFile("photo.png", png_bytes(1600, 900)), alt_text="照片")


def test_a_library_picture_in_the_body_gets_renditions_and_its_size(photo):
    """An uploaded picture in the body is stored with srcset, sizes, width and height taken from its row."""
    article = ArticleFactory(head_image=ImageFactory(), body=f'<p><img src="{photo.file.url}" width="1" height="1"></p>')
    img = article.body
    assert 'width="1600" height="900"' in img and 'sizes="' in img and "640w" in img and "1280w" in img
    assert 'loading="lazy"' in img and "fetchpriority" not in img


def test_the_first_picture_loads_at_once_when_no_head_image_comes_before_it(photo):
    """Without a head image, the body's first picture is the page's first: not lazy."""
    article = ArticleFactory(body=f'<p><img src="{photo.file.url}"></p><p><img src="{photo.file.url}"></p>')
    first, second = article.body.split("</p>")[:2]
    assert 'fetchpriority="high"' in first and "loading" not in first and 'loading="lazy"' in second


def test_remote_pictures_and_srcsets_from_the_input_stay_out(photo):
    """A hotlinked picture is kept as it is; a srcset written in the body is never kept."""
    remote = ImageFactory()
    body = f'<p><img src="{remote.url}" srcset="https://evil.example/x.jpg 1w"></p>'
    article = ArticleFactory(body=body)
    assert article.body == clean_html(body) and "srcset" not in article.body


def test_saving_twice_changes_nothing(photo):
    """The stored body, cleaned and enriched again, or saved again, is the same."""
    article = ArticleFactory(body=f'<figure><img src="{photo.file.url}"><figcaption>说明</figcaption></figure><p><img src="{photo.file.url}"></p>')
    stored = article.body
    assert enrich_body(clean_html(stored), lead=True) == stored
    article.save()
    assert article.body == stored


def test_scripts_and_handlers_are_still_removed(photo):
    """Enriching never brings back what the policy removes."""
    article = ArticleFactory(body=f'<p><img src="{photo.file.url}" onerror="alert(1)"></p><script>alert(2)</script>')
    assert "srcset" in article.body and "onerror" not in article.body and "script" not in article.body
