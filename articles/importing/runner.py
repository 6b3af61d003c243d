"""The import entry point: find files, prepare them in parallel, write them one by one."""

import fnmatch
import multiprocessing
import os
from dataclasses import asdict, dataclass, field

from django.db import connection, transaction
from django.utils import timezone

from ..models import Article, ImportRecord, ImportRun
from .errors import PostError
from .fetch import retry_failed
from .normalize import content_hash, normalize
from .parse import parse
from .writer import CREATED, FAILED, SKIPPED, UNCHANGED, UPDATED, ArticleWriter

DEFAULT_PATTERNS = ("*.md", "*.markdown", "*.html", "*.txt")
OUTCOMES = (CREATED, UPDATED, UNCHANGED, SKIPPED, FAILED)
BATCH = 128
ANALYZE_AFTER = 1000


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
    retried: list = field(default_factory=list)  # images whose failed download was tried again
    retry_warnings: list = field(default_factory=list)  # why some of those failed again

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
_options = None


def _init_worker(options):
    global _options
    _options = options


def read(path, max_bytes):
    """The bytes and modification time of a post file; files over ``max_bytes`` are refused unread."""
    size = os.path.getsize(path)
    if size > max_bytes:
        raise PostError(f"the file is {size:,} bytes, over the limit of {max_bytes:,} (--max-bytes)")
    with open(path, "rb") as handle:
        return handle.read(max_bytes + 1), os.path.getmtime(path)


def prepare(item):
    """Parse and normalize one file's bytes: ``(path, Post | None, error)``. No database."""
    path, raw, mtime = item
    try:
        return path, normalize(parse(path, raw), body_format=_options.body_format, mtime=mtime), ""
    except PostError as exc:
        return path, None, str(exc)
    except Exception as exc:  # a bug must not stop the import of the other files
        return path, None, f"unexpected {type(exc).__name__}: {exc}"


def _batches(paths, size):
    batch = []
    for path in paths:
        batch.append(path)
        if len(batch) == size:
            yield batch
            batch = []
    if batch:
        yield batch


class _Batch:
    """One batch of files: read and hashed here, unchanged ones found with one query, the rest parsed."""

    def __init__(self, paths, options, known, pool):
        self.paths, self.done, todo, digests = paths, {}, [], {}
        for path in paths:
            try:
                raw, mtime = read(path, options.max_bytes)
            except PostError as exc:
                self.done[path] = (None, str(exc), None)
            except OSError as exc:
                self.done[path] = (None, f"cannot read the file: {exc.strerror or exc}", None)
            else:
                digests[path] = content_hash(raw, options.body_format)
                todo.append((path, raw, mtime))
        unchanged = dict(known.filter(content_hash__in=set(digests.values())).values_list("content_hash", "pk"))
        for path, digest in digests.items():
            if digest in unchanged:
                self.done[path] = (None, "", unchanged[digest])
        todo = [item for item in todo if item[0] not in self.done]
        self.job = pool.map_async(prepare, todo, chunksize=8) if pool else None
        self.results = None if pool else list(map(prepare, todo))

    def items(self):
        for path, post, error in self.job.get() if self.job else self.results:
            self.done[path] = (post, error, None)
        return [(path, *self.done[path]) for path in self.paths]


def _prepared(paths, options, known):
    """Batches of ``(path, Post | None, error, id of the unchanged article)``, files in order.

    Parser processes work on the next batch while this process writes the
    current one; memory holds two batches at most, whatever the number of files.
    """
    if options.workers <= 1:
        _init_worker(options)
        for batch in _batches(paths, BATCH):
            yield _Batch(batch, options, known, None).items()
        return
    context = multiprocessing.get_context("fork")
    with context.Pool(options.workers, initializer=_init_worker, initargs=(options,)) as pool:
        pending = None
        for batch in _batches(paths, BATCH):
            current = _Batch(batch, options, known, pool)
            if pending is not None:
                yield pending.items()
            pending = current
        if pending is not None:
            yield pending.items()


