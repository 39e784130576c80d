"""The demo county 芮城县: its towns and villages, centres, departments and one user per role."""

from dataclasses import dataclass, field
from typing import NamedTuple

from django.contrib.auth import get_user_model
from django.contrib.auth.hashers import make_password
from django.utils.text import format_lazy

from api.models import ChannelSystem
from departments.models import Centre, Department, Jurisdiction, Role, Staff, role_group
from disputes.models import Channel
from reports.models import MonthlyReportRecipient
from routing.reference_data import DEPARTMENTS

DEMO_PASSWORD = "demo12345"
DEFAULT_SEED = 20240816  # the date of 芮城县's notice on the joint handling mechanism

# -- the demo county ---------------------------------------------------------------------

# 芮城县 has had code 140830 since 运城 became a prefecture-level city in 2000; identity numbers
# of people born before then carry its former code 142723 (GB 11643 keeps the code in force at
# the time of birth, and the validators check it).
COUNTY = {"code": "140830", "former_code": "142723", "renumbered": 2000, "name": "芮城县"}
TOWNS = [
    {
        "code": "140830100",
        "name": "古魏镇",
        "villages": [
            ("140830100001", "城北社区"),
            ("140830100002", "城南社区"),
            ("140830100201", "东关村"),
        ],
    },
    {
        "code": "140830101",
        "name": "风陵渡镇",
        "villages": [
            ("140830101001", "风陵渡社区"),
            ("140830101201", "西王村"),
            ("140830101202", "赵村"),
        ],
    },
    {
        "code": "140830102",
        "name": "陌南镇",
        "villages": [
            ("140830102001", "陌南社区"),
            ("140830102201", "庄上村"),
            ("140830102202", "石湖村"),
        ],
    },
]
CENTRES = [
    {
        "code": "RC",
        "name": "芮城县社会保险费征缴争议联合处置工作领导小组办公室",
        "kind": Centre.Kind.LEADING_GROUP_OFFICE,
        "jurisdiction": "140830",
        "parent": None,
        "address": "芮城县税务局（芮城县永乐南路）",
        "phone": "0359-3022301",
    },
    {
        "code": "GW",
        "name": "古魏镇社会保险费征缴争议处理中心",
        "kind": Centre.Kind.PROCESSING_CENTRE,
        "jurisdiction": "140830100",
        "parent": "RC",
        "address": "古魏镇便民服务中心一楼",
        "phone": "0359-3022316",
    },
    {
        "code": "FLD",
        "name": "风陵渡镇社会保险费征缴争议处理中心",
        "kind": Centre.Kind.PROCESSING_CENTRE,
        "jurisdiction": "140830101",
        "parent": "RC",
        "address": "风陵渡镇社会矛盾调解中心",
        "phone": "0359-3051208",
    },
    {
        "code": "MN",
        "name": "陌南镇社会保险费征缴争议处理中心",
        "kind": Centre.Kind.PROCESSING_CENTRE,
        "jurisdiction": "140830102",
        "parent": "RC",
        "address": "陌南镇便民服务中心",
        "phone": "0359-3061125",
    },
    {
        "code": "RCSW",
        "name": "芮城县税务局办税服务厅社会保险费征缴争议受理点",
        "kind": Centre.Kind.ACCEPTANCE_POINT,
        "jurisdiction": "140830100",
        "parent": "GW",
        "address": "芮城县政务服务中心二楼办税服务厅",
        "phone": "0359-3022366",
    },
]


@dataclass(frozen=True)
class DemoUser:
    username: str
    role: Role
    full_name: str
    title: str
    phone: str
    centre: str | None = None  # centre code
    department: str | None = None  # department kind
    jurisdiction: str | None = None  # division code
    where: str = ""  # shown in the logins table


DEMO_USERS = [
    DemoUser("clerk", Role.CLERK, "张丽娟", "窗口受理人员", "13835912046", centre="GW",
             jurisdiction="140830100", where="古魏镇处理中心"),
    DemoUser("clerk_fld", Role.CLERK, "薛晓燕", "窗口受理人员", "15935938217", centre="FLD",
             jurisdiction="140830101", where="风陵渡镇处理中心"),
    DemoUser("coordinator", Role.COORDINATOR, "王建军", "处理中心主任", "13903591587",
             centre="GW", jurisdiction="140830100", where="古魏镇处理中心"),
    DemoUser("officer_tax", Role.OFFICER, "李志刚", "社会保险费科科员", "13834761290",
             department="tax", jurisdiction="140830", where="芮城县税务局"),
    DemoUser("officer_hr", Role.OFFICER, "赵红梅", "社会保险经办股股长", "15835972634",
             department="hrss", jurisdiction="140830", where="芮城县人社局"),
    DemoUser("officer_medical", Role.OFFICER, "刘伟", "医保经办中心科员", "18235910473",
             department="medical", jurisdiction="140830", where="芮城县医保局"),
    DemoUser("officer_gov", Role.OFFICER, "杨帆", "12345热线办工作人员", "13935987321",
             department="government_office", jurisdiction="140830", where="芮城县政府办"),
    DemoUser("lgo", Role.LEADING_GROUP_OFFICE, "郭永强", "领导小组办公室主任", "13509882716",
             centre="RC", jurisdiction="140830", where="芮城县（设在县税务局）"),
    DemoUser("leader", Role.LEADER, "陈国华", "副县长、领导小组组长", "13803598866",
             jurisdiction="140830", where="芮城县"),
    DemoUser("supervisor", Role.SUPERVISOR, "卫敏", "督查考评专员", "15903598142",
             jurisdiction="140830", where="芮城县"),
    DemoUser("mediator", Role.GRID_MEDIATOR, "段小军", "网格调解员", "18735920518",
             jurisdiction="140830100201", where="古魏镇东关村"),
    DemoUser("cyber", Role.CYBERSPACE, "贾静", "网络舆情监测员", "13453901276",
             department="cyberspace", jurisdiction="140830", where="芮城县网信办"),
    DemoUser("admin", Role.ADMIN, "柴文博", "系统管理员", "13994173058",
             jurisdiction="140830", where="芮城县"),
]  # fmt: skip


