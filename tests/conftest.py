"""Named personas and small helpers, built with the ORM (no JSON fixtures).

Two towns of one county: centre A (古魏镇, code GA) and centre B (风陵渡镇, code GB). Departments:
tax (lead of most collection disputes), HR, medical (an unrelated department in most tests), and
the government office. One user per role, plus an outsider with no role.
"""

import datetime
import os
import shutil
import tempfile
from decimal import Decimal

import pytest
from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.cache import cache
from django.db import transaction
from django.utils import timezone

from departments.models import Centre, Department, Jurisdiction, Role, Staff, role_group
from disputes.models import Category, Channel, InsuranceType
from disputes.services import PartyData, PayerData, dispute_register
from disputes.validators import id_check_digit, uscc_check_char


def pytest_configure(config):
    # Counters in the cache (guesses, throttles) of one test run, one test worker: a key space
    # of its own (the shared Redis also holds Celery's queues), emptied before every test.
    worker = os.environ.get("PYTEST_XDIST_WORKER", "main")
    default = settings.CACHES["default"]
    if "RedisCache" in default["BACKEND"]:
        default = {**default, "KEY_PREFIX": f"centre-test-{worker}"}
    elif "FileBasedCache" in default["BACKEND"] or "SharedFileCache" in default["BACKEND"]:
        default = {**default, "LOCATION": tempfile.mkdtemp(prefix=f"centre-cache-{worker}-")}
    settings.CACHES = {**settings.CACHES, "default": default}
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    settings.SMS_BACKEND = "disputes.sms.backends.locmem.SmsBackend"
    settings.CELERY_TASK_ALWAYS_EAGER = True
    settings.STORAGES = {
        **settings.STORAGES,
        "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
    }


def pytest_unconfigure(config):
    location = settings.CACHES["default"].get("LOCATION", "")
    if "centre-cache-" in str(location):
        shutil.rmtree(location, ignore_errors=True)


@pytest.fixture(scope="session", autouse=True)
def _form_fonts():
    """The CJK faces cut to the forms' characters, as every deployment has them: cut into
    VAR_DIR/fonts once (about 20 s; make test cuts them before), a no-op while current."""
    from reports.documents.fonts import build_cut_fonts

    build_cut_fonts()


@pytest.fixture(autouse=True)
def _fresh_cache():
    """No test sees the counts an earlier one left in the cache."""
    if "RedisCache" in settings.CACHES["default"]["BACKEND"]:
        client = cache._cache.get_client(write=True)
        keys = list(client.scan_iter(match=f"{settings.CACHES['default']['KEY_PREFIX']}:*"))
        if keys:
            client.delete(*keys)
    else:
        cache.clear()


