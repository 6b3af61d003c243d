from django.core.management.base import BaseCommand, CommandError

from articles.importing.export import ExportError, export_articles


class Command(BaseCommand):
    help = (
        "Write every article (drafts and scheduled ones too) as a front-matter file with an HTML body "
        "that import_seeds reads back."
    )

    def add_arguments(self, parser):
        parser.add_argument("out", metavar="OUT", help="folder to write into (created if missing)")
        parser.add_argument(
            "--base-url", default="", metavar="URL",
            help="this site's address, e.g. https://news.example.com: pictures stored here are written as "
                 "absolute URLs under it (required when there are any)",
        )

    def handle(self, *args, out, base_url, **options):
        if base_url and not base_url.startswith(("http://", "https://")):
            raise CommandError(f"--base-url: {base_url!r} is not an http(s) address")
        try:
            count = export_articles(out, base_url=base_url)
        except ExportError as exc:
            raise CommandError(str(exc)) from None
        self.stdout.write(f"exported {count} articles to {out}")
