"""The reference data every installation starts from, and the function that installs it.

The lists below are the data: edit them here, run ``manage.py load_reference_data`` again, and
the database follows. Rows are matched on their stable ``code`` (routing rules on category ×
insurance type), so a second run changes nothing and creates nothing.

What an administrator localises is left alone on later runs: a department's name (“芮城县税务局”)
and the jurisdiction it serves are written only when the department is first created, and a row
an administrator has deactivated stays inactive. Routing
rules installed here apply everywhere; a county that routes differently adds its own county-scoped
rule in the admin, which wins over these and is never touched by this installer.
"""

from dataclasses import dataclass, field

from django.contrib.auth.models import Group, Permission
from django.db import transaction
from django.db.models import Q

from departments.models import ROLE_GROUP_NAMES, Department, Role, role_group
from disputes.models import Category, Channel, InsuranceType, SmsTemplate
from disputes.sms.catalogue import TEMPLATES as SMS_TEMPLATES
from routing.deadlines import DEFAULT_POLICIES
from routing.models import DeadlinePolicy, RoutingRule

# -- departments: one per Department.Kind; the code is the kind ---------------------------

DEPARTMENTS = [
    {
        "kind": Department.Kind.TAX,
        "name": "税务局",
        "duties": (
            "负责社会保险费申报受理、费款征收、会统核算、缴费检查、欠费追缴、违法处罚、"
            "退费受理初核等工作，并将征缴明细及时传递给相关部门；受理属于本部门职能的争议事项"
            "并在规定时限处理反馈；会同有关部门协调处理社会保险费征缴争议。"
            "领导小组办公室设在税务局。"
        ),
    },
    {
        "kind": Department.Kind.HRSS,
        "name": "人社局",
        "duties": (
            "梳理规范参保缴费政策，办理社会保险登记；处理养老保险、工伤保险、失业保险“三险”"
            "特殊情形业务、参保登记信息传递、核定信息传递、权益记录、待遇享受、退费复核等工作；"
            "负责工伤保险费基准费率调整和费率浮动；协助处理相关险种欠费争议事项。"
        ),
    },
    {
        "kind": Department.Kind.MEDICAL,
        "name": "医保局",
        "duties": (
            "梳理规范参保缴费政策，办理社会保险登记；负责职工基本医疗保险（含生育保险）、"
            "城乡居民基本医疗保险特殊情形业务、参保登记信息传递、核定信息传递、权益记录、"
            "待遇享受、退费复核等工作；协助处理相关险种欠费争议事项。"
        ),
    },
    {
        "kind": Department.Kind.JUSTICE,
        "name": "司法局",
        "duties": (
            "对征缴争议处理过程中适用相关法律法规进行把关；对有上诉需求的缴费人提供业务指导；"
            "协助处理社会保险费征缴争议、欠费争议。"
        ),
    },
    {
        "kind": Department.Kind.FINANCE,
        "name": "财政局",
        "duties": "协助办理社会保险费退费、欠费争议处理事项。",
    },
    {
        "kind": Department.Kind.COURT,
        "name": "法院",
        "duties": (
            "对事实清楚、手续完备、欠费金额确认的长期不经营企业，经领导小组联席会议确定后，"
            "依法扣押、查封、拍卖其相当于应缴社会保险费的财产，以拍卖所得抵缴社会保险费。"
        ),
    },
    {
        "kind": Department.Kind.PETITION,
        "name": "信访局",
        "duties": (
            "协助处理人社、医保、税务职能范围内的社会保险费征缴争议工作；将争议事项问题线索"
            "移交相关职能部门处理；通过信访联席会议等机制协调，并对议定事项组织联合督查。"
        ),
    },
    {
        "kind": Department.Kind.CYBERSPACE,
        "name": "网信办",
        "duties": "负责社会保险费征缴争议互联网信息内容监测，协助职能部门做好舆情应对。",
    },
    {
        "kind": Department.Kind.APPROVAL,
        "name": "行政审批服务管理局",
        "duties": (
            "在政务服务中心提供社会保险费征缴争议处理工作室实体化运行场所；负责一般事项的协调、"
            "调解、分工、资料汇总等日常事务，对一般事项进行回复反馈、案卷归档；"
            "协助办理社会保险费退费、欠费争议处理事项。"
        ),
    },
    {
        "kind": Department.Kind.GOVERNMENT_OFFICE,
        "name": "政府办",
        "duties": (
            "对报送的职责不清的社会保险费征缴争议事项，按照12345政务服务便民热线运行机制，"
            "按部门职责及时转交承办单位办理；承办领导小组交办的其他工作。"
        ),
    },
    {
        "kind": Department.Kind.TRADE_UNION,
        "name": "工会",
        "duties": (
            "发挥群团组织联系职工群众的优势，开展事前情绪疏导，提前介入化解矛盾；"
            "依托法律援助中心、职工服务中心为职工提供法律援助。"
        ),
    },
    {
        "kind": Department.Kind.DISCIPLINE,
        "name": "纪委监委",
        "duties": (
            "对无正当理由拒不处理属于本部门职能的社会保险费征缴争议的，接收受理部门移交的"
            "案件线索并依规处理。"
        ),
    },
]

