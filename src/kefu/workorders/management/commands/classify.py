"""``kefu classify train``: retrain the category suggestion model on the archived orders;
``kefu classify suggest "<text>" --kind complaint``: what it suggests for a text."""

from django.core.management.base import BaseCommand, CommandError

from kefu.workorders import classify
from kefu.workorders.choices import WorkOrderKind


class Command(BaseCommand):
    help = "Train the request-category suggestion model on archived orders, or try it on a text."

    def add_arguments(self, parser):
        commands = parser.add_subparsers(dest="command", required=True)
        train = commands.add_parser("train", help="retrain on the archived orders (KEFU_DATA_DIR/classifier)")
        train.add_argument("--limit", type=int, default=20000, help="most recent archived orders to read")
        suggest = commands.add_parser("suggest", help="print the suggestions for a text")
        suggest.add_argument("text")
        suggest.add_argument("--kind", default=WorkOrderKind.COMPLAINT, choices=WorkOrderKind.values())

    def handle(self, *args, **options):
        if options["command"] == "train":
            try:
                result = classify.train(limit=max(1, options["limit"]))
            except ValueError as exc:
                raise CommandError(str(exc)) from None
            self.stdout.write(
                f"trained on {result.documents} archived orders, {result.categories} categories, "
                f"{result.features} features -> {result.path}"
            )
            return
        suggestions = classify.suggest(options["text"], kind=options["kind"])
        if not suggestions:
            self.stdout.write("no suggestion (no model yet: run `kefu classify train`)")
        for s in suggestions:
            self.stdout.write(f"{s.percent:3d}%  {s.category.code}  {s.category.full_path}")
