"""Joint handling: each department's sub-task on a case and its written opinion (书面意见)."""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from departments.models import Department
from disputes.models import Dispute
from routing.models import Deadline


class DepartmentTask(models.Model):
    class Role(models.TextChoices):
        LEAD = "lead", _("Lead department")
        CO = "co", _("Co-handling department")

    class Status(models.TextChoices):
        PENDING = "pending", _("Awaiting opinion")
        ANSWERED = "answered", _("Opinion given")
        DECLINED = "declined", _("Declined as not its duty")
        WITHDRAWN = "withdrawn", _("No longer needed")

    dispute = models.ForeignKey(Dispute, on_delete=models.CASCADE, related_name="department_tasks")
    department = models.ForeignKey(
        Department, verbose_name=_("department"), on_delete=models.PROTECT, related_name="tasks"
    )
    role = models.CharField(_("role"), max_length=8, choices=Role.choices)
    status = models.CharField(
        _("status"), max_length=10, choices=Status.choices, default=Status.PENDING
    )
    opened_at = models.DateTimeField(_("opened at"), auto_now_add=True)
    finding = models.TextField(_("finding of fact"), blank=True)
    basis = models.TextField(_("legal or policy basis"), blank=True)
    proposal = models.TextField(_("proposed handling"), blank=True)
    amount_confirmed = models.DecimalField(
        _("amount confirmed (yuan)"), max_digits=14, decimal_places=2, null=True, blank=True
    )
    decline_reason = models.TextField(_("why it is not this department's duty"), blank=True)
    signed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("signed by"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    answered_at = models.DateTimeField(_("answered at"), null=True, blank=True)
    deadline = models.OneToOneField(
        Deadline,
        verbose_name=_("deadline"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="department_task",
    )

    class Meta:
        verbose_name = _("department task")
        verbose_name_plural = _("department tasks")
        ordering = ["role", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["dispute", "department"],
                condition=~Q(status="withdrawn"),
                name="one_live_task_per_department",
            )
        ]
        indexes = [models.Index(fields=["department", "status"], name="task_department_status")]

    def __str__(self) -> str:
        return f"{self.dispute} · {self.department}"

    @property
    def is_settled(self) -> bool:
        return self.status != self.Status.PENDING