# -- dispute categories (争议事项), in the order of the county notice ---------------------

CATEGORIES = [
    {
        "code": "registration_transfer",
        "name": "社会保险登记和关系转移",
        "description": "用人单位或个人因社会保险登记和关系转移产生争议的。",
    },
    {
        "code": "registration_data",
        "name": "社会保险登记信息传递",
        "description": "用人单位或个人因社会保险登记信息传递产生争议的。",
    },
    {
        "code": "contribution_base",
        "name": "缴费基数",
        "description": "用人单位或个人因社会保险费缴费基数申报产生争议的。",
    },
    {
        "code": "contribution_amount",
        "name": "缴费金额",
        "description": "用人单位或个人因社会保险费缴费金额产生争议的。",
    },
    {
        "code": "special_payment",
        "name": "特殊缴费核定",
        "description": "用人单位或个人对人社、医保部门核定的特殊缴费应征金额有异议的。",
    },
    {
        "code": "late_fee",
        "name": "滞纳金",
        "description": "用人单位或个人对社会保险费滞纳金加收问题有争议的。",
    },
    {
        "code": "refund",
        "name": "退（抵）费",
        "description": "用人单位或个人对社会保险费退（抵）费模式、流程、金额有争议的。",
    },
    {
        "code": "benefits",
        "name": "待遇核定和支付",
        "description": "用人单位或个人对社会保险待遇核定和支付有争议的。",
    },
    {
        "code": "collection_arrears",
        "name": "征缴、缴费检查和欠费追缴",
        "description": "用人单位或个人对社会保险费征缴、缴费检查、欠费追缴等事项有争议的。",
    },
    {
        "code": "collection_records",
        "name": "未申报、未缴费、已缴费记录",
        "description": "缴费人对税务征管信息系统内存在的未申报、未缴费、已缴费记录有异议的。",
    },
    {
        "code": "service_complaint",
        "name": "缴费服务不满意",
        "description": "缴费人对税务机关提供的缴费服务不满意的。",
    },
    {
        "code": "system_fault",
        "name": "系统原因无法申报缴费",
        "description": "系统原因造成缴费人无法正常申报、缴纳社会保险费的。",
    },
    {
        "code": "employee_employer",
        "name": "职工与用人单位纠纷",
        "description": "职工与用人单位因参保问题、基数问题、欠费问题等产生的纠纷。",
    },
    {
        "code": "other",
        "name": "其他争议事项",
        "description": "社会保险费征缴过程中发生的其他争议事项。",
    },
]

# -- insurance types (险种) ----------------------------------------------------------------

INSURANCE_TYPES = [
    {"code": "enterprise_pension", "name": "企业职工基本养老保险"},
    {"code": "work_injury", "name": "工伤保险"},
    {"code": "unemployment", "name": "失业保险"},
    {"code": "employee_medical", "name": "职工基本医疗保险（含生育保险）"},
    {"code": "resident_pension", "name": "城乡居民基本养老保险"},
    {"code": "resident_medical", "name": "城乡居民基本医疗保险"},
]

