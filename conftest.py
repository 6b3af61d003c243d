import shutil
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent
TEST_POSTS = ROOT / "articles" / "tests" / "data" / "posts"
SHARED_CORPUS = ROOT.parent / "shared" / "corpus"


def pytest_collection_modifyitems(config, items):
    """Tests marked ``one_database`` check what no database changes (their own SQLite files, the
    browser's editor): on the PostgreSQL pass they would only repeat the SQLite pass."""
    from django.conf import settings

    if settings.DATABASES["default"]["ENGINE"].endswith("sqlite3"):
        return
    skip = pytest.mark.skip(reason="the same on every database: run in the SQLite pass")
    for item in items:
        if item.get_closest_marker("one_database"):
            item.add_marker(skip)


@pytest.fixture(autouse=True)
def media_root(settings, tmp_path):
    """Uploaded and downloaded files go to a temporary folder, never into media/."""
    settings.MEDIA_ROOT = tmp_path / "media"
    return settings.MEDIA_ROOT


@pytest.fixture
def editor_client(client, admin_user):
    """The test client, signed in as a superuser."""
    client.force_login(admin_user)
    return client


@pytest.fixture
def posts_dir(tmp_path):
    """A writable copy of the test posts."""
    target = tmp_path / "posts"
    shutil.copytree(TEST_POSTS, target)
    return target


@pytest.fixture
def shared_corpus():
    if not SHARED_CORPUS.is_dir():
        pytest.skip("the shared corpus is not beside this checkout")
    return SHARED_CORPUS


@pytest.fixture(scope="session", autouse=True)
def own_version_file(tmp_path_factory):
    """The content version file is this test run's own: a server or another test run on the
    machine moves theirs, not this one."""
    from django.conf import settings

    if settings.NEWSROOM_VERSION_FILE:
        settings.NEWSROOM_VERSION_FILE = str(tmp_path_factory.mktemp("state") / "content-version")


@pytest.fixture(autouse=True)
def fresh_cache():
    """Each test starts with an empty cache, so no page cached by another test is served."""
    from django.core.cache import cache

    from articles import caching

    cache.clear()
    caching.bump_content_version()  # the version file outlives a test, and so would this process's copies
    caching.content_version()  # read, as a reader's request would: the test's own saves then move it at once
    yield
    cache.clear()
