"""Routing a case: propose departments, classify, transfer, refer and dispatch."""

import datetime
from dataclasses import dataclass, field

from django.db import transaction
from django.db.models import Q
from django.utils.translation import gettext as _

from departments import clock
from departments.models import Centre, Department
from disputes.exceptions import ActionNotPermitted, DisputeError
from disputes.grants import drop_unit_grants
from disputes.models import Classification, Dispute
from disputes.notifications import notify
from disputes.services import require_serving, run_transition, timeline_add
from routing import deadlines
from routing import rules as clock_rules
from routing.models import (
    CasePause,
    Deadline,
    ExtensionRequest,
    Referral,
    RoutingRule,
    Transfer,
)


@dataclass
class Proposal:
    lead_department: Department | None = None
    co_departments: list[Department] = field(default_factory=list)
    classification: str = ""
    rule: RoutingRule | None = None


def routing_propose(dispute: Dispute) -> Proposal:
    """The routing rule that fits the case best, as a proposal the clerk may change.

    Only departments serving the case's area are proposed: a rule naming another county's
    department (an installation-wide rule written for one county, say) proposes the department
    of the same kind that serves the case, and a rule whose lead has no such counterpart does
    not apply.
    """
    county = dispute.jurisdiction.county
    type_ids = list(dispute.insurance_types.values_list("pk", flat=True))
    rules = (
        RoutingRule.objects.filter(category_id=dispute.category_id, active=True)
        .filter(Q(insurance_type__isnull=True) | Q(insurance_type_id__in=type_ids))
        .filter(Q(county__isnull=True) | Q(county=county))
        .select_related("lead_department__jurisdiction", "insurance_type")
        .prefetch_related("co_departments__jurisdiction")
    )
    serving = _serving_by_kind(dispute.jurisdiction)

    def local(department: Department) -> Department | None:
        if department.serves(dispute.jurisdiction):
            return department
        return serving.get(department.kind)

    def specificity(rule: RoutingRule) -> tuple[int, int]:
        return (rule.insurance_type_id is not None, rule.county_id is not None)

    rules = [r for r in rules if local(r.lead_department) is not None]
    if not rules:
        return Proposal()
    top = max(specificity(r) for r in rules)
    # Several equally specific rules (a case naming pension and medical insurance): the first
    # insurance type in the administrators' order leads, the others' departments co-handle.
    tied = sorted(
        (r for r in rules if specificity(r) == top),
        key=lambda r: (r.insurance_type.sort_order if r.insurance_type else 0, r.pk),
    )
    best = tied[0]
    lead = local(best.lead_department)
    co: dict[int, Department] = {}
    for rule in tied:
        for named in [rule.lead_department, *rule.co_departments.all()]:
            department = local(named)
            if department is not None and department.pk != lead.pk:
                co.setdefault(department.pk, department)
    classification = best.suggested_classification
    if dispute.is_group_dispute or dispute.is_large_arrears or dispute.is_public_opinion_risk:
        classification = Classification.MAJOR
    return Proposal(
        lead_department=lead,
        co_departments=list(co.values()),
        classification=classification,
        rule=best,
    )


def _serving_by_kind(jurisdiction) -> dict[str, Department]:
    """For each kind, the department serving ``jurisdiction`` most closely (the one of the
    nearest area, before an installation-wide one)."""
    found: dict[str, Department] = {}
    for department in Department.objects.serving(jurisdiction).nearest_first():
        found.setdefault(department.kind, department)
    return found


@clock.settable
def dispute_classify(
    *,
    dispute,
    actor,
    classification: str,
    lead_department: Department | None = None,
    co_departments=(),
    note: str = "",
    expected_state=None,
) -> Dispute:
    if classification not in Classification.values:
        raise DisputeError(_("Choose how the case is classified."))
    co_departments = list(co_departments)
    if classification == Classification.SIMPLE:
        if not note.strip():
            raise DisputeError(_("Describe how the matter was settled on the spot."))
        lead_department, co_departments = None, []
    else:
        if lead_department is None:
            raise DisputeError(_("Choose the lead department."))
        co_departments = [d for d in co_departments if d.pk != lead_department.pk]
        if classification == Classification.MAJOR and not note.strip():
            raise DisputeError(_("Give the reason why this is a major or difficult matter."))
    case = dispute if isinstance(dispute, Dispute) else Dispute.objects.get(pk=dispute)
    require_serving([lead_department, *co_departments], case.jurisdiction)
    return run_transition(
        dispute=case,
        actor=actor,
        name="classify",
        expected_state=expected_state,
        note=note.strip(),
        data={
            "classification": classification,
            "lead": lead_department.name if lead_department else "",
            "co": [d.name for d in co_departments],
        },
        classification=classification,
        lead_department=lead_department,
        co_departments=co_departments,
        explanation=note.strip(),
    )


