"""The templates (data the administrators edit) and the log of every text message, which is
also the queue the worker sends from. Imported by ``disputes.models``."""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from departments import clock
from disputes.validators import mask_phone


class SmsTemplate(models.Model):
    code = models.CharField(_("code"), max_length=40, unique=True)
    name = models.CharField(_("name"), max_length=100)
    text = models.TextField(
        _("text"),
        max_length=500,
        help_text=_(
            "Placeholders in braces are filled in when the message is sent, e.g. {number}. "
            "The gateway adds the centre's signature."
        ),
    )
    active = models.BooleanField(
        _("active"), default=True, help_text=_("When switched off, this message is not sent.")
    )

    class Meta:
        verbose_name = _("text message template")
        verbose_name_plural = _("text message templates")
        ordering = ["code"]

    def __str__(self) -> str:
        return self.name


class SmsMessage(models.Model):
    class Status(models.TextChoices):
        QUEUED = "queued", _("Queued")
        SENT = "sent", _("Sent")
        FAILED = "failed", _("Failed")

    template_code = models.CharField(_("template"), max_length=40)
    phone = models.CharField(_("phone"), max_length=20)
    text = models.TextField(_("text"))
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("recipient"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    dispute = models.ForeignKey(
        "disputes.Dispute",
        verbose_name=_("case"),
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="sms_messages",
    )
    status = models.CharField(
        _("status"), max_length=10, choices=Status.choices, default=Status.QUEUED
    )
    attempts = models.PositiveSmallIntegerField(_("attempts"), default=0)
    last_error = models.CharField(_("last error"), max_length=300, blank=True)
    created_at = models.DateTimeField(_("created at"), default=clock.now)
    sent_at = models.DateTimeField(_("time sent"), null=True, blank=True)
    gateway_id = models.CharField(_("gateway message id"), max_length=64, blank=True)
    # When the next attempt is due (the first: at once); while an attempt is under way, the
    # moment its claim runs out (a worker that died leaves it to run out). The sending reads
    # the real time, never an operation's moment (departments.clock): a case registered
    # "as at" another time still has its messages sent now.
    next_attempt_at = models.DateTimeField(_("next attempt at"), default=timezone.now)
    claimed_until = models.DateTimeField(null=True, blank=True, editable=False)

    class Meta:
        verbose_name = _("text message")
        verbose_name_plural = _("text messages")
        ordering = ["-created_at", "-id"]
        indexes = [
            # The beat job's catch-up reads only what still waits.
            models.Index(
                fields=["next_attempt_at"],
                condition=Q(status="queued"),
                name="sms_queued_due",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.template_code} {self.masked_phone}"

    @property
    def masked_phone(self) -> str:
        return mask_phone(self.phone)
