"""The administration of the online channels: the integrating systems, their API keys, the
calls they made and the work orders they handed in.

A key is shown in full once, in the message of the page that created it; what is stored is the
library's hash (djangorestframework-api-key), which it also folds into the key's primary key.
So the key pages name a key by its prefix, never by its primary key: the links, the checkboxes
of the actions, the detail page and the admin's own log all use the prefix, and no page of the
admin carries the hash.
"""

import json

from django import forms
from django.contrib import admin, messages
from django.contrib.admin import helpers
from django.contrib.admin.models import ADDITION, CHANGE, LogEntry
from django.contrib.admin.utils import quote
from django.contrib.admin.views.main import ChangeList
from django.contrib.contenttypes.models import ContentType
from django.db import models
from django.db.models import Count, Exists, Q
from django.shortcuts import redirect
from django.urls import reverse
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.html import format_html, format_html_join
from django.utils.http import urlencode
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext
from rest_framework_api_key.models import APIKey

from api import delivery as deliveries
from api.models import (
    ApiCall,
    ChannelSystem,
    Delivery,
    Event,
    SystemKey,
    WorkOrder,
    new_callback_secret,
)
from departments.admin import BoundedSearchMixin, ReadOnlyAdmin, ReadOnlyInline
from disputes.models import Channel

# The library registers an admin for its own key model, which this project does not use (every
# key belongs to a system: SystemKey).
if admin.site.is_registered(APIKey):
    admin.site.unregister(APIKey)


def _usable_keys() -> Q:
    now = timezone.now()
    return Q(keys__revoked=False) & (
        Q(keys__expiry_date__isnull=True) | Q(keys__expiry_date__gt=now)
    )


def key_change_url(key: SystemKey) -> str:
    return reverse("admin:api_systemkey_change", args=[quote(key.prefix)])


def key_list_url(system: ChannelSystem) -> str:
    return (
        f"{reverse('admin:api_systemkey_changelist')}?{urlencode({'system__id__exact': system.pk})}"
    )


def key_add_url(system: ChannelSystem) -> str:
    return f"{reverse('admin:api_systemkey_add')}?{urlencode({'system': system.pk})}"


def _https_urls(field, **kwargs):
    """Form fields of the model's fields; a URL typed without a scheme is taken as https."""
    if isinstance(field, models.URLField):
        kwargs.setdefault("assume_scheme", "https")
    return field.formfield(**kwargs)


class ChannelSystemForm(forms.ModelForm):
    class Meta:
        model = ChannelSystem
        formfield_callback = _https_urls
        fields = [
            "name",
            "code",
            "channel",
            "active",
            "centres",
            "jurisdictions",
            "callback_url",
            "rate",
        ]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        field = self.fields.get("channel")
        if field is not None:
            # A system hands cases in electronically: only the online channels (and the one it
            # has, should that have been switched off since).
            current = self.instance.channel_id if self.instance.pk else None
            field.queryset = Channel.objects.filter(
                Q(online=True, active=True) | Q(pk=current)
            ).order_by("sort_order", "code")


