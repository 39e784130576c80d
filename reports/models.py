"""Frozen documents: each rendered once (at archiving, or at issue for the receipt) and
stored with its hash."""

import hashlib
import secrets

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from departments import clock
from disputes.models import Dispute


def archive_path(instance: "ArchivedDocument", filename: str) -> str:
    folder = instance.dispute.archive_number or instance.dispute.number
    return f"archive/{folder}/{filename}"


class ArchivedDocument(models.Model):
    """One document of a case as it was rendered at archiving, or at issue for a document
    handed out (the receipt: each copy issued is one row). Never re-rendered.

    ``sha256`` is the hash of the stored bytes: ``verify`` tells an intact file from an
    altered or missing one (``manage.py verify_archive``, the case page, every download).
    """

    class Integrity(models.TextChoices):
        INTACT = "intact", _("Intact")
        ALTERED = "altered", _("Altered")
        MISSING = "missing", _("Missing")

    dispute = models.ForeignKey(
        Dispute, verbose_name=_("case"), on_delete=models.PROTECT, related_name="archived_documents"
    )
    kind = models.CharField(_("document kind"), max_length=40)
    # Which one, for kinds a case has several of: a department's code, a meeting's id.
    part = models.CharField(_("part"), max_length=40, blank=True)
    title = models.CharField(_("title"), max_length=200)
    position = models.PositiveSmallIntegerField(_("position in the file"), default=0)
    # A document handed out at issue (the receipt) is frozen then; a re-issue is a new copy.
    copy = models.PositiveSmallIntegerField(_("copy number"), default=1)
    file = models.FileField(_("file"), upload_to=archive_path, max_length=255)
    sha256 = models.CharField(_("SHA-256"), max_length=64)
    pages = models.PositiveIntegerField(_("pages"))
    size = models.PositiveIntegerField(_("size (bytes)"))
    rendered_at = models.DateTimeField(_("rendered at"), default=clock.now)

    class Meta:
        verbose_name = _("archived document")
        verbose_name_plural = _("archived documents")
        ordering = ["dispute", "position", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["dispute", "kind", "part", "copy"], name="archived_once"
            )
        ]

    def __str__(self) -> str:
        return f"{self.dispute} · {self.title}"

    def read(self) -> bytes | None:
        """The stored bytes, or None when the file is gone from storage."""
        try:
            with self.file.open("rb") as handle:
                return handle.read()
        except (FileNotFoundError, ValueError):
            return None

    def verify(self, data: bytes | None = None) -> str:
        data = self.read() if data is None else data
        if data is None:
            return self.Integrity.MISSING
        if hashlib.sha256(data).hexdigest() != self.sha256:
            return self.Integrity.ALTERED
        return self.Integrity.INTACT


class TallyRow(models.Model):
    """One figure of the dashboard counted ahead (``reports.tally``): a spec of
    ``reports.figures`` over the cases received on one day (or in one month), in one place (the
    town, or the jurisdiction itself above the towns) and owned by one centre, as one unit
    reaches them ("" every case, "dept:<id>" those a department leads or co-handles,
    "escalated" those escalated to the leading group). ``key`` is the spec's group (its fields'
    values, as JSON); ``a`` to ``d`` its aggregates in the spec's order (money in fen)."""

    class Grain(models.TextChoices):
        DAY = "d", _("Day")
        MONTH = "m", _("Month")

    grain = models.CharField(max_length=1, choices=Grain.choices)
    day = models.DateField()  # the day, or the month's first day
    unit = models.CharField(max_length=32)
    place = models.ForeignKey(
        "departments.Jurisdiction", on_delete=models.CASCADE, related_name="+"
    )
    centre = models.ForeignKey("departments.Centre", on_delete=models.CASCADE, related_name="+")
    spec = models.CharField(max_length=32)
    variant = models.CharField(max_length=16, blank=True)  # "department": counted per department
    key = models.CharField(max_length=200, blank=True)
    a = models.BigIntegerField(default=0)
    b = models.BigIntegerField(default=0)
    c = models.BigIntegerField(default=0)
    d = models.BigIntegerField(default=0)

    class Meta:
        verbose_name = _("dashboard tally row")
        verbose_name_plural = _("dashboard tally")
        indexes = [
            models.Index(fields=["unit", "spec", "variant", "grain", "day"], name="tally_read"),
            models.Index(fields=["day"], name="tally_day"),
        ]

    def __str__(self) -> str:
        return f"{self.day} {self.unit or '*'} {self.spec} {self.key}"


