"""The documents of a case: what each one shows and when the case has it.

Confidentiality (保密): every document masks the payers' identity and phone numbers
(``3206**********1234``, ``138****5678``). Each of them leaves the system as paper — the receipt
and the reply notice go to the payers (in an employee/employer dispute, each party would
otherwise read the other's numbers), the referral sheet to the government office, the
joint-handling sheet to other departments, the archive to the records room — and the full
numbers stay in the system, where showing one is a deliberate, logged action. Whoever needs a
number looks the case up by its case number.
"""

from django.conf import settings
from django.db.models import BooleanField, Exists, ExpressionWrapper, OuterRef, Prefetch, Q, Value
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from consultations.models import (
    AgendaItem,
    Attendance,
    DepartmentTask,
    Meeting,
    Minutes,
    PolicyIssue,
    SupervisedUnit,
    Supervision,
)
from disputes import rules
from disputes.models import Classification, ObjectionRoute, Party, State
from reports.documents.formats import chinese_date
from reports.documents.registry import DocumentKind, DocumentUnavailable, Part, register
from routing.deadlines import policy_days
from routing.models import Deadline, Referral, Stage, UrgingNotice
from routing.urging import CIRCULAR_AFTER


def _staff_name(user) -> str:
    if user is None:
        return ""
    staff = getattr(user, "staff", None)
    return staff.full_name if staff is not None else user.get_username()


def _parties(dispute) -> list[Party]:
    return list(dispute.parties.select_related("payer").order_by("-is_representative", "id"))


def common_context(dispute) -> dict:
    """What every form of a case shows: the case, its county, its parties (numbers masked)."""
    county = dispute.jurisdiction.county
    return {
        "dispute": dispute,
        "county": county,
        "centre": dispute.centre,
        "parties": _parties(dispute),
        "numbers": rules.ON_PAPER,
        "insurance_types": list(dispute.insurance_types.all()),
        "printed_on": timezone.localdate(),
    }


# -- acceptance receipt (受理回执) -----------------------------------------------------------


def _reply_limit(dispute) -> tuple[int, object]:
    """Working days the centre has to reply, and the due moment when a reply clock runs."""
    stage = (
        Stage.MAJOR_REPLY if dispute.classification == Classification.MAJOR else Stage.GENERAL_REPLY
    )
    deadline = (
        Deadline.objects.filter(dispute=dispute, stage=stage)
        .exclude(status=Deadline.Status.CANCELLED)
        .order_by("-started_at")
        .first()
    )
    if deadline is not None:
        return deadline.working_days, deadline.due_at
    return policy_days(stage, dispute.category_id), None


def receipt_context(dispute, *, copy: int = 1, **opts) -> dict:
    days, due = _reply_limit(dispute)
    return {
        **common_context(dispute),
        "copy": copy,
        "receiver": _staff_name(dispute.first_responder),
        # What the payer handed in: the departments' supporting files are no materials received.
        "attachments": list(dispute.attachments.filter(opinions__isnull=True)),
        "reply_days": days,
        "reply_due": due,
        "simple": dispute.classification == Classification.SIMPLE,
        # The public status page, where the centre exposes it (PUBLIC_BASE_URL).
        "status_url": (
            settings.PUBLIC_BASE_URL.rstrip("/") + reverse("public_status")
            if settings.PUBLIC_BASE_URL
            else ""
        ),
    }


def receipt_check(dispute) -> None:
    # Every registered case has been received: the receipt exists from the first minute.
    return None


# -- referral sheet (报送单) -----------------------------------------------------------------


def _referral(dispute) -> Referral | None:
    return Referral.objects.filter(dispute=dispute).select_related("receiver__staff").first()


def referral_check(dispute) -> None:
    if _referral(dispute) is None:
        raise DocumentUnavailable(
            _(
                "Case %(number)s was not referred to the government office: "
                "it has no referral sheet."
            )
            % {"number": dispute.number}
        )


def referral_context(dispute, **opts) -> dict:
    referral = _referral(dispute)
    return {
        **common_context(dispute),
        "referral": referral,
        "receiver": _staff_name(referral.receiver),
    }


# -- joint-handling sheet (联办单), one per department -----------------------------------------


def _tasks(dispute):
    return (
        DepartmentTask.objects.filter(dispute=dispute)
        .exclude(status=DepartmentTask.Status.WITHDRAWN)
        .select_related("department", "deadline", "signed_by__staff")
        .order_by("-role", "department__code")  # the lead ("lead" > "co") first
    )


def joint_parts(dispute) -> list[Part]:
    """One part per department: after a redo (重办) it holds the sheet of each round."""
    departments = {t.department_id: t.department for t in _tasks(dispute)}
    return [Part(key=d.code, label=d.name, options={"department": d}) for d in departments.values()]