def competent_centre(dispute: Dispute) -> Centre | None:
    """The active processing centre of the case's own area (its jurisdiction, or the nearest
    ancestor that has one), when that is not the centre holding the case: the transfer's
    proposal."""
    parts = [p for p in dispute.jurisdiction.path.split("/") if p]
    paths = ["/".join(parts[: i + 1]) + "/" for i in range(len(parts))]
    centre = (
        Centre.objects.filter(
            kind=Centre.Kind.PROCESSING_CENTRE, active=True, jurisdiction__path__in=paths
        )
        .select_related("jurisdiction")
        .order_by("-jurisdiction__path", "pk")
        .first()
    )
    return centre if centre is not None and centre.pk != dispute.centre_id else None


@clock.settable
def dispute_transfer(
    *, dispute, actor, centre: Centre, reason: str, expected_state=None
) -> Dispute:
    if not reason.strip():
        raise DisputeError(_("Give the reason for the transfer."))
    case = dispute if isinstance(dispute, Dispute) else Dispute.objects.get(pk=dispute)
    if centre.pk == case.centre_id:
        raise DisputeError(_("The case already belongs to this centre."))
    if not centre.active:
        raise DisputeError(_("That centre is no longer active."))
    from_centre = case.centre
    with transaction.atomic():
        case = run_transition(
            dispute=case,
            actor=actor,
            name="transfer",
            expected_state=expected_state,
            note=reason.strip(),
            data={"from": from_centre.name, "to": centre.name},
            centre=centre,
            # Keep a village already named when it lies in the receiving centre's area.
            jurisdiction=case.jurisdiction
            if case.jurisdiction.path.startswith(centre.jurisdiction.path)
            else centre.jurisdiction,
        )
        Transfer.objects.create(
            dispute=case, from_centre=from_centre, to_centre=centre, reason=reason.strip(), by=actor
        )
        # The old centre's relation to the case has ended: so have its explicit grants.
        drop_unit_grants(dispute=case, group=from_centre.group)
    return case


@clock.settable
def dispute_refer(
    *,
    dispute,
    actor,
    summary: str,
    opinion: str,
    report_back_by: datetime.date,
    receiver_phone: str = "",
    contact_phone: str = "",
    contact_email: str = "",
    expected_state=None,
) -> Dispute:
    if not summary.strip() or not opinion.strip():
        raise DisputeError(_("The referral sheet needs the summary and the referral opinion."))
    if report_back_by < clock.localdate():
        raise DisputeError(_("The report-back date cannot be in the past."))
    case = dispute if isinstance(dispute, Dispute) else Dispute.objects.get(pk=dispute)
    with transaction.atomic():
        case = run_transition(
            dispute=case,
            actor=actor,
            name="refer",
            expected_state=expected_state,
            note=opinion.strip(),
        )
        Referral.objects.create(
            dispute=case,
            summary=summary.strip(),
            opinion=opinion.strip(),
            receiver=case.first_responder,
            receiver_phone=receiver_phone,
            received_at=case.received_at,
            report_back_by=report_back_by,
            contact_phone=contact_phone,
            contact_email=contact_email,
        )
    return case


@clock.settable
def dispute_dispatch(
    *,
    dispute,
    actor,
    department: Department,
    hotline_ticket: str = "",
    note: str = "",
    expected_state=None,
) -> Dispute:
    case = dispute if isinstance(dispute, Dispute) else Dispute.objects.get(pk=dispute)
    require_serving([department], case.jurisdiction)
    with transaction.atomic():
        case = run_transition(
            dispute=case,
            actor=actor,
            name="dispatch",
            expected_state=expected_state,
            note=note,
            data={"department": department.name, "ticket": hotline_ticket},
            lead_department=department,
        )
        Referral.objects.filter(dispute=case).update(
            dispatched_to=department,
            dispatched_by=actor,
            dispatched_at=clock.now(),
            hotline_ticket=hotline_ticket,
        )
    return case


# -- clocks: pausing while the payer is awaited, extensions -------------------------------