@pytest.fixture(autouse=True)
def _media_in_tmp(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"


def resident_id(serial: int, birth: str = "19850312", region: str | None = None) -> str:
    # The county's code in force at the birth date: 芮城县 is 140830 from 2000, 142723 before
    # (python-stdnum's cn.ric, behind the validators, checks the code against the year).
    region = region or ("140830" if birth >= "2000" else "142723")
    first17 = f"{region}{birth}{serial % 1000:03d}"
    return first17 + id_check_digit(first17)


def credit_code(serial: int) -> str:
    first17 = f"91140830MA{serial % 10_000_000:07d}"
    return first17 + uscc_check_char(first17)


class World:
    """The organisation every test shares; attributes are the personas and places."""

    _serial = 0

    def make_dispute(self, *, actor=None, centre=None, payers=None, category=None, **kw):
        self._serial += 1
        if payers is None:
            payers = [
                PartyData(
                    payer=PayerData(
                        kind="employee",
                        name="申请人",
                        id_number=resident_id(self._serial),
                        phone="13912345678",
                    ),
                    is_representative=True,
                )
            ]
        fields = {
            "channel": self.window,
            "jurisdiction": (centre or self.centre_a).jurisdiction,
            "claim": "请求核实2024年缴费基数并退还多缴部分。",
            "summary": "职工反映单位按最低基数申报，与实际工资不符。",
            "amount": Decimal("12345.67"),
            "insurance_types": [self.pension],
        }
        fields.update(kw)
        return dispute_register(
            actor=actor or self.clerk,
            centre=centre or self.centre_a,
            parties=payers,
            category=category or self.category,
            **fields,
        )


@pytest.fixture
def policies(db):
    """The general deadline policies, for tests whose cases need their time limits."""
    from tests import scenarios

    scenarios.default_policies()


@pytest.fixture
def world(db):
    return build_world()


@pytest.fixture(scope="module")
def module_world(django_db_setup, django_db_blocker):
    """The world built once for all the tests of a module, for modules of many small tests
    (the URL × role matrix). It is written inside a transaction rolled back after the module;
    each test runs in a savepoint inside it (pytest-django's ``db``), so it sees the world as
    built and leaves nothing behind. Use it through a module's own ``world`` fixture:
    ``copy.deepcopy(module_world)``, so that no test sees another's changes to the objects."""
    with django_db_blocker.unblock():
        outer = transaction.atomic()
        outer.__enter__()
        try:
            built = build_world()
        except BaseException:
            transaction.set_rollback(True)
            outer.__exit__(None, None, None)
            raise
    yield built
    with django_db_blocker.unblock():
        transaction.set_rollback(True)
        outer.__exit__(None, None, None)


def build_world() -> World:
    w = World()
    w.county = Jurisdiction.objects.create(name="芮城县", code="140830", level="county")
    w.town_a = Jurisdiction.objects.create(
        name="古魏镇", code="140830100", level="town", parent=w.county
    )
    w.town_b = Jurisdiction.objects.create(
        name="风陵渡镇", code="140830101", level="town", parent=w.county
    )
    w.village_a = Jurisdiction.objects.create(
        name="城东社区", code="140830100001", level="village", parent=w.town_a
    )
    w.other_county = Jurisdiction.objects.create(name="永济市", code="140881", level="county")
    w.lgo_centre = Centre.objects.create(
        name="领导小组办公室", kind="leading_group_office", code="RC", jurisdiction=w.county
    )
    w.centre_a = Centre.objects.create(
        name="古魏镇处理中心",
        kind="processing_centre",
        code="GA",
        jurisdiction=w.town_a,
        parent=w.lgo_centre,
    )
    w.centre_b = Centre.objects.create(
        name="风陵渡镇处理中心",
        kind="processing_centre",
        code="GB",
        jurisdiction=w.town_b,
        parent=w.lgo_centre,
    )
    w.tax = Department.objects.create(name="芮城县税务局", code="tax", kind="tax")
    w.hr = Department.objects.create(name="芮城县人社局", code="hrss", kind="hrss")
    w.medical = Department.objects.create(name="芮城县医保局", code="medical", kind="medical")
    w.gov = Department.objects.create(
        name="芮城县政府办",
        code="government_office",
        kind="government_office",
        jurisdiction=w.county,
    )
    w.category = Category.objects.create(code="contribution_base", name="缴费基数")
    w.category_refund = Category.objects.create(code="refund", name="退(抵)费")
    w.pension = InsuranceType.objects.create(code="enterprise_pension", name="企业职工基本养老保险")
    w.medical_ins = InsuranceType.objects.create(code="employee_medical", name="职工基本医疗保险")
    w.window = Channel.objects.create(code="window", name="窗口")

    def person(username, role, *, full_name, **where):
        user = get_user_model().objects.create_user(username=username, password="pw-Secret-123")
        if role is not None:
            user.groups.add(role_group(role))
        Staff.objects.create(user=user, full_name=full_name, **where)
        return user

    w.clerk = person("clerk_a", Role.CLERK, full_name="王丽", centre=w.centre_a)
    w.coordinator = person("coord_a", Role.COORDINATOR, full_name="张强", centre=w.centre_a)
    w.clerk_b = person("clerk_b", Role.CLERK, full_name="李娜", centre=w.centre_b)
    w.officer_tax = person("off_tax", Role.OFFICER, full_name="赵军", department=w.tax)
    w.officer_hr = person("off_hr", Role.OFFICER, full_name="刘洋", department=w.hr)
    w.officer_medical = person("off_med", Role.OFFICER, full_name="陈静", department=w.medical)
    w.officer_gov = person("off_gov", Role.OFFICER, full_name="杨帆", department=w.gov)
    w.lgo = person(
        "lgo",
        Role.LEADING_GROUP_OFFICE,
        full_name="周敏",
        centre=w.lgo_centre,
        jurisdiction=w.county,
    )
    w.leader = person("leader", Role.LEADER, full_name="吴刚", jurisdiction=w.county)
    w.supervisor = person("supervisor", Role.SUPERVISOR, full_name="郑华", jurisdiction=w.county)
    w.mediator = person("mediator", Role.GRID_MEDIATOR, full_name="孙梅", jurisdiction=w.village_a)
    w.cyber = person("cyber", Role.CYBERSPACE, full_name="钱亮", jurisdiction=w.county)
    w.outsider = person("outsider", None, full_name="路人")
    return w


@pytest.fixture
def now():
    return timezone.now()


@pytest.fixture
def today() -> datetime.date:
    return timezone.localdate()