class TallyState(models.Model):
    """When the tally was last counted (one row): the figures are those of that moment."""

    counted_at = models.DateTimeField(_("counted at"))
    seconds = models.FloatField(_("took (seconds)"), default=0)
    rows = models.PositiveIntegerField(_("rows"), default=0)

    class Meta:
        verbose_name = _("dashboard tally state")
        verbose_name_plural = _("dashboard tally state")

    def __str__(self) -> str:
        return f"{self.counted_at:%Y-%m-%d %H:%M} ({self.rows} rows)"


def new_token() -> str:
    """A folder name nobody guesses: the file's address says nothing of whose it is."""
    return secrets.token_hex(16)


def export_path(instance: "ExportJob", filename: str) -> str:
    return f"exports/{instance.token}/{filename}"


class ExportJob(models.Model):
    """A ledger export too large to write within a request: written by a Celery task, chunk by
    chunk (``done`` of ``total`` rows), kept for ``LEDGER_EXPORT_KEEP_HOURS`` and fetched only by
    the user who asked for it. ``params``: the ledger's query string as it was asked for; the
    task reads the cases again through the filter, with the requester's rights of that moment.
    """

    class Format(models.TextChoices):
        XLSX = "xlsx", _("Excel (.xlsx)")
        CSV = "csv", _("CSV")

    class Status(models.TextChoices):
        PENDING = "pending", _("Waiting")
        RUNNING = "running", _("Being written")
        DONE = "done", _("Ready")
        FAILED = "failed", _("Failed")
        EXPIRED = "expired", _("Expired")

    requester = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("requested by"),
        on_delete=models.CASCADE,
        related_name="+",
    )
    token = models.CharField(max_length=32, default=new_token, unique=True, editable=False)
    params = models.TextField(_("filters"), blank=True)
    format = models.CharField(_("format"), max_length=4, choices=Format.choices)
    status = models.CharField(
        _("status"), max_length=10, choices=Status.choices, default=Status.PENDING
    )
    done = models.PositiveIntegerField(_("rows written"), default=0)
    total = models.PositiveIntegerField(_("rows"), default=0)
    file = models.FileField(_("file"), upload_to=export_path, max_length=255, blank=True)
    error = models.CharField(_("error"), max_length=200, blank=True)
    created_at = models.DateTimeField(_("requested at"), default=clock.now)
    finished_at = models.DateTimeField(_("finished at"), null=True, blank=True)
    expires_at = models.DateTimeField(_("expires at"))

    class Meta:
        verbose_name = _("ledger export")
        verbose_name_plural = _("ledger exports")
        ordering = ["-created_at", "-id"]
        indexes = [
            models.Index(fields=["requester", "created_at"], name="exportjob_requester"),
            models.Index(fields=["expires_at"], name="exportjob_expires"),
        ]

    def __str__(self) -> str:
        return f"{self.requester} · {self.format} · {self.created_at:%Y-%m-%d %H:%M}"

    @property
    def percent(self) -> int:
        if self.status == self.Status.DONE:
            return 100
        return min(100, self.done * 100 // self.total) if self.total else 0

    @property
    def filename(self) -> str:
        return f"ledger-{timezone.localtime(self.created_at):%Y%m%d-%H%M}.{self.format}"
