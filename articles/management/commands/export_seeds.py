from django.core.management.base import BaseCommand

from articles.importing.export import export_articles


class Command(BaseCommand):
    help = "Write published articles as front-matter files (HTML body) that import_seeds reads back."

    def add_arguments(self, parser):
        parser.add_argument("out", metavar="OUT", help="folder to write into (created if missing)")

    def handle(self, *args, out, **options):
        count = export_articles(out)
        self.stdout.write(f"exported {count} articles to {out}")
