from django.core.management.base import BaseCommand, CommandError
from django.utils.translation import gettext as _

from reports.documents import archive
from reports.models import ArchivedDocument


class Command(BaseCommand):
    help = _(
        "Check every archived document against the SHA-256 recorded at archiving; report each "
        "altered or missing file and exit non-zero if there is any."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--freeze",
            action="store_true",
            help=_("also freeze archived cases whose file was never frozen (a lost task)"),
        )

    def handle(self, *args, freeze=False, **options):
        # Freeze what was never frozen first, so that the check below covers it too.
        for dispute in archive.unfrozen_archived_cases().order_by("pk"):
            if freeze:
                frozen = archive.archive_freeze(dispute.pk)
                self.stdout.write(
                    _("Froze case %(number)s: %(count)d document(s).")
                    % {"number": dispute.number, "count": len(frozen)}
                )
            else:
                self.stderr.write(
                    _("NOT FROZEN: case %(number)s is archived but its file is not frozen yet.")
                    % {"number": dispute.number}
                )
        checked = 0
        bad = 0
        for doc, status in archive.integrity_report():
            checked += 1
            if status == ArchivedDocument.Integrity.INTACT:
                continue
            bad += 1
            label = _("ALTERED") if status == ArchivedDocument.Integrity.ALTERED else _("MISSING")
            self.stderr.write(
                _("%(label)s: case %(number)s, %(title)s, file %(file)s")
                % {
                    "label": label,
                    "number": doc.dispute.number,
                    "title": doc.title,
                    "file": doc.file.name,
                }
            )
        self.stdout.write(
            _("%(checked)d archived document(s) checked, %(bad)d altered or missing.")
            % {"checked": checked, "bad": bad}
        )
        if bad:
            raise CommandError(
                _("The archive was tampered with: %(bad)d file(s) altered or missing.")
                % {"bad": bad}
            )
