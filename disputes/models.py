"""The case and everything that belongs to it: payers, parties, attachments, the timeline.

The dispute's state changes only through the django-fsm transitions below, and those are only
called from ``disputes.services.run_transition`` (which locks the row, checks, saves and writes
the timeline). Higher apps react through django-fsm's ``post_transition`` signal.
"""

import secrets

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django_fsm import RETURN_VALUE, ConcurrentTransitionMixin, FSMField, transition
from guardian.models import GroupObjectPermissionBase

from departments import clock
from departments.models import Centre, Department, Jurisdiction
from disputes import rules
from disputes.conditions import guard
from disputes.validators import (
    mask_id,
    mask_phone,
    normalise_number,
    validate_credit_code,
    validate_phone,
    validate_resident_id,
)


class ReferenceData(models.Model):
    """Small lists the administrators maintain: categories, insurance types, channels."""

    code = models.SlugField(_("code"), max_length=40, unique=True)
    name = models.CharField(_("name"), max_length=100)
    description = models.TextField(_("description"), blank=True)
    sort_order = models.PositiveSmallIntegerField(_("sort order"), default=0)
    active = models.BooleanField(_("active"), default=True)

    class Meta:
        abstract = True
        ordering = ["sort_order", "code"]

    def __str__(self) -> str:
        return self.name


class Category(ReferenceData):
    class Meta(ReferenceData.Meta):
        verbose_name = _("dispute category")
        verbose_name_plural = _("dispute categories")


class InsuranceType(ReferenceData):
    class Meta(ReferenceData.Meta):
        verbose_name = _("insurance type")
        verbose_name_plural = _("insurance types")


class Channel(ReferenceData):
    online = models.BooleanField(_("arrives electronically"), default=False)

    class Meta(ReferenceData.Meta):
        verbose_name = _("channel")
        verbose_name_plural = _("channels")


