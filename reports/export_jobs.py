"""The ledger's exports: small ones written within the request, large ones as a Celery job.

``start_export`` decides: up to ``LEDGER_EXPORT_JOB_ROWS`` rows the file is written at once;
more (up to ``EXPORT_MAX_ROWS``) and an ``ExportJob`` is queued, which ``run_export`` (the
task) writes chunk by chunk, counting its rows in ``done`` as it goes, so that the ledger's
progress bar moves. Either way the export is logged when it is asked for, like every export
(``AccessLog``: who, when, the filters as typed, masked). The file is kept
``LEDGER_EXPORT_KEEP_HOURS`` and served only to its requester; ``purge_expired`` (a beat job)
deletes it after.
"""

import datetime
import tempfile
from dataclasses import dataclass

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.files import File
from django.db import transaction
from django.http import QueryDict
from django.utils import timezone
from django.utils.translation import gettext as _

from departments import clock
from disputes import rules
from disputes.access_log import log_access
from disputes.exceptions import DisputeError
from disputes.models import AccessLog
from reports import exports
from reports.ledger import ledger_cases
from reports.models import ExportJob

# Parameters of the ledger's address that are no filter: left out of the job and the log.
NOT_FILTERS = ("page",)


@dataclass
class Export:
    """What ``start_export`` gives back: the file now (``data``), or the job queued."""

    filename: str = ""
    content_type: str = ""
    data: bytes | None = None
    stream: object = None
    job: ExportJob | None = None


def filter_params(params: QueryDict) -> QueryDict:
    kept = params.copy()
    for name in NOT_FILTERS:
        kept.pop(name, None)
    return kept


def export_cases(user, params: QueryDict):
    """The cases the ledger shows ``user`` for ``params``, in its order; a refused filter (a
    search past the day's allowance, an invalid date) raises with the reason."""
    found = ledger_cases(user, params)
    qs = found.qs
    if found.form.errors:
        reasons = [str(e) for errs in found.form.errors.values() for e in errs]
        raise DisputeError(" ".join(reasons) or _("The filter is not valid."))
    return exports.sorted_cases(qs, exports.sort_of(params))


def _log(user, fmt: str, params: QueryDict, job: ExportJob | None = None) -> None:
    typed = " ".join(f"{key}={value}" for key, value in params.items() if value)
    what = _("ledger %(format)s") % {"format": fmt}
    if job is not None:
        what += _(" (job %(id)s)") % {"id": job.pk}
    log_access(user=user, kind=AccessLog.Kind.EXPORT, detail=f"{what} {typed}".strip())


def start_export(*, user, params: QueryDict, fmt: str) -> Export:
    if fmt not in exports.WRITERS:
        raise DisputeError(_("Choose Excel or CSV."))
    params = filter_params(params)
    cases = export_cases(user, params)
    limit = settings.EXPORT_MAX_ROWS
    threshold = settings.LEDGER_EXPORT_JOB_ROWS
    size = cases[: limit + 1].count() if limit > threshold else limit + 1
    if size > limit:
        raise DisputeError(
            _(
                "An export holds at most %(limit)s cases, and this list has more. Narrow it "
                "with the filters (state, category, centre, dates) and export again."
            )
            % {"limit": f"{limit:,}"}
        )
    stamp = timezone.localtime().strftime("%Y%m%d-%H%M")
    if size <= threshold:
        _log(user, fmt, params)
        rows = exports.ledger_rows(cases, numbers=rules.number_display(None, user))
        export = Export(filename=f"ledger-{stamp}.{fmt}", content_type=exports.CONTENT_TYPES[fmt])
        if fmt == "xlsx":
            export.data = exports.xlsx_bytes(rows)
        else:
            export.stream = exports.csv_stream(rows)
        return export
    now = clock.now()
    job = ExportJob.objects.create(
        requester=user,
        params=params.urlencode(),
        format=fmt,
        total=size,
        created_at=now,
        expires_at=now + datetime.timedelta(hours=settings.LEDGER_EXPORT_KEEP_HOURS),
    )
    _log(user, fmt, params, job)
    from reports.tasks import ledger_export

    transaction.on_commit(lambda: ledger_export.delay(job.pk))
    return Export(job=job)


def run_export(job_id: int) -> None:
    """Write the file of one job (the Celery task). Its rows are read again through the filter
    with the requester's rights of now: a case no longer visible is not in it."""
    taken = ExportJob.objects.filter(pk=job_id, status=ExportJob.Status.PENDING).update(
        status=ExportJob.Status.RUNNING
    )
    if not taken:
        return  # already taken, written, failed or expired: nothing to do twice
    job = ExportJob.objects.get(pk=job_id)
    user = get_user_model().objects.get(pk=job.requester_id)
    try:
        cases = export_cases(user, QueryDict(job.params))
        total = cases[: settings.EXPORT_MAX_ROWS].count()
        ExportJob.objects.filter(pk=job.pk).update(total=total, done=0)

        def progress(done: int) -> None:
            ExportJob.objects.filter(pk=job.pk).update(done=done)

        rows = exports.ledger_rows(
            cases, numbers=rules.number_display(None, user), limit=settings.EXPORT_MAX_ROWS
        )
        with tempfile.TemporaryFile() as out:
            exports.WRITERS[job.format](rows, out, progress)
            out.seek(0)
            job.file.save(job.filename, File(out, name=job.filename), save=False)
    except Exception as exc:
        ExportJob.objects.filter(pk=job.pk).update(
            status=ExportJob.Status.FAILED,
            error=str(getattr(exc, "message", exc))[:200],
            finished_at=clock.now(),
        )
        raise
    ExportJob.objects.filter(pk=job.pk).update(
        status=ExportJob.Status.DONE, file=job.file.name, finished_at=clock.now()
    )


def jobs_of(user):
    """The user's exports not yet expired, newest first (the ledger lists them)."""
    return ExportJob.objects.filter(requester=user, expires_at__gt=clock.now()).exclude(
        status=ExportJob.Status.EXPIRED
    )


def job_for(user, pk: int) -> ExportJob | None:
    """The user's own job (anyone else's is none)."""
    return ExportJob.objects.filter(pk=pk, requester=user).first()


def downloadable(job: ExportJob | None) -> bool:
    return (
        job is not None
        and job.status == ExportJob.Status.DONE
        and bool(job.file)
        and job.expires_at > clock.now()
    )


def purge_expired(now: datetime.datetime | None = None) -> int:
    """Delete the files of the exports past their time; the rows stay, marked expired (what
    was exported, by whom and when, is the access log's, and stays there)."""
    now = now or clock.now()
    expired = ExportJob.objects.filter(expires_at__lte=now).exclude(status=ExportJob.Status.EXPIRED)
    count = 0
    for job in expired.iterator():
        if job.file:
            job.file.delete(save=False)
        ExportJob.objects.filter(pk=job.pk).update(status=ExportJob.Status.EXPIRED, file="")
        count += 1
    return count
