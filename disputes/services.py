"""Operations that change cases. Views, tasks, commands and the admin call these, nothing else.

``run_transition`` is the one way a case changes state: it locks the row, checks the state the
user saw, the transition's permission and conditions, fires it (django-fsm sends
``post_transition`` inside the same transaction, for higher apps), saves, and appends the
timeline row.
"""

import datetime
from collections.abc import Iterable
from dataclasses import dataclass
from decimal import Decimal
from pathlib import Path

from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.db.models import F
from django.utils import timezone
from django.utils.translation import gettext as _
from django_fsm import ConcurrentTransition, can_proceed

from departments import clock
from departments.models import Centre
from disputes import conditions, fsm
from disputes.exceptions import ActionNotPermitted, DisputeError
from disputes.invariants import RECEIVED_AHEAD_ALLOWED
from disputes.models import (
    OPEN_STATES,
    Attachment,
    CaseCounter,
    Dispute,
    ObjectionRoute,
    Party,
    Payer,
    State,
    TimelineEntry,
    payer_kind_of,
)
from disputes.signals import case_registered
from disputes.uploads import validate_upload
from disputes.validators import is_mobile, normalise_number


def counter_take(model, *, count: int = 1, **key) -> int:
    """Take ``count`` numbers from the counter row of ``model`` that ``key`` names (created at
    0 on first use) and return the last one taken; the row lock makes it safe under
    concurrency. Every numbered series counts through here: case and archive numbers
    (``CaseCounter``), minutes (``consultations.MinutesCounter``)."""
    with transaction.atomic():
        counter, _created = model.objects.select_for_update().get_or_create(**key)
        model.objects.filter(pk=counter.pk).update(last=F("last") + count)
        counter.refresh_from_db(fields=["last"])
        return counter.last


def next_number(*, centre: Centre, series: str, year: int | None = None) -> int:
    """Hand out the next number of a case series (case numbers, archive numbers)."""
    year = year or clock.localdate().year
    return counter_take(CaseCounter, centre=centre, year=year, series=series)


def format_case_number(centre: Centre, year: int, seq: int) -> str:
    return f"{centre.code}-{year}-{seq:06d}"


def format_archive_number(centre: Centre, year: int, seq: int) -> str:
    return f"{centre.code}-DA-{year}-{seq:05d}"


def require_serving(units, jurisdiction) -> None:
    """Refuse a department or centre that does not serve the case's area.

    The forms offer only the units serving the case (``Department.objects.serving``,
    ``Centre.objects.serving``); the services check again so that a crafted request cannot
    send one county's case to another county's department.
    """
    for unit in units:
        if unit is not None and not unit.serves(jurisdiction):
            raise DisputeError(
                _("%(unit)s does not serve %(area)s, where this matter lies.")
                % {"unit": unit.name, "area": jurisdiction.full_name}
            )


@clock.settable
def timeline_add(
    *,
    dispute: Dispute,
    actor,
    action: str,
    note: str = "",
    data=None,
    from_state: str = "",
    to_state: str = "",
) -> TimelineEntry:
    return TimelineEntry.objects.create(
        dispute=dispute,
        actor=actor,
        action=action,
        from_state=from_state,
        to_state=to_state,
        note=note,
        data=data or {},
    )


@clock.settable
def run_transition(
    *,
    dispute: Dispute | int,
    actor,
    name: str,
    expected_state: str | None = None,
    note: str = "",
    data: dict | None = None,
    **kwargs,
) -> Dispute:
    """Fire transition ``name`` on the case, with ``kwargs`` for the transition method.

    ``expected_state`` is the state the user saw when they opened the form: when someone else
    has moved the case since, the action is refused rather than applied to a case that changed.
    """
    pk = dispute.pk if isinstance(dispute, Dispute) else dispute
    try:
        with transaction.atomic():
            case = Dispute.objects.select_for_update().select_related("jurisdiction").get(pk=pk)
            if expected_state is not None and case.state != expected_state:
                raise DisputeError(
                    _(
                        "Case %(number)s was changed by someone else in the meantime (it is now "
                        "“%(state)s”). Please look at it again before acting."
                    )
                    % {"number": case.number, "state": case.get_state_display()}
                )
            method = getattr(case, name)
            if not can_proceed(method, check_conditions=False):
                raise DisputeError(
                    _("“%(action)s” is not possible while the case is “%(state)s”.")
                    % {"action": transition_label(name), "state": case.get_state_display()}
                )
            # The permission alone first (django-fsm's has_transition_perm also folds in the
            # conditions, which would tell a permitted user "not allowed" for a case that only
            # waits for something), then the conditions with their reason.
            if not fsm.permitted_now(method, actor):
                raise ActionNotPermitted()
            if not can_proceed(method, check_conditions=True):
                raise DisputeError(
                    conditions.why_not(name, case)
                    or _("“%(action)s” is not possible yet for case %(number)s.")
                    % {"action": transition_label(name), "number": case.number}
                )
            source = case.state
            method(**kwargs)
            case.save()
            timeline_add(
                dispute=case,
                actor=actor,
                action=transition_action(name),
                from_state=source,
                to_state=case.state,
                note=note,
                data=data,
            )
    except ConcurrentTransition as exc:
        raise DisputeError(
            _("Someone else changed this case at the same moment. Please look at it again.")
        ) from exc
    return case


