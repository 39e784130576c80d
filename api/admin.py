import json

from django.contrib import admin
from django.db.models import Exists
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from api import delivery as deliveries
from api.models import Delivery, Event
from departments.admin import ReadOnlyAdmin, ReadOnlyInline

# -- the events told back, and their deliveries (the 12345 loop) ----------------------------


def _label(model, field):
    return model._meta.get_field(field).verbose_name


class DeliveryInline(ReadOnlyInline):
    model = Delivery
    fields = [
        "status",
        "attempts",
        "last_status",
        "last_error",
        "last_duration_ms",
        "last_attempt_at",
        "next_attempt_at",
        "delivered_at",
        "replays",
    ]
    readonly_fields = fields


@admin.register(Event)
class EventAdmin(ReadOnlyAdmin):
    """Written by the application only (api.events): readable, never changed."""

    list_display = ["sequence", "system", "case_number", "kind", "created_at"]
    list_filter = ["system", "kind"]
    search_fields = ["=dispute__number"]
    list_select_related = ["system", "dispute"]
    ordering = ["-created_at", "-pk"]
    fields = ["system", "sequence", "uid", "dispute", "kind", "created_at", "content"]
    readonly_fields = fields
    inlines = [DeliveryInline]

    @admin.display(description=_("case number"), ordering="dispute__number")
    def case_number(self, obj):
        return obj.dispute.number

    @admin.display(description=_label(Event, "payload"))
    def content(self, obj):
        return format_html("<pre>{}</pre>", json.dumps(obj.payload, ensure_ascii=False, indent=2))


@admin.register(Delivery)
class DeliveryAdmin(ReadOnlyAdmin):
    """Every push of an event to its system's callback URL and its attempts; the
    administrator may replay one (same delivery id and event id: the receiver deduplicates)."""

    list_display = [
        "delivery_id",
        "system",
        "case_number",
        "event_kind",
        "status_shown",
        "attempts",
        "last_status",
        "response_time",
        "last_attempt_at",
        "next_attempt_at",
    ]
    list_filter = ["event__system", "status", "event__kind"]
    search_fields = ["=event__dispute__number"]
    list_select_related = ["event__system", "event__dispute"]
    ordering = ["-event__created_at", "-pk"]
    actions = ["replay_selected"]
    fields = [
        "event",
        "status",
        "attempts",
        "last_status",
        "last_error",
        "last_duration_ms",
        "first_attempt_at",
        "last_attempt_at",
        "next_attempt_at",
        "delivered_at",
        "replays",
        "replayed_at",
    ]
    readonly_fields = fields

    def get_queryset(self, request):
        # Whether each waits behind an earlier event of its case: one subquery, not one a row.
        return (
            super().get_queryset(request).annotate(waiting=Exists(deliveries.earlier_undelivered()))
        )

    @admin.display(description=_label(Event, "sequence"), ordering="event__sequence")
    def delivery_id(self, obj):
        return obj.event.sequence

    @admin.display(description=_label(Event, "system"), ordering="event__system__name")
    def system(self, obj):
        return obj.event.system

    @admin.display(description=_("case number"), ordering="event__dispute__number")
    def case_number(self, obj):
        return obj.event.dispute.number

    @admin.display(description=_label(Event, "kind"), ordering="event__kind")
    def event_kind(self, obj):
        return obj.event.get_kind_display()

    @admin.display(description=_label(Delivery, "status"), ordering="status")
    def status_shown(self, obj):
        label = obj.get_status_display()
        if obj.status == Delivery.Status.FAILED:
            return format_html(
                '<strong class="delivery-failed" style="color:#ba2121">{}</strong>', label
            )
        if obj.status == Delivery.Status.PENDING and getattr(obj, "waiting", False):
            return format_html("{}（{}）", label, _("behind an earlier event of the case"))
        return label

    @admin.display(description=_("response time"), ordering="last_duration_ms")
    def response_time(self, obj):
        if obj.last_duration_ms is None:
            return "—"
        return _("%(ms)d ms") % {"ms": obj.last_duration_ms}

    def has_replay_permission(self, request):
        return request.user.has_perm("api.change_delivery")

    @admin.action(description=_("Replay the selected deliveries"), permissions=["replay"])
    def replay_selected(self, request, queryset):
        chosen = list(queryset)
        count = deliveries.replay(chosen)
        for row in chosen:
            self.log_change(request, row, str(_("Replayed: queued to be sent again.")))
        self.message_user(
            request,
            ngettext(
                "%(count)d delivery is queued to be sent again, with the same delivery id "
                "and event id.",
                "%(count)d deliveries are queued to be sent again, with the same delivery "
                "ids and event ids.",
                count,
            )
            % {"count": count},
        )
