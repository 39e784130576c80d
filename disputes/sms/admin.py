"""The templates, edited by the administrators (their text checked), and the log, read only
with the phones masked. Registered by importing this module from ``disputes.admin``."""

from django import forms
from django.contrib import admin
from django.utils.html import format_html_join
from django.utils.translation import gettext_lazy as _

from departments.admin import BoundedSearchMixin, ReadOnlyAdmin
from disputes.sms.catalogue import PLACEHOLDERS, TEMPLATES
from disputes.sms.models import SmsMessage, SmsTemplate
from disputes.sms.texts import check_text, placeholders_of


class SmsTemplateForm(forms.ModelForm):
    class Meta:
        model = SmsTemplate
        fields = ["code", "name", "text", "active"]

    def clean_code(self):
        code = self.cleaned_data["code"]
        if code not in TEMPLATES:
            raise forms.ValidationError(
                _("No text message is sent with this code. The codes are: %(codes)s.")
                % {"codes": "、".join(TEMPLATES)}
            )
        return code

    def clean(self):
        data = super().clean()
        code = data.get("code") or getattr(self.instance, "code", "")
        if data.get("text") and code in TEMPLATES:
            try:
                check_text(data["text"], code)
            except forms.ValidationError as exc:
                self.add_error("text", exc)
        return data


@admin.register(SmsTemplate)
class SmsTemplateAdmin(BoundedSearchMixin, admin.ModelAdmin):
    form = SmsTemplateForm
    list_display = ["name", "code", "text", "active"]
    list_filter = ["active"]
    search_fields = ["name", "code"]
    readonly_fields = ["placeholders"]

    def get_readonly_fields(self, request, obj=None):
        # The code says where the template is used: fixed once the row exists.
        return ["code", "placeholders"] if obj is not None else ["placeholders"]

    @admin.display(description=_("placeholders it may use"))
    def placeholders(self, obj):
        names = placeholders_of(obj.code) if obj is not None and obj.pk else ()
        if not names:
            return "—"
        return format_html_join(
            "", "<div><code>{{{}}}</code> {}</div>", ((n, PLACEHOLDERS[n]) for n in names)
        )


@admin.register(SmsMessage)
class SmsMessageAdmin(ReadOnlyAdmin):
    """The log: readable, never editable; the phone masked, as in every list."""

    list_display = [
        "created_at",
        "template_code",
        "masked_phone",
        "user",
        "dispute",
        "status",
        "attempts",
        "sent_at",
    ]
    list_filter = ["status", "template_code"]
    search_fields = ["=dispute__number"]
    list_select_related = ["user", "dispute"]
    date_hierarchy = "created_at"
    fields = [
        "template_code",
        "masked_phone",
        "user",
        "dispute",
        "text",
        "status",
        "attempts",
        "last_error",
        "created_at",
        "next_attempt_at",
        "sent_at",
        "gateway_id",
    ]
    readonly_fields = fields

    @admin.display(description=_("phone"))
    def masked_phone(self, obj):
        return obj.masked_phone
