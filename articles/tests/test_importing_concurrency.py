import shutil
import threading

import pytest
from django.db import connection, connections

from articles.importing import ImportOptions, import_paths
from articles.models import Article, Category, Image

from .testdata import POSTS

pytestmark = pytest.mark.django_db(transaction=True)


def test_two_imports_of_overlapping_folders_create_no_duplicates(tmp_path):
    """Two imports running at once over overlapping folders store each post, category and image once."""
    if connection.vendor != "postgresql":
        pytest.skip("concurrent writers are a PostgreSQL matter (SQLite serializes them)")
    posts = sorted(POSTS.glob("*.md"))
    for name, chosen in {"a": posts[:20], "b": posts[10:]}.items():
        (tmp_path / name).mkdir()
        for post in chosen:
            shutil.copy(post, tmp_path / name / post.name)
    barrier = threading.Barrier(2)
    reports = {}

    def run(name, folders):
        try:
            barrier.wait()
            reports[name] = import_paths(ImportOptions(paths=folders, workers=1))
        finally:
            connections.close_all()

    threads = [
        threading.Thread(target=run, args=("first", [tmp_path / "a", tmp_path / "b"])),
        threading.Thread(target=run, args=("second", [tmp_path / "b", tmp_path / "a"])),
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)
    solo = import_paths(ImportOptions(paths=[tmp_path / "a", tmp_path / "b"], workers=1, dry_run=True))
    assert reports["first"].counts["failed"] == 0 and reports["second"].counts["failed"] == 0
    assert solo.counts["created"] == 0 and solo.counts["updated"] == 0
    keys = list(Article.objects.values_list("source_key", flat=True))
    assert len(keys) == len(set(keys)) == len(posts)
    paths = list(Category.objects.values_list("path", flat=True))
    assert len(paths) == len(set(paths))
    urls = list(Image.objects.values_list("source_url", flat=True))
    assert len(urls) == len(set(urls))
