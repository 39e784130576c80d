from django.contrib import admin
from django.utils.translation import gettext_lazy as _

from departments.admin import ReadOnlyAdmin
from reports.models import (
    AccountabilityDecision,
    ArchivedDocument,
    ExportJob,
    MonthlyReportDispatch,
    MonthlyReportRecipient,
    ScoringPolicy,
)


@admin.register(ArchivedDocument)
class ArchivedDocumentAdmin(ReadOnlyAdmin):
    """Written once at archiving: readable, never editable or deletable."""

    list_display = ["dispute", "position", "title", "pages", "size", "sha256", "rendered_at"]
    list_filter = ["kind"]
    search_fields = ["=dispute__number", "=dispute__archive_number"]
    list_select_related = ["dispute"]


@admin.register(ExportJob)
class ExportJobAdmin(ReadOnlyAdmin):
    """The ledger's large exports: who asked for which filter, how far, until when."""

    list_display = ["requester", "format", "status", "done", "total", "created_at", "expires_at"]
    list_filter = ["status", "format"]
    list_select_related = ["requester"]


@admin.register(ScoringPolicy)
class ScoringPolicyAdmin(admin.ModelAdmin):
    """The evaluation's weights: the policy in force on a period's first day scores it."""

    list_display = ["name", "valid_from", "active", "base_score", "marked"]
    list_filter = ["active"]
    fieldsets = [
        (None, {"fields": ["name", "active", "valid_from", "basis"]}),
        (
            _("Weights"),
            {
                "fields": [
                    "base_score",
                    "on_time_weight",
                    "days_late_weight",
                    "decline_weight",
                    "extension_weight",
                    "accountability_weight",
                    "overdue_open_weight",
                    "satisfaction_weight",
                    "redo_weight",
                    "marked",
                ]
            },
        ),
    ]


@admin.register(MonthlyReportRecipient)
class MonthlyReportRecipientAdmin(admin.ModelAdmin):
    list_display = ["county", "user", "email", "active"]
    list_filter = ["active", "county"]
    list_select_related = ["county", "user"]
    autocomplete_fields = ["county", "user"]


@admin.register(MonthlyReportDispatch)
class MonthlyReportDispatchAdmin(ReadOnlyAdmin):
    """What the monthly job sent: written with the sending, never edited."""

    list_display = ["county", "month", "sent_at"]
    list_select_related = ["county"]


@admin.register(AccountabilityDecision)
class AccountabilityDecisionAdmin(ReadOnlyAdmin):
    """Appended by the leading-group office on its page, never edited or deleted."""

    list_display = ["record", "outcome", "decided_by", "decided_at"]
    list_filter = ["outcome"]
    list_select_related = ["record__dispute", "decided_by"]
    search_fields = ["=record__dispute__number"]