def case_pause(*, dispute: Dispute, actor, reason: str) -> CasePause:
    if not clock_rules.may_stop_clocks(dispute, actor):
        raise ActionNotPermitted()
    if not dispute.is_open:
        raise DisputeError(_("Only an open case can wait on the payer."))
    if not reason.strip():
        raise DisputeError(_("Say what the case is waiting for."))
    now = clock.now()
    with transaction.atomic():
        Dispute.objects.select_for_update().get(pk=dispute.pk)
        if CasePause.objects.filter(dispute=dispute, ended_at__isnull=True).exists():
            raise DisputeError(_("The case is already waiting on the payer."))
        pause = CasePause.objects.create(dispute=dispute, reason=reason.strip(), started_by=actor)
        Deadline.objects.running().filter(dispute=dispute, paused_at__isnull=True).update(
            paused_at=now
        )
        timeline_add(
            dispute=dispute, actor=actor, action="routing.clock.paused", note=reason.strip()
        )
    return pause


def case_resume(*, dispute: Dispute, actor) -> None:
    """The payer answered: every paused clock moves on by the working days it stood still."""
    if not clock_rules.may_stop_clocks(dispute, actor):
        raise ActionNotPermitted()
    with transaction.atomic():
        Dispute.objects.select_for_update().get(pk=dispute.pk)
        if deadlines.pause_end(dispute=dispute, actor=actor) is None:
            raise DisputeError(_("The case is not waiting on the payer."))


def extension_request(*, deadline: Deadline, actor, working_days: int, reason: str):
    if not clock_rules.may_request_extension(deadline, actor):
        raise ActionNotPermitted(_("Only those responsible for this time limit ask to extend it."))
    if deadline.met_at is not None or deadline.status == Deadline.Status.CANCELLED:
        raise DisputeError(_("This time limit is closed."))
    if not 1 <= working_days <= 30:
        raise DisputeError(_("An extension is 1 to 30 working days."))
    if not reason.strip():
        raise DisputeError(_("Give the reason for the extension."))
    if deadline.extensions.filter(status=ExtensionRequest.Status.PENDING).exists():
        raise DisputeError(_("An extension of this time limit is already awaiting a decision."))
    with transaction.atomic():
        request = ExtensionRequest.objects.create(
            deadline=deadline, requested_by=actor, working_days=working_days, reason=reason.strip()
        )
        timeline_add(
            dispute=deadline.dispute,
            actor=actor,
            action="routing.extension.requested",
            note=reason.strip(),
            data={"stage": deadline.get_stage_display(), "days": working_days},
        )
        notify(
            users=deadlines.coordinators_of(deadline.dispute.centre),
            dispute=deadline.dispute,
            kind="extension.requested",
            message=_(
                "Case %(number)s: an extension of “%(stage)s” by %(days)d working days "
                "awaits your decision."
            )
            % {
                "number": deadline.dispute.number,
                "stage": deadline.get_stage_display(),
                "days": working_days,
            },
        )
    return request


def extension_decide(*, request: ExtensionRequest, actor, grant: bool, comment: str = ""):
    deadline = request.deadline
    if not clock_rules.may_decide_extension(deadline, actor):
        raise ActionNotPermitted(
            _("Only the coordinator or the leading-group office decides extensions.")
        )
    if not grant and not comment.strip():
        raise DisputeError(_("Say why the extension is refused."))
    with transaction.atomic():
        locked = ExtensionRequest.objects.select_for_update().get(pk=request.pk)
        if locked.status != ExtensionRequest.Status.PENDING:
            raise DisputeError(_("This request has already been decided."))
        locked.status = (
            ExtensionRequest.Status.GRANTED if grant else ExtensionRequest.Status.REFUSED
        )
        locked.decided_by, locked.decided_at = actor, clock.now()
        locked.comment = comment.strip()
        locked.save()
        if grant:
            deadline = Deadline.objects.select_for_update().get(pk=deadline.pk)
            deadlines.shift(deadline, locked.working_days)
            if deadline.met_at is None:
                deadline.status = Deadline.Status.EXTENDED
            deadline.save()
        timeline_add(
            dispute=deadline.dispute,
            actor=actor,
            action="routing.extension.granted" if grant else "routing.extension.refused",
            note=locked.comment,
            data={"stage": deadline.get_stage_display(), "days": locked.working_days},
        )
        notify(
            users=[locked.requested_by],
            dispute=deadline.dispute,
            kind="extension.decided",
            message=(
                _("Case %(number)s: your extension of “%(stage)s” was granted.")
                if grant
                else _("Case %(number)s: your extension of “%(stage)s” was refused.")
            )
            % {"number": deadline.dispute.number, "stage": deadline.get_stage_display()},
        )
    return locked