# -- channels (来源); "online": the dispute arrives electronically ---------------------------

CHANNELS = [
    {"code": "window", "name": "窗口受理", "online": False},
    {"code": "hotline_12345", "name": "12345政务服务便民热线", "online": True},
    {"code": "hotline_12366", "name": "12366纳税缴费服务热线", "online": True},
    {"code": "hotline_12333", "name": "12333人社服务热线", "online": True},
    {"code": "hotline_12393", "name": "12393医保服务热线", "online": True},
    {"code": "hr_website", "name": "人力资源社会保障局网站", "online": True},
    {"code": "medical_website", "name": "医疗保障局网站", "online": True},
    {"code": "etax", "name": "电子税务局", "online": True},
    {"code": "tax_app", "name": "税务APP", "online": True},
    {"code": "wechat", "name": "微信公众号", "online": True},
    # The payers' own application on the centre's website (/apply/, settings.APPLY_CHANNEL).
    {"code": "online_application", "name": "网上申请", "online": True},
    {"code": "government_referral", "name": "政府部门交办、转办", "online": False},
    {"code": "grid_mediator", "name": "网格调解员上报", "online": False},
    {"code": "petition", "name": "信访", "online": False},
]

# -- default routing rules -----------------------------------------------------------------
# category × insurance type (None: every type) → lead department + co-handling departments,
# by department kind. A rule naming the insurance type wins over the category's general rule.


@dataclass(frozen=True)
class Rule:
    category: str
    insurance_type: str | None
    lead: str
    co: tuple[str, ...] = ()
    classification: str = "general"
    note: str = ""


# Shorthands for the departments by kind, to keep the table below narrow.
TAX, HRSS, MEDICAL = "tax", "hrss", "medical"
JUSTICE, FINANCE, TRADE_UNION = "justice", "finance", "trade_union"

