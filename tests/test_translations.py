"""The users read Chinese: every message is translated, and the compiled catalogue is current."""

import os
import shutil
import subprocess
import sys
from pathlib import Path

import polib
import pytest
from django.utils import translation

LOCALE = Path(__file__).resolve().parent.parent / "locale" / "zh_Hans" / "LC_MESSAGES"


def test_every_message_has_a_chinese_translation():
    catalogue = polib.pofile(str(LOCALE / "django.po"))
    missing = [e.msgid for e in catalogue if not e.obsolete and not e.translated()]
    assert missing == []


def test_no_translation_is_left_fuzzy():
    catalogue = polib.pofile(str(LOCALE / "django.po"))
    assert [e.msgid for e in catalogue.fuzzy_entries()] == []


def test_the_compiled_catalogue_matches_the_source():
    po = polib.pofile(str(LOCALE / "django.po"))
    mo = polib.mofile(str(LOCALE / "django.mo"))
    compiled = {(e.msgctxt, e.msgid): (e.msgstr or e.msgstr_plural.get(0)) for e in mo}
    for entry in po.translated_entries():
        expected = entry.msgstr or entry.msgstr_plural.get(0)
        assert compiled.get((entry.msgctxt, entry.msgid)) == expected, entry.msgid


def test_chinese_is_the_default_language(settings):
    assert settings.LANGUAGE_CODE == "zh-hans"
    with translation.override("zh-hans"):
        assert translation.gettext("Archived") == "已归档"


SOURCE_DIRS = [
    "config", "departments", "disputes", "routing", "consultations", "reports", "api", "demo",
    "templates",
]  # fmt: skip


@pytest.mark.skipif(shutil.which("xgettext") is None, reason="gettext is not installed")
def test_every_message_in_the_code_is_in_the_catalogue(tmp_path):
    """makemessages over a copy of the sources finds no message the catalogue lacks."""
    root = LOCALE.parent.parent.parent
    for name in SOURCE_DIRS:
        shutil.copytree(
            root / name, tmp_path / name, ignore=shutil.ignore_patterns("__pycache__", "*.mo")
        )
    (tmp_path / "locale").mkdir()
    subprocess.run(
        [sys.executable, str(root / "manage.py"), "makemessages", "-l", "zh_Hans", "--verbosity=0"],
        cwd=tmp_path,
        check=True,
        env={**os.environ, "DJANGO_SETTINGS_MODULE": "config.settings"},
    )
    fresh = polib.pofile(str(tmp_path / "locale" / "zh_Hans" / "LC_MESSAGES" / "django.po"))
    ours = polib.pofile(str(LOCALE / "django.po"))
    known = {(e.msgctxt, e.msgid) for e in ours if not e.obsolete}
    assert sorted(e.msgid for e in fresh if (e.msgctxt, e.msgid) not in known) == []


# The names makemessages (xgettext with Django's keywords) reads messages from.
_SEEN_BY_MAKEMESSAGES = {
    "_", "gettext", "gettext_lazy", "gettext_noop", "ngettext", "ngettext_lazy", "pgettext",
    "pgettext_lazy", "npgettext", "npgettext_lazy",
}  # fmt: skip


def test_no_message_hides_behind_an_alias_makemessages_does_not_see():
    """``gettext_lazy as _lazy`` compiles, but its messages never reach the catalogue."""
    import ast

    root = LOCALE.parent.parent.parent
    hidden = []
    for name in SOURCE_DIRS:
        for path in (root / name).rglob("*.py"):
            for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
                if isinstance(node, ast.ImportFrom) and node.module == "django.utils.translation":
                    hidden += [
                        f"{path.relative_to(root)}: {a.name} as {a.asname}"
                        for a in node.names
                        if a.asname and a.asname not in _SEEN_BY_MAKEMESSAGES
                    ]
    assert hidden == []


@pytest.mark.django_db
def test_the_axes_administration_reads_chinese(client, django_user_model):
    """django-axes ships no zh-hans catalogue: its labels come from ours."""
    admin_user = django_user_model.objects.create_superuser("root", password="pw-Secret-123")
    client.force_login(admin_user)
    index = client.get("/admin/").content.decode()
    assert "登录防护" in index and "登录尝试" in index and "登录失败记录" in index
    assert "Axes" not in index and "Access attempts" not in index
    from axes.models import AccessAttempt

    AccessAttempt.objects.create(
        username="clerk", ip_address="10.0.0.9", user_agent="x", failures_since_start=1
    )
    listing = client.get("/admin/axes/accessattempt/").content.decode()
    assert "尝试时间" in listing and "IP地址" in listing and "已锁定" in listing
    assert "Attempt Time" not in listing and "Locked Out" not in listing
