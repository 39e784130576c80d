"""After the reply: the follow-up visit (回访), the payer's rating, and the coordinator's
decision on a payer who is not satisfied (explain and close, or redo: 重办).

A visit is recorded by the owning centre's clerks and coordinators while the case waits on the
payer's response (REPLIED); the payer may rate the reply online on the status page, once per
reply, and change that rating until the case is closed. The case keeps the current reply's
rating (``Dispute.satisfaction``); a redo starts a new round.
"""

import datetime

from django.db import transaction
from django.utils.translation import gettext as _

from departments import clock
from disputes import rules
from disputes.exceptions import ActionNotPermitted, DisputeError
from disputes.models import Dispute, FollowUp, Satisfaction, State
from disputes.sections import CaseSection, register
from disputes.services import centre_handlers, run_transition, timeline_add
from disputes.signals import follow_up_recorded

REDOS_FOR_LEADING_GROUP = rules.REDOS_FOR_LEADING_GROUP


def _locked(dispute) -> Dispute:
    pk = dispute.pk if isinstance(dispute, Dispute) else dispute
    return Dispute.objects.select_for_update().select_related("centre", "jurisdiction").get(pk=pk)


def _check_rating(satisfaction: str, remarks: str) -> None:
    if satisfaction not in Satisfaction.values:
        raise DisputeError(_("Choose how satisfied the payer is."))
    if satisfaction == Satisfaction.DISSATISFIED and not remarks:
        raise DisputeError(_("Say why the payer is not satisfied."))


def _not_replied(case: Dispute) -> DisputeError:
    return DisputeError(
        _(
            "Case %(number)s is “%(state)s”: a follow-up is recorded after the reply, while "
            "the case waits on the payer's response."
        )
        % {"number": case.number, "state": case.get_state_display()}
    )


def _tell_coordinators(case: Dispute, follow_up: FollowUp) -> None:
    from disputes.notifications import notify

    if follow_up.satisfaction != Satisfaction.DISSATISFIED:
        return
    notify(
        users=[u for u in centre_handlers(case.centre) if rules.can_coordinate(case, u)],
        dispute=case,
        kind="disputes.case.dissatisfied",
        message=_(
            "Case %(number)s: the payer is not satisfied with the reply. Decide whether to "
            "explain and close, or to redo it."
        )
        % {"number": case.number},
    )


@clock.settable
def record_follow_up(
    *,
    dispute,
    actor,
    method: str,
    satisfaction: str,
    contact: str = "",
    visited_at: datetime.datetime | None = None,
    remarks: str = "",
) -> FollowUp:
    """The centre's follow-up visit of the current reply, with the payer's rating."""
    remarks, contact = remarks.strip(), contact.strip()
    if method not in FollowUp.Method.values or method == FollowUp.Method.ONLINE:
        raise DisputeError(_("Choose how the payer was visited."))
    _check_rating(satisfaction, remarks)
    visited_at = visited_at or clock.now()
    if visited_at > clock.now():
        raise DisputeError(_("The time of the visit cannot be in the future."))
    with transaction.atomic():
        case = _locked(dispute)
        if not rules.can_handle_at_centre(case, actor):
            raise ActionNotPermitted(
                _("Only the clerks and coordinators of the owning centre record follow-ups.")
            )
        if case.state != State.REPLIED:
            raise _not_replied(case)
        # The form gives the time to the minute: a visit in the reply's own minute is after it.
        if case.replied_at and visited_at < case.replied_at.replace(second=0, microsecond=0):
            raise DisputeError(_("The visit cannot be before the reply it follows up."))
        follow_up = FollowUp.objects.create(
            dispute=case,
            round=case.reply_round,
            method=method,
            contact=contact,
            visited_at=visited_at,
            satisfaction=satisfaction,
            remarks=remarks,
            recorded_by=actor,
        )
        _apply(case, follow_up, actor=actor, action="disputes.case.followed_up")
    return follow_up


