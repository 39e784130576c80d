"""Frozen documents (each rendered once, at archiving or at issue for the receipt, and stored
with its hash); the evaluation's scoring policies, its monthly circular and who receives it;
the leading-group office's decisions on accountability records."""

import hashlib
import secrets
from decimal import Decimal

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from departments import clock
from departments.models import Jurisdiction
from disputes.models import Dispute
from routing.models import Accountability


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


# -- department evaluation (绩效考评) ---------------------------------------------------------


def _points(verbose_name, default, help_text):
    return models.DecimalField(
        verbose_name, max_digits=6, decimal_places=2, default=default, help_text=help_text
    )


class ScoringPolicy(models.Model):
    """How the evaluation scores a unit (绩效考评): points off a base for each shortcoming.

    Data, like the deadline policies: the administrators set the weights in the admin. The
    policy of a period is the active one in force on the period's first day (the latest
    ``valid_from`` not after it), so a new policy does not rewrite the months already reported.
    ``reports.evaluation.score`` is the formula.
    """

    name = models.CharField(_("name"), max_length=100)
    active = models.BooleanField(_("active"), default=True)
    valid_from = models.DateField(_("valid from"))
    base_score = _points(_("base score"), 100, _("What a unit with no shortcoming scores."))
    on_time_weight = _points(
        _("points per percentage point below 100% on time"),
        Decimal("0.50"),
        _("Taken off for each percentage point the on-time rate falls short of 100%."),
    )
    days_late_weight = _points(
        _("points per working day late on average"),
        2,
        _("Taken off for each working day of the mean lateness of the limits closed late."),
    )
    decline_weight = _points(
        _("points per decline without good reason"),
        3,
        _(
            "Taken off for each case on which the unit's refusal was referred to the discipline "
            "commission."
        ),
    )
    extension_weight = _points(
        _("points per case with an extension granted"),
        1,
        _("Taken off for each case with an extension granted on a time limit of the unit."),
    )
    accountability_weight = _points(
        _("points per accountability entry"),
        1,
        _("Taken off for each accountability entry recorded in the period."),
    )
    overdue_open_weight = _points(
        _("points per case overdue still open"),
        2,
        _(
            "Taken off for each case with a time limit of the unit overdue and still not met when "
            "the report is made."
        ),
    )
    # The payer's rating and the redo (回访, 重办): a unit with no case rated (replied) loses
    # nothing for them, so the scores of the months before any rating are what they were.
    satisfaction_weight = _points(
        _("points per percentage point below 100% satisfied"),
        Decimal("0.30"),
        _(
            "Taken off for each percentage point the satisfaction rate (satisfied or basically "
            "satisfied, of the cases rated) falls short of 100%; nothing when no case is rated."
        ),
    )
    redo_weight = _points(
        _("points per percentage point of cases redone"),
        Decimal("0.50"),
        _("Taken off for each percentage point of the redo rate (of the cases replied to)."),
    )
    marked = models.PositiveSmallIntegerField(
        _("units on the red and on the black list"),
        default=3,
        help_text=_("How many of the best units the red list names, and of the worst the black."),
    )
    basis = models.CharField(_("basis"), max_length=200, blank=True)

    class Meta:
        verbose_name = _("scoring policy")
        verbose_name_plural = _("scoring policies")
        ordering = ["-valid_from", "-id"]

    def __str__(self) -> str:
        return f"{self.name}（{self.valid_from:%Y-%m-%d}）"


class MonthlyReportRecipient(models.Model):
    """Who receives a county's monthly evaluation circular (通报) by e-mail: a user (at the
    address of the account) or a plain address, e.g. the leading-group office's mailbox."""

    county = models.ForeignKey(
        Jurisdiction,
        verbose_name=_("county"),
        on_delete=models.CASCADE,
        related_name="+",
        limit_choices_to={"level": Jurisdiction.Level.COUNTY},
    )
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("user"),
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="+",
    )
    email = models.EmailField(
        _("e-mail"), blank=True, help_text=_("Leave empty to use the user's own address.")
    )
    active = models.BooleanField(_("active"), default=True)

    class Meta:
        verbose_name = _("recipient of the monthly circular")
        verbose_name_plural = _("recipients of the monthly circular")
        ordering = ["county", "email", "id"]

    def __str__(self) -> str:
        return self.address or str(self.user or "")

    @property
    def address(self) -> str:
        return self.email or (self.user.email if self.user_id else "")

    def clean(self) -> None:
        if self.county_id and self.county.level != Jurisdiction.Level.COUNTY:
            raise ValidationError({"county": _("Choose a county or district.")})
        if not self.email and not (self.user_id and self.user.email):
            raise ValidationError(_("Give an e-mail address, or a user who has one."))


class MonthlyReportDispatch(models.Model):
    """A month's circular of a county, as sent: at most one row per county and month, written
    in the same transaction as the sending, so that a rerun of the job sends nothing twice."""

    county = models.ForeignKey(
        Jurisdiction, verbose_name=_("county"), on_delete=models.PROTECT, related_name="+"
    )
    month = models.DateField(_("month"), help_text=_("Its first day."))
    sent_at = models.DateTimeField(_("sent at"), default=clock.now)
    recipients = models.TextField(_("recipients"))

    class Meta:
        verbose_name = _("monthly circular sent")
        verbose_name_plural = _("monthly circulars sent")
        ordering = ["-month", "county"]
        constraints = [
            models.UniqueConstraint(fields=["county", "month"], name="one_circular_per_month")
        ]

    def __str__(self) -> str:
        return f"{self.county} {self.month:%Y-%m}"


# -- accountability (责任追究) -----------------------------------------------------------------


class AppendOnly(Exception):
    pass


class AccountabilityDecision(models.Model):
    """What the leading-group office decided on an accountability record (责任追究): who, when,
    the outcome and why. Append-only: a later decision supersedes the earlier ones, which stay
    as they were (``reports.accountability.accountability_decide`` writes them)."""

    class Outcome(models.TextChoices):
        REMINDED = "reminded", _("Reminded")
        CRITICISED = "criticised", _("Criticised in a circular")
        REFERRED = "referred", _("Referred to the discipline commission")
        EXCUSED = "excused", _("Excused, with the reason")

    record = models.ForeignKey(
        Accountability,
        verbose_name=_("accountability record"),
        on_delete=models.PROTECT,
        related_name="decisions",
    )
    outcome = models.CharField(_("outcome"), max_length=12, choices=Outcome.choices)
    reason = models.TextField(_("reason"), blank=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("decided by"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    decided_at = models.DateTimeField(_("decided at"), default=clock.now)

    class Meta:
        verbose_name = _("accountability decision")
        verbose_name_plural = _("accountability decisions")
        ordering = ["-decided_at", "-id"]
        constraints = [
            models.CheckConstraint(
                condition=~models.Q(outcome="excused", reason=""),
                name="an_excuse_gives_its_reason",
            )
        ]
        indexes = [models.Index(fields=["record", "-decided_at"], name="decision_record_latest")]

    def __str__(self) -> str:
        return f"{self.record} · {self.get_outcome_display()}"

    def save(self, *args, **kwargs):
        if not self._state.adding:
            raise AppendOnly("An accountability decision is never changed; record a new one.")
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        raise AppendOnly("An accountability decision is never deleted.")
