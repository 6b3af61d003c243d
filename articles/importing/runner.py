"""The import entry point: find files, prepare them in parallel, write them one by one."""

import fnmatch
import multiprocessing
import os
from dataclasses import asdict, dataclass, field

from django.utils import timezone

from ..models import Article, ImportRecord, ImportRun
from .errors import PostError
from .normalize import content_hash, normalize
from .parse import parse
from .writer import CREATED, FAILED, SKIPPED, UNCHANGED, UPDATED, ArticleWriter

DEFAULT_PATTERNS = ("*.md", "*.markdown", "*.html", "*.txt")
OUTCOMES = (CREATED, UPDATED, UNCHANGED, SKIPPED, FAILED)
BATCH = 128


class UsageError(ValueError):
    """The import was asked for something impossible, e.g. a path that does not exist."""


@dataclass
class ImportOptions:
    paths: list
    patterns: tuple = DEFAULT_PATTERNS
    body_format: str = "auto"
    status: str = Article.Status.PUBLISHED
    overwrite: bool = False
    dry_run: bool = False
    fetch_images: bool = False
    max_bytes: int = 5 * 1024 * 1024
    workers: int = 0  # 0: one per core for large imports, none for small ones


@dataclass
class FileRecord:
    path: str
    outcome: str
    article_id: int = None
    warnings: list = field(default_factory=list)
    error: str = ""


@dataclass
class ImportReport:
    counts: dict = field(default_factory=lambda: dict.fromkeys(OUTCOMES, 0))
    failures: list = field(default_factory=list)
    run_id: int = None

    @property
    def summary(self):
        return ", ".join(f"{outcome} {self.counts[outcome]}" for outcome in OUTCOMES)


def find_files(paths, patterns=DEFAULT_PATTERNS):
    """Yield post files under ``paths`` (files or folders, searched recursively) in a stable order."""
    for path in paths:
        if not os.path.exists(path):
            raise UsageError(f"{path}: no such file or folder")
    for path in paths:
        if os.path.isfile(path):
            yield path
            continue
        for folder, subfolders, files in os.walk(path):
            subfolders[:] = sorted(d for d in subfolders if not d.startswith("."))
            for name in sorted(files):
                if name.startswith((".", "README")):
                    continue  # hidden files and folder notes are not posts
                if any(fnmatch.fnmatch(name, pattern) for pattern in patterns):
                    yield os.path.join(folder, name)


# Set in each worker process (and in-process) by _init_worker.
_known_hashes = frozenset()
_options = None


def _init_worker(known_hashes, options):
    global _known_hashes, _options
    _known_hashes, _options = known_hashes, options


def prepare(path):
    """Read, parse and normalize one file: ``(path, Post | None, error, hash)``. No database."""
    try:
        size = os.path.getsize(path)
        if size > _options.max_bytes:
            raise PostError(f"the file is {size:,} bytes, over the limit of {_options.max_bytes:,} (--max-bytes)")
        with open(path, "rb") as handle:
            raw = handle.read(_options.max_bytes + 1)
        digest = content_hash(raw, _options.body_format)
        if digest in _known_hashes:
            return path, None, "", digest
        post = normalize(parse(path, raw), body_format=_options.body_format, mtime=os.path.getmtime(path))
        return path, post, "", digest
    except PostError as exc:
        return path, None, str(exc), ""
    except OSError as exc:
        return path, None, f"cannot read the file: {exc.strerror or exc}", ""
    except Exception as exc:  # a bug must not stop the import of the other files
        return path, None, f"unexpected {type(exc).__name__}: {exc}", ""


def _prepared(paths, known, options):
    workers = options.workers
    if workers <= 1:
        _init_worker(known, options)
        yield from map(prepare, paths)
        return
    context = multiprocessing.get_context("fork")
    with context.Pool(workers, initializer=_init_worker, initargs=(known, options)) as pool:
        pending = None
        batch = []
        for path in paths:
            batch.append(path)
            if len(batch) == BATCH:
                job, batch = pool.map_async(prepare, batch, chunksize=8), []
                if pending is not None:
                    yield from pending.get()
                pending = job
        if pending is not None:
            yield from pending.get()
        if batch:
            yield from pool.map(prepare, batch, chunksize=8)


def import_paths(options, *, fetcher=None, on_record=None):
    """Import every post file under ``options.paths``; return an ``ImportReport``.

    Each file is one transaction: a failing file is recorded and the rest go
    on. ``on_record`` is called with each ``FileRecord`` as it is done.
    """
    options.paths = [str(path) for path in options.paths]
    paths = find_files(options.paths, options.patterns)
    first = [path for _, path in zip(range(BATCH), paths)]  # validates paths, sizes the pool
    if options.workers == 0:
        options.workers = min(os.cpu_count() or 1, 4) if len(first) == BATCH else 1

    known = Article.objects.exclude(content_hash="")
    if options.overwrite:  # edited articles are restored from their file even when it is unchanged
        known = known.exclude(edited_since_import=True)
    hash_to_id = dict(known.values_list("content_hash", "pk"))
    writer = ArticleWriter(
        status=options.status, overwrite=options.overwrite, dry_run=options.dry_run, fetcher=fetcher
    )
    report = ImportReport()
    run = None
    if not options.dry_run:
        run = ImportRun.objects.create(options={**asdict(options), "patterns": list(options.patterns)})
        report.run_id = run.pk
    buffer = []

    def chain():
        yield from first
        yield from paths

    for path, post, error, digest in _prepared(chain(), frozenset(hash_to_id), options):
        record = FileRecord(path=path, outcome=FAILED, error=error)
        if post is None and not error:
            record.outcome, record.article_id = UNCHANGED, hash_to_id.get(digest)
        elif post is not None:
            record.warnings = list(post.warnings)
            try:
                record.outcome, record.article_id, more = writer.write(post)
                record.warnings += more
            except Exception as exc:
                record.outcome, record.error = FAILED, _describe(exc)
        report.counts[record.outcome] += 1
        if record.outcome == FAILED:
            report.failures.append(record)
        record.warnings = list(dict.fromkeys(record.warnings))
        if on_record:
            on_record(record)
        if run is not None:
            buffer.append(record)
            if len(buffer) >= 500:
                _save_records(run, buffer)

    if run is not None:
        _save_records(run, buffer)
        ImportRun.objects.filter(pk=run.pk).update(finished_at=timezone.now(), **report.counts)
    return report


def _describe(exc):
    if isinstance(exc, PostError):
        return str(exc)
    return f"could not be stored ({type(exc).__name__}: {exc})"


def _save_records(run, records):
    ImportRecord.objects.bulk_create(
        ImportRecord(
            run=run,
            path=record.path[-500:],
            outcome=record.outcome,
            article_id=record.article_id if record.outcome != FAILED else None,
            warnings="\n".join(record.warnings),
            error=record.error,
        )
        for record in records
    )
    ImportRun.objects.filter(pk=run.pk).update(**_counts(run, records))
    records.clear()


def _counts(run, records):
    """Running totals, so an interrupted run still shows how far it got."""
    run.refresh_from_db(fields=list(OUTCOMES))
    totals = {outcome: getattr(run, outcome) for outcome in OUTCOMES}
    for record in records:
        totals[record.outcome] += 1
    return totals
