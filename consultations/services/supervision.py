"""Supervision (督办) of a case by the leading-group office of its county.

The office opens it (numbered ``<office code>-DB-<year>-<seq>`` from the office's counter of
series "supervision"): each supervised department gets a deadline of stage "supervision" by
the date set, so the sweep reminds, marks overdue and records accountability as for any other
time limit, and its officers hear of it. The departments report progress; a department's final
report closes its deadline. The office concludes the supervision; what the units still owe is
then settled (``_settle_units``).
"""

import datetime

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from consultations import rules as meeting_rules
from consultations.models import (
    SupervisedUnit,
    Supervision,
    SupervisionReport,
    format_supervision_number,
)
from consultations.services.meetings import grant_view
from departments import clock
from disputes.exceptions import ActionNotPermitted, DisputeError
from disputes.formats import chinese_date
from disputes.models import CaseCounter, Dispute
from disputes.notifications import notify
from disputes.selectors import visible_disputes
from disputes.services import counter_take, require_serving, timeline_add
from routing.deadlines import (
    cancel_deadlines,
    close_deadline,
    leading_group_office_for,
    officers_of,
    open_deadline,
)
from routing.models import Deadline, Stage


def _locked_supervision(supervision: Supervision) -> Supervision:
    return (
        Supervision.objects.select_for_update()
        .select_related("dispute", "office__jurisdiction")
        .get(pk=supervision.pk)
    )


@clock.settable
def supervision_open(
    *,
    dispute: Dispute,
    actor,
    matter: str,
    requirement: str,
    departments,
    due_date: datetime.date | None = None,
) -> Supervision:
    """The office supervises an open case of its county; ``due_date`` None: the stage's
    policy (10 working days by default) sets it."""
    if not meeting_rules.can_supervise(dispute, actor):
        raise ActionNotPermitted(
            _("Only the leading-group office of the case's county supervises it.")
        )
    departments = list({d.pk: d for d in departments if d is not None}.values())
    if not (matter.strip() and requirement.strip()):
        raise DisputeError(_("A supervision needs the matter and the requirement."))
    if not departments:
        raise DisputeError(_("Choose at least one unit to supervise."))
    if due_date is not None and due_date < clock.localdate():
        raise DisputeError(_("The report date cannot be in the past."))
    with transaction.atomic():
        # The case as it is now, not as the caller last saw it.
        locked = (
            Dispute.objects.select_for_update().select_related("jurisdiction").get(pk=dispute.pk)
        )
        if not visible_disputes(actor).filter(pk=locked.pk).exists():
            raise DisputeError(_("No such case."))
        if not locked.is_open:
            raise DisputeError(
                _("Case %(number)s is “%(state)s”: a closed case is not supervised.")
                % {"number": locked.number, "state": locked.get_state_display()}
            )
        if Supervision.objects.filter(dispute=locked, status=Supervision.Status.OPEN).exists():
            raise DisputeError(
                _("Case %(number)s is under supervision already.") % {"number": locked.number}
            )
        require_serving(departments, locked.jurisdiction)
        office = meeting_rules.supervising_office(locked)
        year = clock.localdate().year
        sequence = counter_take(
            CaseCounter, centre=office, year=year, series=CaseCounter.Series.SUPERVISION
        )
        deadlines = {
            d.pk: open_deadline(
                dispute=locked,
                stage=Stage.SUPERVISION,
                department=d,
                due_date=due_date,
                # The supervision's own notice below tells the officers what is asked.
                announce=False,
            )
            for d in departments
        }
        if due_date is None:
            due_date = timezone.localtime(next(iter(deadlines.values())).due_at).date()
        supervision = Supervision.objects.create(
            dispute=locked,
            office=office,
            year=year,
            sequence=sequence,
            number=format_supervision_number(office, year, sequence),
            matter=matter.strip(),
            requirement=requirement.strip(),
            due_date=due_date,
            opened_by=actor,
        )
        SupervisedUnit.objects.bulk_create(
            SupervisedUnit(supervision=supervision, department=d, deadline=deadlines[d.pk])
            for d in departments
        )
        # The supervised units (and the office) see the case they answer for.
        grant_view(locked, [*departments, office])
        names = "、".join(d.name for d in departments)
        timeline_add(
            dispute=locked,
            actor=actor,
            action="consultations.supervision.opened",
            note=supervision.matter,
            data={
                "number": supervision.number,
                "units": names,
                "due": chinese_date(due_date),
            },
        )
        notify(
            users=[o for d in departments for o in officers_of(d)],
            dispute=locked,
            kind="consultations.supervision.opened",
            message=_(
                "Case %(number)s is under supervision (%(sheet)s): %(matter)s Report by %(due)s."
            )
            % {
                "number": locked.number,
                "sheet": supervision.number,
                "matter": supervision.matter[:120],
                "due": chinese_date(due_date),
            },
        )
    return supervision


