"""Who exists: jurisdictions, centres, departments and the staff who work in them.

This app is the ground floor: it imports no other app of the project.
"""

from collections.abc import Iterable

from django.conf import settings
from django.contrib.auth.models import Group
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import F, Q
from django.utils.translation import gettext_lazy as _


class Role(models.TextChoices):
    """Staff roles. Each is a Django group; ``ROLE_GROUP_NAMES`` holds the group's stored name."""

    CLERK = "clerk", _("Window clerk")
    OFFICER = "officer", _("Department officer")
    COORDINATOR = "coordinator", _("Centre coordinator")
    LEADING_GROUP_OFFICE = "leading_group_office", _("Leading-group office")
    LEADER = "leader", _("Leading-group leader")
    SUPERVISOR = "supervisor", _("Supervisor")
    GRID_MEDIATOR = "grid_mediator", _("Grid mediator")
    CYBERSPACE = "cyberspace", _("Cyberspace office")
    ADMIN = "admin", _("Administrator")


# Group names are stored data (administrators read them in the admin), so they are fixed
# Chinese strings rather than translations; code always goes through Role.
ROLE_GROUP_NAMES = {
    Role.CLERK: "角色：窗口受理人员",
    Role.OFFICER: "角色：部门承办人",
    Role.COORDINATOR: "角色：处理中心协调人",
    Role.LEADING_GROUP_OFFICE: "角色：领导小组办公室",
    Role.LEADER: "角色：领导小组组长",
    Role.SUPERVISOR: "角色：督办考评",
    Role.GRID_MEDIATOR: "角色：网格调解员",
    Role.CYBERSPACE: "角色：网信办",
    Role.ADMIN: "角色：系统管理员",
}


def role_group(role: Role) -> Group:
    group, _created = Group.objects.get_or_create(name=ROLE_GROUP_NAMES[Role(role)])
    return group