def joint_check(dispute) -> None:
    if not _tasks(dispute).exists():
        raise DocumentUnavailable(
            _("Case %(number)s has no departments handling it jointly: no joint-handling sheet.")
            % {"number": dispute.number}
        )


def _sheet_numbers(dispute) -> dict[int, int]:
    """Each department task's sheet number in the case: 1, 2, ... in the order the work was
    given (withdrawn tasks keep theirs), so a sheet's number never changes once printed."""
    pks = DepartmentTask.objects.filter(dispute=dispute).order_by("pk").values_list("pk", flat=True)
    return {pk: n for n, pk in enumerate(pks, start=1)}


def joint_context(dispute, *, department=None, **opts) -> dict:
    tasks = list(_tasks(dispute))
    numbers = _sheet_numbers(dispute)
    for task in tasks:
        task.sheet_number = numbers[task.pk]
    if department is not None:
        tasks = [t for t in tasks if t.department_id == department.pk]
        if not tasks:
            raise DocumentUnavailable(
                _("%(department)s does not handle case %(number)s: no joint-handling sheet.")
                % {"department": department.name, "number": dispute.number}
            )
    everyone = list(_tasks(dispute))
    lead = next((t.department for t in everyone if t.role == DepartmentTask.Role.LEAD), None)
    co = {t.department_id: t.department for t in everyone if t.role == DepartmentTask.Role.CO}
    return {
        **common_context(dispute),
        "tasks": tasks,
        "lead": lead or dispute.lead_department,
        "co_departments": list(co.values()),
    }


# -- meeting minutes (会议纪要), one per meeting that discussed the case ---------------------


def _meetings(dispute):
    """Held meetings that had the case on their agenda, latest first."""
    return (
        Meeting.objects.filter(agenda__dispute=dispute, status=Meeting.Status.HELD)
        .select_related("host__staff", "office")
        .order_by("-held_at", "-pk")
        .distinct()
    )


def _minutes_of(meeting) -> Minutes | None:
    return (
        Minutes.objects.filter(meeting=meeting)
        .select_related("sign_off_by__staff", "issued_by__staff")
        .first()
    )


def _minutes_label(meeting, minutes) -> str:
    return minutes.number or f"{meeting.title}（{chinese_date(meeting.held_at)}）"


def minutes_parts(dispute) -> list[Part]:
    parts = []
    for meeting in reversed(list(_meetings(dispute))):  # in the order they were held
        minutes = _minutes_of(meeting)
        if minutes is not None:
            parts.append(
                Part(
                    key=str(meeting.pk),
                    label=_minutes_label(meeting, minutes),
                    options={"meeting": meeting},
                )
            )
    return parts


def minutes_check(dispute) -> None:
    meeting = _meetings(dispute).first()
    if meeting is None:
        raise DocumentUnavailable(
            _("No consultation meeting has discussed case %(number)s yet: there are no minutes.")
            % {"number": dispute.number}
        )
    if _minutes_of(meeting) is None:
        raise DocumentUnavailable(
            _(
                "The minutes of “%(title)s”, the latest meeting on case %(number)s, "
                "are not drafted yet."
            )
            % {"title": meeting.title, "number": dispute.number}
        )


def minutes_context(dispute, *, meeting=None, **opts) -> dict:
    """The minutes of ``meeting`` (by default the latest meeting that discussed the case).

    The cases on the agenda are named by number and category only, as on the leading group's
    screen: the minutes go to every attending unit, which need not handle each case.
    """
    meeting = meeting or _meetings(dispute).first()
    minutes = _minutes_of(meeting)
    attendances = list(
        Attendance.objects.filter(meeting=meeting).select_related("department", "user__staff")
    )
    recorded = any(a.present is not None for a in attendances)
    present = [a for a in attendances if a.present or not recorded]
    by_department: dict[str, list] = {}
    for a in present:  # the departments in order of name, people without one last
        name = a.department.name if a.department else ""
        by_department.setdefault(name, []).append(a)
    attendance = sorted(by_department.items(), key=lambda row: (not row[0], row[0]))
    items = list(
        AgendaItem.objects.filter(meeting=meeting)
        .select_related("dispute__category")
        .prefetch_related("tasks__department", "tasks__owner__staff")
        .order_by("order", "pk")
    )
    return {
        **common_context(dispute),
        "meeting": meeting,
        "minutes": minutes,
        "host": _staff_name(meeting.host),
        "attendance": [(name or _("Other attendees"), people) for name, people in attendance],
        "absent": [a for a in attendances if a.present is False],
        "items": items,
        # The policy-level, widespread or trend questions the meeting raised (named by case
        # number only, like the agenda).
        "issues": list(
            PolicyIssue.objects.filter(meeting=meeting)
            .prefetch_related("disputes")
            .order_by("raised_at", "pk")
        ),
        "signer": _staff_name(minutes.sign_off_by) if minutes.signed_off_at else "",
    }


