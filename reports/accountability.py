"""Accountability (责任追究): the records of missed time limits as the supervisors and the
leading-group office read them, and the office's decisions on them.

The records a user reads are those of the cases in the county of the user's area (their own
jurisdiction, or their centre's): accountability is the county's leading group's business, and
the office sees only the escalated cases among the county's, so the records are not bounded by
``visible_disputes``. The case of a record opens for whoever sees it (the list says which).

A decision (reminded, criticised in a circular, referred to the discipline commission, excused
with the reason) is appended, never changed: the latest one is the record's outcome, the
earlier ones stay on record, and each also goes on the case's timeline.
"""

import datetime
from dataclasses import dataclass
from urllib.parse import urlencode

from django.conf import settings
from django.db import transaction
from django.db.models import Exists, OuterRef, Prefetch, QuerySet, Subquery
from django.urls import reverse
from django.utils import translation
from django.utils.translation import gettext as _

from disputes.exceptions import ActionNotPermitted, DisputeError
from disputes.selectors import visible_disputes
from disputes.services import timeline_add
from reports import rules
from reports.ledger import day_start
from reports.models import AccountabilityDecision
from routing.models import Accountability

DECIDED = "reports.accountability.decided"


def accountability_url(**params) -> str:
    """The accountability page filtered by ``params``: units (by code), a stage, the period of
    recording (``date_from`` / ``date_to``, both days included), ``decision``."""
    names = {"date_from": "from", "date_to": "to"}
    query = {}
    for key, value in sorted(params.items()):
        if value in (None, ""):
            continue
        if isinstance(value, datetime.date):
            value = value.isoformat()
        elif hasattr(value, "code"):
            value = value.code
        query[names.get(key, key)] = value
    url = reverse("reports:accountability")
    return f"{url}?{urlencode(query)}" if query else url


def accountability_records(user) -> QuerySet[Accountability]:
    """The records ``user`` reads: those of their county's cases (superusers: every one); none
    for anyone else."""
    if not rules.reads_accountability(user):
        return Accountability.objects.none()
    if getattr(user, "is_superuser", False):
        return Accountability.objects.all()
    county = rules.accountability_county(user)
    if county is None:
        return Accountability.objects.none()
    return Accountability.objects.filter(dispute__jurisdiction__path__startswith=county.path)


def filtered_records(records: QuerySet, filters: dict) -> QuerySet:
    """``records`` narrowed by the page's filter form (its cleaned data)."""
    if filters.get("department"):
        records = records.filter(department=filters["department"])
    if filters.get("centre"):
        records = records.filter(centre=filters["centre"])
    if filters.get("stage"):
        records = records.filter(stage=filters["stage"])
    if filters.get("date_from"):
        records = records.filter(recorded_at__gte=day_start(filters["date_from"]))
    if filters.get("date_to"):
        next_day = filters["date_to"] + datetime.timedelta(days=1)
        records = records.filter(recorded_at__lt=day_start(next_day))
    decision = filters.get("decision")
    if decision:
        decided = AccountabilityDecision.objects.filter(record_id=OuterRef("pk"))
        if decision == "none":
            records = records.filter(~Exists(decided))
        else:
            # The outcome is the latest decision's.
            latest = decided.order_by("-decided_at", "-pk").values("outcome")[:1]
            records = records.alias(outcome=Subquery(latest)).filter(outcome=decision)
    return records


def with_page_relations(records: QuerySet, user) -> QuerySet:
    """What the page shows of each record, in a fixed number of queries: the case (and whether
    the user sees it), the units, every decision with its author, latest first."""
    return (
        records.select_related("dispute__jurisdiction", "department", "centre")
        .annotate(case_seen=Exists(visible_disputes(user).filter(pk=OuterRef("dispute_id"))))
        .prefetch_related(
            Prefetch(
                "decisions",
                queryset=AccountabilityDecision.objects.select_related(
                    "decided_by__staff"
                ).order_by("-decided_at", "-pk"),
            )
        )
    )


@dataclass
class Row:
    """A record as the page shows it: whether the user may decide on it, and the outcome and
    reason they had typed when their last try on it was refused (kept, to be sent again)."""

    record: Accountability
    can_decide: bool
    outcome: str = ""
    reason: str = ""
    refused: bool = False


# The session key of a refused decision's input, shown again in its row (and then dropped).
DRAFT = "reports.accountability.draft"


def keep_draft(session, *, record: Accountability, outcome, reason) -> None:
    session[DRAFT] = {
        "record": record.pk,
        "outcome": outcome if outcome in AccountabilityDecision.Outcome.values else "",
        "reason": str(reason or "")[:2000],
    }


def page_rows(user, records, session) -> list[Row]:
    """The page's records as rows, the refused draft (if any) in its own."""
    draft = session.pop(DRAFT, None) or {}
    rows = []
    for record in records:
        row = Row(record, rules.may_decide_accountability(user, record))
        if draft.get("record") == record.pk and row.can_decide:
            row.outcome, row.reason, row.refused = draft["outcome"], draft["reason"], True
        rows.append(row)
    return rows


def accountability_decide(
    *, record: Accountability, actor, outcome: str, reason: str = ""
) -> AccountabilityDecision:
    """Append the leading-group office's decision on ``record``; it supersedes the earlier."""
    if not rules.may_decide_accountability(actor, record):
        raise ActionNotPermitted(
            _("Only the county's leading-group office decides on accountability records.")
        )
    if outcome not in AccountabilityDecision.Outcome.values:
        raise DisputeError(_("Choose an outcome."))
    reason = reason.strip()
    if outcome == AccountabilityDecision.Outcome.EXCUSED and not reason:
        raise DisputeError(_("Give the reason why the unit is excused."))
    with transaction.atomic():
        # One decision at a time per record: the order of decisions is the order of writing.
        # Its own row only (``of``): its unit is on the nullable side of an outer join, which
        # PostgreSQL does not lock.
        locked = (
            Accountability.objects.select_for_update(of=("self",))
            .select_related("dispute", "department", "centre")
            .get(pk=record.pk)
        )
        decision = AccountabilityDecision.objects.create(
            record=locked, outcome=outcome, reason=reason, decided_by=actor
        )
        timeline_add(
            dispute=locked.dispute,
            actor=actor,
            action=DECIDED,
            note=_timeline_note(locked, decision),
            data={
                "record": locked.pk,
                "outcome": outcome,
                "stage": locked.stage,
                "unit": _unit_name(locked),
            },
        )
    return decision


def _unit_name(record: Accountability) -> str:
    unit = record.department or record.centre
    return unit.name if unit is not None else ""


def _timeline_note(record: Accountability, decision: AccountabilityDecision) -> str:
    # Stored text: in the installation's language, whatever the deciding user reads.
    with translation.override(settings.LANGUAGE_CODE):
        note = _("%(outcome)s: %(stage)s, %(unit)s, %(days)d working days late") % {
            "outcome": decision.get_outcome_display(),
            "stage": record.get_stage_display(),
            "unit": _unit_name(record),
            "days": record.days_late,
        }
        if decision.reason:
            note = f"{note}\n{decision.reason}"
    return note
