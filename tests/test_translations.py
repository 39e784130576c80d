"""The users read Chinese: every message is translated, and the compiled catalogue is current."""

from pathlib import Path

import polib
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
