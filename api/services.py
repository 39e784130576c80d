"""What the API does: a work order becomes a case through the window's own intake, once; its
status is read back; the hotline may urge or cancel it.

A work order is checked by the forms the window uses (``intake_forms``), registered by
``disputes.services.dispute_register`` with the system's channel and the centre's duty clerk as
first responder, and tied to its case by a ``WorkOrder`` row whose unique constraint (system,
number) makes a second delivery find the first case: the same content again answers with it,
different content is a conflict.
"""

import base64
import binascii
import hashlib
import json
from dataclasses import dataclass

from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.datastructures import MultiValueDict
from django.utils.translation import gettext as _
from rest_framework import serializers

from api.errors import Conflict
from api.events import handling_unit
from api.intake import centre_for, first_responder_for
from api.models import ChannelSystem, WorkOrder
from departments.models import Jurisdiction
from disputes import services as dispute_services
from disputes.exceptions import DisputeError
from disputes.forms import DisputeForm, PayerForm
from disputes.models import Category, Dispute, InsuranceType, State
from disputes.notifications import notify
from routing.models import Deadline


def fingerprint(payload) -> str:
    """The digest of what was sent, whatever the order of its keys."""
    canonical = json.dumps(payload, sort_keys=True, ensure_ascii=False, separators=(",", ":"))
    return hashlib.sha256(canonical.encode()).hexdigest()


# -- checking a work order with the window's forms ------------------------------------------


def _codes(model, codes, field: str, errors: dict) -> list[int]:
    found = dict(model.objects.filter(code__in=codes, active=True).values_list("code", "pk"))
    unknown = [c for c in codes if c not in found]
    if unknown:
        errors[field] = [_("Unknown code: %(codes)s.") % {"codes": "、".join(unknown)}]
    return [found[c] for c in codes if c in found]


def _uploads(attachments: list[dict], errors: dict) -> tuple[list, list[dict]]:
    files, links, problems = [], [], {}
    for index, item in enumerate(attachments):
        if item.get("url"):
            links.append({"name": item["name"], "url": item["url"]})
            continue
        try:
            content = base64.b64decode(item["content_base64"], validate=True)
        except (binascii.Error, ValueError):
            problems[str(index)] = {"content_base64": [_("This is not valid base64.")]}
            continue
        files.append(SimpleUploadedFile(item["name"], content))
    if problems:
        errors["attachments"] = problems
    return files, links


@dataclass
class CheckedOrder:
    payer: PayerForm
    dispute: DisputeForm
    centre: object
    links: list[dict]


def intake_forms(system: ChannelSystem, data: dict) -> CheckedOrder:
    """Check a work order (the serializer's validated data) as the window checks a case, or
    raise a ValidationError whose fields name the work order's own fields."""
    errors: dict = {}
    caller = data["caller"]
    payer = PayerForm(
        {
            "kind": caller["kind"],
            "name": caller["name"],
            "id_number": caller["id_number"],
            "phone": caller.get("phone", ""),
            "address": caller.get("address", ""),
            "contact_person": caller.get("contact_person", ""),
            "side": "applicant",
        }
    )
    if not payer.is_valid():
        errors["caller"] = {name: list(messages) for name, messages in payer.errors.items()}

    centre = None
    place = Jurisdiction.objects.filter(code=data["jurisdiction"]).select_related().first()
    if place is None:
        errors["jurisdiction"] = [_("No area has this code.")]
    else:
        centre = centre_for(place)
        if centre is None:
            errors["jurisdiction"] = [_("No processing centre serves this area.")]
        elif not system_may_deliver(system, centre, place):
            errors["jurisdiction"] = [
                _("This system may not hand in cases for %(area)s.") % {"area": place.full_name}
            ]
    category = _codes(Category, [data["category"]], "category", errors)
    insurance = _codes(InsuranceType, data.get("insurance_types", []), "insurance_types", errors)
    files, links = _uploads(data.get("attachments", []), errors)

    received = timezone.localtime(data["received_at"])
    amount = data.get("amount")
    form = DisputeForm(
        {
            "channel": system.channel_id,
            "received_at": received.strftime("%Y-%m-%d %H:%M"),
            "jurisdiction": place.pk if place is not None else "",
            "category": category[0] if category else "",
            "insurance_types": insurance,
            "amount": "" if amount is None else str(amount),
            "claim": data["claim"],
            "summary": data["summary"],
        },
        MultiValueDict({"attachments": files}) if files else None,
        jurisdictions=Jurisdiction.objects.filter(pk=place.pk) if place is not None else None,
    )
    if not form.is_valid():
        for name, messages in form.errors.items():
            if name == "channel":
                errors.setdefault("non_field_errors", []).append(
                    _("The channel of this system is switched off.")
                )
            elif name == "__all__":
                errors.setdefault("non_field_errors", []).extend(messages)
            elif name not in errors:  # not already told in the work order's own terms
                errors[name] = list(messages)
    if errors:
        raise serializers.ValidationError(errors)
    return CheckedOrder(payer=payer, dispute=form, centre=centre, links=links)


def system_may_deliver(system: ChannelSystem, centre, place: Jurisdiction) -> bool:
    """A system delivers to the centres it is scoped to, and to any place inside its areas."""
    if system.centres.filter(pk=centre.pk).exists():
        return True
    return any(place.within(area) for area in system.jurisdictions.all())


# -- handing in ----------------------------------------------------------------------------