class Payer(models.Model):
    class Kind(models.TextChoices):
        EMPLOYER = "employer", _("Employer")
        EMPLOYEE = "employee", _("Employee")
        FLEXIBLE = "flexible", _("Flexible worker")
        RESIDENT = "resident", _("Urban or rural resident")

    kind = models.CharField(_("payer kind"), max_length=10, choices=Kind.choices)
    name = models.CharField(_("name"), max_length=100)
    id_number = models.CharField(
        _("identity number or credit code"),
        max_length=18,
        unique=True,
        help_text=_(
            "18-digit resident identity number, or the unified social credit code for employers."
        ),
    )
    phone = models.CharField(_("phone"), max_length=20, blank=True, validators=[validate_phone])
    address = models.CharField(_("address"), max_length=200, blank=True)
    contact_person = models.CharField(_("contact person"), max_length=50, blank=True)
    jurisdiction = models.ForeignKey(
        Jurisdiction,
        verbose_name=_("jurisdiction"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="payers",
    )
    created_at = models.DateTimeField(_("created at"), default=clock.now, editable=False)

    class Meta:
        verbose_name = _("payer")
        verbose_name_plural = _("payers")
        ordering = ["name"]

    def __str__(self) -> str:
        return f"{self.name}（{self.masked_id_number}）"

    @property
    def is_employer(self) -> bool:
        return self.kind == self.Kind.EMPLOYER

    @property
    def masked_id_number(self) -> str:
        return mask_id(self.id_number)

    @property
    def masked_phone(self) -> str:
        return mask_phone(self.phone)

    def clean(self) -> None:
        self.id_number = normalise_number(self.id_number)
        self.phone = normalise_number(self.phone)
        try:
            if self.is_employer:
                validate_credit_code(self.id_number)
            else:
                validate_resident_id(self.id_number)
        except ValidationError as exc:
            raise ValidationError({"id_number": exc.messages}) from exc


class State(models.TextChoices):
    REGISTERED = "registered", _("Registered")
    RESOLVED_ON_SPOT = "resolved_on_spot", _("Resolved on the spot")
    REFERRED = "referred", _("Referred")
    JOINT_HANDLING = "joint_handling", _("In joint handling")
    ESCALATED = "escalated", _("Escalated")
    SPECIAL_HANDLING = "special_handling", _("In special handling")
    AWAITING_REPLY = "awaiting_reply", _("Awaiting reply")
    REPLIED = "replied", _("Replied")
    OBJECTED = "objected", _("Objected")
    CLOSED = "closed", _("Closed")
    ARCHIVED = "archived", _("Archived")
    WITHDRAWN = "withdrawn", _("Withdrawn")


OPEN_STATES = (
    State.REGISTERED,
    State.REFERRED,
    State.JOINT_HANDLING,
    State.ESCALATED,
    State.SPECIAL_HANDLING,
    State.AWAITING_REPLY,
    State.REPLIED,
    State.OBJECTED,
)
FINISHED_STATES = (State.RESOLVED_ON_SPOT, State.CLOSED, State.WITHDRAWN)

# What the case waits for in each state, shown beside the state in lists.
NEXT_STEPS = {
    State.REGISTERED: _("to be classified, transferred or referred"),
    State.REFERRED: _("to be dispatched by the government office"),
    State.JOINT_HANDLING: _("department opinions, then consolidation"),
    State.ESCALATED: _("awaiting the leader's approval"),
    State.SPECIAL_HANDLING: _("awaiting the consultation meeting's decision and minutes"),
    State.AWAITING_REPLY: _("written reply to the payer"),
    State.REPLIED: _("awaiting the payer's response"),
    State.OBJECTED: _("awaiting the outcome of the objection"),
    State.CLOSED: _("to be archived"),
    State.RESOLVED_ON_SPOT: _("to be archived"),
    State.WITHDRAWN: _("to be archived"),
}


class Classification(models.TextChoices):
    SIMPLE = "simple", _("Simple matter")
    GENERAL = "general", _("General matter")
    MAJOR = "major", _("Major or difficult matter")


class PayerKind(models.TextChoices):
    """Who raised the case, as the centres count them apart (seed 002): an enterprise, an
    individual (an employee or a flexible worker), or an urban or rural resident. Taken from the
    representative payer at registration (``payer_kind_of``) and kept on the case, so that the
    ledger and the statistics count it from the case's own row."""

    ENTERPRISE = "enterprise", _("Enterprise")
    INDIVIDUAL = "individual", _("Individual")
    RESIDENT = "resident", _("Resident")


def payer_kind_of(payer_kind: str) -> str:
    """The case's payer kind for the representative payer's kind (``Payer.Kind``)."""
    if payer_kind == "employer":
        return PayerKind.ENTERPRISE
    if payer_kind == "resident":
        return PayerKind.RESIDENT
    return PayerKind.INDIVIDUAL


class Satisfaction(models.TextChoices):
    """The payer's rating of the reply at the follow-up visit (回访) or online."""

    SATISFIED = "satisfied", _("Satisfied")
    BASICALLY = "basically", _("Basically satisfied")
    DISSATISFIED = "dissatisfied", _("Dissatisfied")


class ObjectionRoute(models.TextChoices):
    MEDIATION = "mediation", _("Mediation")
    RECONSIDERATION = "reconsideration", _("Administrative reconsideration")
    ARBITRATION = "arbitration", _("Arbitration")
    LITIGATION = "litigation", _("Administrative litigation")


# Letters and digits that cannot be mistaken for one another when read out or typed.
QUERY_CODE_ALPHABET = "23456789ABCDEFGHJKMNPQRSTUVWXYZ"
QUERY_CODE_LENGTH = 8


def new_query_code() -> str:
    """The payer's secret for the public status page: 31^8 ≈ 8.5e11 possibilities."""
    return "".join(secrets.choice(QUERY_CODE_ALPHABET) for _ in range(QUERY_CODE_LENGTH))


class DisputeQuerySet(models.QuerySet):
    def open(self):
        return self.filter(state__in=OPEN_STATES)

    def with_list_relations(self):
        return self.select_related(
            "centre", "category", "channel", "jurisdiction", "lead_department"
        )


class Dispute(ConcurrentTransitionMixin, models.Model):
    number = models.CharField(_("case number"), max_length=32, unique=True, editable=False)
    centre = models.ForeignKey(
        Centre,
        verbose_name=_("owning centre"),
        on_delete=models.PROTECT,
        related_name="disputes",
    )
    registered_centre = models.ForeignKey(
        Centre,
        verbose_name=_("registered at"),
        on_delete=models.PROTECT,
        related_name="registered_disputes",
        editable=False,
    )
    first_responder = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("first responder"),
        on_delete=models.PROTECT,
        related_name="first_responded_disputes",
        editable=False,
    )
    reported_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("reported by grid mediator"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="reported_disputes",
    )
    delivered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("delivered by system"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        editable=False,
        db_index=False,
        help_text=_("The account of the integrating system that handed the case in online."),
    )
    received_at = models.DateTimeField(_("received at"), default=clock.now)
    channel = models.ForeignKey(Channel, verbose_name=_("channel"), on_delete=models.PROTECT)
    jurisdiction = models.ForeignKey(
        Jurisdiction,
        verbose_name=_("jurisdiction of the matter"),
        on_delete=models.PROTECT,
        related_name="disputes",
    )
    category = models.ForeignKey(Category, verbose_name=_("category"), on_delete=models.PROTECT)
    insurance_types = models.ManyToManyField(
        InsuranceType, verbose_name=_("insurance types"), blank=True
    )
    amount = models.DecimalField(
        _("amount in dispute (yuan)"), max_digits=14, decimal_places=2, null=True, blank=True
    )
    period_start = models.DateField(_("first month in dispute"), null=True, blank=True)
    period_end = models.DateField(_("last month in dispute"), null=True, blank=True)
    claim = models.TextField(_("claim"))
    summary = models.TextField(_("main content"))
    classification = models.CharField(
        _("classification"), max_length=10, choices=Classification.choices, blank=True
    )
    payer_kind = models.CharField(
        _("payer kind"), max_length=10, choices=PayerKind.choices, blank=True, editable=False
    )
    lead_department = models.ForeignKey(
        Department,
        verbose_name=_("lead department"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="led_disputes",
    )
    co_departments = models.ManyToManyField(
        Department,
        verbose_name=_("co-handling departments"),
        blank=True,
        related_name="co_handled_disputes",
    )
    is_group_dispute = models.BooleanField(_("group dispute"), default=False)
    is_public_opinion_risk = models.BooleanField(_("public-opinion risk"), default=False)
    is_large_arrears = models.BooleanField(_("large arrears"), default=False)
    linked_disputes = models.ManyToManyField(
        "self", verbose_name=_("linked cases"), blank=True, symmetrical=True
    )

    state = FSMField(
        _("state"), max_length=20, choices=State.choices, default=State.REGISTERED, protected=True
    )
    classified_at = models.DateTimeField(_("classified at"), null=True, blank=True, editable=False)
    # Set once by refer(): the case stays with the government office that received it.
    referred_at = models.DateTimeField(_("referred at"), null=True, blank=True, editable=False)
    escalated_at = models.DateTimeField(_("escalated at"), null=True, blank=True, editable=False)
    escalation_reason = models.TextField(_("reason for escalation"), blank=True, editable=False)
    handling_opinion = models.TextField(_("handling opinion"), blank=True, editable=False)
    reply_text = models.TextField(_("written reply"), blank=True, editable=False)
    replied_at = models.DateTimeField(_("replied at"), null=True, blank=True, editable=False)
    objection_route = models.CharField(
        _("objection route"),
        max_length=20,
        choices=ObjectionRoute.choices,
        blank=True,
        editable=False,
    )
    objection_outcome = models.TextField(_("outcome of the objection"), blank=True, editable=False)
    # The payer's rating of the current reply (the latest follow-up of this round, "" before
    # one); a redo starts a new round and clears it. The visits themselves are FollowUp rows.
    satisfaction = models.CharField(
        _("satisfaction"), max_length=12, choices=Satisfaction.choices, blank=True, editable=False
    )
    redo_count = models.PositiveSmallIntegerField(_("times redone"), default=0, editable=False)
    closing_explanation = models.TextField(
        _("explanation given on closing"), blank=True, default="", editable=False
    )
    closed_at = models.DateTimeField(_("closed at"), null=True, blank=True, editable=False)
    archive_number = models.CharField(
        _("archive number"), max_length=40, blank=True, editable=False
    )
    archived_at = models.DateTimeField(_("archived at"), null=True, blank=True, editable=False)
    withdrawal_reason = models.TextField(_("reason for withdrawal"), blank=True, editable=False)
    # Set by return_to_channel() alone: the policy or legal basis on which a case handed in
    # online was returned to its channel as not within the centres' remit (退单依据); the
    # reason is kept in withdrawal_reason, as for any other way into WITHDRAWN.
    return_basis = models.TextField(
        _("basis for the return"), blank=True, default="", editable=False
    )
    sms_opt_in = models.BooleanField(
        _("text the payer the progress"),
        default=False,
        help_text=_(
            "The representative payer gets a text message at registration and when the written "
            "reply is given (to the mobile number given for the case)."
        ),
    )
    query_code = models.CharField(
        _("query code"),
        max_length=QUERY_CODE_LENGTH,
        default=new_query_code,
        editable=False,
        help_text=_("Printed on the payer's receipt: with the case number it shows the progress."),
    )
    created_at = models.DateTimeField(_("created at"), default=clock.now, editable=False)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    objects = DisputeQuerySet.as_manager()

    class Meta:
        verbose_name = _("dispute")
        verbose_name_plural = _("disputes")
        ordering = ["-received_at"]
        indexes = [
            # The lists' order: walked from the newest, a page stops after its rows.
            models.Index(fields=["received_at", "id"], name="dispute_received"),
            # The queues' order among the live cases (nothing archived awaits anyone).
            models.Index(
                fields=["received_at", "id"],
                condition=~models.Q(state="archived"),
                name="dispute_live_received",
            ),
            models.Index(fields=["state", "received_at"], name="dispute_state_received"),
            # The list filtered by category (and state), in the list's order: read from the
            # index alone, where the two single-column indexes were ANDed as bitmaps.
            models.Index(
                fields=["category", "state", "received_at", "id"],
                name="dispute_category_state",
            ),
            models.Index(fields=["centre", "state"], name="dispute_centre_state"),
            models.Index(fields=["lead_department", "state"], name="dispute_lead_state"),
        ]
        constraints = [
            models.UniqueConstraint(
                fields=["archive_number"],
                condition=~Q(archive_number=""),
                name="dispute_archive_number_unique",
            ),
        ]

    def __str__(self) -> str:
        return self.number

    # -- derived ---------------------------------------------------------------------------

    @property
    def is_open(self) -> bool:
        return self.state in OPEN_STATES

    @property
    def next_step(self) -> str:
        return NEXT_STEPS.get(self.state, "")

    @property
    def reply_round(self) -> int:
        """1 for the first reply, 2 once the case was redone, and so on."""
        return self.redo_count + 1

    @property
    def representative(self):
        for party in self.parties.all():
            if party.is_representative:
                return party.payer
        return None

    # -- transitions -----------------------------------------------------------------------
    # Each holds only the guard and the field changes; see services.run_transition.

    @transition(
        field=state,
        source=State.REGISTERED,
        target=RETURN_VALUE(State.RESOLVED_ON_SPOT, State.JOINT_HANDLING, State.ESCALATED),
        permission=rules.can_handle_at_centre,
        custom={"action": "disputes.case.classified", "label": _("Classify")},
    )
    def classify(self, *, classification, lead_department=None, co_departments=(), explanation=""):
        self.classification = classification
        self.classified_at = clock.now()
        self.lead_department = lead_department
        # The case exists already, so the assignment is written now, in the same transaction,
        # before post_transition lets higher apps open the departments' sub-tasks.
        self.co_departments.set(co_departments)
        if classification == Classification.SIMPLE:
            self.handling_opinion = explanation
            self.closed_at = clock.now()
            return State.RESOLVED_ON_SPOT
        if classification == Classification.MAJOR:
            self.escalated_at = clock.now()
            self.escalation_reason = explanation
            return State.ESCALATED
        return State.JOINT_HANDLING

    @transition(
        field=state,
        source=State.REGISTERED,
        target=State.REGISTERED,
        permission=rules.can_handle_at_centre,
        custom={"action": "disputes.case.transferred", "label": _("Transfer")},
    )
    def transfer(self, *, centre, jurisdiction):
        self.centre = centre
        self.jurisdiction = jurisdiction

    @transition(
        field=state,
        source=State.REGISTERED,
        target=State.REFERRED,
        permission=rules.can_handle_at_centre,
        custom={"action": "disputes.case.referred", "label": _("Refer")},
    )
    def refer(self):
        self.referred_at = clock.now()

    @transition(
        field=state,
        source=State.REFERRED,
        target=State.JOINT_HANDLING,
        permission=rules.can_dispatch,
        custom={"action": "disputes.case.dispatched", "label": _("Dispatch")},
    )
    def dispatch(self, *, lead_department):
        self.classification = self.classification or Classification.GENERAL
        self.lead_department = lead_department

    @transition(
        field=state,
        source=State.JOINT_HANDLING,
        target=State.AWAITING_REPLY,
        permission=rules.can_consolidate,
        conditions=[guard("consolidate")],
        custom={"action": "disputes.case.consolidated", "label": _("Consolidate opinions")},
    )
    def consolidate(self, *, opinion):
        self.handling_opinion = opinion

    @transition(
        field=state,
        source=State.JOINT_HANDLING,
        target=State.ESCALATED,
        permission=rules.can_coordinate,
        custom={"action": "disputes.case.escalated", "label": _("Escalate")},
    )
    def escalate(self, *, reason):
        self.classification = Classification.MAJOR
        self.escalated_at = clock.now()
        self.escalation_reason = reason

    @transition(
        field=state,
        source=State.ESCALATED,
        target=State.SPECIAL_HANDLING,
        permission=rules.can_lead,
        custom={"action": "disputes.case.approved", "label": _("Approve")},
    )
    def approve(self):
        pass

    @transition(
        field=state,
        source=State.ESCALATED,
        target=State.JOINT_HANDLING,
        permission=rules.can_lead,
        custom={"action": "disputes.case.returned", "label": _("Return")},
    )
    def return_escalation(self):
        self.classification = Classification.GENERAL

    @transition(
        field=state,
        source=State.SPECIAL_HANDLING,
        target=State.AWAITING_REPLY,
        permission=rules.can_decide_special,
        custom={"action": "disputes.case.decided", "label": _("Record the decision")},
    )
    def decide(self, *, opinion):
        self.handling_opinion = opinion

    @transition(
        field=state,
        source=State.AWAITING_REPLY,
        target=State.REPLIED,
        permission=rules.can_handle_at_centre,
        custom={"action": "disputes.case.replied", "label": _("Reply")},
    )
    def reply(self, *, text):
        self.reply_text = text
        self.replied_at = clock.now()

    @transition(
        field=state,
        source=State.REPLIED,
        target=State.CLOSED,
        permission=rules.can_handle_at_centre,
        conditions=[guard("accept")],
        custom={"action": "disputes.case.accepted", "label": _("Payer accepts")},
    )
    def accept(self):
        self.closed_at = clock.now()

    @transition(
        field=state,
        source=State.REPLIED,
        target=State.CLOSED,
        permission=rules.can_coordinate,
        conditions=[guard("close_explained")],
        custom={"action": "disputes.case.closed_explained", "label": _("Explain and close")},
    )
    def close_explained(self, *, explanation):
        """The payer is not satisfied, and the coordinator closes the case with an
        explanation of why the reply stands."""
        self.closing_explanation = explanation
        self.closed_at = clock.now()

    @transition(
        field=state,
        source=State.REPLIED,
        target=RETURN_VALUE(State.JOINT_HANDLING, State.SPECIAL_HANDLING),
        permission=rules.can_coordinate,
        conditions=[guard("redo")],
        custom={"action": "disputes.case.redone", "label": _("Redo")},
    )
    def redo(self, *, reason):
        """重办: the payer is not satisfied; the departments are asked again and a new reply is
        given. The case keeps its number and history; the reply and the opinion it answered
        (kept on the timeline entry) make way for the new round's."""
        self.redo_count += 1
        self.reply_text = ""
        self.replied_at = None
        self.handling_opinion = ""
        self.satisfaction = ""
        if self.classification == Classification.MAJOR:
            return State.SPECIAL_HANDLING
        return State.JOINT_HANDLING

    @transition(
        field=state,
        source=State.REPLIED,
        target=State.OBJECTED,
        permission=rules.can_handle_at_centre,
        custom={"action": "disputes.case.objected", "label": _("Payer objects")},
    )
    def lodge_objection(self, *, route):
        self.objection_route = route

    @transition(
        field=state,
        source=State.OBJECTED,
        target=State.CLOSED,
        permission=rules.can_handle_at_centre,
        custom={"action": "disputes.case.outcome_recorded", "label": _("Record the outcome")},
    )
    def record_outcome(self, *, outcome):
        self.objection_outcome = outcome
        self.closed_at = clock.now()

    @transition(
        field=state,
        source=[State.CLOSED, State.RESOLVED_ON_SPOT, State.WITHDRAWN],
        target=State.ARCHIVED,
        permission=rules.can_handle_at_centre,
        conditions=[guard("archive")],
        custom={"action": "disputes.case.archived", "label": _("Archive")},
    )
    def archive(self, *, archive_number):
        self.archive_number = archive_number
        self.archived_at = clock.now()

    @transition(
        field=state,
        source=State.REGISTERED,
        target=State.WITHDRAWN,
        permission=rules.can_handle_at_centre,
        conditions=[guard("return_to_channel")],
        custom={
            "action": "disputes.case.returned_to_channel",
            "label": _("Return (not within remit)"),
        },
    )
    def return_to_channel(self, *, reason, basis):
        """退单: a case handed in online that is not within the centres' remit goes back to
        the channel it came through, with the reason and its policy or legal basis."""
        self.withdrawal_reason = reason
        self.return_basis = basis
        self.closed_at = clock.now()

    @transition(
        field=state,
        source=list(OPEN_STATES),
        target=State.WITHDRAWN,
        permission=rules.can_withdraw,
        custom={"action": "disputes.case.withdrawn", "label": _("Withdraw")},
    )
    def withdraw(self, *, reason):
        self.withdrawal_reason = reason
        self.closed_at = clock.now()


class Party(models.Model):
    class Side(models.TextChoices):
        APPLICANT = "applicant", _("Applicant")
        COUNTERPARTY = "counterparty", _("Other party")

    dispute = models.ForeignKey(Dispute, on_delete=models.CASCADE, related_name="parties")
    payer = models.ForeignKey(
        Payer, verbose_name=_("payer"), on_delete=models.PROTECT, related_name="parties"
    )
    side = models.CharField(_("side"), max_length=12, choices=Side.choices, default=Side.APPLICANT)
    is_representative = models.BooleanField(_("representative"), default=False)
    # The contact details the case was registered with belong to the case: registering another
    # case for the same payer (at another centre, say) never changes what this case recorded.
    phone = models.CharField(_("phone"), max_length=20, blank=True, validators=[validate_phone])
    address = models.CharField(_("address"), max_length=200, blank=True)
    contact_person = models.CharField(_("contact person"), max_length=50, blank=True)

    class Meta:
        verbose_name = _("party")
        verbose_name_plural = _("parties")
        ordering = ["-is_representative", "id"]
        # A search by a whole phone number (disputes.search).
        indexes = [models.Index(fields=["phone"], name="party_phone")]
        constraints = [
            models.UniqueConstraint(fields=["dispute", "payer"], name="party_once_per_dispute"),
            models.UniqueConstraint(
                fields=["dispute"],
                condition=Q(is_representative=True),
                name="party_one_representative",
            ),
        ]

    def __str__(self) -> str:
        return str(self.payer)

    @property
    def masked_phone(self) -> str:
        return mask_phone(self.phone)


def attachment_path(instance, filename: str) -> str:
    """A generated name: what the payer called the file is data (``name``), never a path."""
    from disputes.uploads import stored_name

    now = timezone.localtime()
    return f"attachments/{now:%Y/%m}/{stored_name(filename)}"


class Attachment(models.Model):
    dispute = models.ForeignKey(Dispute, on_delete=models.CASCADE, related_name="attachments")
    file = models.FileField(_("file"), upload_to=attachment_path)
    name = models.CharField(_("file name"), max_length=200)
    size = models.PositiveIntegerField(_("size (bytes)"))
    description = models.CharField(_("description"), max_length=200, blank=True)
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("uploaded by"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        help_text=_("Empty for a file the payer handed in with their online application."),
    )
    uploaded_at = models.DateTimeField(_("uploaded at"), default=clock.now)

    class Meta:
        verbose_name = _("attachment")
        verbose_name_plural = _("attachments")
        ordering = ["uploaded_at", "id"]

    def __str__(self) -> str:
        return self.name


class FollowUp(models.Model):
    """A follow-up visit (回访) after a reply, or the payer's own rating online: how, whom,
    when, and how satisfied the payer is. Append-only, except the payer's online rating of a
    round, which they may change until the case is closed."""

    class Method(models.TextChoices):
        PHONE = "phone", _("By phone")
        VISIT = "visit", _("In person")
        SMS = "sms", _("By text message")
        ONLINE = "online", _("Rated online by the payer")

    dispute = models.ForeignKey(Dispute, on_delete=models.CASCADE, related_name="follow_ups")
    round = models.PositiveSmallIntegerField(_("reply round"))
    method = models.CharField(_("how"), max_length=10, choices=Method.choices)
    contact = models.CharField(_("who was visited"), max_length=100, blank=True)
    visited_at = models.DateTimeField(_("when"))
    satisfaction = models.CharField(_("satisfaction"), max_length=12, choices=Satisfaction.choices)
    remarks = models.TextField(_("remarks"), blank=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("recorded by"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        help_text=_("Empty for the payer's own rating online."),
    )
    recorded_at = models.DateTimeField(_("recorded at"), default=clock.now)

    class Meta:
        verbose_name = _("follow-up visit")
        verbose_name_plural = _("follow-up visits")
        ordering = ["visited_at", "id"]
        indexes = [models.Index(fields=["dispute", "round"], name="followup_dispute_round")]
        constraints = [
            models.UniqueConstraint(
                fields=["dispute", "round"],
                condition=Q(method="online"),
                name="followup_one_online_rating_per_round",
            )
        ]

    def __str__(self) -> str:
        return f"{self.dispute_id} · {self.get_satisfaction_display()}"


class TimelineEntry(models.Model):
    """One row per change of a case: append-only."""

    dispute = models.ForeignKey(Dispute, on_delete=models.CASCADE, related_name="timeline")
    at = models.DateTimeField(_("time"), default=clock.now)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("by"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
    )
    action = models.CharField(_("action"), max_length=64)
    from_state = models.CharField(_("from"), max_length=20, choices=State.choices, blank=True)
    to_state = models.CharField(_("to"), max_length=20, choices=State.choices, blank=True)
    note = models.TextField(_("note"), blank=True)
    data = models.JSONField(_("details"), default=dict, blank=True)

    class Meta:
        verbose_name = _("timeline entry")
        verbose_name_plural = _("timeline entries")
        ordering = ["at", "id"]
        indexes = [models.Index(fields=["dispute", "at"], name="timeline_dispute_at")]

    def __str__(self) -> str:
        return f"{self.dispute_id} {self.action}"


class CaseCounter(models.Model):
    """Last number handed out per centre, year and series (case numbers, archive numbers)."""

    class Series(models.TextChoices):
        CASE = "case", _("Case number")
        ARCHIVE = "archive", _("Archive number")
        URGING = "urging", _("Urging notice number")
        SUPERVISION = "supervision", _("Supervision sheet number")

    centre = models.ForeignKey(Centre, on_delete=models.CASCADE)
    year = models.PositiveSmallIntegerField()
    series = models.CharField(max_length=12, choices=Series.choices)
    last = models.PositiveIntegerField(default=0)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["centre", "year", "series"], name="counter_per_centre_year"
            )
        ]

    def __str__(self) -> str:
        return f"{self.centre_id}/{self.year}/{self.series}: {self.last}"


