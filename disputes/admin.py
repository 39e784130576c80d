from django import forms
from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied
from django.db.models import Q, Value
from django.db.models.functions import Replace
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _

from departments.admin import BoundedSearchMixin, ReadOnlyAdmin, ReadOnlyInline
from disputes import access_log, reveals
from disputes.exceptions import DisputeError
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
class ReferenceAdmin(BoundedSearchMixin, admin.ModelAdmin):
    list_display = ["name", "code", "sort_order", "active"]
    list_editable = ["sort_order", "active"]
    search_fields = ["name", "code"]


@admin.register(Channel)
class ChannelAdmin(ReferenceAdmin):
    list_display = ["name", "code", "online", "sort_order", "active"]


class RevealForm(forms.Form):
    reason = forms.CharField(label=_("Why do you need the numbers in full?"), max_length=200)


@admin.register(Payer)
class PayerAdmin(BoundedSearchMixin, admin.ModelAdmin):
    """Payers are read here with their numbers masked, as in the case lists; the numbers in full
    are a logged reveal with a reason (``reveal/``), and a search by a number is a logged,
    limited number search, as on the case list."""

    list_display = ["name", "kind", "masked_id", "masked_phone", "jurisdiction"]
    list_filter = ["kind"]
    search_fields = ["name"]
    fields = [
        "kind",
        "name",
        "masked_id",
        "masked_phone",
        "address",
        "contact_person",
        "jurisdiction",
        "created_at",
        "reveal_link",
    ]
    readonly_fields = fields

    @admin.display(description=_("identity number or credit code"))
    def masked_id(self, obj):
        return obj.masked_id_number

    @admin.display(description=_("phone"))
    def masked_phone(self, obj):
        return obj.masked_phone

    @admin.display(description=_("numbers in full"))
    def reveal_link(self, obj):
        url = reverse("admin:disputes_payer_reveal", args=[obj.pk])
        return format_html('<a href="{}">{}</a>', url, _("Show in full (logged)"))

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def get_urls(self):
        reveal = path(
            "<path:object_id>/reveal/",
            self.admin_site.admin_view(self.reveal_view),
            name="disputes_payer_reveal",
        )
        return [reveal, *super().get_urls()]

    def reveal_view(self, request, object_id):
        payer = self.get_object(request, object_id)
        if payer is None or not self.has_view_permission(request, payer):
            raise PermissionDenied
        form = RevealForm(request.POST or None)
        shown = False
        if request.method == "POST" and form.is_valid():
            reveals.admin_reveal(user=request.user, payer=payer, reason=form.cleaned_data["reason"])
            shown = True
        context = {
            **self.admin_site.each_context(request),
            "opts": self.opts,
            "payer": payer,
            "form": form,
            "shown": shown,
            "title": _("Numbers of %(payer)s") % {"payer": payer.name},
        }
        return TemplateResponse(request, "admin/disputes/payer/reveal.html", context)

    def get_search_results(self, request, queryset, search_term):
        term = search_term.strip()
        number = access_log.searched_number(term) if len(term) <= self.search_max_length else None
        if number is None:
            return super().get_search_results(request, queryset, search_term)
        try:
            access_log.number_search(user=request.user, number=number)
        except DisputeError as exc:
            messages.error(request, exc.message)
            return queryset.none(), False
        bare_phone = Replace(Replace("phone", Value("-")), Value(" "))
        matches = queryset.alias(bare_phone=bare_phone).filter(
            Q(id_number=number) | Q(bare_phone=number)
        )
        return matches, False


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


from disputes.sms import admin as sms_admin  # noqa: E402, F401  (registers the SMS models)
