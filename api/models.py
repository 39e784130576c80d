"""The systems that hand cases in online (hotline platforms, websites), their keys, what they
sent and what they are told back.

A ``ChannelSystem`` is one integrating system: it delivers through one channel, to the centres
or areas it is scoped to, with keys stored hashed (``SystemKey``). Each work order it delivers is
one ``WorkOrder`` row, unique per system and work-order number, tied to the case it became. What
happens to such a case is told back as ``Event`` rows (numbered per system, in commit order),
pushed to the system's callback URL by ``Delivery`` attempts and readable by pulling.
"""

import secrets
import uuid

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError
from django.db import models
from django.utils.translation import gettext_lazy as _
from rest_framework_api_key.models import AbstractAPIKey, BaseAPIKeyManager

from api.throttling import parse_rate
from departments import clock
from departments.models import Centre, Jurisdiction
from disputes.models import Channel, Dispute


def new_callback_secret() -> str:
    return secrets.token_urlsafe(32)


def validate_rate(value: str) -> None:
    """A request limit the throttle can read (``api.throttling.parse_rate``)."""
    try:
        parse_rate(value)
    except ValueError as exc:
        raise ValidationError(
            _(
                "Write the limit as a whole number of requests, a slash and the period (s, "
                "min, h or day), e.g. 600/min, 20/s or 10000/day."
            ),
            code="invalid_rate",
        ) from exc


class ChannelSystem(models.Model):
    name = models.CharField(_("name"), max_length=100, unique=True)
    code = models.SlugField(
        _("code"),
        max_length=40,
        unique=True,
        help_text=_("Short Latin name of the system, e.g. hotline-12345."),
    )
    channel = models.ForeignKey(
        Channel,
        verbose_name=_("channel"),
        on_delete=models.PROTECT,
        help_text=_("The channel recorded on every case this system hands in."),
    )
    centres = models.ManyToManyField(
        Centre,
        verbose_name=_("centres it may deliver to"),
        blank=True,
        related_name="channel_systems",
    )
    jurisdictions = models.ManyToManyField(
        Jurisdiction,
        verbose_name=_("areas it may deliver to"),
        blank=True,
        related_name="channel_systems",
        help_text=_("A case of any place inside one of these areas may be delivered."),
    )
    callback_url = models.URLField(
        _("callback URL"),
        max_length=300,
        blank=True,
        help_text=_("Where the events of its cases are posted; empty: the system only pulls."),
    )
    callback_secret = models.CharField(
        _("signing secret"),
        max_length=100,
        default=new_callback_secret,
        help_text=_("The events posted to the callback URL are signed with it (HMAC-SHA256)."),
    )
    rate = models.CharField(
        _("request limit"),
        max_length=20,
        default="600/min",
        validators=[validate_rate],
        help_text=_("Requests allowed per period, e.g. 600/min, 20/s, 10000/day."),
    )
    user = models.OneToOneField(
        settings.AUTH_USER_MODEL,
        verbose_name=_("account"),
        on_delete=models.PROTECT,
        related_name="channel_system",
        editable=False,
        help_text=_("The account its actions are recorded under; it cannot log in."),
    )
    active = models.BooleanField(_("active"), default=True)
    created_at = models.DateTimeField(_("created at"), default=clock.now, editable=False)

    class Meta:
        verbose_name = _("integrating system")
        verbose_name_plural = _("integrating systems")
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name

    def save(self, *args, **kwargs):
        if self.user_id is None:
            # An account that never logs in (inactive, no usable password): the timeline names
            # the system as the one who registered, urged or cancelled.
            user = get_user_model()(
                username=f"system-{self.code}"[:150], first_name=self.name[:150], is_active=False
            )
            user.set_unusable_password()
            user.save()
            self.user = user
        elif self.user.first_name != self.name[:150]:
            self.user.first_name = self.name[:150]
            self.user.save(update_fields=["first_name"])
        super().save(*args, **kwargs)


class SystemKeyManager(BaseAPIKeyManager):
    pass


class SystemKey(AbstractAPIKey):
    """An API key of a system, stored hashed (only its prefix is kept in clear)."""

    objects = SystemKeyManager()

    system = models.ForeignKey(
        ChannelSystem, verbose_name=_("system"), on_delete=models.CASCADE, related_name="keys"
    )
    name = models.CharField(_("name"), max_length=50, help_text=_("What the key is for."))
    revoked = models.BooleanField(
        _("revoked"),
        default=False,
        help_text=_("A revoked key is refused from then on; this cannot be undone."),
    )
    expiry_date = models.DateTimeField(
        _("expires at"),
        null=True,
        blank=True,
        help_text=_("After this moment the key is refused."),
    )
    last_used_at = models.DateTimeField(_("last used at"), null=True, blank=True, editable=False)

    class Meta(AbstractAPIKey.Meta):
        verbose_name = _("API key")
        verbose_name_plural = _("API keys")