class CaseReach(models.Model):
    """One way a case is reached through a relation: its owning centre, the clerk who took it,
    the grid mediator who reported it, its lead and co-handling departments, and each group it
    is shared with. The relational branches of the visibility rule come down to one indexed
    question — does a row of this case name one of the user's units? — kept by
    ``disputes.reach`` in the transaction of every change to those relations.
    """

    dispute = models.ForeignKey(Dispute, on_delete=models.CASCADE, related_name="reach")
    # "centre:<id>", "clerk:<user id>", "reporter:<user id>", "dept:<id>", "group:<id>"
    unit = models.CharField(max_length=32)

    class Meta:
        verbose_name = _("case reach")
        verbose_name_plural = _("case reach")
        constraints = [
            models.UniqueConstraint(fields=["dispute", "unit"], name="reach_once_per_unit"),
        ]
        indexes = [models.Index(fields=["unit", "dispute"], name="reach_unit_dispute")]

    def __str__(self) -> str:
        return f"{self.dispute_id} ← {self.unit}"


class DisputeGroupObjectPermission(GroupObjectPermissionBase):
    """django-guardian's per-case grants, with a real foreign key to the case.

    Grants go to the groups of centres and departments only (see ``disputes.grants``), so the
    table grows with cases × units, never cases × users.
    """

    content_object = models.ForeignKey(Dispute, on_delete=models.CASCADE, related_name="grants")

    class Meta(GroupObjectPermissionBase.Meta):
        abstract = False
        verbose_name = _("case access grant")
        verbose_name_plural = _("case access grants")


