"""Tests for the import_seeds management command (and its --fetch-images downloads)."""

import io
import json
import re
from pathlib import Path

import pytest
from django.core.files.storage import default_storage
from django.core.management import CommandError, call_command

from articles.models import Article, Image, ImportRun

from .image_server import ImageServer, bomb_png, png_bytes, redirect, reset_midway, send

pytestmark = pytest.mark.django_db

from .testdata import POSTS  # noqa: E402
POST_COUNT = len(list(POSTS.glob("*.md")))
SUMMARY = re.compile(r"created (\d+), updated (\d+), unchanged (\d+), skipped (\d+), failed (\d+)")


class Result:
    def __init__(self, code, out, err):
        self.code, self.out, self.err = code, out, err

    @property
    def counts(self):
        match = SUMMARY.search(self.out)
        assert match, f"no summary line in {self.out!r}"
        return dict(zip(("created", "updated", "unchanged", "skipped", "failed"), map(int, match.groups())))


def import_seeds(*args):
    """Run the command; return its exit code (0 or the SystemExit code) and output."""
    out, err = io.StringIO(), io.StringIO()
    try:
        call_command("import_seeds", *map(str, args), stdout=out, stderr=err)
        code = 0
    except SystemExit as exc:
        code = exc.code
    return Result(code, out.getvalue(), err.getvalue())


def write_post(folder, name, title, extra=(), body="<p>正文第一句。</p>\n"):
    path = Path(folder) / name
    path.parent.mkdir(parents=True, exist_ok=True)
    lines = ["---", f"title: '{title}'", "date: 2021-05-06 07:08:09", *extra, "---"]
    path.write_text("\n".join(lines) + "\n" + body, encoding="utf-8")
    return path


@pytest.fixture
def mixed_dir(tmp_path):
    """Two good posts and two that fail."""
    folder = tmp_path / "mixed"
    write_post(folder, "good-1.md", "第一篇")
    write_post(folder, "good-2.md", "第二篇")
    (folder / "no-title.md").write_text("---\ndate: 2020-01-01\n---\nbody\n", encoding="utf-8")
    (folder / "broken.md").write_text("---\ntitle: [unclosed\n---\nbody\n", encoding="utf-8")
    return folder


# --- output and exit status -------------------------------------------------------


def test_summary_line(posts_dir):
    """A clean import exits 0 and prints `created N, updated N, unchanged N, skipped N, failed N`."""
    result = import_seeds(posts_dir)
    assert result.code == 0
    assert result.counts == {"created": POST_COUNT, "updated": 0, "unchanged": 0, "skipped": 0, "failed": 0}
    assert Article.objects.count() == POST_COUNT

    again = import_seeds(posts_dir)
    assert again.code == 0
    assert again.counts == {"created": 0, "updated": 0, "unchanged": POST_COUNT, "skipped": 0, "failed": 0}


def test_failures_listed_and_exit_status_1(mixed_dir):
    """Failing files are listed as `path: reason`, the others are imported, and the exit status is 1."""
    result = import_seeds(mixed_dir)
    assert result.code == 1
    assert result.counts == {"created": 2, "updated": 0, "unchanged": 0, "skipped": 0, "failed": 2}
    assert set(Article.objects.values_list("title", flat=True)) == {"第一篇", "第二篇"}
    lines = result.err.splitlines()
    no_title = [line for line in lines if line.startswith(f"{mixed_dir / 'no-title.md'}: ")]
    broken = [line for line in lines if line.startswith(f"{mixed_dir / 'broken.md'}: ")]
    assert len(no_title) == 1 and "title" in no_title[0]
    assert len(broken) == 1 and "YAML" in broken[0]


def test_warnings_are_printed(tmp_path):
    """Warnings are printed to stderr naming the file, without failing the import."""
    path = write_post(tmp_path, "post.md", "有警告", extra=["image: /img/local.jpg"])
    result = import_seeds(tmp_path)
    assert result.code == 0
    warnings = [line for line in result.err.splitlines() if line.startswith("warning: ")]
    assert any(str(path) in line and "/img/local.jpg" in line for line in warnings)