def transition_action(name: str) -> str:
    return fsm.custom(Dispute, name)["action"]


def transition_label(name: str) -> str:
    return str(fsm.custom(Dispute, name)["label"])


def available_transitions(dispute: Dispute, user) -> list[str]:
    """Names of the transitions this user may fire on the case now."""
    return [t.name for t in dispute.get_available_user_state_transitions(user)]


# -- payers and intake ---------------------------------------------------------------------


@dataclass
class PayerData:
    kind: str
    name: str
    id_number: str
    phone: str = ""
    address: str = ""
    contact_person: str = ""
    jurisdiction_id: int | None = None


def payer_find_or_create(data: PayerData) -> tuple[Payer, bool]:
    """The same payer is found again by identity number and left as it is.

    What a registration says about how to reach the payer is recorded on its own case (the
    party's phone, address and contact person): it never rewrites what other cases, perhaps
    of other centres, recorded.
    """
    number = normalise_number(data.id_number)
    existing = Payer.objects.filter(id_number=number).first()
    if existing is not None:
        return existing, False
    payer = Payer(
        kind=data.kind,
        name=data.name.strip(),
        id_number=number,
        phone=normalise_number(data.phone),
        address=data.address.strip(),
        contact_person=data.contact_person.strip(),
        jurisdiction_id=data.jurisdiction_id,
    )
    payer.full_clean()
    try:
        with transaction.atomic():
            payer.save()
    except IntegrityError:
        # Registered by someone else a moment ago.
        return Payer.objects.get(id_number=number), False
    return payer, True


def likely_duplicates(*, id_numbers: Iterable[str], category_id: int, exclude_pk=None):
    """Open cases of the same payer(s) in the same category."""
    numbers = [normalise_number(n) for n in id_numbers if n]
    qs = Dispute.objects.filter(
        state__in=OPEN_STATES,
        category_id=category_id,
        parties__payer__id_number__in=numbers,
    ).distinct()
    if exclude_pk:
        qs = qs.exclude(pk=exclude_pk)
    return qs.select_related("centre", "category").order_by("-received_at")


@dataclass
class PartyData:
    payer: PayerData
    side: str = Party.Side.APPLICANT
    is_representative: bool = False


