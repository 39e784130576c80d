import datetime
import re

from django import forms
from django.contrib import admin
from django.db import transaction
from django.utils.translation import gettext as _

from departments.admin import ReadOnlyAdmin
from routing.deadlines import recompute_provisional
from routing.models import (
    Accountability,
    CalendarDay,
    CalendarYear,
    CasePause,
    Deadline,
    DeadlinePolicy,
    ExtensionRequest,
    LateCircular,
    Referral,
    RoutingRule,
    Transfer,
    Urging,
    UrgingNotice,
)

_LINE = re.compile(
    r"^\s*(\d{4}-\d{1,2}-\d{1,2})\s*(?:(?:至|到|~|-|—)\s*(\d{4}-\d{1,2}-\d{1,2}))?\s*(.*)$"
)


def parse_days(text: str, year: int) -> dict[datetime.date, str]:
    """Lines of “date [至 date] name” → {date: name}; every date must fall in ``year``."""
    days: dict[datetime.date, str] = {}
    for number, line in enumerate(text.splitlines(), start=1):
        if not line.strip():
            continue
        match = _LINE.match(line)
        if not match:
            raise ValueError(_("Line %(n)d: start with a date like 2027-01-01.") % {"n": number})
        try:
            first = datetime.date.fromisoformat(_iso(match[1]))
            last = datetime.date.fromisoformat(_iso(match[2])) if match[2] else first
        except ValueError as exc:
            raise ValueError(_("Line %(n)d: not a real date.") % {"n": number}) from exc
        if last < first or (last - first).days > 31:
            raise ValueError(_("Line %(n)d: the range is not valid.") % {"n": number})
        if first.year != year or last.year != year:
            raise ValueError(
                _("Line %(n)d: the dates must fall in %(year)d.") % {"n": number, "year": year}
            )
        name = match[3].strip() or _("holiday")
        day = first
        while day <= last:
            days[day] = name[:100]
            day += datetime.timedelta(days=1)
    return days


def _iso(text: str) -> str:
    y, m, d = text.split("-")
    return f"{int(y):04d}-{int(m):02d}-{int(d):02d}"


@admin.register(RoutingRule)
class RoutingRuleAdmin(admin.ModelAdmin):
    list_display = [
        "category",
        "insurance_type",
        "county",
        "lead_department",
        "suggested_classification",
        "active",
    ]
    list_filter = ["category", "lead_department", "active"]
    filter_horizontal = ["co_departments"]


@admin.register(Transfer)
class TransferAdmin(ReadOnlyAdmin):
    list_display = ["dispute", "from_centre", "to_centre", "by", "at"]


@admin.register(Referral)
class ReferralAdmin(ReadOnlyAdmin):
    list_display = ["dispute", "referred_at", "report_back_by", "dispatched_to", "dispatched_at"]


@admin.register(CalendarDay)
class CalendarDayAdmin(admin.ModelAdmin):
    list_display = ["date", "is_workday", "reason", "notice"]
    list_filter = ["is_workday"]
    date_hierarchy = "date"

    def save_model(self, request, obj, form, change):
        super().save_model(request, obj, form, change)
        recompute_provisional()


class YearArrangementForm(forms.ModelForm):
    """A whole year's arrangement in one form: the days off and the adjusted workdays."""

    days_off = forms.CharField(
        label=_("Days off"),
        widget=forms.Textarea(attrs={"rows": 8}),
        help_text=_(
            "One holiday per line: a date or a range and its name, e.g. "
            "“2027-02-06 至 2027-02-13 春节” or “2027-01-01 元旦”."
        ),
    )
    workdays = forms.CharField(
        label=_("Adjusted weekend workdays"),
        widget=forms.Textarea(attrs={"rows": 4}),
        required=False,
        help_text=_("One date per line, e.g. “2027-02-14 春节调休上班”."),
    )

    class Meta:
        model = CalendarYear
        fields = ["year", "notice"]

    def clean(self):
        data = super().clean()
        year = data.get("year")
        if year is None:
            return data
        try:
            data["off"] = parse_days(data.get("days_off", ""), year)
            data["on"] = parse_days(data.get("workdays", ""), year)
        except ValueError as exc:
            raise forms.ValidationError(str(exc)) from exc
        clash = set(data["off"]) & set(data["on"])
        if clash:
            raise forms.ValidationError(
                _("%(day)s is listed both as a day off and as a workday.")
                % {"day": min(clash).isoformat()}
            )
        return data