def test_report_file(mixed_dir, tmp_path):
    """--report writes valid JSON with one record per file: path, outcome, article_id, warnings, error."""
    report_path = tmp_path / "report.json"
    result = import_seeds(mixed_dir, "--report", report_path)
    assert result.code == 1
    records = json.loads(report_path.read_text(encoding="utf-8"))
    assert isinstance(records, list) and len(records) == 4
    for record in records:
        assert set(record) >= {"path", "outcome", "article_id", "warnings", "error"}
    by_name = {Path(r["path"]).name: r for r in records}
    assert set(by_name) == {"good-1.md", "good-2.md", "no-title.md", "broken.md"}
    good = by_name["good-1.md"]
    assert good["outcome"] == "created"
    assert good["article_id"] == Article.objects.get(title="第一篇").pk
    assert good["error"] == "" and good["warnings"] == []
    bad = by_name["no-title.md"]
    assert bad["outcome"] == "failed" and bad["article_id"] is None and "title" in bad["error"]


def test_report_file_when_nothing_matches(tmp_path):
    """--report of a folder without posts is an empty JSON list."""
    (tmp_path / "empty").mkdir()
    report_path = tmp_path / "report.json"
    result = import_seeds(tmp_path / "empty", "--report", report_path)
    assert result.code == 0
    assert json.loads(report_path.read_text(encoding="utf-8")) == []


def test_report_in_missing_folder_is_a_usage_error(posts_dir, tmp_path):
    """An unwritable --report path is a usage error (exit status 2), not a crash."""
    with pytest.raises(CommandError) as info:
        import_seeds(posts_dir, "--report", tmp_path / "no" / "such" / "report.json")
    assert info.value.returncode == 2


def test_missing_path_exit_status_2(tmp_path, posts_dir):
    """A path that does not exist is a usage error with exit status 2, and nothing is imported."""
    with pytest.raises(CommandError) as info:
        import_seeds(posts_dir, tmp_path / "nope")
    assert info.value.returncode == 2
    assert "nope" in str(info.value) and "no such file" in str(info.value)
    assert Article.objects.count() == 0
    assert ImportRun.objects.count() == 0


def test_non_positive_max_bytes_exit_status_2(posts_dir):
    """--max-bytes 0 is a usage error with exit status 2."""
    with pytest.raises(CommandError) as info:
        import_seeds(posts_dir, "--max-bytes", "0")
    assert info.value.returncode == 2
    assert "--max-bytes" in str(info.value)


def test_max_bytes_option(tmp_path):
    """--max-bytes makes larger files fail with a reason; exit status 1."""
    write_post(tmp_path, "small.md", "小")
    write_post(tmp_path, "large.md", "大", body="<p>" + "长" * 3000 + "</p>")
    result = import_seeds(tmp_path, "--max-bytes", "2000")
    assert result.code == 1
    assert result.counts["created"] == 1 and result.counts["failed"] == 1
    assert any(str(tmp_path / "large.md") in line and "--max-bytes" in line for line in result.err.splitlines())


def test_dry_run(posts_dir):
    """--dry-run reports what would be imported, prefixed `dry run:`, and writes nothing."""
    result = import_seeds(posts_dir, "--dry-run")
    assert result.code == 0
    assert "dry run: " in result.out
    assert result.counts["created"] == POST_COUNT
    assert Article.objects.count() == 0
    assert ImportRun.objects.count() == 0


def test_status_and_glob_options(tmp_path):
    """--status draft makes drafts; --glob picks the files to import."""
    write_post(tmp_path, "a.md", "Markdown 文件")
    write_post(tmp_path, "b.txt", "文本文件")
    result = import_seeds(tmp_path, "--glob", "*.txt", "--status", "draft")
    assert result.counts["created"] == 1
    article = Article.objects.get()
    assert article.title == "文本文件"
    assert article.status == Article.Status.DRAFT


def test_verbosity_2_lists_each_file(posts_dir):
    """With -v 2 each file is listed with its outcome."""
    result = import_seeds(posts_dir, "--verbosity", "2")
    listed = [line for line in result.out.splitlines() if re.match(r"created +/", line)]
    assert len(listed) == POST_COUNT
    assert any(line.endswith("cnbeta-1.md") for line in listed)


def test_body_format_option(tmp_path):
    """--body-format html keeps Markdown syntax as text; a re-import as markdown updates the article."""
    write_post(tmp_path, "post.md", "格式", body="# 标题\n\n正文。\n")
    import_seeds(tmp_path, "--body-format", "html")
    assert "<h2>" not in Article.objects.get().body
    result = import_seeds(tmp_path, "--body-format", "markdown")
    assert result.counts["updated"] == 1
    assert "<h2>标题</h2>" in Article.objects.get().body


