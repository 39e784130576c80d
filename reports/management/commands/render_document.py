from pathlib import Path

from django.core.management.base import BaseCommand, CommandError
from django.utils.translation import gettext as _

from disputes.exceptions import DisputeError
from disputes.models import Dispute
from reports import documents
from reports.documents import archive


class Command(BaseCommand):
    help = _(
        "Render one document of one case to a PDF file, for batch printing and for checking "
        "templates. KIND is one of: %(kinds)s."
    ) % {"kinds": ", ".join(documents.kind_keys())}

    def add_arguments(self, parser):
        parser.add_argument("kind", help=_("document kind"))
        parser.add_argument("number", help=_("case number"))
        parser.add_argument("--output", "-o", required=True, help=_("PDF file to write"))
        parser.add_argument(
            "--part",
            default="",
            help=_(
                "which one, for kinds a case has several of: a department's code (joint-handling "
                "sheet), a meeting's id (minutes)"
            ),
        )
        parser.add_argument(
            "--archived",
            action="store_true",
            help=_("write the copy frozen in the archive (checked against its hash)"),
        )

    def handle(self, *args, kind, number, output, part="", archived=False, **options):
        try:
            doc_kind = documents.get_kind(kind)
        except documents.UnknownDocument as exc:
            raise CommandError(
                _("%(error)s Choose one of: %(kinds)s.")
                % {"error": exc.message, "kinds": ", ".join(documents.kind_keys())}
            ) from exc
        dispute = Dispute.objects.filter(number=number).first()
        if dispute is None:
            raise CommandError(_("There is no case %(number)s.") % {"number": number})
        try:
            if archived:
                frozen = archive.frozen_document(dispute, kind, part)
                if frozen is None:
                    raise CommandError(
                        _("Case %(number)s has no archived copy of this document.")
                        % {"number": number}
                    )
                data, pages = archive.read_frozen(frozen), frozen.pages
            else:
                piece = doc_kind.part(dispute, part) if part else None
                rendered = documents.render(kind, dispute, **(piece.options if piece else {}))
                data, pages = rendered.pdf, rendered.pages
        except DisputeError as exc:
            raise CommandError(exc.message) from exc
        Path(output).write_bytes(data)
        self.stdout.write(
            _("%(file)s: %(pages)d page(s), %(size)d bytes.")
            % {"file": output, "pages": pages, "size": len(data)}
        )