def hand_in(*, system: ChannelSystem, data: dict, raw: dict) -> tuple[WorkOrder, bool]:
    """The case of this work order, registered now (True) or found from an earlier delivery
    of the same content (False). The same number with other content is a ``Conflict``."""
    digest = fingerprint(raw)
    existing = _existing(system, data["number"], digest)
    if existing is not None:
        return existing, False
    checked = intake_forms(system, data)
    try:
        with transaction.atomic():
            order = _register(system, data, checked, digest)
    except IntegrityError:
        # Another delivery of the same number committed first: the constraint kept one case.
        existing = _existing(system, data["number"], digest)
        if existing is None:
            raise
        return existing, False
    except DisputeError as exc:
        raise serializers.ValidationError({"non_field_errors": [exc.message]}) from exc
    return order, True


def _existing(system, number: str, digest: str) -> WorkOrder | None:
    order = WorkOrder.objects.select_related("dispute").filter(system=system, number=number).first()
    if order is not None and order.fingerprint != digest:
        raise Conflict(
            _(
                "Work order %(number)s was handed in before with other content (case "
                "%(case)s); a changed work order needs a new number."
            )
            % {"number": number, "case": order.dispute.number}
        )
    return order


def _register(system, data, checked: CheckedOrder, digest: str) -> WorkOrder:
    form, payer = checked.dispute.cleaned_data, checked.payer.cleaned_data
    centre = checked.centre
    responder = first_responder_for(centre)
    case = dispute_services.dispute_register(
        actor=system.user,
        first_responder=responder,
        delivered_by=system.user,
        centre=centre,
        parties=[
            dispute_services.PartyData(
                payer=dispute_services.PayerData(
                    kind=payer["kind"],
                    name=payer["name"],
                    id_number=payer["id_number"],
                    phone=payer.get("phone", ""),
                    address=payer.get("address", ""),
                    contact_person=payer.get("contact_person", ""),
                    jurisdiction_id=form["jurisdiction"].pk,
                ),
                is_representative=True,
            )
        ],
        channel=system.channel,
        jurisdiction=form["jurisdiction"],
        category=form["category"],
        claim=form["claim"],
        summary=form["summary"],
        received_at=form["received_at"],
        insurance_types=form["insurance_types"],
        amount=form["amount"],
    )
    # The work order's row first: a second delivery racing this one fails here, before any
    # file is written to storage (a rolled-back transaction does not take files with it).
    order = WorkOrder.objects.create(
        system=system,
        number=data["number"],
        dispute=case,
        fingerprint=digest,
        due_at=data.get("due_at"),
        attachment_links=checked.links,
    )
    stored = []
    try:
        for upload in form["attachments"]:
            stored.append(
                dispute_services.attachment_add(dispute=case, actor=system.user, upload=upload)
            )
    except BaseException:
        for attachment in stored:
            attachment.file.delete(save=False)
        raise
    # The payer's other open cases are shown on the case page while it waits to be classified,
    # as far as each clerk may see them (disputes.duplicates), not named here.
    message = _("%(system)s handed in work order %(order)s as case %(number)s.") % {
        "system": system.name,
        "order": order.number,
        "number": case.number,
    }
    notify(users=[responder], kind="api.work_order.received", message=message, dispute=case)
    return order


# -- reading back --------------------------------------------------------------------------


def current_deadline(case: Dispute) -> Deadline | None:
    """The deadline the case now runs against: its own stage's before a department's task."""
    running = Deadline.objects.running().filter(dispute=case)
    return running.filter(department__isnull=True).order_by("due_at").first() or (
        running.order_by("due_at").first()
    )


def outcome_of(case: Dispute) -> str:
    if case.objection_outcome:
        return case.objection_outcome
    if case.withdrawal_reason:
        return case.withdrawal_reason
    if case.state in (State.CLOSED, State.ARCHIVED) and case.closed_at:
        return _("The payer accepted the reply.")
    return ""


def status_of(order: WorkOrder) -> dict:
    case = order.dispute
    deadline = current_deadline(case) if case.is_open else None
    return {
        "work_order": order.number,
        "case": case.number,
        "state": case.state,
        "state_label": case.get_state_display(),
        "received_at": case.received_at,
        "centre": case.centre.name,
        "handling_unit": handling_unit(case),
        "stage": deadline.stage if deadline else "",
        "stage_label": deadline.get_stage_display() if deadline else "",
        "due_at": deadline.due_at if deadline else None,
        "system_due_at": order.due_at,
        "reply": case.reply_text if case.replied_at else "",
        "replied_at": case.replied_at,
        "outcome": outcome_of(case),
        "closed_at": case.closed_at,
    }


def order_of(system: ChannelSystem, *, number: str | None = None, case: str | None = None):
    """The system's own work order by its number or its case's number, or None."""
    orders = WorkOrder.objects.filter(system=system).select_related(
        "dispute__centre", "dispute__lead_department"
    )
    if number is not None:
        return orders.filter(number=number).first()
    return orders.filter(dispute__number=case).first()


# -- the hotline urges or cancels ----------------------------------------------------------


def urge(*, order: WorkOrder, note: str) -> Dispute:
    try:
        dispute_services.dispute_urge(dispute=order.dispute, actor=order.system.user, note=note)
    except DisputeError as exc:
        raise Conflict(exc.message) from exc
    order.dispute.refresh_from_db()
    return order.dispute


def cancel(*, order: WorkOrder, reason: str) -> tuple[Dispute, bool]:
    """Withdraw the case through the state machine (True), or find it withdrawn already (False);
    a case that has ended otherwise cannot be cancelled."""
    case = order.dispute
    if case.state == State.WITHDRAWN:
        return case, False
    try:
        case = dispute_services.dispute_withdraw(
            dispute=case, actor=order.system.user, reason=reason
        )
    except DisputeError as exc:
        raise Conflict(exc.message) from exc
    return case, True
