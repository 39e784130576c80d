"""The ledger's filter (台账): which of the cases a user sees a query string selects.

One filter serves three readers: the ledger page and its exports show what it selects, and the
dashboard and the evaluation link each of their figures to the ledger filtered to exactly the
cases behind the figure (``ledger_url``), so that a count clicked is the count listed. Whatever
a figure counts must therefore be expressible here, and nowhere else.

The query string is the bookmark: codes, not database ids (``centre=GW``, ``category=...``), and
ISO dates. ``from`` and ``to`` bound the day received (both days included), ``closed_from`` and
``closed_to`` the day closed. ``area`` is a jurisdiction with the areas under it, ``place`` the
jurisdiction alone.

The deadline filters read together: ``deadline`` (overdue now, ever overdue, running, closed,
met on time, met late) asks for a time limit in that condition, ``stage`` narrows it to one
stage and ``department`` to the limits that department answers for. So ``deadline=overdue_now&
department=tax`` is the tax bureau's overdue cases — those whose *tax bureau* limit is overdue,
not every overdue case the tax bureau works on. ``deadline=all_met`` asks for a limit closed
and none closed late, narrowed the same way (the evaluation's "on time"). ``extended``,
``declined`` and ``discipline`` (a refusal whose clue went to the discipline commission) are
narrowed by ``department`` the same way. ``department`` alone selects the cases it leads or
co-handles.

The payer's rating and the redo (回访, 重办) are read off the case itself, never narrowed by
``department`` (a department's are those of the cases it leads or co-handles):
``satisfaction`` is the current reply's latest rating (``Dispute.satisfaction``) — one value,
``content`` (satisfied or basically satisfied: the satisfaction rate's count), ``rated`` (any
rating) or ``unrated`` (none yet, or cleared by a redo); ``redone`` a case redone at least
once; ``ever_replied`` a case replied to at least once (a reply now, or one that was redone:
the redo clears the reply).
"""

import datetime
from urllib.parse import urlencode

import django_filters as filters
from django.db import models
from django.db.models import Exists, OuterRef, Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from consultations.models import CourtEnforcement, DepartmentTask, DisciplineReferral
from departments.forms import JurisdictionChoiceField
from departments.models import Centre, Department, Jurisdiction
from disputes import search
from disputes.exceptions import DisputeError
from disputes.forms import SEARCH_MAX_LENGTH
from disputes.models import (
    Category,
    Channel,
    Classification,
    Dispute,
    InsuranceType,
    PayerKind,
    Satisfaction,
)
from disputes.models import State as CaseState
from disputes.selectors import visible_disputes
from routing.models import Deadline, ExtensionRequest, Stage


class DeadlineCondition(models.TextChoices):
    OVERDUE_NOW = "overdue_now", _("Overdue now")
    OVERDUE_EVER = "overdue_ever", _("Ever overdue")
    RUNNING = "running", _("Running")
    CLOSED = "closed", _("Closed")
    MET = "met", _("Closed on time")
    LATE = "late", _("Closed late")
    # Every closed limit on time, none late (the evaluation's "on time": closed less late).
    ALL_MET = "all_met", _("All closed on time")


# Each condition as a question to the deadline rows. "Closed" is a stage finished (on time or
# late), never a limit cancelled because the stage was no longer needed.
DEADLINE_CONDITIONS = {
    DeadlineCondition.OVERDUE_NOW: Q(status=Deadline.Status.OVERDUE, met_at__isnull=True),
    DeadlineCondition.OVERDUE_EVER: Q(status=Deadline.Status.OVERDUE),
    DeadlineCondition.RUNNING: Q(status__in=Deadline.RUNNING),
    DeadlineCondition.CLOSED: Q(
        met_at__isnull=False, status__in=[Deadline.Status.MET, Deadline.Status.OVERDUE]
    ),
    DeadlineCondition.MET: Q(met_at__isnull=False, status=Deadline.Status.MET),
    DeadlineCondition.LATE: Q(met_at__isnull=False, status=Deadline.Status.OVERDUE),
}

# The cases with a limit closed and none closed late (read as two questions: combined_condition).
_ALL_MET = (DeadlineCondition.CLOSED, DeadlineCondition.LATE)


