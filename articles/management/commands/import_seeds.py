import json
import sys

from django.core.management.base import BaseCommand, CommandError
from django.utils import translation
from tqdm import tqdm

from articles.importing import ImportOptions, UsageError, import_paths
from articles.importing.fetch import ImageFetcher
from articles.importing.runner import DEFAULT_PATTERNS
from articles.models import Article


class Command(BaseCommand):
    help = (
        "Import Hexo/Jekyll/Hugo post files (front matter plus HTML or Markdown body) as articles. "
        "Exit status: 0 all imported, 1 some files failed (the rest are imported), 2 usage error."
    )

    def add_arguments(self, parser):
        parser.add_argument("paths", nargs="+", metavar="PATH", help="post files or folders (searched recursively)")
        parser.add_argument(
            "--glob", action="append", dest="patterns", metavar="PATTERN",
            help=f"file name pattern to import, repeatable (default: {' '.join(DEFAULT_PATTERNS)})",
        )
        parser.add_argument("--body-format", choices=["auto", "html", "markdown"], default="auto")
        parser.add_argument("--status", choices=["published", "draft"], default="published",
                            help="status of imported articles (a future date makes a published one scheduled)")
        parser.add_argument("--overwrite", action="store_true",
                            help="also replace articles that an editor changed since their import")
        parser.add_argument("--dry-run", action="store_true", help="parse, validate and report; write nothing")
        parser.add_argument("--fetch-images", action="store_true",
                            help="download images into media storage instead of hotlinking them")
        parser.add_argument("--max-bytes", type=int, default=5 * 1024 * 1024, help="largest file accepted (bytes)")
        parser.add_argument("--workers", type=int, default=0, help="parser processes (0: automatic)")
        parser.add_argument("--report", metavar="FILE.json", help="write one JSON record per file to this file")

    def execute(self, *args, **options):
        try:
            return super().execute(*args, **options)
        except CommandError as exc:
            exc.returncode = 2
            raise

    def handle(self, *args, **options):
        if options["max_bytes"] <= 0:
            raise CommandError("--max-bytes must be a positive number of bytes")
        import_options = ImportOptions(
            paths=options["paths"],
            patterns=tuple(options["patterns"] or DEFAULT_PATTERNS),
            body_format=options["body_format"],
            status=Article.Status(options["status"]),
            overwrite=options["overwrite"],
            dry_run=options["dry_run"],
            fetch_images=options["fetch_images"],
            max_bytes=options["max_bytes"],
            workers=options["workers"],
        )
        verbosity = options["verbosity"]
        show_progress = verbosity > 0 and sys.stderr.isatty()
        progress = tqdm(unit=" files", disable=not show_progress, file=sys.stderr)
        try:
            report_file = open(options["report"], "w", encoding="utf-8") if options["report"] else None  # noqa: SIM115
        except OSError as exc:
            raise CommandError(f"--report {options['report']}: {exc.strerror}") from None
        first = [True]

        def on_record(record):
            progress.update()
            if verbosity >= 2:
                self.stdout.write(f"{record.outcome:9} {record.path}")
            if verbosity >= 1:
                for warning in record.warnings:
                    message = f"warning: {record.path}: {warning}"
                    if show_progress:  # print above the progress bar
                        progress.write(self.style.WARNING(message), file=sys.stderr)
                    else:
                        self.stderr.write(message, style_func=self.style.WARNING)
            if report_file:
                report_file.write(("[\n" if first[0] else ",\n") + json.dumps(record.__dict__, ensure_ascii=False))
                first[0] = False

        try:
            fetcher = ImageFetcher() if options["fetch_images"] and not options["dry_run"] else None
            with translation.override("en"):  # one language for every message of a run
                report = import_paths(import_options, fetcher=fetcher, on_record=on_record)
        except UsageError as exc:
            raise CommandError(str(exc)) from None
        finally:
            progress.close()
            if report_file:
                report_file.write("[]\n" if first[0] else "\n]\n")
                report_file.close()

        if verbosity > 0:
            for failure in report.failures:
                self.stderr.write(f"{failure.path}: {failure.error}", style_func=self.style.ERROR)
            for warning in report.retry_warnings:
                self.stderr.write(f"warning: {warning}", style_func=self.style.WARNING)
            if report.retried:
                stored = sum(1 for image in report.retried if image.file)
                self.stdout.write(
                    f"failed image downloads retried {len(report.retried)}: "
                    f"stored {stored}, failed again {len(report.retried) - stored}"
                )
            prefix = "dry run: " if options["dry_run"] else ""
            self.stdout.write(prefix + report.summary)
        if report.counts["failed"]:
            sys.exit(1)