# -- written reply notice (处理意见告知书), one per party ------------------------------------


def reply_check(dispute) -> None:
    if not dispute.reply_text or dispute.replied_at is None:
        raise DocumentUnavailable(
            _("Case %(number)s has no written reply yet: no reply notice.")
            % {"number": dispute.number}
        )


# What the payer is told about each route of objection.
ROUTE_EXPLANATIONS = {
    ObjectionRoute.MEDIATION: gettext_lazy(
        "apply to the dispute handling centre or the people's mediation committee for mediation;"
    ),
    ObjectionRoute.RECONSIDERATION: gettext_lazy(
        "apply for administrative reconsideration within 60 days of receiving this notice;"
    ),
    ObjectionRoute.ARBITRATION: gettext_lazy(
        "in a dispute between an employee and the employer, apply to the labour and personnel "
        "dispute arbitration commission for arbitration;"
    ),
    ObjectionRoute.LITIGATION: gettext_lazy(
        "bring an administrative lawsuit before the people's court within six months of "
        "receiving this notice."
    ),
}


def reply_context(dispute, *, party=None, **opts) -> dict:
    parties = _parties(dispute)
    if party is not None:
        parties = [p for p in parties if p.payer_id == getattr(party, "pk", party)]
    departments = [t.department for t in _tasks(dispute)]
    return {
        **common_context(dispute),
        "addressees": parties,
        # The other party did not raise the matter: its notice names who did.
        "applicants": "、".join(
            p.payer.name for p in _parties(dispute) if p.side == Party.Side.APPLICANT
        ),
        "departments": departments,
        "routes": [(route.label, ROUTE_EXPLANATIONS[route]) for route in ObjectionRoute],
        "employment_dispute": any(p.payer.is_employer for p in _parties(dispute))
        and any(not p.payer.is_employer for p in _parties(dispute)),
    }


# -- archive cover and index (案卷封面、卷内目录) ----------------------------------------------


def archive_check(dispute) -> None:
    if dispute.state != State.ARCHIVED or not dispute.archive_number:
        raise DocumentUnavailable(
            _("Case %(number)s is not archived yet: it has no archive cover.")
            % {"number": dispute.number}
        )


def archive_context(dispute, *, entries=None, **opts) -> dict:
    """``entries``: the case file's documents with their page counts, in filing order.

    The archiving service passes the frozen ones; without them (a preview, the command) the
    file is rendered now to count its pages.
    """
    if entries is None:
        from reports.documents.archive import file_entries

        entries = file_entries(dispute)
    rows = []
    page = 1
    for entry in entries:
        pages = entry.pages or 0
        rows.append(
            {
                "entry": entry,
                "first": page if pages else None,
                "last": page + pages - 1 if pages else None,
            }
        )
        page += pages
    closed = dispute.closed_at or dispute.archived_at
    return {
        "outcome": _outcome(dispute),
        **common_context(dispute),
        "rows": rows,
        "total_pages": page - 1,
        "document_count": len(rows),
        "period_start": dispute.received_at,
        "period_end": closed,
    }


# -- urging notice (催办通知书), one per notice the sweep issued --------------------------------


def _notices(dispute):
    return (
        UrgingNotice.objects.filter(dispute=dispute)
        .select_related("department", "centre", "deadline")
        .order_by("issued_at", "pk")
    )


def urging_parts(dispute) -> list[Part]:
    return [
        Part(key=n.number, label=f"{n.number} {n.department.name}", options={"notice": n})
        for n in _notices(dispute)
    ]


def urging_check(dispute) -> None:
    if not _notices(dispute).exists():
        raise DocumentUnavailable(
            _("No department of case %(number)s has been sent an urging notice.")
            % {"number": dispute.number}
        )


def urging_context(dispute, *, notice=None, **opts) -> dict:
    """The notice ``notice`` (by default the latest of the case)."""
    notice = notice or _notices(dispute).last()
    return {
        **common_context(dispute),
        "notice": notice,
        "deadline": notice.deadline,
        # The centre that issued it: the case's owner at the time (the case may move on).
        "centre": notice.centre,
        "circular_after": CIRCULAR_AFTER,
    }


def _flag(q: Q):
    return ExpressionWrapper(q, output_field=BooleanField())