@clock.settable
def rate_online(*, dispute, satisfaction: str, remarks: str = "") -> FollowUp:
    """The payer's own rating on the status page: one per reply, changeable until closed."""
    remarks = remarks.strip()
    _check_rating(satisfaction, remarks)
    with transaction.atomic():
        case = _locked(dispute)
        if case.state != State.REPLIED:
            if case.replied_at is not None:
                raise DisputeError(
                    _("Case %(number)s is closed: its rating can no longer be changed.")
                    % {"number": case.number}
                )
            raise DisputeError(
                _("Case %(number)s has not been answered yet: rate it once you have the reply.")
                % {"number": case.number}
            )
        follow_up, created = FollowUp.objects.update_or_create(
            dispute=case,
            round=case.reply_round,
            method=FollowUp.Method.ONLINE,
            defaults={
                "satisfaction": satisfaction,
                "remarks": remarks,
                "visited_at": clock.now(),
                "recorded_at": clock.now(),
            },
        )
        _apply(
            case,
            follow_up,
            actor=None,
            action="disputes.case.rated_online" if created else "disputes.case.rating_changed",
        )
    return follow_up


def _apply(case: Dispute, follow_up: FollowUp, *, actor, action: str) -> None:
    """The case takes the latest rating of its round; the timeline and the coordinators hear."""
    latest = (
        FollowUp.objects.filter(dispute=case, round=case.reply_round)
        .order_by("-visited_at", "-id")
        .values_list("satisfaction", flat=True)
        .first()
    )
    Dispute.objects.filter(pk=case.pk).update(satisfaction=latest)
    case.satisfaction = latest
    timeline_add(
        dispute=case,
        actor=actor,
        action=action,
        note=follow_up.remarks,
        data={
            "method": follow_up.method,
            "satisfaction": follow_up.satisfaction,
            "round": follow_up.round,
        },
    )
    follow_up_recorded.send(sender=FollowUp, dispute=case, follow_up=follow_up)
    _tell_coordinators(case, follow_up)


@clock.settable
def dispute_redo(*, dispute, actor, reason: str, expected_state=None) -> Dispute:
    """重办: back to the departments for a new reply; the old reply stays on the timeline."""
    reason = reason.strip()
    if not reason:
        raise DisputeError(_("Say what the redo must address."))
    with transaction.atomic():
        before = Dispute.objects.get(pk=dispute.pk if isinstance(dispute, Dispute) else dispute)
        case = run_transition(
            dispute=before,
            actor=actor,
            name="redo",
            expected_state=expected_state,
            note=reason,
            data={
                "round": before.reply_round + 1,
                "previous_reply": before.reply_text,
                "previous_opinion": before.handling_opinion,
                "replied_at": before.replied_at.isoformat() if before.replied_at else "",
            },
            reason=reason,
        )
    return case


@clock.settable
def dispute_close_explained(*, dispute, actor, explanation: str, expected_state=None) -> Dispute:
    """The payer is not satisfied, and the reply stands: closed with the explanation given."""
    explanation = explanation.strip()
    if not explanation:
        raise DisputeError(_("Write the explanation given to the payer."))
    return run_transition(
        dispute=dispute,
        actor=actor,
        name="close_explained",
        expected_state=expected_state,
        note=explanation,
        explanation=explanation,
    )


def online_rating(dispute: Dispute) -> FollowUp | None:
    """The payer's own rating of the current reply, if they gave one."""
    return dispute.follow_ups.filter(
        round=dispute.reply_round, method=FollowUp.Method.ONLINE
    ).first()


def follow_ups_of(dispute: Dispute):
    return dispute.follow_ups.select_related("recorded_by__staff").order_by("visited_at", "id")


def follow_up_section(request, dispute):
    """The case page's follow-ups: each visit and rating, by reply round, and the redos."""
    if dispute.replied_at is None and not dispute.redo_count:
        return None  # never replied: nothing to follow up, and no query for it
    visits = list(follow_ups_of(dispute))
    if not visits and not dispute.redo_count and dispute.state != State.REPLIED:
        return None
    return {
        "visits": visits,
        "redo_count": dispute.redo_count,
        "current_round": dispute.reply_round,
        "satisfaction": dispute.get_satisfaction_display(),
        "waiting": dispute.state == State.REPLIED and not dispute.satisfaction,
    }


register(CaseSection("follow_up", "disputes/_follow_up.html", follow_up_section, order=35))
