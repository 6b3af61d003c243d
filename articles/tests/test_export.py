import pytest
from django.core.management import call_command

from articles.models import Article

from .factories import ArticleFactory

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize("slug", ["../../../etc/passwd", "/abs/path", "..", "a/../../b", "\\..\\win", "~root"])
def test_export_never_writes_outside_its_folder(tmp_path, slug):
    """Whatever an article's slug contains, export_seeds writes only inside OUT."""
    article = ArticleFactory(title="路径")
    Article.objects.filter(pk=article.pk).update(slug=slug)
    out = tmp_path / "deep" / "out"
    call_command("export_seeds", str(out))
    written = [p for p in tmp_path.rglob("*") if p.is_file()]
    assert len(written) == 1
    assert written[0].parent == out