def _outcome(dispute) -> str:
    if dispute.return_basis:
        return _("Returned to the channel (not within remit): %(reason)s Basis: %(basis)s") % {
            "reason": dispute.withdrawal_reason,
            "basis": dispute.return_basis,
        }
    if dispute.withdrawal_reason:
        return _("Withdrawn: %(reason)s") % {"reason": dispute.withdrawal_reason}
    if dispute.classification == Classification.SIMPLE and not dispute.reply_text:
        return _("Settled on the spot")
    if dispute.objection_route:
        return _("The payer objected (%(route)s): %(outcome)s") % {
            "route": dispute.get_objection_route_display(),
            "outcome": dispute.objection_outcome,
        }
    return _("Replied; the payer accepted the handling opinion")


# -- supervision sheet (督办单), one per supervision of the case ------------------------------


def _supervisions(dispute):
    return (
        Supervision.objects.filter(dispute=dispute)
        .select_related("office", "opened_by__staff", "closed_by__staff")
        .prefetch_related(
            Prefetch("units", queryset=SupervisedUnit.objects.select_related("department"))
        )
        .order_by("opened_at", "pk")
    )


def supervision_parts(dispute) -> list[Part]:
    return [
        Part(key=s.number, label=s.number, options={"supervision": s})
        for s in _supervisions(dispute)
    ]


def supervision_check(dispute) -> None:
    if not Supervision.objects.filter(dispute=dispute).exists():
        raise DocumentUnavailable(
            _("Case %(number)s has not been supervised: it has no supervision sheet.")
            % {"number": dispute.number}
        )


def supervision_context(dispute, *, supervision=None, **opts) -> dict:
    """The sheet of ``supervision`` (by default the case's latest): what the office asks of
    which units by when, and the case it is about (the payers' numbers masked, as on every
    paper)."""
    supervision = supervision or _supervisions(dispute).last()
    return {
        **common_context(dispute),
        "supervision": supervision,
        "units": [u.department for u in supervision.units.all()],
        "office": supervision.office,
        "issued_by": _staff_name(supervision.opened_by),
    }


register(
    DocumentKind(
        key="receipt",
        title=gettext_lazy("Acceptance receipt"),
        template="reports/documents/receipt.html",
        context=receipt_context,
        check=receipt_check,
        exists=lambda: Value(True),
        order=10,
        frozen_at_issue=True,
    ),
    DocumentKind(
        key="referral_sheet",
        title=gettext_lazy("Referral sheet"),
        template="reports/documents/referral_sheet.html",
        context=referral_context,
        check=referral_check,
        exists=lambda: Exists(Referral.objects.filter(dispute=OuterRef("pk"))),
        order=20,
    ),
    DocumentKind(
        key="joint_handling_sheet",
        title=gettext_lazy("Joint-handling sheet"),
        template="reports/documents/joint_handling_sheet.html",
        context=joint_context,
        check=joint_check,
        parts=joint_parts,
        exists=lambda: Exists(
            DepartmentTask.objects.filter(dispute=OuterRef("pk")).exclude(
                status=DepartmentTask.Status.WITHDRAWN
            )
        ),
        order=30,
    ),
    DocumentKind(
        key="minutes",
        title=gettext_lazy("Meeting minutes"),
        template="reports/documents/minutes.html",
        context=minutes_context,
        check=minutes_check,
        parts=minutes_parts,
        exists=lambda: Exists(
            Minutes.objects.filter(
                meeting__agenda__dispute=OuterRef("pk"), meeting__status=Meeting.Status.HELD
            )
        ),
        order=40,
    ),
    DocumentKind(
        key="reply_notice",
        title=gettext_lazy("Written reply notice"),
        template="reports/documents/reply_notice.html",
        context=reply_context,
        check=reply_check,
        exists=lambda: _flag(~Q(reply_text="") & Q(replied_at__isnull=False)),
        order=50,
    ),
    DocumentKind(
        key="urging_notice",
        title=gettext_lazy("Urging notice"),
        template="reports/documents/urging_notice.html",
        context=urging_context,
        check=urging_check,
        parts=urging_parts,
        exists=lambda: Exists(UrgingNotice.objects.filter(dispute=OuterRef("pk"))),
        order=60,
    ),
    DocumentKind(
        key="supervision_sheet",
        title=gettext_lazy("Supervision sheet"),
        template="reports/documents/supervision_sheet.html",
        context=supervision_context,
        check=supervision_check,
        parts=supervision_parts,
        exists=lambda: Exists(Supervision.objects.filter(dispute=OuterRef("pk"))),
        order=61,
    ),
    DocumentKind(
        key="archive_cover",
        title=gettext_lazy("Archive cover and index"),
        template="reports/documents/archive_cover.html",
        context=archive_context,
        check=archive_check,
        exists=lambda: _flag(Q(state=State.ARCHIVED) & ~Q(archive_number="")),
        order=90,
        archived=False,
    ),
)
