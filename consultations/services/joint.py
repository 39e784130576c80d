"""Joint handling: department opinions, refusals and reassignment, the discipline clue,
consolidation, escalation and the leader's approval."""

from decimal import Decimal

from django.db import transaction
from django.utils.translation import gettext as _
from guardian.shortcuts import assign_perm

from consultations import rules as meeting_rules
from consultations.handlers import OPINION_STATES, open_task
from consultations.models import DepartmentTask, DisciplineReferral
from consultations.selectors import (
    awaited_tasks,
    discipline_commission,
    refusing_tasks,
    unsettled_tasks,
)
from departments import clock
from disputes import reach
from disputes.exceptions import ActionNotPermitted, DisputeError
from disputes.grants import VIEW, drop_unit_grants
from disputes.models import Dispute
from disputes.notifications import notify
from disputes.services import attachment_add, require_serving, run_transition, timeline_add
from routing.deadlines import close_deadline, officers_of, open_deadline, unclosed
from routing.models import Stage


@clock.settable
def opinion_give(
    *,
    task: DepartmentTask,
    actor,
    finding: str,
    basis: str,
    proposal: str,
    amount_confirmed: Decimal | None = None,
    attachments=(),
    expected_state: str | None = None,
) -> DepartmentTask:
    if not meeting_rules.may_answer_task(task, actor):
        raise ActionNotPermitted(
            _("Only an officer of %(dept)s can give its opinion.") % {"dept": task.department.name}
        )
    if not (finding.strip() and proposal.strip()):
        raise DisputeError(_("An opinion needs the finding of fact and the proposed handling."))
    with transaction.atomic():
        locked = DepartmentTask.objects.select_for_update().get(pk=task.pk)
        dispute = Dispute.objects.get(pk=locked.dispute_id)
        if expected_state is not None and dispute.state != expected_state:
            raise DisputeError(
                _("The case was changed by someone else in the meantime. Please look again.")
            )
        if dispute.state not in OPINION_STATES:
            raise DisputeError(_("The case is past the stage of department opinions."))
        if locked.status != DepartmentTask.Status.PENDING:
            raise DisputeError(_("This department has already answered."))
        locked.finding = finding.strip()
        locked.basis = basis.strip()
        locked.proposal = proposal.strip()
        locked.amount_confirmed = amount_confirmed
        locked.signed_by = actor
        locked.answered_at = clock.now()
        locked.status = DepartmentTask.Status.ANSWERED
        locked.save()
        files = [
            attachment_add(
                dispute=dispute,
                actor=actor,
                upload=upload,
                description=_("Opinion of %(dept)s") % {"dept": locked.department.name},
            )
            for upload in attachments
        ]
        if files:
            locked.attachments.add(*files)
        if locked.deadline_id:
            close_deadline(locked.deadline)
        data = {"department": locked.department.name}
        if files:
            data["files"] = [f.name for f in files]
        timeline_add(
            dispute=dispute,
            actor=actor,
            action="consultations.opinion.given",
            note=locked.proposal,
            data=data,
        )
    return locked


@clock.settable
def dispute_consolidate(*, dispute, actor, opinion: str, expected_state=None) -> Dispute:
    """The lead consolidates the departments' opinions into one handling opinion.

    Possible once every sub-task is answered (or declined) or past its deadline; the overdue
    ones are named on the timeline.
    """
    if not opinion.strip():
        raise DisputeError(_("Write the consolidated handling opinion."))
    case = dispute if isinstance(dispute, Dispute) else Dispute.objects.get(pk=dispute)
    with transaction.atomic():
        waiting = list(awaited_tasks(case).select_related("department"))
        if waiting:
            raise DisputeError(
                _("Opinions are still awaited from: %(departments)s.")
                % {"departments": "、".join(t.department.name for t in waiting)}
            )
        overdue = list(
            unsettled_tasks(case)
            .select_related("department")
            .values_list("department__name", flat=True)
        )
        return run_transition(
            dispute=case,
            actor=actor,
            name="consolidate",
            expected_state=expected_state,
            data={"overdue": overdue} if overdue else None,
            opinion=opinion.strip(),
        )


@clock.settable
def dispute_escalate(*, dispute, actor, reason: str, expected_state=None) -> Dispute:
    if not reason.strip():
        raise DisputeError(_("Give the reason why the task force cannot settle the case."))
    return run_transition(
        dispute=dispute,
        actor=actor,
        name="escalate",
        expected_state=expected_state,
        note=reason.strip(),
        reason=reason.strip(),
    )


@clock.settable
def dispute_approve(*, dispute, actor, comment: str = "", expected_state=None) -> Dispute:
    return run_transition(
        dispute=dispute,
        actor=actor,
        name="approve",
        expected_state=expected_state,
        note=comment.strip(),
    )


def dispute_return(*, dispute, actor, comment: str, expected_state=None) -> Dispute:
    if not comment.strip():
        raise DisputeError(_("Say why the escalation is returned."))
    case = dispute if isinstance(dispute, Dispute) else Dispute.objects.get(pk=dispute)
    if case.lead_department_id is None:
        raise DisputeError(
            _("The case has no lead department to return it to; classify it again instead.")
        )
    return run_transition(
        dispute=case,
        actor=actor,
        name="return_escalation",
        expected_state=expected_state,
        note=comment.strip(),
    )