class DemoLogin(NamedTuple):
    username: str
    role: str
    password: str


DEMO_LOGINS = [
    DemoLogin(u.username, format_lazy("{} · {}", u.role.label, u.where), DEMO_PASSWORD)
    for u in DEMO_USERS
]


# -- the demo county, its centres and people -----------------------------------------------


@dataclass
class Demo:
    county: Jurisdiction
    places: dict[str, Jurisdiction]  # by division code
    labels: dict[str, str]  # division code → "芮城县古魏镇城北社区"
    centres: dict[str, Centre]  # by centre code
    departments: dict[str, Department]  # by kind
    users: dict[str, object]  # by username
    officers: dict[str, object] = field(default_factory=dict)  # department kind → user


def install_demo_organisation() -> Demo:
    """The county, its towns and villages, the centres and the demo users. Idempotent."""
    county, _ = Jurisdiction.objects.update_or_create(
        code=COUNTY["code"],
        defaults={"name": COUNTY["name"], "level": Jurisdiction.Level.COUNTY, "parent": None},
    )
    places = {county.code: county}
    labels = {county.code: county.name}
    for town in TOWNS:
        node, _ = Jurisdiction.objects.update_or_create(
            code=town["code"],
            defaults={"name": town["name"], "level": Jurisdiction.Level.TOWN, "parent": county},
        )
        places[node.code] = node
        labels[node.code] = county.name + node.name
        for code, name in town["villages"]:
            village, _ = Jurisdiction.objects.update_or_create(
                code=code,
                defaults={"name": name, "level": Jurisdiction.Level.VILLAGE, "parent": node},
            )
            places[code] = village
            labels[code] = labels[node.code] + name

    # The installation's departments become the county's.
    departments = {}
    for row in DEPARTMENTS:
        department = Department.objects.get(code=row["kind"].value)
        department.name = county.name + row["name"]
        department.jurisdiction = county
        department.save(update_fields=["name", "jurisdiction"])
        departments[department.code] = department

    centres: dict[str, Centre] = {}
    for row in CENTRES:
        centre, _ = Centre.objects.update_or_create(
            code=row["code"],
            defaults={
                "name": row["name"],
                "kind": row["kind"],
                "jurisdiction": places[row["jurisdiction"]],
                "parent": centres[row["parent"]] if row["parent"] else None,
                "address": row["address"],
                "phone": row["phone"],
                "active": True,
            },
        )
        centres[centre.code] = centre

    demo = Demo(county, places, labels, centres, departments, users={})
    _install_users(demo)
    _install_online_channels(demo)
    # The monthly evaluation circular goes to the leading-group office's mailbox (the
    # recipients are data: admin › monthly circular recipients).
    MonthlyReportRecipient.objects.get_or_create(
        county=county, email="lingdaoxiaozu@ruicheng.invalid", defaults={"active": True}
    )
    return demo


# Each processing centre's clerk on duty for the cases handed in online.
DUTY_CLERKS = {"GW": "clerk", "FLD": "clerk_fld"}
# The county's 12345 hotline platform, which hands work orders in through the API. Its API key
# is created in the admin (it is shown once); its callbacks go to the receiver of the README.
DEMO_HOTLINE = {
    "code": "hotline-12345",
    "name": "12345热线",
    "channel": "hotline_12345",
    "callback_url": "http://127.0.0.1:8765/",
}


def _install_online_channels(demo: Demo) -> None:
    for code, username in DUTY_CLERKS.items():
        centre = demo.centres[code]
        centre.duty_clerk = demo.users[username]
        centre.save(update_fields=["duty_clerk"])
    system = ChannelSystem.objects.filter(code=DEMO_HOTLINE["code"]).first()
    if system is None:
        system = ChannelSystem.objects.create(
            code=DEMO_HOTLINE["code"],
            name=DEMO_HOTLINE["name"],
            channel=Channel.objects.get(code=DEMO_HOTLINE["channel"]),
            callback_url=DEMO_HOTLINE["callback_url"],
        )
        system.jurisdictions.set([demo.county])


def _install_users(demo: Demo) -> None:
    User = get_user_model()
    hashed = None
    for spec in DEMO_USERS:
        user = User.objects.filter(username=spec.username).first()
        if user is None:
            # One hash for all: the demo password is the same, and hashing is slow on purpose.
            hashed = hashed or make_password(DEMO_PASSWORD)
            user = User(username=spec.username, password=hashed)
        user.is_active = True
        user.is_staff = user.is_superuser = spec.role == Role.ADMIN
        user.save()
        centre = demo.centres[spec.centre] if spec.centre else None
        department = demo.departments[spec.department] if spec.department else None
        # Permissions are granted to the groups of centres and departments, so staff join them.
        groups = [role_group(spec.role)]
        groups += [unit.group for unit in (centre, department) if unit is not None and unit.group]
        user.groups.add(*groups)
        Staff.objects.update_or_create(
            user=user,
            defaults={
                "full_name": spec.full_name,
                "centre": centre,
                "department": department,
                "jurisdiction": demo.places[spec.jurisdiction] if spec.jurisdiction else None,
                "phone": spec.phone,
                "title": spec.title,
            },
        )
        demo.users[spec.username] = user
        if spec.role == Role.OFFICER and spec.department:
            demo.officers[spec.department] = user