@clock.settable
def supervision_report(
    *, supervision: Supervision, actor, text: str, final: bool = False
) -> SupervisionReport:
    """A supervised unit reports its progress; its final report closes its deadline (met, or
    late with the days late on the accountability record)."""
    if not text.strip():
        raise DisputeError(_("Write what the unit has done."))
    with transaction.atomic():
        locked = _locked_supervision(supervision)
        if not locked.is_open:
            raise DisputeError(_("The supervision is concluded; it takes no more reports."))
        if not meeting_rules.can_report_on_supervision(locked, actor):
            raise ActionNotPermitted(
                _("Only the officers of a supervised unit still reporting report on it.")
            )
        department_id = meeting_rules.officer_department(actor)
        unit = (
            SupervisedUnit.objects.select_for_update(of=("self",))
            .select_related("department", "deadline")
            .get(supervision=locked, department_id=department_id)
        )
        report = SupervisionReport.objects.create(
            supervision=locked,
            department=unit.department,
            by=actor,
            text=text.strip(),
            final=bool(final),
        )
        if final:
            unit.reported_at = report.at
            unit.save(update_fields=["reported_at"])
            if unit.deadline is not None and unit.deadline.met_at is None:
                close_deadline(unit.deadline, at=report.at)
        timeline_add(
            dispute=locked.dispute,
            actor=actor,
            action="consultations.supervision.reported",
            note=report.text,
            data={
                "number": locked.number,
                "department": unit.department.name,
                "final": bool(final),
            },
        )
        notify(
            users=leading_group_office_for(locked.dispute),
            dispute=locked.dispute,
            kind="consultations.supervision.reported",
            message=(
                _("Case %(number)s (%(sheet)s): %(dept)s gave its final report.")
                if final
                else _("Case %(number)s (%(sheet)s): %(dept)s reported its progress.")
            )
            % {
                "number": locked.dispute.number,
                "sheet": locked.number,
                "dept": unit.department.name,
            },
        )
    return report


def _settle_units(supervision: Supervision) -> None:
    """What the units still owe when the office concludes.

    A unit already past its date (marked overdue by the sweep, or due before the sweep came
    round) stays late: its deadline is closed, so its days late are final and its
    accountability record stays. A unit still within its time is no longer asked to report:
    its deadline is cancelled, neither met (it gave no final report) nor late (it was not).
    """
    now = clock.now()
    owed = Deadline.objects.filter(
        supervised_unit__supervision=supervision,
        met_at__isnull=True,
        status__in=[*Deadline.RUNNING, Deadline.Status.OVERDUE],
    )
    for deadline in owed.filter(due_at__lt=now):
        close_deadline(deadline, at=now)
    cancel_deadlines(owed.filter(due_at__gte=now))


@clock.settable
def supervision_close(*, supervision: Supervision, actor, conclusion: str) -> Supervision:
    """The office concludes the supervision (督办结论)."""
    if not conclusion.strip():
        raise DisputeError(_("Write the conclusion of the supervision."))
    with transaction.atomic():
        locked = _locked_supervision(supervision)
        if not locked.is_open:
            raise DisputeError(_("The supervision is concluded already."))
        if not meeting_rules.can_close_supervision(locked, actor):
            raise ActionNotPermitted(_("Only the office that opened the supervision concludes it."))
        locked.status = Supervision.Status.CLOSED
        locked.conclusion = conclusion.strip()
        locked.closed_by = actor
        locked.closed_at = clock.now()
        locked.save(update_fields=["status", "conclusion", "closed_by", "closed_at"])
        _settle_units(locked)
        units = list(locked.units.select_related("department"))
        timeline_add(
            dispute=locked.dispute,
            actor=actor,
            action="consultations.supervision.closed",
            note=locked.conclusion,
            data={"number": locked.number},
        )
        notify(
            users=[o for u in units for o in officers_of(u.department)],
            dispute=locked.dispute,
            kind="consultations.supervision.closed",
            message=_("Case %(number)s: supervision %(sheet)s is concluded: %(conclusion)s")
            % {
                "number": locked.dispute.number,
                "sheet": locked.number,
                "conclusion": locked.conclusion[:120],
            },
        )
    return locked
