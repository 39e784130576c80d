from django.core.management.base import BaseCommand, CommandError
from django.utils.translation import gettext as _

from reports.documents import archive
from reports.documents.registry import get_kind
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
            help=_(
                "also freeze what is missing of each archived case file (a lost or killed task)"
            ),
        )

    def handle(self, *args, freeze=False, **options):
        # Complete what was never frozen, or only in part, first, so that the check below
        # covers it too; without --freeze an incomplete file is a fault like an altered one.
        incomplete = 0
        for dispute, missing in list(archive.incomplete_archived_cases()):
            if freeze:
                frozen = archive.archive_freeze(dispute.pk)
                self.stdout.write(
                    _("Froze case %(number)s: %(count)d document(s).")
                    % {"number": dispute.number, "count": len(frozen)}
                )
                missing = archive.missing_documents(dispute)
                if not missing:
                    continue
            incomplete += 1
            if len(missing) == len(archive.expected_documents(dispute)):
                message = _(
                    "NOT FROZEN: case %(number)s is archived but its file is not frozen yet."
                )
            else:
                message = _(
                    "INCOMPLETE: case %(number)s is archived but %(count)d document(s) of its "
                    "file are not frozen: %(missing)s."
                )
            self.stderr.write(
                message
                % {
                    "number": dispute.number,
                    "count": len(missing),
                    "missing": "、".join(_title(kind, part) for kind, part in missing),
                }
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
        if incomplete:
            raise CommandError(
                _(
                    "The archive is incomplete: %(count)d archived case(s) lack frozen "
                    "documents; run verify_archive --freeze."
                )
                % {"count": incomplete}
            )


def _title(kind: str, part: str) -> str:
    title = str(get_kind(kind).title)
    return f"{title}（{part}）" if part else title