class SatisfactionCondition(models.TextChoices):
    """The ledger's questions about the payer's rating of the current reply."""

    SATISFIED = Satisfaction.SATISFIED.value, Satisfaction.SATISFIED.label
    BASICALLY = Satisfaction.BASICALLY.value, Satisfaction.BASICALLY.label
    DISSATISFIED = Satisfaction.DISSATISFIED.value, Satisfaction.DISSATISFIED.label
    # The satisfaction rate's count (满意率): satisfied or basically satisfied.
    CONTENT = "content", _("Satisfied or basically satisfied")
    RATED = "rated", _("Rated")
    UNRATED = "unrated", _("Not rated")


def satisfaction_q(condition: str, prefix: str = "") -> Q:
    """The cases (``prefix``: the path from a row to its case) whose rating answers
    ``condition``; the dashboard and the evaluation count with the same questions."""
    field = f"{prefix}satisfaction"
    if condition == SatisfactionCondition.CONTENT:
        return Q(**{f"{field}__in": [Satisfaction.SATISFIED, Satisfaction.BASICALLY]})
    if condition == SatisfactionCondition.RATED:
        return ~Q(**{field: ""})
    if condition == SatisfactionCondition.UNRATED:
        return Q(**{field: ""})
    return Q(**{field: condition})


def redone_q(prefix: str = "") -> Q:
    """The cases redone (重办) at least once."""
    return Q(**{f"{prefix}redo_count__gt": 0})


def ever_replied_q(prefix: str = "") -> Q:
    """The cases replied to at least once: a reply now, or one since redone (a redo follows a
    reply and clears it), so that every case redone is among them."""
    return Q(**{f"{prefix}replied_at__isnull": False}) | redone_q(prefix)


# A department declined its sub-task: still declined, or since reassigned to another department
# (the reassignment withdraws the task and keeps its reasons; consultations.selectors).
DECLINED_TASKS = Q(status=DepartmentTask.Status.DECLINED) | Q(
    status=DepartmentTask.Status.WITHDRAWN, decline_reason__gt=""
)

# ``classification=none``: the cases not classified yet (registered, transferred or referred).
UNCLASSIFIED = "none"

# Filters that take part in the combined deadline question (``LedgerFilter.filter_queryset``).
_COMBINED = ("department", "deadline", "stage", "extended", "declined", "discipline")


# The first day whose first moment in the centre's time zone is still a date in UTC (that of
# 1 January of year 1 in Beijing is in year 0): an earlier bound is this one, no case is older.
_FIRST_DAY = datetime.date(1, 1, 2)


def day_start(day: datetime.date) -> datetime.datetime:
    """The first moment of ``day`` in the centre's time zone: a bound an index serves, where
    ``__date`` would cast every row."""
    day = max(day, _FIRST_DAY)
    return timezone.make_aware(datetime.datetime.combine(day, datetime.time.min))


class _JurisdictionFilter(filters.ModelChoiceFilter):
    """Jurisdictions by their full names, all labelled with one query (not one per option)."""

    field_class = JurisdictionChoiceField


def _code_choice(model, label, **kwargs):
    kind = _JurisdictionFilter if model is Jurisdiction else filters.ModelChoiceFilter
    return kind(label=label, queryset=model.objects.all(), to_field_name="code", **kwargs)


class _Flag(filters.ChoiceFilter):
    """A yes-only filter (``escalated=1``): absent means no condition, not "no"."""

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("choices", [("1", _("Yes"))])
        kwargs.setdefault("empty_label", _("Any"))
        super().__init__(*args, **kwargs)