@clock.settable
def dispute_register(
    *,
    actor,
    centre: Centre,
    parties: list[PartyData],
    channel,
    jurisdiction,
    category,
    claim: str,
    summary: str,
    received_at: datetime.datetime | None = None,
    insurance_types=(),
    amount: Decimal | None = None,
    period_start: datetime.date | None = None,
    period_end: datetime.date | None = None,
    is_group_dispute: bool = False,
    is_public_opinion_risk: bool = False,
    is_large_arrears: bool = False,
    reported_by=None,
    link_to: Iterable[Dispute] = (),
    attachments: Iterable = (),
    first_responder=None,
    delivered_by=None,
    sms_opt_in: bool = False,
) -> Dispute:
    """Register a new case; the actor becomes its first responder (首问负责人) unless another is
    named (a case handed in online: the centre's duty clerk, with ``delivered_by`` the account
    of the system that handed it in, or None for the payer's own online application).
    ``sms_opt_in``: the payer asked to be texted the progress (disputes.sms), which needs the
    representative's mobile number."""
    if not parties:
        raise DisputeError(_("A case needs at least one payer."))
    representatives = [p for p in parties if p.is_representative]
    if len(representatives) > 1:
        raise DisputeError(_("Only one payer can be the representative."))
    numbers = [normalise_number(p.payer.id_number) for p in parties]
    if len(set(numbers)) != len(numbers):
        raise DisputeError(_("The same payer is listed twice."))
    if period_start and period_end and period_start > period_end:
        raise DisputeError(_("The first month in dispute is after the last month."))
    # The case counts as raised by its representative (the first payer when none is marked).
    raised_by = (representatives or parties)[0].payer
    if sms_opt_in and not is_mobile(raised_by.phone):
        raise DisputeError(
            _(
                "Text messages about the progress need a mobile number (11 digits) for the "
                "representative payer."
            )
        )
    received_at = received_at or clock.now()
    if received_at > clock.now() + RECEIVED_AHEAD_ALLOWED:
        raise DisputeError(_("The time received cannot be in the future."))

    with transaction.atomic():
        year = timezone.localtime(received_at).year
        seq = next_number(centre=centre, series=CaseCounter.Series.CASE, year=year)
        dispute = Dispute.objects.create(
            number=format_case_number(centre, year, seq),
            centre=centre,
            registered_centre=centre,
            first_responder=first_responder or actor,
            reported_by=reported_by,
            delivered_by=delivered_by,
            received_at=received_at,
            channel=channel,
            jurisdiction=jurisdiction,
            category=category,
            amount=amount,
            period_start=period_start,
            period_end=period_end,
            claim=claim.strip(),
            summary=summary.strip(),
            is_group_dispute=is_group_dispute or len(parties) >= 3,
            is_public_opinion_risk=is_public_opinion_risk,
            is_large_arrears=is_large_arrears,
            payer_kind=payer_kind_of(raised_by.kind),
            sms_opt_in=sms_opt_in,
        )
        if insurance_types:
            dispute.insurance_types.set(insurance_types)
        for index, party in enumerate(parties):
            try:
                payer, _created = payer_find_or_create(party.payer)
            except ValidationError as exc:
                raise DisputeError(
                    _("Payer %(n)d: %(errors)s")
                    % {"n": index + 1, "errors": "；".join(exc.messages)}
                ) from exc
            row = Party(
                dispute=dispute,
                payer=payer,
                side=party.side,
                is_representative=party.is_representative or (len(parties) == 1),
                phone=normalise_number(party.payer.phone),
                address=party.payer.address.strip(),
                contact_person=party.payer.contact_person.strip(),
            )
            try:
                row.clean_fields(exclude=["dispute", "payer"])
            except ValidationError as exc:
                raise DisputeError(
                    _("Payer %(n)d: %(errors)s")
                    % {"n": index + 1, "errors": "；".join(exc.messages)}
                ) from exc
            row.save()
        if link_to:
            dispute.linked_disputes.add(*link_to)
        for upload in attachments:
            attachment_add(dispute=dispute, actor=actor, upload=upload)
        case_registered.send(sender=Dispute, dispute=dispute)
        timeline_add(
            dispute=dispute,
            actor=actor,
            action="disputes.case.registered",
            to_state=dispute.state,
            data={"linked": [d.number for d in link_to]} if link_to else None,
        )
    return dispute


def attachment_add(*, dispute: Dispute, actor, upload, description: str = "") -> Attachment:
    """Store an upload with the case, under a generated name, once its content is checked
    (``disputes.uploads``: the forms check it first, to show the message beside the field)."""
    try:
        validate_upload(upload)
    except ValidationError as exc:
        raise DisputeError("；".join(exc.messages)) from exc
    attachment = Attachment(
        dispute=dispute,
        file=upload,
        name=Path(upload.name).name[:200],
        size=upload.size,
        description=description,
        uploaded_by=actor,
    )
    attachment.save()
    return attachment


def attachments_add(
    *, dispute: Dispute, actor, uploads: Iterable, description: str = ""
) -> list[Attachment]:
    """Add files to a case, with one timeline row for them: all or nothing. When one file is
    refused, none is kept, neither its row nor its stored file, and no timeline row is made."""
    uploads = list(uploads)
    if not uploads:
        raise DisputeError(_("Choose at least one file."))
    stored: list[Attachment] = []
    try:
        with transaction.atomic():
            for upload in uploads:
                stored.append(
                    attachment_add(
                        dispute=dispute, actor=actor, upload=upload, description=description
                    )
                )
            timeline_add(
                dispute=dispute,
                actor=actor,
                action="disputes.attachment.added",
                data={"files": [u.name for u in uploads]},
            )
    except BaseException:
        # The rows are rolled back; the files already written to storage go with them.
        for attachment in stored:
            attachment.file.delete(save=False)
        raise
    return stored


# -- the case's own transitions (the rest live in routing and consultations) ---------------


@clock.settable
def dispute_reply(*, dispute, actor, text: str, expected_state=None) -> Dispute:
    if not text.strip():
        raise DisputeError(_("Write the reply to the payer."))
    return run_transition(
        dispute=dispute, actor=actor, name="reply", expected_state=expected_state, text=text.strip()
    )


