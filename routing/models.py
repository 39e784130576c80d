"""Where a case goes: routing rules, transfers between centres, referrals to the
government office."""

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from departments import clock
from departments.models import Centre, Department, Jurisdiction
from disputes.models import Category, Dispute, InsuranceType


class RoutingRule(models.Model):
    """Category (× insurance type) → the lead department and the co-handling departments.

    The most specific active rule wins: one naming the insurance type beats one that does not,
    and one scoped to the case's county beats an installation-wide one.
    """

    category = models.ForeignKey(
        Category, verbose_name=_("category"), on_delete=models.CASCADE, related_name="rules"
    )
    insurance_type = models.ForeignKey(
        InsuranceType,
        verbose_name=_("insurance type"),
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        help_text=_("Leave empty for a rule that applies to every insurance type."),
    )
    county = models.ForeignKey(
        Jurisdiction,
        verbose_name=_("county"),
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        limit_choices_to={"level": Jurisdiction.Level.COUNTY},
        help_text=_("Leave empty for a rule that applies everywhere."),
    )
    lead_department = models.ForeignKey(
        Department, verbose_name=_("lead department"), on_delete=models.PROTECT, related_name="+"
    )
    co_departments = models.ManyToManyField(
        Department, verbose_name=_("co-handling departments"), blank=True, related_name="+"
    )
    suggested_classification = models.CharField(
        _("suggested classification"),
        max_length=10,
        blank=True,
        choices=[
            ("simple", _("Simple matter")),
            ("general", _("General matter")),
            ("major", _("Major or difficult matter")),
        ],
    )
    note = models.CharField(_("note"), max_length=200, blank=True)
    active = models.BooleanField(_("active"), default=True)

    class Meta:
        verbose_name = _("routing rule")
        verbose_name_plural = _("routing rules")
        ordering = ["category__sort_order", "insurance_type__sort_order"]

    def __str__(self) -> str:
        scope = self.insurance_type or _("all insurance types")
        return f"{self.category} × {scope} → {self.lead_department}"

    def clean(self) -> None:
        clash = RoutingRule.objects.filter(
            category_id=self.category_id,
            insurance_type_id=self.insurance_type_id,
            county_id=self.county_id,
        ).exclude(pk=self.pk)
        if self.category_id and clash.exists():
            raise ValidationError(
                _("A rule for this category, insurance type and county exists already.")
            )


class Transfer(models.Model):
    """A case handed to the competent centre of another jurisdiction (内网转办)."""

    dispute = models.ForeignKey(Dispute, on_delete=models.CASCADE, related_name="transfers")
    from_centre = models.ForeignKey(
        Centre, verbose_name=_("from centre"), on_delete=models.PROTECT, related_name="+"
    )
    to_centre = models.ForeignKey(
        Centre, verbose_name=_("to centre"), on_delete=models.PROTECT, related_name="+"
    )
    reason = models.TextField(_("reason"))
    by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("by"), on_delete=models.PROTECT, related_name="+"
    )
    at = models.DateTimeField(_("time"), default=clock.now)

    class Meta:
        verbose_name = _("transfer")
        verbose_name_plural = _("transfers")
        ordering = ["at"]

    def __str__(self) -> str:
        return f"{self.dispute} → {self.to_centre}"