@pytest.mark.corpus
def test_whole_shared_corpus(shared_corpus, tmp_path):
    """Every corpus file either imports or fails with a reason; the command never crashes."""
    files = sorted(p for p in shared_corpus.rglob("*") if p.is_file() and not p.name.startswith("README"))
    report_path = tmp_path / "corpus.json"
    result = import_seeds(shared_corpus, "--report", report_path)
    assert result.code in (0, 1)
    records = json.loads(report_path.read_text(encoding="utf-8"))
    assert sorted(r["path"] for r in records) == sorted(map(str, files))
    for record in records:
        if record["outcome"] == "failed":
            assert record["error"].strip(), record
            assert record["article_id"] is None
        else:
            assert record["outcome"] in ("created", "unchanged"), record
            assert Article.objects.filter(pk=record["article_id"]).exists(), record
    counts = result.counts
    assert counts["created"] + counts["unchanged"] + counts["failed"] == len(files)
    assert (result.code == 1) == (counts["failed"] > 0)
    assert Article.objects.count() == counts["created"]

    again = import_seeds(shared_corpus)
    assert again.counts["created"] == 0 and again.counts["updated"] == 0
    assert again.counts["unchanged"] == counts["created"] + counts["unchanged"]


# --- --fetch-images ------------------------------------------------------------------


GOOD = png_bytes(40, 30)


@pytest.fixture
def image_server(settings):
    settings.NEWSROOM_FETCH_ALLOWED_HOSTS = ["127.0.0.1"]
    settings.NEWSROOM_MAX_IMAGE_BYTES = 100_000
    settings.NEWSROOM_MAX_IMAGE_PIXELS = 1_000_000
    big = png_bytes(300, 300, noisy=True)
    assert len(big) > settings.NEWSROOM_MAX_IMAGE_BYTES
    wide = png_bytes(2000, 1000)  # small file, but more pixels than allowed
    assert len(wide) < settings.NEWSROOM_MAX_IMAGE_BYTES
    with ImageServer() as server:
        server.routes.update(
            {
                "/good.png": lambda h: send(h, GOOD),
                "/fake.png": lambda h: send(h, b"<html><body>not a picture</body></html>", "image/png"),
                "/page.jpg": lambda h: send(h, b"<!doctype html><title>Login</title>", "text/html; charset=utf-8"),
                "/vector.svg": lambda h: send(h, b'<svg xmlns="http://www.w3.org/2000/svg"/>', "image/svg+xml"),
                "/big.png": lambda h: send(h, big),
                "/big-unsized.png": lambda h: send(h, big, length=False),
                "/wide.png": lambda h: send(h, wide),
                "/bomb.png": lambda h: send(h, bomb_png()),
                "/moved.png": redirect("/good.png"),
                "/escape.png": redirect(f"http://127.0.0.2:{server.port}/good.png"),
                "/reset.png": reset_midway,
            }
        )
        yield server


def post_with_image(folder, name, url):
    return write_post(folder, name, f"配图 {name}", extra=[f"headimg: '{url}'"])


def records_of(report_path):
    return {Path(r["path"]).name: r for r in json.loads(report_path.read_text(encoding="utf-8"))}


def test_fetch_images_stores_good_image(image_server, tmp_path, media_root):
    """--fetch-images stores a good picture in media storage with its size on the Image row."""
    url = image_server.url("/good.png")
    post_with_image(tmp_path / "posts", "a.md", url)
    post_with_image(tmp_path / "posts", "b.md", url)
    result = import_seeds(tmp_path / "posts", "--fetch-images")
    assert result.code == 0
    assert result.counts["created"] == 2
    image = Image.objects.get()
    assert image.source_url == url
    assert image.file.name.startswith("images/remote/")
    assert (image.width, image.height) == (40, 30)
    assert default_storage.exists(image.file.name)
    assert Path(default_storage.path(image.file.name)).is_relative_to(media_root)
    with default_storage.open(image.file.name) as handle:
        assert handle.read() == GOOD
    assert set(Article.objects.values_list("head_image_id", flat=True)) == {image.pk}
    assert Article.objects.first().head_image.url != url  # served from media now
    assert image_server.requests.count("/good.png") == 1