class ApiCall(models.Model):
    """One request to the API: who, what, how it ended and how long it took."""

    system = models.ForeignKey(
        ChannelSystem,
        verbose_name=_("system"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="calls",
    )
    key_prefix = models.CharField(_("key prefix"), max_length=8, blank=True)
    method = models.CharField(_("method"), max_length=8)
    endpoint = models.CharField(_("endpoint"), max_length=200)
    status = models.PositiveSmallIntegerField(_("status"))
    duration_ms = models.PositiveIntegerField(_("duration (ms)"))
    address = models.CharField(_("client address"), max_length=45, blank=True)
    at = models.DateTimeField(_("time"), default=clock.now)

    class Meta:
        verbose_name = _("API call")
        verbose_name_plural = _("API calls")
        ordering = ["-at", "-id"]
        indexes = [
            models.Index(fields=["-at"], name="api_call_at"),
            models.Index(fields=["system", "-at"], name="api_call_system_at"),
        ]

    def __str__(self) -> str:
        return f"{self.method} {self.endpoint} {self.status}"


class WorkOrder(models.Model):
    """A work order (工单) a system handed in, and the case it became: one per system and
    number, held by a unique constraint (a second delivery of the same order finds this row)."""

    system = models.ForeignKey(
        ChannelSystem, verbose_name=_("system"), on_delete=models.PROTECT, related_name="orders"
    )
    number = models.CharField(_("work-order number"), max_length=64)
    dispute = models.OneToOneField(
        Dispute,
        verbose_name=_("case"),
        on_delete=models.PROTECT,
        related_name="work_order",
    )
    fingerprint = models.CharField(_("content digest"), max_length=64, editable=False)
    due_at = models.DateTimeField(_("the system's own deadline"), null=True, blank=True)
    attachment_links = models.JSONField(
        _("attachments kept by the system"),
        default=list,
        blank=True,
        help_text=_("Files the work order names by their address in the system that sent it."),
    )
    created_at = models.DateTimeField(_("received at"), default=clock.now, editable=False)

    class Meta:
        verbose_name = _("work order")
        verbose_name_plural = _("work orders")
        ordering = ["-created_at"]
        constraints = [
            models.UniqueConstraint(fields=["system", "number"], name="api_work_order_unique")
        ]

    def __str__(self) -> str:
        return self.number


class EventKind(models.TextChoices):
    ACCEPTED = "accepted", _("Accepted (签收)")
    RETURNED = "returned", _("Returned (退单)")
    EXTENSION = "extension", _("Extension asked for (延期申请)")
    REPLIED = "replied", _("Handling result (办理结果反馈)")
    CLOSED = "closed", _("Closed (办结)")
    CANCELLED = "cancelled", _("Cancelled (撤单)")


class Event(models.Model):
    """Something a system is told about a case it delivered. ``sequence`` numbers a system's
    events in the order their transactions commit (taken under a row lock), so pulling
    ``since`` the last one seen misses nothing."""

    system = models.ForeignKey(
        ChannelSystem, verbose_name=_("system"), on_delete=models.PROTECT, related_name="events"
    )
    sequence = models.PositiveBigIntegerField(_("delivery id"))
    uid = models.UUIDField(_("unique id"), default=uuid.uuid4, unique=True, editable=False)
    dispute = models.ForeignKey(
        Dispute, verbose_name=_("case"), on_delete=models.CASCADE, related_name="channel_events"
    )
    kind = models.CharField(_("event"), max_length=16, choices=EventKind.choices)
    payload = models.JSONField(_("content"), default=dict)
    created_at = models.DateTimeField(_("time"), default=clock.now)

    class Meta:
        verbose_name = _("event")
        verbose_name_plural = _("events")
        ordering = ["system", "sequence"]
        constraints = [
            models.UniqueConstraint(fields=["system", "sequence"], name="api_event_sequence")
        ]
        # A case's events in order: what its next delivery waits behind (api/delivery.py).
        indexes = [models.Index(fields=["dispute", "sequence"], name="api_event_case")]

    def __str__(self) -> str:
        return f"{self.system_id}#{self.sequence} {self.kind}"


class EventCounter(models.Model):
    """The last event number handed out per system (taken through ``counter_take``)."""

    system = models.OneToOneField(ChannelSystem, on_delete=models.CASCADE)
    last = models.PositiveBigIntegerField(default=0)

    def __str__(self) -> str:
        return f"{self.system_id}: {self.last}"


class Delivery(models.Model):
    """The push of one event to the system's callback URL: every attempt counted."""

    class Status(models.TextChoices):
        PENDING = "pending", _("Waiting")
        DELIVERED = "delivered", _("Delivered")
        FAILED = "failed", _("Given up")

    event = models.OneToOneField(
        Event, verbose_name=_("event"), on_delete=models.CASCADE, related_name="delivery"
    )
    status = models.CharField(
        _("status"), max_length=10, choices=Status.choices, default=Status.PENDING
    )
    attempts = models.PositiveSmallIntegerField(_("attempts"), default=0)
    last_status = models.PositiveSmallIntegerField(_("last HTTP status"), null=True, blank=True)
    last_error = models.CharField(_("last error"), max_length=300, blank=True)
    last_duration_ms = models.PositiveIntegerField(_("response time (ms)"), null=True, blank=True)
    last_attempt_at = models.DateTimeField(_("last attempt"), null=True, blank=True)
    next_attempt_at = models.DateTimeField(_("next attempt"), null=True, blank=True)
    delivered_at = models.DateTimeField(_("delivered at"), null=True, blank=True)
    # The day of retrying counts from here (not from the event: an event that waited behind an
    # earlier one of its case still gets its day).
    first_attempt_at = models.DateTimeField(_("first attempt"), null=True, blank=True)
    # Held while an attempt is under way: no second attempt starts before it passes (a worker
    # that died mid-attempt frees the delivery when it does).
    claimed_until = models.DateTimeField(_("attempt under way until"), null=True, blank=True)
    replays = models.PositiveSmallIntegerField(_("replays"), default=0)
    replayed_at = models.DateTimeField(_("last replayed at"), null=True, blank=True)

    class Meta:
        verbose_name = _("delivery")
        verbose_name_plural = _("deliveries")
        ordering = ["-event__created_at"]
        indexes = [models.Index(fields=["status", "next_attempt_at"], name="api_delivery_due")]

    def __str__(self) -> str:
        return f"{self.event} {self.status}"
