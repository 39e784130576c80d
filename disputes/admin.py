from django.contrib import admin
from django.utils.translation import gettext_lazy as _

from departments.admin import ReadOnlyAdmin, ReadOnlyInline
from disputes.models import (
    AccessLog,
    Attachment,
    Category,
    Channel,
    Dispute,
    InsuranceType,
    Party,
    Payer,
    TimelineEntry,
)


@admin.register(Category, InsuranceType)
class ReferenceAdmin(admin.ModelAdmin):
    list_display = ["name", "code", "sort_order", "active"]
    list_editable = ["sort_order", "active"]
    search_fields = ["name", "code"]


@admin.register(Channel)
class ChannelAdmin(ReferenceAdmin):
    list_display = ["name", "code", "online", "sort_order", "active"]


@admin.register(Payer)
class PayerAdmin(admin.ModelAdmin):
    list_display = ["name", "kind", "masked_id", "jurisdiction"]
    list_filter = ["kind"]
    search_fields = ["name", "=id_number"]
    autocomplete_fields = ["jurisdiction"]

    @admin.display(description=_("identity number or credit code"))
    def masked_id(self, obj):
        return obj.masked_id_number

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False


class PartyInline(ReadOnlyInline):
    model = Party
    fields = ["payer", "side", "is_representative"]
    readonly_fields = fields


class TimelineInline(ReadOnlyInline):
    model = TimelineEntry
    fields = ["at", "actor", "action", "from_state", "to_state", "note"]
    readonly_fields = fields


class AttachmentInline(ReadOnlyInline):
    model = Attachment
    fields = ["name", "size", "uploaded_by", "uploaded_at"]
    readonly_fields = fields


@admin.register(Dispute)
class DisputeAdmin(ReadOnlyAdmin):
    """Cases are read here; they change only through the case pages and their services."""

    list_display = ["number", "state", "category", "centre", "received_at"]
    list_filter = ["state", "classification", "category", "centre"]
    search_fields = ["=number"]
    date_hierarchy = "received_at"
    inlines = [PartyInline, AttachmentInline, TimelineInline]
    list_select_related = ["category", "centre"]


@admin.register(TimelineEntry)
class TimelineEntryAdmin(ReadOnlyAdmin):
    """Append-only: readable, never editable or deletable."""

    list_display = ["dispute", "at", "actor", "action", "from_state", "to_state"]
    list_filter = ["action"]
    search_fields = ["=dispute__number"]
    list_select_related = ["dispute", "actor"]


@admin.register(AccessLog)
class AccessLogAdmin(ReadOnlyAdmin):
    """Append-only: readable, never editable or deletable."""

    list_display = ["at", "user", "kind", "dispute", "reason"]
    list_filter = ["kind"]
    search_fields = ["=dispute__number", "user__username"]
    list_select_related = ["user", "dispute"]
    date_hierarchy = "at"