def test_fetch_images_follows_redirect(image_server, tmp_path):
    """A redirect to an allowed address is followed and the picture stored under the original URL."""
    url = image_server.url("/moved.png")
    post_with_image(tmp_path, "a.md", url)
    import_seeds(tmp_path, "--fetch-images")
    image = Image.objects.get()
    assert image.source_url == url
    assert image.file and (image.width, image.height) == (40, 30)


@pytest.mark.parametrize(
    ("path", "words"),
    [
        ("/missing.png", ["404"]),
        ("/fake.png", ["not a valid image"]),
        ("/page.jpg", ["text/html", "not a picture"]),
        ("/vector.svg", ["image/svg+xml"]),
        ("/big.png", ["over the limit"]),
        ("/big-unsized.png", ["over the limit"]),
        ("/wide.png", ["too large", "pixels"]),
        ("/bomb.png", ["pixels"]),
        ("/escape.png", ["127.0.0.2", "private or local"]),
    ],
    ids=[
        "404", "html-as-png", "html-page", "svg", "too-many-bytes", "too-many-bytes-streamed",
        "too-many-pixels", "decompression-bomb", "redirect-to-private",
    ],
)
def test_fetch_failure_keeps_remote_url(image_server, tmp_path, media_root, path, words):
    """A picture that cannot be fetched safely keeps its remote URL, with a warning; the article is imported."""
    url = image_server.url(path)
    post_with_image(tmp_path / "posts", "a.md", url)
    report_path = tmp_path / "report.json"
    result = import_seeds(tmp_path / "posts", "--fetch-images", "--report", report_path)
    assert result.code == 0
    assert result.counts["created"] == 1
    article = Article.objects.get()
    assert article.head_image.source_url == url
    assert not article.head_image.file
    assert article.head_image.url == url
    (warning,) = [w for w in records_of(report_path)["a.md"]["warnings"] if url in w]
    assert "kept as a remote link" in warning
    for word in words:
        assert word in warning
    assert any(url in line for line in result.err.splitlines() if line.startswith("warning:"))
    assert not list(Path(media_root).rglob("*.*"))


def test_fetch_refuses_local_address_unless_allowed(image_server, settings, tmp_path, media_root):
    """Without NEWSROOM_FETCH_ALLOWED_HOSTS naming it, a 127.0.0.1 URL is never requested."""
    settings.NEWSROOM_FETCH_ALLOWED_HOSTS = []
    url = image_server.url("/good.png")
    post_with_image(tmp_path / "posts", "a.md", url)
    report_path = tmp_path / "report.json"
    result = import_seeds(tmp_path / "posts", "--fetch-images", "--report", report_path)
    assert result.code == 0
    assert image_server.requests == []
    image = Image.objects.get()
    assert image.source_url == url and not image.file
    (warning,) = records_of(report_path)["a.md"]["warnings"]
    assert "private or local" in warning and "127.0.0.1" in warning
    assert not list(Path(media_root).rglob("*.*"))


def test_fetch_not_attempted_in_dry_run(image_server, tmp_path):
    """--dry-run with --fetch-images downloads nothing."""
    post_with_image(tmp_path, "a.md", image_server.url("/good.png"))
    result = import_seeds(tmp_path, "--fetch-images", "--dry-run")
    assert result.counts["created"] == 1
    assert image_server.requests == []


def test_no_fetch_without_option(image_server, tmp_path):
    """Without --fetch-images, images are hotlinked and never requested."""
    url = image_server.url("/good.png")
    post_with_image(tmp_path, "a.md", url)
    import_seeds(tmp_path)
    assert image_server.requests == []
    assert Image.objects.get().source_url == url
    assert not Image.objects.get().file


def test_known_image_is_not_fetched_again(image_server, tmp_path):
    """An image URL already in the library is not downloaded again by a later import."""
    url = image_server.url("/good.png")
    post_with_image(tmp_path / "one", "a.md", url)
    post_with_image(tmp_path / "two", "b.md", url)
    import_seeds(tmp_path / "one", "--fetch-images")
    import_seeds(tmp_path / "two", "--fetch-images")
    assert image_server.requests.count("/good.png") == 1
    assert Image.objects.count() == 1


def test_connection_reset_keeps_remote_url(image_server, tmp_path):
    """A server that resets the connection mid-picture leaves the article imported with its remote URL."""
    url = image_server.url("/reset.png")
    post_with_image(tmp_path, "a.md", url)
    result = import_seeds(tmp_path, "--fetch-images")
    assert result.code == 0
    assert result.counts["created"] == 1
    assert Image.objects.get().source_url == url