class LedgerFilter(filters.FilterSet):
    q = filters.CharFilter(label=_("Search"), method="filter_search", max_length=SEARCH_MAX_LENGTH)
    received_from = filters.DateFilter(label=_("Received from"), method="filter_received_from")
    received_to = filters.DateFilter(label=_("Received until"), method="filter_received_to")
    closed_from = filters.DateFilter(label=_("Closed from"), method="filter_closed_from")
    closed_to = filters.DateFilter(label=_("Closed until"), method="filter_closed_to")
    centre = _code_choice(Centre, _("Centre"), empty_label=_("All centres"))
    area = _code_choice(
        Jurisdiction, _("Jurisdiction"), method="filter_area", empty_label=_("All places")
    )
    # The one jurisdiction alone, not the areas under it: the cases of a county itself (县本级)
    # where ``area`` would take its towns too.
    place = _code_choice(
        Jurisdiction, _("That jurisdiction alone"), field_name="jurisdiction", empty_label=_("Any")
    )
    department = _code_choice(
        Department, _("Department"), method="filter_combined", empty_label=_("All departments")
    )
    category = _code_choice(Category, _("Category"), empty_label=_("All categories"))
    insurance = _code_choice(
        InsuranceType,
        _("Insurance type"),
        field_name="insurance_types",
        method="filter_insurance",
        empty_label=_("All insurance types"),
    )
    channel = _code_choice(Channel, _("Channel"), empty_label=_("All channels"))
    classification = filters.ChoiceFilter(
        label=_("Classification"),
        choices=[*Classification.choices, (UNCLASSIFIED, _("Not yet classified"))],
        method="filter_classification",
        empty_label=_("Any"),
    )
    state = filters.ChoiceFilter(
        label=_("State"), choices=CaseState.choices, empty_label=_("All states")
    )
    payer_kind = filters.ChoiceFilter(
        label=_("Payer kind"), choices=PayerKind.choices, empty_label=_("Any")
    )
    deadline = filters.ChoiceFilter(
        label=_("Time limits"),
        choices=DeadlineCondition.choices,
        method="filter_combined",
        empty_label=_("Any"),
    )
    stage = filters.ChoiceFilter(
        label=_("Stage"), choices=Stage.choices, method="filter_combined", empty_label=_("Any")
    )
    escalated = _Flag(label=_("Escalated to the leading group"), method="filter_escalated")
    extended = _Flag(label=_("Extension granted"), method="filter_combined")
    declined = _Flag(label=_("Declined by a department"), method="filter_combined")
    # A refusal without good reason: its clue passed to the discipline commission.
    discipline = _Flag(
        label=_("Refusal referred to the discipline commission"), method="filter_combined"
    )
    replied = _Flag(label=_("Replied"), method="filter_replied")
    ever_replied = _Flag(
        label=_("Replied at least once (the redone included)"), method="filter_ever_replied"
    )
    satisfaction = filters.ChoiceFilter(
        label=_("Payer's satisfaction"),
        choices=SatisfactionCondition.choices,
        method="filter_satisfaction",
        empty_label=_("Any"),
    )
    redone = _Flag(label=_("Redone at least once"), method="filter_redone")
    court = filters.ChoiceFilter(
        label=_("Court enforcement"),
        choices=CourtEnforcement.Status.choices,
        method="filter_court",
        empty_label=_("Any"),
    )

    class Meta:
        model = Dispute
        fields = []

    def __init__(self, data=None, *args, user, **kwargs):
        super().__init__(data, *args, **kwargs)
        self.user = user

    # -- one filter each --------------------------------------------------------------------

    def filter_search(self, qs, name, value):
        if not value.strip():
            return qs
        try:
            return search.search_cases(qs, value, user=self.user)
        except DisputeError as exc:
            # Said once the filters have run: an error now would change the cleaned data
            # django-filter is walking.
            self._refused.append(("q", exc.message))
            return qs.none()

    def filter_received_from(self, qs, name, value):
        return qs.filter(received_at__gte=day_start(value))

    def filter_received_to(self, qs, name, value):
        if value == datetime.date.max:
            return qs  # no day after it: no bound
        return qs.filter(received_at__lt=day_start(value + datetime.timedelta(days=1)))

    def filter_closed_from(self, qs, name, value):
        return qs.filter(closed_at__gte=day_start(value))

    def filter_closed_to(self, qs, name, value):
        if value == datetime.date.max:
            return qs.filter(closed_at__isnull=False)  # no day after it: closed at all
        return qs.filter(closed_at__lt=day_start(value + datetime.timedelta(days=1)))

    def filter_area(self, qs, name, value):
        return qs.filter(jurisdiction__path__startswith=value.path)

    def filter_classification(self, qs, name, value):
        return qs.filter(classification="" if value == UNCLASSIFIED else value)

    def filter_insurance(self, qs, name, value):
        through = Dispute.insurance_types.through.objects
        return qs.filter(
            Exists(through.filter(dispute_id=OuterRef("pk"), insurancetype_id=value.pk))
        )

    def filter_escalated(self, qs, name, value):
        return qs.filter(escalated_at__isnull=False)

    def filter_replied(self, qs, name, value):
        return qs.filter(replied_at__isnull=False)

    def filter_ever_replied(self, qs, name, value):
        return qs.filter(ever_replied_q())

    def filter_satisfaction(self, qs, name, value):
        return qs.filter(satisfaction_q(value))

    def filter_redone(self, qs, name, value):
        return qs.filter(redone_q())

    def filter_court(self, qs, name, value):
        return qs.filter(
            Exists(CourtEnforcement.objects.filter(dispute_id=OuterRef("pk"), status=value))
        )

    def filter_combined(self, qs, name, value):
        return qs  # read together in filter_queryset

    # -- the deadline question, read as one -------------------------------------------------

    def filter_queryset(self, queryset):
        self._refused = []
        queryset = super().filter_queryset(queryset)
        data = {name: self.form.cleaned_data.get(name) for name in _COMBINED}
        for name, message in self._refused:
            self.form.add_error(name, message)
        return queryset.filter(combined_condition(**data))

    @property
    def qs(self):
        """The filtered cases; none at all when the query string is invalid (its errors say
        why: a half-applied filter would show a count that is not the one asked for)."""
        if not hasattr(self, "_qs"):
            qs = super().qs
            if self.is_bound and self.form.errors:
                qs = self.queryset.none()
            self._qs = qs
        return self._qs


