"""The in-app inbox and the e-mails that go with it."""

from collections.abc import Iterable

from django.conf import settings
from django.core.mail import send_mass_mail
from django.db import transaction

from departments import clock
from disputes.models import Notification
from disputes.sms import services as sms


def notify(
    *, users: Iterable, kind: str, message: str, dispute=None, context: dict | None = None
) -> list[Notification]:
    """Put a message in each user's inbox, and e-mail it once the transaction commits; for the
    kinds that text officers (``disputes.sms.catalogue.OFFICER_KINDS``), queue a text message
    to each who has a mobile phone. ``context``: what the notice is about, as strings, for
    the text's placeholders (a deadline's ``stage``, ``due`` and ``department``)."""
    users = list({u.pk: u for u in users}.values())
    rows = Notification.objects.bulk_create(
        Notification(user=u, dispute=dispute, kind=kind, message=message[:300]) for u in users
    )
    addresses = [u.email for u in users if u.email]
    if addresses:
        subject = message[:70]
        body = message
        if dispute is not None:
            body = f"{message}\n\n{dispute.number}"
        mails = [(subject, body, settings.DEFAULT_FROM_EMAIL, [a]) for a in addresses]
        transaction.on_commit(lambda: send_mass_mail(mails, fail_silently=True))
    # Never raises: a message that cannot be built or queued is logged.
    sms.officers_notified(users=users, kind=kind, message=message, dispute=dispute, context=context)
    return rows


def unread_count(user) -> int:
    return Notification.objects.filter(user=user, read_at__isnull=True).count()


def mark_read(*, user, notification: Notification | None = None) -> int:
    """Mark one of the user's unread notifications (``notification``), or all of them, read;
    someone else's is left alone. Returns how many were marked."""
    with transaction.atomic():
        unread = Notification.objects.filter(user=user, read_at__isnull=True)
        if notification is not None:
            unread = unread.filter(pk=notification.pk)
        return unread.update(read_at=clock.now())