@clock.settable
def dispute_accept(*, dispute, actor, note: str = "", expected_state=None) -> Dispute:
    return run_transition(
        dispute=dispute, actor=actor, name="accept", expected_state=expected_state, note=note
    )


@clock.settable
def dispute_object(*, dispute, actor, route: str, note: str = "", expected_state=None) -> Dispute:
    if route not in ObjectionRoute.values:
        raise DisputeError(_("Choose the route the payer takes."))
    return run_transition(
        dispute=dispute,
        actor=actor,
        name="lodge_objection",
        expected_state=expected_state,
        note=note,
        route=route,
    )


@clock.settable
def dispute_record_outcome(*, dispute, actor, outcome: str, expected_state=None) -> Dispute:
    if not outcome.strip():
        raise DisputeError(_("Describe the outcome of the objection."))
    return run_transition(
        dispute=dispute,
        actor=actor,
        name="record_outcome",
        expected_state=expected_state,
        outcome=outcome.strip(),
    )


@clock.settable
def dispute_archive(*, dispute, actor, note: str = "", expected_state=None) -> Dispute:
    case = dispute if isinstance(dispute, Dispute) else Dispute.objects.get(pk=dispute)
    with transaction.atomic():
        year = clock.localdate().year
        seq = next_number(centre=case.centre, series=CaseCounter.Series.ARCHIVE, year=year)
        return run_transition(
            dispute=case,
            actor=actor,
            name="archive",
            expected_state=expected_state,
            note=note,
            archive_number=format_archive_number(case.centre, year, seq),
        )


@clock.settable
def dispute_withdraw(*, dispute, actor, reason: str, expected_state=None) -> Dispute:
    if not reason.strip():
        raise DisputeError(_("Give the reason for the withdrawal."))
    return run_transition(
        dispute=dispute,
        actor=actor,
        name="withdraw",
        expected_state=expected_state,
        note=reason.strip(),
        reason=reason.strip(),
    )


@clock.settable
def dispute_urge(*, dispute: Dispute, actor, note: str = "") -> TimelineEntry:
    """Someone who is waiting on a case (a hotline whose work order it is) urges the owning
    centre on: its clerks and coordinators and the first responder are told, and the urging
    is on the timeline. Only an open case can be urged."""
    from disputes.notifications import notify

    with transaction.atomic():
        case = Dispute.objects.select_for_update().select_related("centre").get(pk=dispute.pk)
        if case.state not in OPEN_STATES:
            raise DisputeError(
                _("Case %(number)s is “%(state)s”: there is nothing left to urge.")
                % {"number": case.number, "state": case.get_state_display()}
            )
        entry = timeline_add(
            dispute=case, actor=actor, action="disputes.case.urged", note=note.strip()
        )
        who = actor.get_full_name() or actor.get_username()
        message = _("%(who)s urges case %(number)s on.") % {"who": who, "number": case.number}
        if note.strip():
            message = f"{message} {note.strip()}"
        notify(
            users=[case.first_responder, *centre_handlers(case.centre)],
            kind="disputes.case.urged",
            message=message,
            dispute=case,
        )
    return entry


def centre_handlers(centre: Centre) -> list:
    """The active clerks and coordinators of a centre."""
    from departments.models import ROLE_GROUP_NAMES, Role

    names = [ROLE_GROUP_NAMES[Role.CLERK], ROLE_GROUP_NAMES[Role.COORDINATOR]]
    User = get_user_model()
    return list(
        User.objects.filter(is_active=True, staff__centre=centre, groups__name__in=names).distinct()
    )


@clock.settable
def dispute_return(*, dispute, actor, reason: str, basis: str, expected_state=None) -> Dispute:
    """退单: return a case handed in online to its channel as not within the centres' remit,
    with the reason and the policy or legal basis. The case ends withdrawn."""
    reason, basis = reason.strip(), basis.strip()
    if not reason:
        raise DisputeError(_("Give the reason why the case is returned."))
    if not basis:
        raise DisputeError(_("Give the policy or legal basis for returning the case."))
    return run_transition(
        dispute=dispute,
        actor=actor,
        name="return_to_channel",
        expected_state=expected_state,
        note=reason,
        data={"basis": basis},
        reason=reason,
        basis=basis,
    )


def dispute_link(*, dispute: Dispute, actor, others: Iterable[Dispute]) -> None:
    others = [o for o in others if o.pk != dispute.pk]
    if not others:
        return
    with transaction.atomic():
        dispute.linked_disputes.add(*others)
        timeline_add(
            dispute=dispute,
            actor=actor,
            action="disputes.case.linked",
            data={"linked": [o.number for o in others]},
        )


def state_label(value: str) -> str:
    return str(State(value).label) if value else ""
