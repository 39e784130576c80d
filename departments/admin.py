from django import forms
from django.contrib import admin, messages
from django.contrib.auth import get_user_model
from django.contrib.auth.admin import UserAdmin as BaseUserAdmin
from django.utils.translation import gettext_lazy as _

from departments.models import (
    ROLE_GROUP_NAMES,
    Centre,
    Department,
    Jurisdiction,
    Role,
    Staff,
    departments_without_officer,
    has_officer,
)


class ReadOnlyMixin:
    """Records that are written by the application only: readable, never added, edited or
    deleted in the admin (cases, timelines, logs, deadlines)."""

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


class BoundedSearchMixin:
    """A search box that refuses an over-long term with a message (an unbounded LIKE pattern
    makes SQLite fail), like the case list's."""

    search_max_length = 100

    def get_search_results(self, request, queryset, search_term):
        if len(search_term.strip()) > self.search_max_length:
            messages.error(
                request,
                _("A search has at most %(limit_value)d characters (this one has %(show_value)d).")
                % {"limit_value": self.search_max_length, "show_value": len(search_term.strip())},
            )
            return queryset.none(), False
        return super().get_search_results(request, queryset, search_term)


class ReadOnlyAdmin(ReadOnlyMixin, BoundedSearchMixin, admin.ModelAdmin):
    pass


class ReadOnlyInline(ReadOnlyMixin, admin.TabularInline):
    extra = 0
    can_delete = False


admin.site.site_header = _("Dispute handling centre administration")
admin.site.site_title = _("Dispute handling centre")
admin.site.index_title = _("Reference data and users")


@admin.register(Jurisdiction)
class JurisdictionAdmin(BoundedSearchMixin, admin.ModelAdmin):
    list_display = ["name", "code", "level", "parent"]
    list_filter = ["level"]
    search_fields = ["name", "code"]
    autocomplete_fields = ["parent"]


class DutyClerkChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj):
        staff = getattr(obj, "staff", None)
        name = staff.full_name if staff is not None and staff.full_name else ""
        return f"{name}（{obj.get_username()}）" if name else obj.get_username()


class CentreForm(forms.ModelForm):
    """The duty clerk is chosen among this centre's active clerks and coordinators (the
    people ``Centre.clean`` accepts); a centre not saved yet has nobody to choose from."""

    class Meta:
        model = Centre
        fields = [
            "name",
            "kind",
            "code",
            "jurisdiction",
            "parent",
            "address",
            "phone",
            "email",
            "duty_clerk",
            "active",
        ]
        field_classes = {"duty_clerk": DutyClerkChoiceField}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        field = self.fields.get("duty_clerk")
        if field is not None:
            field.queryset = duty_clerk_choices(self.instance)
            if self.instance.pk is None:
                field.help_text = _(
                    "Save the centre first: the duty clerk is then chosen among its clerks."
                )


def duty_clerk_choices(centre):
    if centre.pk is None:
        return User.objects.none()
    roles = [ROLE_GROUP_NAMES[Role.CLERK], ROLE_GROUP_NAMES[Role.COORDINATOR]]
    return (
        User.objects.filter(is_active=True, staff__centre=centre, groups__name__in=roles)
        .select_related("staff")
        .distinct()
        .order_by("staff__full_name", "username")
    )


@admin.register(Centre)
class CentreAdmin(BoundedSearchMixin, admin.ModelAdmin):
    form = CentreForm
    list_display = ["name", "code", "kind", "jurisdiction", "parent", "duty_clerk_name", "active"]
    list_filter = ["kind", "active"]
    list_select_related = ["jurisdiction", "parent", "duty_clerk__staff"]
    search_fields = ["name", "code"]
    autocomplete_fields = ["jurisdiction", "parent"]

    @admin.display(description=_("duty clerk"), ordering="duty_clerk__staff__full_name")
    def duty_clerk_name(self, obj):
        clerk = obj.duty_clerk
        if clerk is None:
            return "—"
        staff = getattr(clerk, "staff", None)
        return staff.full_name if staff is not None and staff.full_name else clerk.get_username()


@admin.register(Department)
class DepartmentAdmin(BoundedSearchMixin, admin.ModelAdmin):
    list_display = ["name", "code", "kind", "jurisdiction", "phone", "active", "staffed"]
    list_filter = ["kind", "active"]
    search_fields = ["name", "code"]

    def get_queryset(self, request):
        return super().get_queryset(request).annotate(has_officer=has_officer())

    def changelist_view(self, request, extra_context=None):
        # The administrator sees it where departments are looked after (the deploy's system
        # check, departments.W001, says the same).
        unstaffed = list(departments_without_officer().values_list("name", flat=True))
        if unstaffed:
            messages.warning(
                request,
                _(
                    "These departments have no officer: %(names)s. Their deadlines' notices "
                    "go to the case's coordinator instead."
                )
                % {"names": "、".join(unstaffed)},
            )
        return super().changelist_view(request, extra_context)

    @admin.display(description=_("has an officer"), boolean=True, ordering="has_officer")
    def staffed(self, obj):
        return obj.has_officer if obj.active else None


class StaffInline(admin.StackedInline):
    model = Staff
    can_delete = False
    verbose_name_plural = _("where this user works")
    autocomplete_fields = ["centre", "department", "jurisdiction"]


User = get_user_model()
admin.site.unregister(User)


@admin.register(User)
class UserAdmin(BoundedSearchMixin, BaseUserAdmin):
    inlines = [StaffInline]
    list_display = ["username", "staff_name", "is_active", "is_staff", "last_login"]
    list_select_related = ["staff"]

    @admin.display(description=_("full name"))
    def staff_name(self, obj):
        staff = getattr(obj, "staff", None)
        return staff.full_name if staff else ""
