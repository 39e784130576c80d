"""Where a case goes: routing rules, transfers between centres, referrals to the
government office."""

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from departments.models import Centre, Department, Jurisdiction
from disputes.models import Category, Dispute, InsuranceType


class RoutingRule(models.Model):
    """Category (× insurance type) → the lead department and the co-handling departments.

    The most specific active rule wins: one naming the insurance type beats one that does not,
    and one scoped to the case's county beats an installation-wide one.
    """

    category = models.ForeignKey(
        Category, verbose_name=_("category"), on_delete=models.CASCADE, related_name="rules"
    )
    insurance_type = models.ForeignKey(
        InsuranceType,
        verbose_name=_("insurance type"),
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        help_text=_("Leave empty for a rule that applies to every insurance type."),
    )
    county = models.ForeignKey(
        Jurisdiction,
        verbose_name=_("county"),
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        limit_choices_to={"level": Jurisdiction.Level.COUNTY},
        help_text=_("Leave empty for a rule that applies everywhere."),
    )
    lead_department = models.ForeignKey(
        Department, verbose_name=_("lead department"), on_delete=models.PROTECT, related_name="+"
    )
    co_departments = models.ManyToManyField(
        Department, verbose_name=_("co-handling departments"), blank=True, related_name="+"
    )
    suggested_classification = models.CharField(
        _("suggested classification"),
        max_length=10,
        blank=True,
        choices=[
            ("simple", _("Simple matter")),
            ("general", _("General matter")),
            ("major", _("Major or difficult matter")),
        ],
    )
    note = models.CharField(_("note"), max_length=200, blank=True)
    active = models.BooleanField(_("active"), default=True)

    class Meta:
        verbose_name = _("routing rule")
        verbose_name_plural = _("routing rules")
        ordering = ["category__sort_order", "insurance_type__sort_order"]

    def __str__(self) -> str:
        scope = self.insurance_type or _("all insurance types")
        return f"{self.category} × {scope} → {self.lead_department}"

    def clean(self) -> None:
        clash = RoutingRule.objects.filter(
            category_id=self.category_id,
            insurance_type_id=self.insurance_type_id,
            county_id=self.county_id,
        ).exclude(pk=self.pk)
        if self.category_id and clash.exists():
            raise ValidationError(
                _("A rule for this category, insurance type and county exists already.")
            )


class Transfer(models.Model):
    """A case handed to the competent centre of another jurisdiction (内网转办)."""

    dispute = models.ForeignKey(Dispute, on_delete=models.CASCADE, related_name="transfers")
    from_centre = models.ForeignKey(
        Centre, verbose_name=_("from centre"), on_delete=models.PROTECT, related_name="+"
    )
    to_centre = models.ForeignKey(
        Centre, verbose_name=_("to centre"), on_delete=models.PROTECT, related_name="+"
    )
    reason = models.TextField(_("reason"))
    by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("by"), on_delete=models.PROTECT, related_name="+"
    )
    at = models.DateTimeField(_("time"), default=timezone.now)

    class Meta:
        verbose_name = _("transfer")
        verbose_name_plural = _("transfers")
        ordering = ["at"]

    def __str__(self) -> str:
        return f"{self.dispute} → {self.to_centre}"


class Referral(models.Model):
    """The referral sheet (报送单) sent to the government office when responsibility is unclear."""

    dispute = models.OneToOneField(Dispute, on_delete=models.CASCADE, related_name="referral")
    summary = models.TextField(_("summary of what was reported"))
    opinion = models.TextField(_("referral opinion"))
    receiver = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("receiver"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    receiver_phone = models.CharField(_("receiver's phone"), max_length=30, blank=True)
    received_at = models.DateTimeField(_("received at"))
    report_back_by = models.DateField(_("report the result back by"))
    contact_phone = models.CharField(_("phone"), max_length=30, blank=True)
    contact_email = models.EmailField(_("e-mail"), blank=True)
    referred_at = models.DateTimeField(_("referred at"), default=timezone.now)
    dispatched_to = models.ForeignKey(
        Department,
        verbose_name=_("undertaking department"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    dispatched_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("dispatched by"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    dispatched_at = models.DateTimeField(_("dispatched at"), null=True, blank=True)
    hotline_ticket = models.CharField(_("12345 ticket number"), max_length=40, blank=True)

    class Meta:
        verbose_name = _("referral")
        verbose_name_plural = _("referrals")

    def __str__(self) -> str:
        return str(self.dispute)