def import_paths(options, *, fetcher=None, on_record=None):
    """Import every post file under ``options.paths``; return an ``ImportReport``.

    Each file is all or nothing (its own transaction, or on SQLite its own
    savepoint in its batch's transaction): a failing file is recorded and the
    rest go on. ``on_record`` is called with each ``FileRecord`` as it is done. With
    a ``fetcher``, images whose download failed before are tried again first.
    """
    options.paths = [str(path) for path in options.paths]
    paths = find_files(options.paths, options.patterns)
    first = [path for _, path in zip(range(BATCH), paths)]  # validates paths, sizes the pool
    if options.workers == 0:
        options.workers = min(os.cpu_count() or 1, 4) if len(first) == BATCH else 1

    known = Article.objects.all()
    if options.overwrite:  # edited articles are restored from their file even when it is unchanged
        known = known.exclude(edited_since_import=True)
    writer = ArticleWriter(
        status=options.status, overwrite=options.overwrite, dry_run=options.dry_run, fetcher=fetcher
    )
    report = ImportReport()
    if fetcher is not None and not options.dry_run:  # their posts are mostly unchanged: never written again
        report.retried = retry_failed(fetcher, report.retry_warnings)
    run = None
    if not options.dry_run:
        run = ImportRun.objects.create(options={**asdict(options), "patterns": list(options.patterns)})
        report.run_id = writer.run_id = run.pk
    buffer = []

    def chain():
        yield from first
        yield from paths

    together = _one_transaction_per_batch(options, fetcher)
    for batch in _prepared(chain(), options, known):
        posts = [post for _path, post, _error, _id in batch if post is not None]
        writer.prefetch(posts)
        records = _write_together(batch, writer) if together else None
        if records is None:  # one transaction per file
            if together:  # the batch's transaction failed: look its articles up again
                writer.prefetch(posts)
            records = [_write_one(path, post, error, unchanged_id, writer) for path, post, error, unchanged_id in batch]
        for record in records:
            _record(record, report, on_record, run, buffer)
        writer.forget_waiting([unchanged_id for _path, _post, _error, unchanged_id in batch if unchanged_id])

    if run is not None:
        _save_records(run, buffer)
        ImportRun.objects.filter(pk=run.pk).update(finished_at=timezone.now(), **report.counts)
    if report.counts[CREATED] + report.counts[UPDATED] >= ANALYZE_AFTER:
        _refresh_statistics()
    return report


def _refresh_statistics():
    """After a large import, give the query planner fresh statistics rather than wait for autovacuum.

    Without them PostgreSQL planned list pages of a freshly imported 100,000
    articles at 4 to 30 requests per second instead of hundreds.
    """
    tables = [Article._meta.db_table, Article.categories.through._meta.db_table, "articles_taggedarticle"]
    with connection.cursor() as cursor:
        for table in tables:
            cursor.execute(f"ANALYZE {connection.ops.quote_name(table)}")


def _one_transaction_per_batch(options, fetcher):
    """Whether a batch's files are written in one transaction, a savepoint each.

    On SQLite, where writers take turns for the whole database anyway: a commit
    per file (and the full-text index's segment per commit) was a third of the
    writing. Not on PostgreSQL, where concurrent imports would hold each other's
    new rows for a whole batch and could deadlock; nor while images download.
    """
    return connection.vendor == "sqlite" and not options.dry_run and fetcher is None and not connection.in_atomic_block


def _write_together(batch, writer):
    """The batch's records, its files written in one transaction with a savepoint each (a failing
    file rolls back only its own); ``None`` when the transaction itself failed, nothing kept."""
    writer.begin_batch()
    try:
        with transaction.atomic():
            created = writer.create_together([post for _path, post, _error, unchanged_id in batch
                                              if post is not None and unchanged_id is None])
            records = [_write_one(*item, writer, created.get(item[0])) for item in batch]
            writer.flush_batch()
    except Exception:  # e.g. the commit: the caller writes the files again, one transaction each
        writer.end_batch(committed=False)
        return None
    writer.end_batch(committed=True)
    return records


def _write_one(path, post, error, unchanged_id, writer, written=None):
    """Store one prepared file (unless ``written`` says how it was stored already); its ``FileRecord``."""
    record = FileRecord(path=path, outcome=FAILED, error=error)
    if unchanged_id is not None:
        record.outcome, record.article_id = UNCHANGED, unchanged_id
    elif post is not None:
        record.warnings = list(post.warnings)
        try:
            record.outcome, record.article_id, more = written or writer.write(post)
            record.warnings += more
        except Exception as exc:
            record.outcome, record.error = FAILED, _describe(exc)
    return record


def _record(record, report, on_record, run, buffer):
    """Count a file's outcome and keep its record (once its transaction has committed)."""
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
