"""The payers' own online application (网上申请, /apply/): where it may be handed in, and its
registration as a case of the competent centre.

A payer applies without logging in. The case goes, as a hotline's work order does
(``api.intake``), to the processing centre of the place where the matter lies, with that centre's
duty clerk as its first responder, and is registered through the same service as at the window
(``disputes.services.dispute_register``): the same validation and case numbers, no actor (no one
is logged in) and no delivering system.

Nothing an applicant sees may tell them about other people's cases: the likely duplicates are
left for the clerk, and a payer already on record is named on the receipt as recorded, so an
applicant who gives a resident's identity number must give the name recorded with it
(``IdentityMismatch``), or the receipt would tell them whose number it is.
"""

import re
import unicodedata
from collections.abc import Iterable
from dataclasses import dataclass, field
from decimal import Decimal

from django.conf import settings
from django.db.models import Exists, OuterRef, Q
from django.utils.translation import gettext as _

from api.intake import centre_for, first_responder_for
from departments.models import Centre, Jurisdiction
from disputes.exceptions import DisputeError
from disputes.models import Channel, Dispute, Party, Payer
from disputes.services import PartyData, PayerData, dispute_register
from disputes.validators import normalise_number


class IdentityMismatch(DisputeError):
    """The name given is not the one on record for the identity number given."""

    def __init__(self, message, *, party: str):
        super().__init__(message)
        self.party = party  # "applicant" or "other"


@dataclass
class Application:
    """What the payer handed in: themselves, perhaps the other party, and the matter."""

    applicant: PayerData
    jurisdiction: Jurisdiction
    category: object
    claim: str
    summary: str
    other: PayerData | None = None
    insurance_types: Iterable = ()
    amount: Decimal | None = None
    period_start: object = None
    period_end: object = None
    attachments: list = field(default_factory=list)
    sms_opt_in: bool = False


def application_channel() -> Channel | None:
    """The channel of the online application (``settings.APPLY_CHANNEL``), if installed and
    active; without it the form is closed."""
    return Channel.objects.filter(code=settings.APPLY_CHANNEL, active=True).first()


def offered_jurisdictions():
    """The places an applicant may choose: each county or town (or other area) with an active
    processing centre of its own, and the towns of a county whose processing centre serves them
    — exactly the areas ``centre_for`` finds a centre for, down to the towns. (Villages are
    left out: a province has tens of thousands; the applicant chooses the town.)"""
    centres = Centre.objects.filter(active=True, kind=Centre.Kind.PROCESSING_CENTRE)
    own = Exists(centres.filter(jurisdiction=OuterRef("pk")))
    county_centre = Exists(centres.filter(jurisdiction=OuterRef("parent")))
    return Jurisdiction.objects.filter(
        Q(own) | Q(county_centre, level=Jurisdiction.Level.TOWN)
    ).order_by("path")


# Spaces, and the dots written inside names of some minorities in several ways.
_NAME_NOISE = re.compile(r"[\s·•・‧.]+")


def _same_name(a: str, b: str) -> bool:
    def plain(name: str) -> str:
        return _NAME_NOISE.sub("", unicodedata.normalize("NFKC", name or ""))

    return plain(a) == plain(b)


def _check_identity(payer: PayerData, *, party: str) -> None:
    recorded = (
        Payer.objects.filter(id_number=normalise_number(payer.id_number))
        .values_list("kind", "name")
        .first()
    )
    if recorded is None:
        return
    kind, name = recorded
    # A unit's name goes with its credit code in the public register; a person's is private.
    if kind != Payer.Kind.EMPLOYER and not _same_name(name, payer.name):
        raise IdentityMismatch(
            _(
                "The name does not match the one recorded for this identity number. Check "
                "both; if they are right, please apply at a centre's window."
            ),
            party=party,
        )


def application_register(*, application: Application, channel: Channel) -> Dispute:
    """Register the application as a case of the competent centre, or refuse it (DisputeError,
    nothing saved): no centre for the place, no clerk on duty there, a name that does not
    match its identity number."""
    centre = centre_for(application.jurisdiction)
    if centre is None:
        raise DisputeError(no_centre_message(application.jurisdiction))
    try:
        first_responder = first_responder_for(centre)
    except DisputeError as exc:  # its message is for the administrators
        raise DisputeError(
            _(
                "%(centre)s cannot receive applications online at the moment. Please try again "
                "later, or apply at its window."
            )
            % {"centre": centre.name}
        ) from exc
    _check_identity(application.applicant, party="applicant")
    parties = [
        PartyData(payer=application.applicant, side=Party.Side.APPLICANT, is_representative=True)
    ]
    if application.other is not None:
        _check_identity(application.other, party="other")
        parties.append(PartyData(payer=application.other, side=Party.Side.COUNTERPARTY))
    return dispute_register(
        actor=None,
        centre=centre,
        parties=parties,
        channel=channel,
        jurisdiction=application.jurisdiction,
        category=application.category,
        claim=application.claim,
        summary=application.summary,
        insurance_types=application.insurance_types,
        amount=application.amount,
        period_start=application.period_start,
        period_end=application.period_end,
        attachments=application.attachments,
        first_responder=first_responder,
        delivered_by=None,
        sms_opt_in=application.sms_opt_in,
    )


def no_centre_message(jurisdiction: Jurisdiction) -> str:
    return _(
        "No processing centre takes applications for %(area)s online. Please apply at the "
        "window of your town's or county's centre."
    ) % {"area": jurisdiction.full_name}