@admin.register(CalendarYear)
class CalendarYearAdmin(admin.ModelAdmin):
    list_display = ["year", "notice", "entered_by", "entered_at"]
    form = YearArrangementForm

    def get_form(self, request, obj=None, **kwargs):
        if obj is not None:  # entered years are changed day by day (calendar overrides)
            kwargs["form"] = forms.modelform_factory(CalendarYear, fields=["notice"])
        return super().get_form(request, obj, **kwargs)

    def save_model(self, request, obj, form, change):
        if change:
            super().save_model(request, obj, form, change)
            return
        obj.entered_by = request.user
        with transaction.atomic():
            super().save_model(request, obj, form, change)
            for day, name in form.cleaned_data["off"].items():
                CalendarDay.objects.update_or_create(
                    date=day,
                    defaults={"is_workday": False, "reason": name, "notice": obj.notice},
                )
            for day, name in form.cleaned_data["on"].items():
                CalendarDay.objects.update_or_create(
                    date=day,
                    defaults={"is_workday": True, "reason": name, "notice": obj.notice},
                )
            count = recompute_provisional()
        self.message_user(
            request,
            _("%(year)d entered; %(count)d provisional deadlines recomputed.")
            % {"year": obj.year, "count": count},
        )


@admin.register(DeadlinePolicy)
class DeadlinePolicyAdmin(admin.ModelAdmin):
    list_display = ["name", "stage", "working_days"]
    list_editable = ["working_days"]
    list_filter = ["stage"]
    filter_horizontal = ["categories"]


@admin.register(Deadline)
class DeadlineAdmin(ReadOnlyAdmin):
    list_display = ["dispute", "stage", "department", "centre", "due_at", "status", "provisional"]
    list_filter = ["status", "stage", "provisional"]
    search_fields = ["=dispute__number"]
    list_select_related = ["dispute", "department", "centre"]


@admin.register(Accountability)
class AccountabilityAdmin(ReadOnlyAdmin):
    list_display = ["dispute", "stage", "department", "centre", "days_late", "recorded_at"]
    list_filter = ["stage", "department"]
    list_select_related = ["dispute", "department", "centre"]


@admin.register(ExtensionRequest)
class ExtensionRequestAdmin(ReadOnlyAdmin):
    list_display = ["deadline", "working_days", "status", "requested_by", "decided_by"]
    list_filter = ["status"]


@admin.register(CasePause)
class CasePauseAdmin(ReadOnlyAdmin):
    list_display = ["dispute", "reason", "started_at", "ended_at"]


@admin.register(Urging)
class UrgingAdmin(ReadOnlyAdmin):
    list_display = ["dispute", "department", "by", "at"]
    list_filter = ["department"]
    search_fields = ["=dispute__number"]
    list_select_related = ["dispute", "department", "by"]


@admin.register(UrgingNotice)
class UrgingNoticeAdmin(ReadOnlyAdmin):
    list_display = ["number", "dispute", "department", "centre", "days_late", "issued_at"]
    list_filter = ["department", "centre"]
    search_fields = ["=number", "=dispute__number"]
    list_select_related = ["dispute", "department", "centre"]


@admin.register(LateCircular)
class LateCircularAdmin(ReadOnlyAdmin):
    list_display = ["dispute", "department", "days_late", "issued_at"]
    list_filter = ["department"]
    search_fields = ["=dispute__number"]
    list_select_related = ["dispute", "department"]