def combined_condition(
    *, department=None, deadline="", stage="", extended="", declined="", discipline=""
) -> Q:
    """The cases the deadline filters select (see the module's docstring)."""
    q = Q()
    narrowed = False
    if deadline or stage:
        rows = Q(dispute_id=OuterRef("pk"))
        if stage:
            rows &= Q(stage=stage)
        if department is not None:
            rows &= Q(department_id=department.pk)
        if deadline == DeadlineCondition.ALL_MET:
            closed, late = (DEADLINE_CONDITIONS[c] for c in _ALL_MET)
            q &= Q(Exists(Deadline.objects.filter(rows & closed)))
            q &= ~Q(Exists(Deadline.objects.filter(rows & late)))
        else:
            rows &= (
                DEADLINE_CONDITIONS[deadline] if deadline else ~Q(status=Deadline.Status.CANCELLED)
            )
            q &= Q(Exists(Deadline.objects.filter(rows)))
        narrowed = True
    if extended:
        rows = Q(deadline__dispute_id=OuterRef("pk"), status=ExtensionRequest.Status.GRANTED)
        if department is not None:
            rows &= Q(deadline__department_id=department.pk)
        q &= Q(Exists(ExtensionRequest.objects.filter(rows)))
        narrowed = True
    if declined:
        rows = Q(dispute_id=OuterRef("pk")) & DECLINED_TASKS
        if department is not None:
            rows &= Q(department_id=department.pk)
        q &= Q(Exists(DepartmentTask.objects.filter(rows)))
        narrowed = True
    if discipline:
        rows = Q(dispute_id=OuterRef("pk"))
        if department is not None:
            rows &= Q(department_id=department.pk)
        q &= Q(Exists(DisciplineReferral.objects.filter(rows)))
        narrowed = True
    if department is not None and not narrowed:
        co = Dispute.co_departments.through.objects.filter(
            dispute_id=OuterRef("pk"), department_id=department.pk
        )
        q &= Q(lead_department_id=department.pk) | Q(Exists(co))
    return q


def ledger_cases(user, params) -> LedgerFilter:
    """The ledger's filter over the cases ``user`` sees, bound to ``params`` (a QueryDict)."""
    return LedgerFilter(params or None, queryset=visible_disputes(user), user=user)


def ledger_url(**params) -> str:
    """The ledger filtered by ``params``: codes, dates (ISO) or flags; empty ones are left out,
    the rest in a fixed order, so that the same figure always links to the same address."""
    query = {}
    for key, value in sorted(params.items()):
        if value in (None, "", False):
            continue
        if isinstance(value, datetime.date):
            value = value.isoformat()
        elif value is True:
            value = "1"
        elif hasattr(value, "code"):
            value = value.code
        query[key] = value
    url = reverse("reports:ledger")
    return f"{url}?{urlencode(query)}" if query else url


def _rename(filters_: dict, names: dict) -> dict:
    return {names.get(name, name): value for name, value in filters_.items()}


# The received-date bounds are ``from`` and ``to`` in the query string (the dashboard's JSON
# takes the same), words Python keeps for itself, so they are renamed after the class is made.
RECEIVED_BOUNDS = {"received_from": "from", "received_to": "to"}
LedgerFilter.base_filters = _rename(LedgerFilter.base_filters, RECEIVED_BOUNDS)