class AccessLog(models.Model):
    """Who looked at what: case pages, downloads, exports, full-number reveals and searches by
    a payer's number (refused ones too). Append-only; numbers in it are stored masked."""

    class Kind(models.TextChoices):
        VIEW = "view", _("Viewed the case")
        DOWNLOAD = "download", _("Downloaded a document")
        EXPORT = "export", _("Exported a list")
        REVEAL = "reveal", _("Showed a number in full")
        SEARCH = "search", _("Searched by a payer's number")
        SEARCH_REFUSED = "refused", _("Number search refused (daily limit)")
        LOOKUP = "lookup", _("Looked a payer up at intake")

    kind = models.CharField(_("kind"), max_length=10, choices=Kind.choices)
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("user"), on_delete=models.PROTECT, related_name="+"
    )
    dispute = models.ForeignKey(
        Dispute,
        verbose_name=_("case"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="access_log",
    )
    at = models.DateTimeField(_("time"), default=clock.now, db_index=True)
    reason = models.CharField(_("reason"), max_length=200, blank=True)
    detail = models.CharField(_("detail"), max_length=200, blank=True)

    class Meta:
        verbose_name = _("access log entry")
        verbose_name_plural = _("access log")
        ordering = ["-at", "-id"]
        indexes = [models.Index(fields=["kind", "at"], name="accesslog_kind_at")]

    def __str__(self) -> str:
        return f"{self.at:%Y-%m-%d %H:%M} {self.user_id} {self.kind} {self.dispute_id}"


class Notification(models.Model):
    """A message in a user's in-app inbox (also sent by e-mail when the user has an address)."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="notifications"
    )
    dispute = models.ForeignKey(
        Dispute, null=True, blank=True, on_delete=models.CASCADE, related_name="notifications"
    )
    kind = models.CharField(_("kind"), max_length=40)
    message = models.CharField(_("message"), max_length=300)
    created_at = models.DateTimeField(_("time"), default=clock.now)
    read_at = models.DateTimeField(_("read at"), null=True, blank=True)

    class Meta:
        verbose_name = _("notification")
        verbose_name_plural = _("notifications")
        ordering = ["-created_at", "-id"]
        indexes = [
            models.Index(
                fields=["user", "created_at"],
                name="notification_unread",
                condition=Q(read_at__isnull=True),
            )
        ]

    def __str__(self) -> str:
        return self.message


from disputes.sms.models import SmsMessage, SmsTemplate  # noqa: E402, F401  (models of this app)