def task_decline(*, task: DepartmentTask, actor, reason: str) -> DepartmentTask:
    """A department says the matter is not its duty, with reasons; the coordinator reassigns."""
    if not meeting_rules.may_answer_task(task, actor):
        raise ActionNotPermitted(
            _("Only an officer of %(dept)s can answer for it.") % {"dept": task.department.name}
        )
    if not reason.strip():
        raise DisputeError(_("Give the reasons why the matter is not this department's duty."))
    with transaction.atomic():
        locked = DepartmentTask.objects.select_for_update().get(pk=task.pk)
        if locked.status != DepartmentTask.Status.PENDING:
            raise DisputeError(_("This department has already answered."))
        locked.status = DepartmentTask.Status.DECLINED
        locked.decline_reason = reason.strip()
        locked.signed_by = actor
        locked.answered_at = clock.now()
        locked.save()
        if locked.deadline_id:
            close_deadline(locked.deadline)
        # The coordinator now has to pass the matter on (需其他单位配合的，2个工作日内传递).
        open_deadline(dispute=locked.dispute, stage=Stage.PASS_ON, centre=locked.dispute.centre)
        timeline_add(
            dispute=locked.dispute,
            actor=actor,
            action="consultations.task.declined",
            note=locked.decline_reason,
            data={"department": locked.department.name},
        )
    return locked


def task_reassign(*, dispute: Dispute, actor, from_department, to_department, reason: str):
    """The coordinator moves a department's part of the case to another department.

    The old department loses the case (its assignment, its pending task and any explicit grant);
    the new one is assigned and, while opinions are being given, gets its own sub-task.
    """
    if not meeting_rules.may_reassign(dispute, actor):
        raise ActionNotPermitted(_("Only the coordinator of the owning centre reassigns."))
    if from_department.pk == to_department.pk:
        raise DisputeError(_("Choose a different department."))
    if not reason.strip():
        raise DisputeError(_("Give the reason for the reassignment."))
    require_serving([to_department], dispute.jurisdiction)
    with transaction.atomic():
        case = Dispute.objects.select_for_update().get(pk=dispute.pk)
        is_lead = case.lead_department_id == from_department.pk
        if not is_lead and not case.co_departments.filter(pk=from_department.pk).exists():
            raise DisputeError(
                _("%(dept)s is not assigned to this case.") % {"dept": from_department.name}
            )
        # A decline passed on: the limit for passing it on (opened by the decline) is met now.
        passes_on_decline = DepartmentTask.objects.filter(
            dispute=case, department=from_department, status=DepartmentTask.Status.DECLINED
        ).exists()
        if is_lead:
            Dispute.objects.filter(pk=case.pk).update(lead_department=to_department)
            reach.refresh(case.pk)  # an update() passes the signals by
            case.co_departments.remove(to_department)
        else:
            case.co_departments.remove(from_department)
            case.co_departments.add(to_department)
        DepartmentTask.objects.filter(dispute=case, department=from_department).exclude(
            status=DepartmentTask.Status.ANSWERED
        ).update(status=DepartmentTask.Status.WITHDRAWN)
        drop_unit_grants(dispute=case, group=from_department.group)
        if passes_on_decline:
            passing = unclosed(case, [Stage.PASS_ON]).order_by("started_at", "pk").first()
            if passing is not None:
                close_deadline(passing)
        if (
            case.state in OPINION_STATES
            and not DepartmentTask.objects.filter(
                dispute=case, department=to_department, round=case.reply_round
            )
            .exclude(status=DepartmentTask.Status.WITHDRAWN)
            .exists()
        ):
            # With its own time limit for the opinion, as every department's sub-task.
            open_task(
                case,
                to_department.pk,
                DepartmentTask.Role.LEAD if is_lead else DepartmentTask.Role.CO,
            )
        timeline_add(
            dispute=case,
            actor=actor,
            action="consultations.task.reassigned",
            note=reason.strip(),
            data={"from": from_department.name, "to": to_department.name},
        )
    case.refresh_from_db()
    return case


def discipline_refer(*, task: DepartmentTask, actor, reason: str) -> DisciplineReferral:
    """The coordinator decides that a department refused without good reason: the case clue
    goes to the discipline commission (纪委监委), which may then read the case."""
    dispute = task.dispute
    if not meeting_rules.may_refer_to_discipline(dispute, actor):
        raise ActionNotPermitted(
            _("Only the coordinator of the owning centre passes a clue to the commission.")
        )
    if not reason.strip():
        raise DisputeError(_("Say why the department's refusal has no good reason."))
    with transaction.atomic():
        if not refusing_tasks(dispute).filter(pk=task.pk).exists():
            raise DisputeError(
                _("%(dept)s has not refused this task, or its clue was passed on already.")
                % {"dept": task.department.name}
            )
        referral = DisciplineReferral.objects.create(
            dispute=dispute,
            task=task,
            department=task.department,
            reason=reason.strip(),
            decided_by=actor,
        )
        commission = discipline_commission(dispute)
        if commission is not None and commission.group_id:
            assign_perm(VIEW, commission.group, dispute)
            notify(
                users=officers_of(commission),
                dispute=dispute,
                kind="consultations.discipline",
                message=_("Case %(number)s: a clue about %(dept)s refusing its duty.")
                % {"number": dispute.number, "dept": task.department.name},
            )
        timeline_add(
            dispute=dispute,
            actor=actor,
            action="consultations.discipline.referred",
            note=referral.reason,
            data={"department": task.department.name},
        )
    return referral