class Jurisdiction(models.Model):
    class Level(models.TextChoices):
        COUNTY = "county", _("County / district")
        TOWN = "town", _("Town / street")
        VILLAGE = "village", _("Village / community")

    name = models.CharField(_("name"), max_length=100)
    code = models.CharField(
        _("division code"),
        max_length=12,
        unique=True,
        help_text=_("Administrative division code, e.g. 140830 for a county."),
    )
    level = models.CharField(_("level"), max_length=10, choices=Level.choices)
    parent = models.ForeignKey(
        "self",
        verbose_name=_("parent"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="children",
    )
    # Materialised path of codes ("140830/140830100/"), kept by save(), so that a subtree
    # is one indexed prefix query.
    path = models.CharField(max_length=255, editable=False, db_index=True)

    class Meta:
        verbose_name = _("jurisdiction")
        verbose_name_plural = _("jurisdictions")
        ordering = ["path"]

    def __str__(self) -> str:
        return self.full_name

    def save(self, *args, **kwargs):
        prefix = self.parent.path if self.parent_id else ""
        self.path = f"{prefix}{self.code}/"
        super().save(*args, **kwargs)
        # Keep descendants' paths in step when a node moves.
        for child in self.children.all():
            if not child.path.startswith(self.path):
                child.save()

    @property
    def full_name(self) -> str:
        if self.parent_id and self.level != self.Level.COUNTY:
            return f"{self.parent.full_name}{self.name}"
        return self.name

    @property
    def county(self) -> "Jurisdiction":
        node = self
        while node.level != self.Level.COUNTY and node.parent_id:
            node = node.parent
        return node

    def subtree(self):
        return Jurisdiction.objects.filter(path__startswith=self.path)

    def lineage_paths(self) -> list[str]:
        """The paths of this jurisdiction and of every area above it, from the top down."""
        parts = [p for p in self.path.split("/") if p]
        return ["/".join(parts[: i + 1]) + "/" for i in range(len(parts))]

    def within(self, other: "Jurisdiction | None") -> bool:
        """Is this jurisdiction ``other`` or an area under it?"""
        return other is not None and self.path.startswith(other.path)


def full_names(jurisdictions: Iterable[Jurisdiction]) -> dict[int, str]:
    """The ``full_name`` of each of ``jurisdictions`` (by primary key), read off their paths.

    ``full_name`` walks the parents, a query per level for each jurisdiction; a list of
    options would cost hundreds. Here the areas above them that are not among them are read
    in one query (none at all for a whole subtree, whose top is one of them).
    """
    nodes = list(jurisdictions)
    by_code = {j.code: j for j in nodes}
    above = {code for j in nodes for code in _codes(j.path) if code not in by_code}
    if above:
        rows = Jurisdiction.objects.filter(code__in=above).only("code", "name", "level")
        by_code.update((j.code, j) for j in rows)
    names = {}
    for j in nodes:
        parts = []
        for code in reversed(_codes(j.path)):
            node = by_code[code]
            parts.append(node.name)
            if node.level == Jurisdiction.Level.COUNTY:
                break  # as full_name: a county's name is where a full name starts
        names[j.pk] = "".join(reversed(parts))
    return names


def _codes(path: str) -> list[str]:
    return [code for code in path.split("/") if code]


class CentreQuerySet(models.QuerySet):
    def serving(self, jurisdiction: Jurisdiction):
        """Active centres of the county a case in ``jurisdiction`` belongs to, or above it.

        A case is shared with (or handled by) the units of its own county; another county's
        centres have no part in it. (A transfer is the exception: it moves the case to the
        competent centre, wherever that is.)
        """
        county = jurisdiction.county
        return self.filter(active=True).filter(
            Q(jurisdiction__path__startswith=county.path)
            | Q(jurisdiction__path__in=county.lineage_paths())
        )


class Centre(models.Model):
    class Kind(models.TextChoices):
        ACCEPTANCE_POINT = "acceptance_point", _("Acceptance point")
        PROCESSING_CENTRE = "processing_centre", _("Processing centre")
        LEADING_GROUP_OFFICE = "leading_group_office", _("Leading-group office")

    name = models.CharField(_("name"), max_length=100)
    kind = models.CharField(_("kind"), max_length=24, choices=Kind.choices)
    code = models.CharField(
        _("case number prefix"),
        max_length=8,
        unique=True,
        help_text=_("Upper-case letters that start this centre's case numbers, e.g. GW."),
    )
    jurisdiction = models.ForeignKey(
        Jurisdiction,
        verbose_name=_("jurisdiction"),
        on_delete=models.PROTECT,
        related_name="centres",
    )
    parent = models.ForeignKey(
        "self",
        verbose_name=_("reports to"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="children",
    )
    address = models.CharField(_("address"), max_length=200, blank=True)
    phone = models.CharField(_("phone"), max_length=30, blank=True)
    email = models.EmailField(_("e-mail"), blank=True)
    group = models.OneToOneField(
        Group,
        verbose_name=_("permission group"),
        null=True,
        blank=True,
        editable=False,
        on_delete=models.SET_NULL,
        related_name="centre",
    )
    duty_clerk = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("duty clerk"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        help_text=_(
            "First responder for the cases that hotlines, websites and payers hand in online "
            "(a clerk of this centre)."
        ),
    )
    active = models.BooleanField(_("active"), default=True)

    objects = CentreQuerySet.as_manager()

    class Meta:
        verbose_name = _("centre")
        verbose_name_plural = _("centres")
        ordering = ["jurisdiction__path", "name"]

    def __str__(self) -> str:
        return self.name

    def save(self, *args, **kwargs):
        self.code = self.code.upper()
        if self.group_id is None:
            self.group, _created = Group.objects.get_or_create(name=f"中心：{self.code}")
        super().save(*args, **kwargs)

    def clean(self):
        super().clean()
        if self.duty_clerk_id is not None:
            staff = getattr(self.duty_clerk, "staff", None)
            if (
                staff is None
                or staff.centre_id != self.pk
                or not roles_of(self.duty_clerk) & {Role.CLERK, Role.COORDINATOR}
                or not self.duty_clerk.is_active
            ):
                raise ValidationError(
                    {"duty_clerk": _("The duty clerk must be an active clerk of this centre.")}
                )

    def serves(self, jurisdiction: Jurisdiction) -> bool:
        """The same test as ``Centre.objects.serving``, on one centre."""
        county = jurisdiction.county
        return self.active and (
            self.jurisdiction.within(county) or county.within(self.jurisdiction)
        )


class DepartmentQuerySet(models.QuerySet):
    def serving(self, jurisdiction: Jurisdiction):
        """Active departments that serve a case in ``jurisdiction``.

        A department serves the whole installation (no jurisdiction) or the subtree of its
        jurisdiction: it serves a case whose jurisdiction is its own or lies under it. One
        county's tax bureau never receives another county's case.
        """
        return self.filter(active=True).filter(
            Q(jurisdiction__isnull=True) | Q(jurisdiction__path__in=jurisdiction.lineage_paths())
        )

    def nearest_first(self):
        """Serving departments ordered from the nearest area up, installation-wide ones last
        (of a lineage, the longer path is the nearer area and sorts later)."""
        return self.order_by(F("jurisdiction__path").desc(nulls_last=True), "code")

    def nearest(self, jurisdiction: Jurisdiction, kind: str):
        """The department of ``kind`` serving ``jurisdiction`` most closely, or None."""
        return self.serving(jurisdiction).filter(kind=kind).nearest_first().first()


class Department(models.Model):
    class Kind(models.TextChoices):
        TAX = "tax", _("Tax bureau")
        HRSS = "hrss", _("Human resources and social security bureau")
        MEDICAL = "medical", _("Medical security bureau")
        JUSTICE = "justice", _("Justice bureau")
        FINANCE = "finance", _("Finance bureau")
        COURT = "court", _("People's court")
        PETITION = "petition", _("Petition bureau")
        CYBERSPACE = "cyberspace", _("Cyberspace office")
        APPROVAL = "approval", _("Administrative approval bureau")
        GOVERNMENT_OFFICE = "government_office", _("Government office")
        TRADE_UNION = "trade_union", _("Trade union")
        DISCIPLINE = "discipline", _("Discipline inspection commission")

    name = models.CharField(_("name"), max_length=100)
    code = models.SlugField(_("code"), max_length=40, unique=True)
    kind = models.CharField(_("kind"), max_length=24, choices=Kind.choices)
    jurisdiction = models.ForeignKey(
        Jurisdiction,
        verbose_name=_("serves jurisdiction"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="departments",
        help_text=_("Leave empty for a department that serves the whole installation."),
    )
    duties = models.TextField(_("duties in disputes"), blank=True)
    phone = models.CharField(_("phone"), max_length=30, blank=True)
    email = models.EmailField(_("e-mail"), blank=True)
    group = models.OneToOneField(
        Group,
        verbose_name=_("permission group"),
        null=True,
        blank=True,
        editable=False,
        on_delete=models.SET_NULL,
        related_name="department",
    )
    active = models.BooleanField(_("active"), default=True)

    objects = DepartmentQuerySet.as_manager()

    class Meta:
        verbose_name = _("department")
        verbose_name_plural = _("departments")
        ordering = ["code"]

    def __str__(self) -> str:
        return self.name

    def save(self, *args, **kwargs):
        if self.group_id is None:
            self.group, _created = Group.objects.get_or_create(name=f"部门：{self.code}")
        super().save(*args, **kwargs)

    def serves(self, jurisdiction: Jurisdiction) -> bool:
        """The same test as ``Department.objects.serving``, on one department."""
        return self.active and (
            self.jurisdiction_id is None or jurisdiction.within(self.jurisdiction)
        )

    def clean(self) -> None:
        # Referrals reach the government office of the case's area only (disputes.rules).
        if self.kind == self.Kind.GOVERNMENT_OFFICE and self.jurisdiction_id is None:
            raise ValidationError(
                {
                    "jurisdiction": _(
                        "A government office receives the referred cases of its area: "
                        "choose the county it serves."
                    )
                }
            )


class Staff(models.Model):
    """Where a user works. Roles are the user's groups (see ``Role``)."""

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL,
        verbose_name=_("user"),
        on_delete=models.CASCADE,
        related_name="staff",
    )
    full_name = models.CharField(_("full name"), max_length=50)
    centre = models.ForeignKey(
        Centre,
        verbose_name=_("centre"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="staff",
    )
    department = models.ForeignKey(
        Department,
        verbose_name=_("department"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="staff",
    )
    jurisdiction = models.ForeignKey(
        Jurisdiction,
        verbose_name=_("jurisdiction"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="staff",
        help_text=_("For supervisors, the leading group and grid mediators: the area they cover."),
    )
    phone = models.CharField(_("phone"), max_length=30, blank=True)
    title = models.CharField(_("position"), max_length=50, blank=True)

    class Meta:
        verbose_name = _("staff member")
        verbose_name_plural = _("staff members")

    def __str__(self) -> str:
        return self.full_name

    def save(self, *args, **kwargs):
        super().save(*args, **kwargs)
        self.sync_unit_groups()

    @property
    def roles(self) -> frozenset[str]:
        return roles_of(self.user)

    def sync_unit_groups(self) -> None:
        """Make the user a member of exactly their centre's and department's groups.

        Per-case grants go to these groups (never to single users), so membership is what
        carries a grant to the people of a centre or department.
        """
        wanted = {
            unit.group_id for unit in (self.centre, self.department) if unit and unit.group_id
        }
        unit_groups = self.user.groups.filter(Q(centre__isnull=False) | Q(department__isnull=False))
        current = set(unit_groups.values_list("pk", flat=True))
        if current - wanted:
            self.user.groups.remove(*(current - wanted))
        if wanted - current:
            self.user.groups.add(*(wanted - current))


def has_officer() -> models.Exists:
    """For a department queryset: does the department have an active officer?"""
    return models.Exists(
        Staff.objects.filter(
            department=models.OuterRef("pk"),
            user__is_active=True,
            user__groups__name=ROLE_GROUP_NAMES[Role.OFFICER],
        )
    )


def departments_without_officer():
    """Active departments with no active officer: their work would reach nobody (the notices
    go to the case's coordinator instead), so the administrators are warned."""
    return Department.objects.filter(active=True).exclude(has_officer()).order_by("code")


_GROUP_TO_ROLE = {name: role for role, name in ROLE_GROUP_NAMES.items()}


def _groups_of(user) -> list[tuple[int, str]]:
    """The user's groups (id, name), read once and cached on the user object for the request."""
    cached = getattr(user, "_group_cache", None)
    if cached is None:
        cached = list(user.groups.values_list("pk", "name"))
        user._group_cache = cached
    return cached


def roles_of(user) -> frozenset[str]:
    """The user's roles, cached on the user object for the request."""
    if not getattr(user, "is_authenticated", False):
        return frozenset()
    cached = getattr(user, "_role_cache", None)
    if cached is None:
        names = [name for _pk, name in _groups_of(user) if name in _GROUP_TO_ROLE]
        cached = frozenset(_GROUP_TO_ROLE[name].value for name in names)
        user._role_cache = cached
    return cached


def group_ids_of(user) -> frozenset[int]:
    """The ids of every group the user is in (roles, and their centre's or department's)."""
    if not getattr(user, "is_authenticated", False):
        return frozenset()
    return frozenset(pk for pk, _name in _groups_of(user))


_NO_STAFF = object()


def staff_of(user) -> Staff | None:
    """The user's staff record with its centre, department and jurisdiction, cached per request."""
    if not getattr(user, "is_authenticated", False):
        return None
    cached = getattr(user, "_staff_cache", None)
    if cached is None:
        cached = (
            Staff.objects.select_related(
                "centre__jurisdiction", "department__jurisdiction", "jurisdiction"
            )
            .filter(user_id=user.pk)
            .first()
        ) or _NO_STAFF
        user._staff_cache = cached
    return None if cached is _NO_STAFF else cached
