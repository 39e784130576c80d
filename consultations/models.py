"""Joint handling and the leading group.

Joint handling: each department's sub-task on a case and its written opinion (书面意见), and the
clue passed to the discipline commission when a department refuses its duty. The leading group:
consultation meetings (会商) with their agenda of cases, the decision per case and the tasks it
gives (who does what by when), the minutes (会议纪要), court enforcement and policy issues.
"""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from departments import clock
from departments.models import Centre, Department
from disputes.models import Attachment, Dispute
from routing.models import Deadline


class DepartmentTask(models.Model):
    class Role(models.TextChoices):
        LEAD = "lead", _("Lead department")
        CO = "co", _("Co-handling department")

    class Status(models.TextChoices):
        PENDING = "pending", _("Awaiting opinion")
        ANSWERED = "answered", _("Opinion given")
        DECLINED = "declined", _("Declined as not its duty")
        WITHDRAWN = "withdrawn", _("No longer needed")

    dispute = models.ForeignKey(Dispute, on_delete=models.CASCADE, related_name="department_tasks")
    department = models.ForeignKey(
        Department, verbose_name=_("department"), on_delete=models.PROTECT, related_name="tasks"
    )
    role = models.CharField(_("role"), max_length=8, choices=Role.choices)
    # The reply round the opinion is asked for (Dispute.reply_round): a redo (重办) asks the
    # same departments again, in a new round, and keeps the earlier opinions.
    round = models.PositiveSmallIntegerField(_("reply round"), default=1)
    status = models.CharField(
        _("status"), max_length=10, choices=Status.choices, default=Status.PENDING
    )
    opened_at = models.DateTimeField(_("opened at"), default=clock.now, editable=False)
    finding = models.TextField(_("finding of fact"), blank=True)
    basis = models.TextField(_("legal or policy basis"), blank=True)
    proposal = models.TextField(_("proposed handling"), blank=True)
    amount_confirmed = models.DecimalField(
        _("amount confirmed (yuan)"), max_digits=14, decimal_places=2, null=True, blank=True
    )
    decline_reason = models.TextField(_("why it is not this department's duty"), blank=True)
    signed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("signed by"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    answered_at = models.DateTimeField(_("answered at"), null=True, blank=True)
    deadline = models.OneToOneField(
        Deadline,
        verbose_name=_("deadline"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="department_task",
    )
    # The opinion's supporting documents are case attachments, so they go into the case file.
    attachments = models.ManyToManyField(
        Attachment, verbose_name=_("attachments"), blank=True, related_name="opinions"
    )

    class Meta:
        verbose_name = _("department task")
        verbose_name_plural = _("department tasks")
        # The current round's first (a redo asks again), the lead's before the others.
        ordering = ["-round", "role", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["dispute", "department", "round"],
                condition=~Q(status="withdrawn"),
                name="one_live_task_per_department_round",
            )
        ]
        indexes = [
            models.Index(fields=["department", "status"], name="task_department_status"),
            # The queues ask which cases have a sub-task pending (of one department, or of any):
            # read from these small indexes alone, not from the tasks' pages.
            models.Index(
                fields=["department", "dispute"],
                name="task_pending_department",
                condition=Q(status="pending"),
            ),
            models.Index(fields=["dispute"], name="task_pending", condition=Q(status="pending")),
        ]

    def __str__(self) -> str:
        return f"{self.dispute} · {self.department}"

    @property
    def is_settled(self) -> bool:
        return self.status != self.Status.PENDING


class DisciplineReferral(models.Model):
    """A refusing department's case clue passed to the discipline commission (纪委监委).

    Decided by the coordinator of the owning centre; append-only, one per refusal.
    """

    dispute = models.ForeignKey(
        Dispute, on_delete=models.CASCADE, related_name="discipline_referrals"
    )
    task = models.ForeignKey(
        DepartmentTask,
        verbose_name=_("refused task"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="discipline_referrals",
    )
    department = models.ForeignKey(
        Department,
        verbose_name=_("refusing department"),
        on_delete=models.PROTECT,
        related_name="discipline_referrals",
    )
    reason = models.TextField(_("why the refusal has no good reason"))
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("decided by"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    decided_at = models.DateTimeField(_("decided at"), default=clock.now)

    class Meta:
        verbose_name = _("clue passed to the discipline commission")
        verbose_name_plural = _("clues passed to the discipline commission")
        ordering = ["-decided_at", "-id"]

    def __str__(self) -> str:
        return f"{self.dispute} · {self.department}"


class Meeting(models.Model):
    """A consultation meeting (会商) of the leading-group office's county."""

    class Kind(models.TextChoices):
        GENERAL = "general", _("General consultation between departments")
        MAJOR = "major", _("Major consultation (with the leader's consent)")

    class Status(models.TextChoices):
        PLANNED = "planned", _("In preparation")
        HELD = "held", _("Held")
        CANCELLED = "cancelled", _("Cancelled")

    office = models.ForeignKey(
        Centre,
        verbose_name=_("leading-group office"),
        on_delete=models.PROTECT,
        related_name="meetings",
        limit_choices_to={"kind": Centre.Kind.LEADING_GROUP_OFFICE},
    )
    kind = models.CharField(_("kind"), max_length=10, choices=Kind.choices)
    title = models.CharField(_("title"), max_length=200)
    held_at = models.DateTimeField(_("time"))
    place = models.CharField(_("place"), max_length=200)
    host = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("host"),
        on_delete=models.PROTECT,
        related_name="hosted_meetings",
    )
    invited_departments = models.ManyToManyField(
        Department, verbose_name=_("invited departments"), blank=True, related_name="meetings"
    )
    invited_people = models.ManyToManyField(
        settings.AUTH_USER_MODEL,
        verbose_name=_("invited people"),
        blank=True,
        related_name="meeting_invitations",
    )
    status = models.CharField(
        _("status"), max_length=10, choices=Status.choices, default=Status.PLANNED
    )
    held_recorded_at = models.DateTimeField(_("recorded as held at"), null=True, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("created by"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    created_at = models.DateTimeField(_("created at"), default=clock.now)

    class Meta:
        verbose_name = _("consultation meeting")
        verbose_name_plural = _("consultation meetings")
        ordering = ["-held_at", "-id"]
        indexes = [models.Index(fields=["office", "status"], name="meeting_office_status")]

    def __str__(self) -> str:
        return self.title


class Attendance(models.Model):
    """One person at a meeting: invited (``present`` unknown), then recorded present or absent.

    People without an account (e.g. a court judge) are written by name.
    """

    meeting = models.ForeignKey(Meeting, on_delete=models.CASCADE, related_name="attendances")
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("person"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    name = models.CharField(_("name"), max_length=50)
    department = models.ForeignKey(
        Department,
        verbose_name=_("department"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    position = models.CharField(_("position"), max_length=50, blank=True)
    present = models.BooleanField(_("present"), null=True, blank=True)
    note = models.CharField(_("note"), max_length=100, blank=True)

    class Meta:
        verbose_name = _("attendance")
        verbose_name_plural = _("attendance")
        ordering = ["department__name", "id"]

    def __str__(self) -> str:
        return self.name


class AgendaItem(models.Model):
    """One case discussed at a meeting, and the meeting's decision on it."""

    class Outcome(models.TextChoices):
        SETTLED = "settled", _("Settled: the case goes to the reply")
        FURTHER = "further", _("Further handling: the case stays in special handling")
        COURT = "court", _("Sent to the court for enforcement")

    meeting = models.ForeignKey(Meeting, on_delete=models.CASCADE, related_name="agenda")
    dispute = models.ForeignKey(
        Dispute, verbose_name=_("case"), on_delete=models.PROTECT, related_name="agenda_items"
    )
    order = models.PositiveSmallIntegerField(_("order"), default=0)
    decision = models.TextField(_("decision"), blank=True)
    outcome = models.CharField(_("outcome"), max_length=10, choices=Outcome.choices, blank=True)
    decided_at = models.DateTimeField(_("decided at"), null=True, blank=True)
    # Applied to the case when the minutes are issued.
    applied_at = models.DateTimeField(_("applied at"), null=True, blank=True)

    class Meta:
        verbose_name = _("agenda item")
        verbose_name_plural = _("agenda items")
        ordering = ["order", "id"]
        constraints = [
            models.UniqueConstraint(fields=["meeting", "dispute"], name="agenda_case_once")
        ]

    def __str__(self) -> str:
        return f"{self.meeting} · {self.dispute}"


class DecisionTask(models.Model):
    """Who does what by when, from a meeting's decision on one case; it bears a deadline."""

    class Status(models.TextChoices):
        OPEN = "open", _("Open")
        DONE = "done", _("Done")
        CANCELLED = "cancelled", _("No longer needed")

    item = models.ForeignKey(AgendaItem, on_delete=models.CASCADE, related_name="tasks")
    description = models.TextField(_("what is to be done"))
    department = models.ForeignKey(
        Department,
        verbose_name=_("responsible department"),
        on_delete=models.PROTECT,
        related_name="decision_tasks",
    )
    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("responsible person"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="decision_tasks",
    )
    due_date = models.DateField(_("due date"))
    deadline = models.OneToOneField(
        Deadline,
        verbose_name=_("deadline"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="decision_task",
    )
    status = models.CharField(
        _("status"), max_length=10, choices=Status.choices, default=Status.OPEN
    )
    result = models.TextField(_("result"), blank=True)
    done_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("done by"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    done_at = models.DateTimeField(_("done at"), null=True, blank=True)

    class Meta:
        verbose_name = _("meeting decision task")
        verbose_name_plural = _("meeting decision tasks")
        ordering = ["due_date", "id"]
        indexes = [models.Index(fields=["department", "status"], name="decisiontask_dept_status")]

    def __str__(self) -> str:
        return self.description[:50]

    @property
    def dispute(self):
        return self.item.dispute


class IssuedMinutesError(Exception):
    """Issued minutes are immutable."""


class Minutes(models.Model):
    """The minutes (会议纪要) of one meeting: drafted, reviewed and signed off, then issued.

    Issued minutes are numbered (会纪〔2026〕7号) and never change again: the model refuses to
    save them, the services refuse to edit them, the admin shows them read-only.
    """

    class Status(models.TextChoices):
        DRAFT = "draft", _("Draft")
        UNDER_REVIEW = "review", _("Awaiting sign-off")
        SIGNED = "signed", _("Signed off")
        ISSUED = "issued", _("Issued")

    meeting = models.OneToOneField(Meeting, on_delete=models.PROTECT, related_name="minutes")
    status = models.CharField(
        _("status"), max_length=10, choices=Status.choices, default=Status.DRAFT
    )
    body = models.TextField(_("summary of the meeting"), blank=True)
    drafted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("drafted by"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    drafted_at = models.DateTimeField(_("drafted at"), default=clock.now)
    sign_off_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("to be signed off by"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="minutes_to_sign",
    )
    review_comment = models.TextField(_("review comment"), blank=True)
    signed_off_at = models.DateTimeField(_("signed off at"), null=True, blank=True)
    year = models.PositiveSmallIntegerField(_("year"), null=True, blank=True)
    sequence = models.PositiveIntegerField(_("sequence"), null=True, blank=True)
    number = models.CharField(_("number"), max_length=40, blank=True)
    issued_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("issued by"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    issued_at = models.DateTimeField(_("issued at"), null=True, blank=True)

    class Meta:
        verbose_name = _("minutes")
        verbose_name_plural = _("minutes")
        ordering = ["-issued_at", "-id"]
        constraints = [
            models.UniqueConstraint(
                fields=["number"], condition=~Q(number=""), name="minutes_number_unique"
            )
        ]

    def __str__(self) -> str:
        return self.number or str(self.meeting)

    def save(self, *args, **kwargs):
        if self.pk is not None:
            stored = Minutes.objects.filter(pk=self.pk).values_list("status", flat=True).first()
            if stored == self.Status.ISSUED:
                raise IssuedMinutesError(f"Minutes {self.number} are issued and cannot change.")
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        if self.is_issued:
            raise IssuedMinutesError(f"Minutes {self.number} are issued and cannot be deleted.")
        return super().delete(*args, **kwargs)

    @property
    def is_issued(self) -> bool:
        return self.status == self.Status.ISSUED


def format_minutes_number(year: int, sequence: int) -> str:
    return f"会纪〔{year}〕{sequence}号"


class MinutesCounter(models.Model):
    """Last minutes number handed out per leading-group office and year."""

    office = models.ForeignKey(Centre, on_delete=models.CASCADE, related_name="+")
    year = models.PositiveSmallIntegerField()
    last = models.PositiveIntegerField(default=0)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["office", "year"], name="minutes_counter_per_year")
        ]

    def __str__(self) -> str:
        return f"{self.office_id}/{self.year}: {self.last}"


class CourtEnforcement(models.Model):
    """A long-idle enterprise's confirmed arrears sent to the court (强制执行) by a meeting's
    decision, followed until the court reports back."""

    class Status(models.TextChoices):
        PENDING = "pending", _("Awaiting the court's report")
        REPORTED = "reported", _("Court reported back")

    dispute = models.ForeignKey(
        Dispute, on_delete=models.CASCADE, related_name="court_enforcements"
    )
    item = models.OneToOneField(
        AgendaItem, on_delete=models.PROTECT, related_name="court_enforcement"
    )
    court = models.ForeignKey(
        Department, verbose_name=_("court"), on_delete=models.PROTECT, related_name="+"
    )
    amount = models.DecimalField(
        _("confirmed arrears (yuan)"), max_digits=14, decimal_places=2, null=True, blank=True
    )
    sent_at = models.DateTimeField(_("sent at"), default=clock.now)
    deadline = models.OneToOneField(
        Deadline,
        verbose_name=_("deadline"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="court_enforcement",
    )
    status = models.CharField(
        _("status"), max_length=10, choices=Status.choices, default=Status.PENDING
    )
    report = models.TextField(_("the court's report"), blank=True)
    reported_at = models.DateTimeField(_("reported at"), null=True, blank=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("recorded by"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )

    class Meta:
        verbose_name = _("court enforcement")
        verbose_name_plural = _("court enforcements")
        ordering = ["-sent_at", "-id"]

    def __str__(self) -> str:
        return f"{self.dispute} · {self.court}"


class PolicyIssue(models.Model):
    """A policy-level, widespread or trend question (政策性、普遍性、倾向性问题) raised in a
    meeting: an issue of the leading group, linked to the cases that raised it."""

    class Kind(models.TextChoices):
        POLICY = "policy", _("Policy-level")
        WIDESPREAD = "widespread", _("Widespread")
        TREND = "trend", _("Trend")

    office = models.ForeignKey(Centre, on_delete=models.PROTECT, related_name="policy_issues")
    meeting = models.ForeignKey(
        Meeting,
        verbose_name=_("raised in"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="policy_issues",
    )
    kind = models.CharField(_("kind"), max_length=12, choices=Kind.choices)
    title = models.CharField(_("title"), max_length=200)
    description = models.TextField(_("description"))
    disputes = models.ManyToManyField(
        Dispute, verbose_name=_("cases that raised it"), related_name="policy_issues"
    )
    raised_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("recorded by"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    raised_at = models.DateTimeField(_("recorded at"), default=clock.now)

    class Meta:
        verbose_name = _("policy issue")
        verbose_name_plural = _("policy issues")
        ordering = ["-raised_at", "-id"]

    def __str__(self) -> str:
        return self.title


class Supervision(models.Model):
    """A formal supervision (督办) of a case by the leading-group office of its county.

    The office names the matter (督办事项), what it requires (督办要求), the date by which the
    supervised units report, and the units (departments). Each unit's duty to report bears a
    deadline of stage "supervision"; its final report closes that deadline. The office closes
    the supervision with its conclusion. A case has at most one open supervision at a time,
    and may have several over its life.
    """

    class Status(models.TextChoices):
        OPEN = "open", _("Under supervision")
        CLOSED = "closed", _("Supervision concluded")

    dispute = models.ForeignKey(
        Dispute, verbose_name=_("case"), on_delete=models.CASCADE, related_name="supervisions"
    )
    office = models.ForeignKey(
        Centre,
        verbose_name=_("leading-group office"),
        on_delete=models.PROTECT,
        related_name="supervisions",
        limit_choices_to={"kind": Centre.Kind.LEADING_GROUP_OFFICE},
    )
    year = models.PositiveSmallIntegerField(_("year"))
    sequence = models.PositiveIntegerField(_("sequence"))
    number = models.CharField(_("supervision number"), max_length=40, unique=True)
    matter = models.TextField(_("matter under supervision"))
    requirement = models.TextField(_("supervision requirement"))
    due_date = models.DateField(_("report by"))
    departments = models.ManyToManyField(
        Department,
        verbose_name=_("supervised units"),
        through="SupervisedUnit",
        related_name="supervisions",
    )
    opened_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("opened by"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    opened_at = models.DateTimeField(_("opened at"), default=clock.now)
    status = models.CharField(
        _("status"), max_length=10, choices=Status.choices, default=Status.OPEN
    )
    conclusion = models.TextField(_("conclusion"), blank=True)
    closed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("closed by"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    closed_at = models.DateTimeField(_("closed at"), null=True, blank=True)

    class Meta:
        verbose_name = _("supervision")
        verbose_name_plural = _("supervisions")
        ordering = ["-opened_at", "-id"]
        constraints = [
            # Its partial unique index also answers the lists' 督办 mark (is the row's case
            # under supervision?) from the open supervisions alone.
            models.UniqueConstraint(
                fields=["dispute"], condition=Q(status="open"), name="one_open_supervision_per_case"
            )
        ]
        indexes = [models.Index(fields=["office", "status"], name="supervision_office_status")]

    def __str__(self) -> str:
        return self.number

    @property
    def is_open(self) -> bool:
        return self.status == self.Status.OPEN


def format_supervision_number(office: Centre, year: int, sequence: int) -> str:
    return f"{office.code}-DB-{year}-{sequence:04d}"


class SupervisedUnit(models.Model):
    """One department under a supervision, with the deadline of its report."""

    supervision = models.ForeignKey(Supervision, on_delete=models.CASCADE, related_name="units")
    department = models.ForeignKey(
        Department, verbose_name=_("department"), on_delete=models.PROTECT, related_name="+"
    )
    deadline = models.OneToOneField(
        Deadline,
        verbose_name=_("deadline"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="supervised_unit",
    )
    reported_at = models.DateTimeField(_("final report at"), null=True, blank=True)

    class Meta:
        verbose_name = _("supervised unit")
        verbose_name_plural = _("supervised units")
        ordering = ["department__code", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["supervision", "department"], name="supervised_unit_once"
            )
        ]
        indexes = [models.Index(fields=["department", "supervision"], name="supervised_dept")]

    def __str__(self) -> str:
        return f"{self.supervision} · {self.department}"


class SupervisionReport(models.Model):
    """A supervised unit's report on its progress (办理情况); append-only. The unit's final
    report ends its duty to report (and closes its deadline)."""

    supervision = models.ForeignKey(Supervision, on_delete=models.CASCADE, related_name="reports")
    department = models.ForeignKey(
        Department, verbose_name=_("department"), on_delete=models.PROTECT, related_name="+"
    )
    by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("reported by"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    at = models.DateTimeField(_("reported at"), default=clock.now)
    text = models.TextField(_("progress"))
    final = models.BooleanField(_("final report"), default=False)

    class Meta:
        verbose_name = _("supervision report")
        verbose_name_plural = _("supervision reports")
        ordering = ["at", "id"]

    def __str__(self) -> str:
        return f"{self.supervision} · {self.department}"