ROUTING_RULES = [
    # 登记和关系转移: 人社 registers the three HR types, 医保 the medical ones; 税务 co-handles.
    Rule("registration_transfer", None, HRSS, (TAX, MEDICAL)),
    Rule("registration_transfer", "employee_medical", MEDICAL, (TAX,)),
    Rule("registration_transfer", "resident_medical", MEDICAL, (TAX,)),
    # 登记信息传递: the registering department passes the data on to 税务.
    Rule("registration_data", None, HRSS, (TAX, MEDICAL)),
    Rule("registration_data", "employee_medical", MEDICAL, (TAX,)),
    Rule("registration_data", "resident_medical", MEDICAL, (TAX,)),
    # 缴费基数: 税务 collects on the declared base; the registering department confirms.
    Rule("contribution_base", None, TAX, (HRSS, MEDICAL)),
    Rule("contribution_base", "enterprise_pension", TAX, (HRSS,)),
    Rule("contribution_base", "work_injury", TAX, (HRSS,)),
    Rule("contribution_base", "unemployment", TAX, (HRSS,)),
    Rule("contribution_base", "employee_medical", TAX, (MEDICAL,)),
    # 缴费金额
    Rule("contribution_amount", None, TAX, (HRSS, MEDICAL)),
    Rule("contribution_amount", "enterprise_pension", TAX, (HRSS,)),
    Rule("contribution_amount", "work_injury", TAX, (HRSS,)),
    Rule("contribution_amount", "unemployment", TAX, (HRSS,)),
    Rule("contribution_amount", "resident_pension", TAX, (HRSS,)),
    Rule("contribution_amount", "employee_medical", TAX, (MEDICAL,)),
    Rule("contribution_amount", "resident_medical", TAX, (MEDICAL,)),
    # 特殊缴费核定: assessed by 人社 (三险) or 医保; 税务 collects the assessed amount.
    Rule("special_payment", None, HRSS, (TAX,)),
    Rule("special_payment", "enterprise_pension", HRSS, (TAX,)),
    Rule("special_payment", "work_injury", HRSS, (TAX,)),
    Rule("special_payment", "unemployment", HRSS, (TAX,)),
    Rule("special_payment", "resident_pension", HRSS, (TAX,)),
    Rule("special_payment", "employee_medical", MEDICAL, (TAX,)),
    Rule("special_payment", "resident_medical", MEDICAL, (TAX,)),
    # 滞纳金: charged by 税务; 司法 checks the legal basis.
    Rule("late_fee", None, TAX, (JUSTICE,)),
    # 退（抵）费: 税务 checks first, 人社/医保 review, 财政 pays out of the fiscal account.
    Rule("refund", None, TAX, (HRSS, MEDICAL, FINANCE)),
    Rule("refund", "enterprise_pension", TAX, (HRSS, FINANCE)),
    Rule("refund", "work_injury", TAX, (HRSS, FINANCE)),
    Rule("refund", "unemployment", TAX, (HRSS, FINANCE)),
    Rule("refund", "resident_pension", TAX, (HRSS, FINANCE)),
    Rule("refund", "employee_medical", TAX, (MEDICAL, FINANCE)),
    Rule("refund", "resident_medical", TAX, (MEDICAL, FINANCE)),
    # 待遇核定和支付: the paying department leads; 税务 confirms the payment record.
    Rule("benefits", None, HRSS, (TAX,)),
    Rule("benefits", "employee_medical", MEDICAL, (TAX,)),
    Rule("benefits", "resident_medical", MEDICAL, (TAX,)),
    # 征缴、缴费检查和欠费追缴: 税务 leads; long-idle debtors go to the court by joint meeting.
    Rule(
        "collection_arrears",
        None,
        TAX,
        (HRSS, MEDICAL, FINANCE, JUSTICE),
        note="长期不经营且欠费金额确认的企业，经领导小组联席会议确定后移交法院强制执行。",
    ),
    Rule("collection_arrears", "enterprise_pension", TAX, (HRSS, FINANCE, JUSTICE)),
    Rule("collection_arrears", "work_injury", TAX, (HRSS, FINANCE, JUSTICE)),
    Rule("collection_arrears", "unemployment", TAX, (HRSS, FINANCE, JUSTICE)),
    Rule("collection_arrears", "employee_medical", TAX, (MEDICAL, FINANCE, JUSTICE)),
    # 未申报/未缴费/已缴费记录: 税务, 人社 and 医保 confirm the record jointly.
    Rule("collection_records", None, TAX, (HRSS, MEDICAL)),
    Rule("collection_records", "enterprise_pension", TAX, (HRSS,)),
    Rule("collection_records", "work_injury", TAX, (HRSS,)),
    Rule("collection_records", "unemployment", TAX, (HRSS,)),
    Rule("collection_records", "resident_pension", TAX, (HRSS,)),
    Rule("collection_records", "employee_medical", TAX, (MEDICAL,)),
    Rule("collection_records", "resident_medical", TAX, (MEDICAL,)),
    # Service complaints and system faults: the tax office settles them, usually on the spot.
    Rule("service_complaint", None, TAX, (), classification="simple"),
    Rule(
        "system_fault",
        None,
        TAX,
        (),
        classification="simple",
        note="主管税务部门应及时查明系统原因予以处理解决。",
    ),
    # 职工与用人单位纠纷: 人社 leads, 税务 collects, 工会 de-escalates and gives legal aid.
    Rule("employee_employer", None, HRSS, (TAX, TRADE_UNION)),
    Rule("employee_employer", "employee_medical", HRSS, (TAX, MEDICAL, TRADE_UNION)),
    # 其他: 税务 leads; when responsibility is unclear the centre refers it to 政府办 instead.
    Rule(
        "other",
        None,
        TAX,
        (HRSS, MEDICAL),
        note="职责不清的，填写报送单报县政府办，按12345热线运行机制转交承办部门。",
    ),
]


@dataclass
class InstallSummary:
    """How many rows of each kind the installer created (``created``) and saw (``total``)."""

    created: dict[str, int] = field(default_factory=dict)
    total: dict[str, int] = field(default_factory=dict)

    def count(self, kind: str, created: bool) -> None:
        self.total[kind] = self.total.get(kind, 0) + 1
        self.created[kind] = self.created.get(kind, 0) + int(created)