class Referral(models.Model):
    """The referral sheet (报送单) sent to the government office when responsibility is unclear."""

    dispute = models.OneToOneField(Dispute, on_delete=models.CASCADE, related_name="referral")
    summary = models.TextField(_("summary of what was reported"))
    opinion = models.TextField(_("referral opinion"))
    receiver = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("receiver"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    receiver_phone = models.CharField(_("receiver's phone"), max_length=30, blank=True)
    received_at = models.DateTimeField(_("received at"))
    report_back_by = models.DateField(_("report the result back by"))
    contact_phone = models.CharField(_("phone"), max_length=30, blank=True)
    contact_email = models.EmailField(_("e-mail"), blank=True)
    referred_at = models.DateTimeField(_("referred at"), default=clock.now)
    dispatched_to = models.ForeignKey(
        Department,
        verbose_name=_("undertaking department"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    dispatched_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("dispatched by"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    dispatched_at = models.DateTimeField(_("dispatched at"), null=True, blank=True)
    hotline_ticket = models.CharField(_("12345 ticket number"), max_length=40, blank=True)

    class Meta:
        verbose_name = _("referral")
        verbose_name_plural = _("referrals")

    def __str__(self) -> str:
        return str(self.dispute)


# -- the working-day calendar -----------------------------------------------------------------


class CalendarDay(models.Model):
    """An administrator's override of the official calendar for one date."""

    date = models.DateField(_("date"), unique=True)
    is_workday = models.BooleanField(
        _("working day"),
        help_text=_(
            "Ticked: a working day (e.g. an adjusted weekend workday). Unticked: a day off."
        ),
    )
    reason = models.CharField(_("reason"), max_length=100)
    notice = models.CharField(_("notice it comes from"), max_length=200, blank=True)

    class Meta:
        verbose_name = _("calendar override")
        verbose_name_plural = _("calendar overrides")
        ordering = ["date"]

    def __str__(self) -> str:
        return f"{self.date:%Y-%m-%d} {self.reason}"


class CalendarYear(models.Model):
    """Marks a year whose official arrangement the administrators have entered in full."""

    year = models.PositiveSmallIntegerField(_("year"), unique=True)
    notice = models.CharField(_("notice it comes from"), max_length=200)
    entered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("entered by"),
        null=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    entered_at = models.DateTimeField(_("entered at"), default=clock.now)

    class Meta:
        verbose_name = _("year's holiday arrangement")
        verbose_name_plural = _("years' holiday arrangements")
        ordering = ["-year"]

    def __str__(self) -> str:
        return str(self.year)


# -- deadlines ---------------------------------------------------------------------------------


class Stage(models.TextChoices):
    CLASSIFICATION = "classification", _("Registration to classification")
    TRANSFER_ACCEPTANCE = "transfer_acceptance", _("Acceptance of a transferred case")
    REFERRAL_DISPATCH = "referral_dispatch", _("Dispatch of a referral")
    REFERRAL_FEEDBACK = "referral_feedback", _("Handling and feedback of a referral")
    DEPARTMENT_OPINION = "department_opinion", _("Department opinion")
    PASS_ON = "pass_on", _("Passing a declined matter on")
    GENERAL_REPLY = "general_reply", _("Consolidation and reply (general case)")
    LEADER_APPROVAL = "leader_approval", _("Leader's approval")
    CONSULTATION_MEETING = "consultation_meeting", _("Consultation meeting")
    DECISION_TASK = "decision_task", _("Task decided by a meeting")
    COURT_ENFORCEMENT = "court_enforcement", _("Court enforcement and report back")
    MAJOR_REPLY = "major_reply", _("Reply (major case)")
    REPORT_BACK = "report_back", _("Reply once the opinion is settled")
    ARCHIVING = "archiving", _("Archiving after closure")
    FOLLOW_UP = "follow_up", _("Follow-up visit after the reply")
    REDO = "redo", _("Redoing a matter the payer is not satisfied with")
    SUPERVISION = "supervision", _("Report on a supervised matter")


class DeadlinePolicy(models.Model):
    """How many working days a stage may take; a row naming categories wins for them."""

    stage = models.CharField(_("stage"), max_length=24, choices=Stage.choices)
    name = models.CharField(_("name"), max_length=100)
    working_days = models.PositiveSmallIntegerField(_("working days"))
    categories = models.ManyToManyField(
        Category,
        verbose_name=_("only for these categories"),
        blank=True,
        help_text=_("Leave empty for the default limit of the stage."),
    )
    basis = models.CharField(_("basis"), max_length=200, blank=True)

    class Meta:
        verbose_name = _("deadline policy")
        verbose_name_plural = _("deadline policies")
        ordering = ["stage", "name"]

    def __str__(self) -> str:
        return f"{self.name}：{self.working_days}"


class UrgingStep(models.IntegerChoices):
    NONE = 0, _("Not urged")
    NOTICE = 1, _("Urging notice issued")
    CIRCULAR = 2, _("Circulated")


class DeadlineQuerySet(models.QuerySet):
    def running(self):
        return self.filter(status__in=Deadline.RUNNING)


class Deadline(models.Model):
    class Status(models.TextChoices):
        OPEN = "open", _("Open")
        EXTENDED = "extended", _("Extended")
        MET = "met", _("Met")
        OVERDUE = "overdue", _("Overdue")
        CANCELLED = "cancelled", _("No longer needed")

    RUNNING = (Status.OPEN, Status.EXTENDED)

    dispute = models.ForeignKey(Dispute, on_delete=models.CASCADE, related_name="deadlines")
    stage = models.CharField(_("stage"), max_length=24, choices=Stage.choices)
    department = models.ForeignKey(
        Department,
        verbose_name=_("responsible department"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="deadlines",
    )
    centre = models.ForeignKey(
        Centre,
        verbose_name=_("responsible centre"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="deadlines",
    )
    assignee = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("responsible person"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    working_days = models.PositiveSmallIntegerField(_("working days"))
    started_at = models.DateTimeField(_("started at"))
    due_at = models.DateTimeField(_("due"))
    remind_at = models.DateTimeField(_("reminder at"))
    reminded_at = models.DateTimeField(_("reminded at"), null=True, blank=True)
    status = models.CharField(
        _("status"), max_length=10, choices=Status.choices, default=Status.OPEN
    )
    met_at = models.DateTimeField(_("closed at"), null=True, blank=True)
    overdue_at = models.DateTimeField(_("marked overdue at"), null=True, blank=True)
    days_late = models.PositiveSmallIntegerField(_("working days late"), default=0)
    provisional = models.BooleanField(
        _("provisional"),
        default=False,
        help_text=_("Counted on weekends alone: the official arrangement of a year is missing."),
    )
    paused_at = models.DateTimeField(_("paused since"), null=True, blank=True)
    # The sweep's urging ladder (催办 → 通报) for a department's overdue limit: the step it has
    # reached, and the day the circular falls due once the notice is out.
    urging_step = models.PositiveSmallIntegerField(
        _("urging step"),
        choices=UrgingStep.choices,
        default=UrgingStep.NONE,
        db_default=UrgingStep.NONE,  # rows written past the ORM (the demo's COPY) start at none
    )
    circular_on = models.DateField(_("circular due on"), null=True, blank=True)

    objects = DeadlineQuerySet.as_manager()

    class Meta:
        verbose_name = _("deadline")
        verbose_name_plural = _("deadlines")
        ordering = ["due_at"]
        indexes = [
            # The sweep reads only what is due: partial indexes on the running, unpaused rows.
            models.Index(
                fields=["due_at"],
                name="deadline_due_running",
                condition=Q(status__in=["open", "extended"], paused_at__isnull=True),
            ),
            models.Index(
                fields=["remind_at"],
                name="deadline_remind_pending",
                condition=Q(
                    status__in=["open", "extended"],
                    paused_at__isnull=True,
                    reminded_at__isnull=True,
                ),
            ),
            models.Index(fields=["dispute", "status"], name="deadline_dispute_status"),
            # The overdue panel, most overdue first: the walk stops after the rows it shows.
            models.Index(
                fields=["due_at", "id"],
                name="deadline_overdue_due",
                condition=Q(status="overdue", met_at__isnull=True),
            ),
            # The urging ladder reads only what is due for its next step: the departments'
            # overdue limits not yet urged (by due moment), and those whose notice is out and
            # whose circular falls due (by that day). A limit met leaves both.
            models.Index(
                fields=["due_at"],
                name="deadline_urging_due",
                condition=Q(
                    status="overdue", met_at__isnull=True, department__isnull=False, urging_step=0
                ),
            ),
            models.Index(
                fields=["circular_on"],
                name="deadline_circular_due",
                condition=Q(status="overdue", met_at__isnull=True, urging_step=1),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.dispute} · {self.get_stage_display()}"

    @property
    def is_running(self) -> bool:
        return self.status in self.RUNNING


class DeadlineNotice(models.Model):
    """One row per notice sent for a deadline and due moment: the sweep's idempotency key."""

    class Kind(models.TextChoices):
        REMINDER = "reminder", _("Reminder before the due day")
        OVERDUE = "overdue", _("Overdue")

    deadline = models.ForeignKey(Deadline, on_delete=models.CASCADE, related_name="notices")
    kind = models.CharField(max_length=10, choices=Kind.choices)
    due_at = models.DateTimeField()
    sent_at = models.DateTimeField(default=clock.now)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["deadline", "kind", "due_at"], name="one_notice_per_deadline_kind_due"
            )
        ]

    def __str__(self) -> str:
        return f"{self.deadline_id} {self.kind}"


class Accountability(models.Model):
    """A missed time limit (责任追究): case, stage, department, working days late."""

    deadline = models.OneToOneField(
        Deadline, on_delete=models.CASCADE, related_name="accountability"
    )
    dispute = models.ForeignKey(
        Dispute, verbose_name=_("case"), on_delete=models.CASCADE, related_name="+"
    )
    stage = models.CharField(_("stage"), max_length=24, choices=Stage.choices)
    department = models.ForeignKey(
        Department,
        verbose_name=_("department"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    centre = models.ForeignKey(
        Centre,
        verbose_name=_("centre"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    days_late = models.PositiveSmallIntegerField(_("working days late"), default=0)
    recorded_at = models.DateTimeField(_("recorded at"), default=clock.now)

    class Meta:
        verbose_name = _("accountability record")
        verbose_name_plural = _("accountability records")
        ordering = ["-recorded_at"]
        # The accountability page walks them newest first (reports.accountability).
        indexes = [models.Index(fields=["recorded_at", "id"], name="accountability_recorded")]

    def __str__(self) -> str:
        return f"{self.dispute} · {self.get_stage_display()}"


class ExtensionRequest(models.Model):
    """An officer asks for more time (延期); a coordinator or the leading-group office decides."""

    class Status(models.TextChoices):
        PENDING = "pending", _("Awaiting decision")
        GRANTED = "granted", _("Granted")
        REFUSED = "refused", _("Refused")

    deadline = models.ForeignKey(Deadline, on_delete=models.CASCADE, related_name="extensions")
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("requested by"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    requested_at = models.DateTimeField(_("requested at"), default=clock.now)
    working_days = models.PositiveSmallIntegerField(_("extra working days"))
    reason = models.TextField(_("reason"))
    status = models.CharField(
        _("status"), max_length=10, choices=Status.choices, default=Status.PENDING
    )
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("decided by"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    decided_at = models.DateTimeField(_("decided at"), null=True, blank=True)
    comment = models.TextField(_("comment"), blank=True)

    class Meta:
        verbose_name = _("extension request")
        verbose_name_plural = _("extension requests")
        ordering = ["-requested_at"]

    def __str__(self) -> str:
        return f"{self.deadline} +{self.working_days}"


class CasePause(models.Model):
    """The case waits on the payer (e.g. for documents): its clocks stand still meanwhile."""

    dispute = models.ForeignKey(Dispute, on_delete=models.CASCADE, related_name="pauses")
    reason = models.CharField(_("reason"), max_length=200)
    started_at = models.DateTimeField(_("paused at"), default=clock.now)
    started_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("paused by"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    ended_at = models.DateTimeField(_("resumed at"), null=True, blank=True)
    ended_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("resumed by"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )

    class Meta:
        verbose_name = _("pause")
        verbose_name_plural = _("pauses")
        ordering = ["-started_at"]
        constraints = [
            models.UniqueConstraint(
                fields=["dispute"], condition=Q(ended_at__isnull=True), name="one_open_pause"
            )
        ]

    def __str__(self) -> str:
        return f"{self.dispute} · {self.reason}"


class Urging(models.Model):
    """催办: someone overseeing the case urges the responsible department on an open limit."""

    dispute = models.ForeignKey(
        Dispute, verbose_name=_("case"), on_delete=models.CASCADE, related_name="urgings"
    )
    deadline = models.ForeignKey(
        Deadline, verbose_name=_("time limit"), on_delete=models.CASCADE, related_name="urgings"
    )
    department = models.ForeignKey(
        Department, verbose_name=_("department"), on_delete=models.PROTECT, related_name="+"
    )
    by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("by"), on_delete=models.PROTECT, related_name="+"
    )
    at = models.DateTimeField(_("time"), default=clock.now)
    note = models.TextField(_("note"))

    class Meta:
        verbose_name = _("urging")
        verbose_name_plural = _("urgings")
        ordering = ["-at", "-pk"]
        # The officer's queue asks, per case on its page, whether its department is urged.
        indexes = [models.Index(fields=["dispute", "department"], name="urging_case_department")]

    def __str__(self) -> str:
        return f"{self.dispute} · {self.department}"


class UrgingNotice(models.Model):
    """《催办通知书》: issued by the sweep on the first working day after a department's limit
    passed unmet; numbered per owning centre and year (``<centre>-CB-<year>-<seq>``)."""

    deadline = models.OneToOneField(
        Deadline,
        verbose_name=_("time limit"),
        on_delete=models.CASCADE,
        related_name="urging_notice",
    )
    dispute = models.ForeignKey(
        Dispute, verbose_name=_("case"), on_delete=models.CASCADE, related_name="urging_notices"
    )
    department = models.ForeignKey(
        Department, verbose_name=_("department"), on_delete=models.PROTECT, related_name="+"
    )
    centre = models.ForeignKey(
        Centre, verbose_name=_("issuing centre"), on_delete=models.PROTECT, related_name="+"
    )
    number = models.CharField(_("number"), max_length=40, unique=True)
    issued_at = models.DateTimeField(_("issued at"), default=clock.now)
    days_late = models.PositiveSmallIntegerField(_("working days late"), default=0)

    class Meta:
        verbose_name = _("urging notice")
        verbose_name_plural = _("urging notices")
        ordering = ["issued_at", "pk"]
        indexes = [
            models.Index(fields=["dispute", "department"], name="urgingnotice_case_department")
        ]

    def __str__(self) -> str:
        return self.number


class LateCircular(models.Model):
    """通报: a department's limit still unmet five working days after its urging notice; the
    county's leading-group office hears of it and the evaluation counts it."""

    deadline = models.OneToOneField(
        Deadline,
        verbose_name=_("time limit"),
        on_delete=models.CASCADE,
        related_name="late_circular",
    )
    dispute = models.ForeignKey(
        Dispute, verbose_name=_("case"), on_delete=models.CASCADE, related_name="late_circulars"
    )
    department = models.ForeignKey(
        Department, verbose_name=_("department"), on_delete=models.PROTECT, related_name="+"
    )
    issued_at = models.DateTimeField(_("issued at"), default=clock.now)
    days_late = models.PositiveSmallIntegerField(_("working days late"), default=0)

    class Meta:
        verbose_name = _("circular entry")
        verbose_name_plural = _("circular entries")
        ordering = ["-issued_at", "-pk"]
        # The evaluation counts and lists them by period.
        indexes = [models.Index(fields=["issued_at", "id"], name="latecircular_issued")]

    def __str__(self) -> str:
        return f"{self.dispute} · {self.department}"