@admin.register(ChannelSystem)
class ChannelSystemAdmin(BoundedSearchMixin, admin.ModelAdmin):
    form = ChannelSystemForm
    formfield_overrides = {models.URLField: {"assume_scheme": "https"}}
    list_display = [
        "name",
        "code",
        "channel",
        "active",
        "has_callback",
        "usable_keys",
        "created_at",
    ]
    list_filter = ["active", "channel"]
    list_select_related = ["channel"]
    search_fields = ["name", "code"]
    autocomplete_fields = ["centres", "jurisdictions"]
    fieldsets = [
        (None, {"fields": ["name", "code", "channel", "active", "created_at"]}),
        (_("Where it may deliver"), {"fields": ["centres", "jurisdictions"]}),
        (_("Hearing back and limits"), {"fields": ["callback_url", "signing_secret", "rate"]}),
        (_("API keys"), {"fields": ["keys_summary"]}),
    ]
    readonly_fields = ["signing_secret", "keys_summary", "created_at"]

    def get_queryset(self, request):
        return (
            super()
            .get_queryset(request)
            .annotate(usable_key_count=Count("keys", filter=_usable_keys(), distinct=True))
        )

    def get_fieldsets(self, request, obj=None):
        if obj is None:  # the secret and the keys exist once the system does
            return [
                (None, {"fields": ["name", "code", "channel", "active"]}),
                (_("Where it may deliver"), {"fields": ["centres", "jurisdictions"]}),
                (_("Hearing back and limits"), {"fields": ["callback_url", "rate"]}),
            ]
        return super().get_fieldsets(request, obj)

    def has_delete_permission(self, request, obj=None):
        # Its cases, work orders, events and calls name it: a system is switched off
        # ("active"), never deleted.
        return False

    @admin.display(description=_("callback URL set"), boolean=True, ordering="callback_url")
    def has_callback(self, obj):
        return bool(obj.callback_url)

    @admin.display(description=_("usable keys"), ordering="usable_key_count")
    def usable_keys(self, obj):
        return obj.usable_key_count

    @admin.display(description=_("signing secret"))
    def signing_secret(self, obj):
        return format_html(
            '<code id="signing-secret">{}</code><div class="help">{}</div>',
            obj.callback_secret,
            _(
                "Give it to the system's operators: they check the signature of every event "
                "with it. Regenerating it (the button below) invalidates the old one at once."
            ),
        )

    @admin.display(description=_("API keys"))
    def keys_summary(self, obj):
        keys = list(obj.keys.order_by("-created"))
        rows = format_html_join(
            "",
            '<tr><td><a href="{}"><code>{}</code></a></td><td>{}</td><td>{}</td><td>{}</td></tr>',
            (
                (
                    key_change_url(k),
                    k.prefix,
                    k.name,
                    date_format(timezone.localtime(k.created), "Y年n月j日 H:i"),
                    _("revoked") if k.revoked else _("expired") if k.has_expired else _("usable"),
                )
                for k in keys
            ),
        )
        table = (
            format_html(
                "<table><thead><tr><th>{}</th><th>{}</th><th>{}</th><th>{}</th></tr></thead>"
                "<tbody>{}</tbody></table>",
                _("key prefix"),
                _("name"),
                _("created at"),
                _("status"),
                rows,
            )
            if keys
            else format_html("<p>{}</p>", _("No key yet: the system cannot call the API."))
        )
        return format_html(
            '{}<p><a class="addlink" href="{}" id="add-key">{}</a> &nbsp; <a href="{}">{}</a></p>',
            table,
            key_add_url(obj),
            _("Create a key for this system"),
            key_list_url(obj),
            _("Revoke or rotate its keys"),
        )

    def save_model(self, request, obj, form, change):
        if change and "_regenerate_secret" in request.POST:
            obj.callback_secret = new_callback_secret()
            messages.warning(
                request,
                _(
                    "A new signing secret was generated for %(system)s. Events are signed with "
                    "it from now on: give it to the system's operators, the old one no longer "
                    "verifies."
                )
                % {"system": obj.name},
            )
        super().save_model(request, obj, form, change)

    def response_change(self, request, obj):
        if "_regenerate_secret" in request.POST:
            # Back to the page, where the new secret is shown.
            return redirect(reverse("admin:api_channelsystem_change", args=[quote(obj.pk)]))
        return super().response_change(request, obj)


class SystemKeyForm(forms.ModelForm):
    class Meta:
        model = SystemKey
        fields = ["name", "system", "expiry_date"]

    def clean_expiry_date(self):
        expiry = self.cleaned_data.get("expiry_date")
        if expiry is not None and expiry <= timezone.now():
            raise forms.ValidationError(_("The expiry must lie in the future."))
        return expiry


class KeyChangeList(ChangeList):
    """The key list links each key by its prefix (see the module's docstring)."""

    def url_for_result(self, result):
        return key_change_url(result)


