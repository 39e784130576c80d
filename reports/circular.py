"""The evaluation's circular (绩效考评通报): the scorecard as a printed report, and its monthly
mailing to each county's recipients (``MonthlyReportRecipient``, data kept in the admin).

The mailing is idempotent: a county's month is sent in one transaction with the row that
records it (``MonthlyReportDispatch``, unique per county and month), so a rerun of the job, or
two runs at once, send nothing twice; a sending that fails leaves no row, and the next run sends
that month again.
"""

import logging

from django.conf import settings
from django.core import mail
from django.db import IntegrityError, transaction
from django.utils import translation
from django.utils.translation import gettext as _

from departments import clock
from departments.models import Jurisdiction
from disputes.models import Dispute
from reports import documents
from reports.evaluation import DEFINITIONS, Period, Scorecard, scorecard
from reports.models import MonthlyReportDispatch, MonthlyReportRecipient

log = logging.getLogger(__name__)

TEMPLATE = "reports/documents/evaluation.html"


def circular_title(scope: str) -> str:
    return _("%(scope)s evaluation circular on social-insurance fee dispute handling") % {
        "scope": scope
    }


def circular_pdf(card: Scorecard, *, scope: str) -> documents.Rendered:
    """The scorecard as the printed circular of ``scope`` (a county's, a centre's name)."""

    def context() -> dict:
        return {
            "card": card,
            "scope": scope,
            "title": circular_title(scope),
            "footer": f"{scope} {card.period.label}",
            "definitions": DEFINITIONS,
            "printed_on": clock.localdate(),
        }

    return documents.render_template(TEMPLATE, context)


def county_cases(county: Jurisdiction):
    return Dispute.objects.filter(jurisdiction__path__startswith=county.path)


def _addresses(county: Jurisdiction) -> list[str]:
    recipients = MonthlyReportRecipient.objects.filter(county=county, active=True).select_related(
        "user"
    )
    seen: dict[str, None] = {}
    for recipient in recipients:
        if recipient.user_id and not recipient.user.is_active and not recipient.email:
            continue
        if recipient.address:
            seen.setdefault(recipient.address.lower(), None)
    return list(seen)


def send_monthly_circular(*, county: Jurisdiction, period: Period) -> MonthlyReportDispatch | None:
    """Mail ``county``'s circular of the month ``period`` to its recipients, unless it was sent
    already (None then, and when the county has nobody to send it to)."""
    addresses = _addresses(county)
    if not addresses:
        return None
    with transaction.atomic():
        try:
            with transaction.atomic():
                dispatch = MonthlyReportDispatch.objects.create(
                    county=county, month=period.start, recipients="\n".join(addresses)
                )
        except IntegrityError:
            return None  # sent already (or being sent by another run right now)
        with translation.override(settings.LANGUAGE_CODE):
            card = scorecard(county_cases(county), period)
            pdf = circular_pdf(card, scope=county.name)
            subject = _("%(county)s evaluation circular, %(period)s") % {
                "county": county.name,
                "period": period.label,
            }
            body = _(
                "Attached: the evaluation circular of %(county)s on social-insurance fee "
                "dispute handling for %(period)s (%(cases)d cases closed)."
            ) % {"county": county.name, "period": period.label, "cases": card.cases}
        messages = []
        for address in addresses:
            message = mail.EmailMessage(subject, body, settings.DEFAULT_FROM_EMAIL, [address])
            message.attach(f"evaluation-{period.slug}.pdf", pdf.pdf, "application/pdf")
            messages.append(message)
        # A failure here undoes the row: the next run sends the month again.
        mail.get_connection(fail_silently=False).send_messages(messages)
    log.info("Evaluation circular of %s for %s sent to %d", county, period.slug, len(addresses))
    return dispatch


def send_monthly_circulars(today=None) -> int:
    """The previous month's circular of every county that has recipients, each once: how many
    were sent now."""
    period = Period.last_month(today)
    counties = Jurisdiction.objects.filter(
        level=Jurisdiction.Level.COUNTY,
        pk__in=MonthlyReportRecipient.objects.filter(active=True).values("county_id"),
    ).order_by("path")
    return sum(
        send_monthly_circular(county=county, period=period) is not None for county in counties
    )