@transaction.atomic
def install_reference_data() -> InstallSummary:
    """Create or bring up to date the role groups, departments, lists and default rules."""
    summary = InstallSummary()
    for role in Role:
        existed = _group_exists(role)
        role_group(role)
        summary.count("groups", not existed)
    _grant_admin_model_permissions()

    departments = {}
    for row in DEPARTMENTS:
        department, created = Department.objects.update_or_create(
            code=row["kind"].value,
            defaults={"kind": row["kind"], "duties": row["duties"]},
            create_defaults={
                "kind": row["kind"],
                "duties": row["duties"],
                "name": row["name"],
                "jurisdiction": None,
            },
        )
        departments[department.code] = department
        summary.count("departments", created)

    categories = _install_list(Category, CATEGORIES, summary, "categories")
    insurance_types = _install_list(InsuranceType, INSURANCE_TYPES, summary, "insurance_types")
    _install_list(Channel, CHANNELS, summary, "channels")

    for rule in ROUTING_RULES:
        lead = departments[rule.lead]
        installed, created = RoutingRule.objects.update_or_create(
            category=categories[rule.category],
            insurance_type=insurance_types[rule.insurance_type] if rule.insurance_type else None,
            county=None,
            defaults={
                "lead_department": lead,
                "suggested_classification": rule.classification,
                "note": rule.note,
            },
        )
        installed.co_departments.set([departments[kind] for kind in rule.co if kind != rule.lead])
        summary.count("routing_rules", created)
    _install_policies(categories, summary)
    _install_sms_templates(summary)
    return summary


def _install_sms_templates(summary: InstallSummary) -> None:
    """The text messages' default wording; once installed, the administrators' edits are
    left alone (disputes.sms.catalogue)."""
    for template in SMS_TEMPLATES.values():
        _row, created = SmsTemplate.objects.get_or_create(
            code=template.code, defaults={"name": template.name, "text": template.text}
        )
        summary.count("sms_templates", created)


def _install_policies(categories: dict, summary: InstallSummary) -> None:
    """Default time limits; once installed, the administrators' edits are left alone."""
    for stage, days, name, category_codes in DEFAULT_POLICIES:
        existing = DeadlinePolicy.objects.filter(stage=stage)
        if category_codes:
            existing = existing.filter(categories__code__in=category_codes)
        else:
            existing = existing.filter(categories__isnull=True)
        created = not existing.exists()
        if created:
            policy = DeadlinePolicy.objects.create(stage=stage, name=name, working_days=days)
            policy.categories.set([categories[c] for c in category_codes])
        summary.count("deadline_policies", created)


# What the administrator role maintains in the Django admin: the organisation, users, the
# reference lists and the routing rules. Cases and their logs are never edited there.
ADMIN_MAINTAINS = {
    "departments": ["jurisdiction", "centre", "department", "staff"],
    "disputes": ["category", "insurancetype", "channel", "payer", "smstemplate"],
    "routing": ["routingrule"],
    "auth": ["user", "group"],
}
ADMIN_READS = {
    "disputes": ["dispute", "timelineentry", "accesslog", "smsmessage"],
    "routing": ["transfer", "referral"],
    "consultations": ["departmenttask"],
}


def _grant_admin_model_permissions() -> None:
    wanted = Q(pk__in=[])
    for app_label, models in ADMIN_MAINTAINS.items():
        wanted |= Q(content_type__app_label=app_label, content_type__model__in=models)
    for app_label, models in ADMIN_READS.items():
        wanted |= Q(
            content_type__app_label=app_label,
            content_type__model__in=models,
            codename__startswith="view_",
        )
    role_group(Role.ADMIN).permissions.add(*Permission.objects.filter(wanted))


def _group_exists(role: Role) -> bool:
    return Group.objects.filter(name=ROLE_GROUP_NAMES[role]).exists()


def _install_list(model, rows, summary: InstallSummary, kind: str) -> dict:
    installed = {}
    for sort_order, row in enumerate(rows, start=1):
        values = {key: value for key, value in row.items() if key != "code"}
        values["sort_order"] = sort_order * 10
        obj, created = model.objects.update_or_create(code=row["code"], defaults=values)
        installed[obj.code] = obj
        summary.count(kind, created)
    return installed