@admin.register(SystemKey)
class SystemKeyAdmin(BoundedSearchMixin, admin.ModelAdmin):
    """Keys are created here (or from their system's page) and then only read, revoked or
    rotated: nothing else about a key changes, and a key is revoked, never deleted."""

    form = SystemKeyForm
    list_display = [
        "prefix",
        "system",
        "name",
        "created",
        "last_used_at",
        "expiry_date",
        "revoked",
    ]
    list_filter = ["revoked", "system"]
    list_select_related = ["system"]
    search_fields = ["prefix", "name", "system__name"]
    actions = ["revoke_keys", "rotate_keys"]
    fields = ["prefix", "system", "name", "created", "last_used_at", "expiry_date", "revoked"]
    readonly_fields = fields

    # -- what a page may do -------------------------------------------------------------

    def get_fields(self, request, obj=None):
        return ["name", "system", "expiry_date"] if obj is None else self.fields

    def get_readonly_fields(self, request, obj=None):
        return () if obj is None else self.readonly_fields

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False

    def has_revoke_permission(self, request):
        """Revoking and rotating change keys: the model's change permission, although the
        key's page itself is read-only."""
        return request.user.has_perm("api.change_systemkey")

    # -- a key is named by its prefix -------------------------------------------------

    def get_object(self, request, object_id, from_field=None):
        return self.get_queryset(request).filter(prefix=object_id).first()

    def get_changelist(self, request, **kwargs):
        return KeyChangeList

    def action_checkbox(self, obj):
        return super().action_checkbox(_KeyByPrefix(obj))

    def response_action(self, request, queryset):
        """The checkboxes carry prefixes: the action works on the keys they name."""
        prefixes = request.POST.getlist(helpers.ACTION_CHECKBOX_NAME)
        if prefixes:
            post = request.POST.copy()
            post.setlist(
                helpers.ACTION_CHECKBOX_NAME,
                list(SystemKey.objects.filter(prefix__in=prefixes).values_list("pk", flat=True)),
            )
            request.POST = post
        return super().response_action(request, queryset)

    def _log(self, request, key, flag, message) -> None:
        """The admin's log entry of a key, under its prefix (LogEntry.object_id is shown in
        links and kept for good)."""
        if isinstance(message, list):
            message = json.dumps(message)
        LogEntry.objects.create(
            user_id=request.user.pk,
            content_type=ContentType.objects.get_for_model(SystemKey),
            object_id=key.prefix,
            object_repr=str(key)[:200],
            action_flag=flag,
            change_message=message,
        )

    def log_addition(self, request, obj, message):
        self._log(request, obj, ADDITION, message)

    def log_change(self, request, obj, message):
        self._log(request, obj, CHANGE, message)

    # -- creating: the key is shown once ----------------------------------------------

    def save_model(self, request, obj, form, change):
        # Only ever an addition: the key's page is read-only.
        key = SystemKey.objects.assign_key(obj)
        obj.save()
        messages.warning(request, _created_message(obj, key))

    def response_add(self, request, obj, post_url_continue=None):
        if "_addanother" in request.POST:
            return redirect(f"{reverse('admin:api_systemkey_add')}?system={obj.system_id}")
        return redirect(key_list_url(obj.system))

    # -- the actions -----------------------------------------------------------------

    @admin.action(description=_("Revoke the selected keys"), permissions=["revoke"])
    def revoke_keys(self, request, queryset):
        keys = list(queryset.filter(revoked=False).select_related("system"))
        SystemKey.objects.filter(pk__in=[k.pk for k in keys]).update(revoked=True)
        for key in keys:
            # As the admin writes a change (English field names, translated when shown).
            self._log(request, key, CHANGE, [{"changed": {"fields": ["revoked"]}}])
        if keys:
            messages.success(
                request,
                _("Revoked: %(keys)s. Calls with them are refused from now on.")
                % {"keys": "、".join(f"{k.prefix}（{k.system.name}：{k.name}）" for k in keys)},
            )
        else:
            messages.info(request, _("The selected keys were revoked already."))

    @admin.action(
        description=_("Rotate the selected keys (a new key each)"), permissions=["revoke"]
    )
    def rotate_keys(self, request, queryset):
        old_keys = list(queryset.select_related("system").order_by("created"))
        revoked = [k for k in old_keys if k.revoked]
        for old in (k for k in old_keys if not k.revoked):
            new, key = SystemKey.objects.create_key(system=old.system, name=old.name)
            self._log(request, new, ADDITION, [{"added": {}}])
            still = _(
                "The old key %(prefix)s stays usable until you revoke it: revoke it once the "
                "system uses the new one."
            ) % {"prefix": old.prefix}
            messages.warning(request, f"{_created_message(new, key)} {still}")
        if revoked:
            messages.info(
                request,
                _("Revoked keys are not rotated (%(keys)s): create a new key instead.")
                % {"keys": "、".join(k.prefix for k in revoked)},
            )


class _KeyByPrefix:
    """A key as the action checkbox sees it: its prefix in place of its primary key."""

    def __init__(self, key: SystemKey):
        self.pk = key.prefix
        self._key = key

    def __str__(self) -> str:
        return str(self._key)


def _created_message(key: SystemKey, raw: str) -> str:
    return _(
        "The API key “%(name)s” of %(system)s is: %(key)s — copy it now: it is not shown "
        "again (only its prefix %(prefix)s is kept in clear)."
    ) % {"name": key.name, "system": key.system.name, "key": raw, "prefix": key.prefix}


@admin.register(ApiCall)
class ApiCallAdmin(ReadOnlyAdmin):
    """Every request to the API, as the middleware logged it: read only."""

    list_display = ["at", "system", "method", "endpoint", "status", "duration_ms", "key_prefix"]
    list_filter = ["system", "status", "endpoint"]
    list_select_related = ["system"]
    search_fields = ["endpoint", "=key_prefix"]
    date_hierarchy = "at"
    # The log grows with every call: no count of the whole table on each page.
    show_full_result_count = False


@admin.register(WorkOrder)
class WorkOrderAdmin(ReadOnlyAdmin):
    """The work orders the systems handed in and the cases they became: read only."""

    list_display = ["number", "system", "case", "due_at", "created_at"]
    list_filter = ["system"]
    list_select_related = ["system", "dispute"]
    search_fields = ["=number", "=dispute__number"]
    date_hierarchy = "created_at"
    fields = ["number", "system", "case", "due_at", "created_at"]
    readonly_fields = fields

    @admin.display(description=_("case"), ordering="dispute__number")
    def case(self, obj):
        url = reverse("disputes:detail", args=[obj.dispute.number])
        return format_html('<a href="{}">{}</a>', url, obj.dispute.number)


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
