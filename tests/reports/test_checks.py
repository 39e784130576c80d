"""The warnings that stand between an operator and PDFs with empty boxes or 13-second forms."""

import subprocess
from types import SimpleNamespace

import pytest
from django.core import checks as django_checks
from weasyprint import HTML

from reports import checks
from tests.reports import pdf


def ids(problems):
    return sorted(p.id for p in problems)


def test_this_machine_has_what_the_documents_need():
    # make deps / the Dockerfile install both; the suite runs after them.
    assert checks.harfbuzz_subset_available()
    assert checks.missing_font_families() == []
    assert checks.check_pdf_dependencies() == []


def test_the_check_is_registered_with_django():
    problems = django_checks.run_checks(tags=["documents"])
    assert problems == []
    assert "documents" in django_checks.registry.registry.tags_available()


def test_it_warns_loudly_without_harfbuzz_subsetting(monkeypatch):
    def no_library(name):
        raise OSError(f"{name}: cannot open shared object file")

    monkeypatch.setattr(checks.ctypes, "CDLL", no_library)
    problems = checks.check_pdf_dependencies()
    assert ids(problems) == ["reports.W001"]
    assert "libharfbuzz-subset0" in problems[0].hint
    assert "60" in problems[0].msg


def test_it_warns_without_the_cjk_fonts(monkeypatch):
    def fc_list(args, **kwargs):
        return SimpleNamespace(stdout="DejaVu Sans\nNoto Sans CJK JP,Noto Sans CJK JP Regular\n")

    monkeypatch.setattr(checks.subprocess, "run", fc_list)
    problems = checks.check_pdf_dependencies()
    assert ids(problems) == ["reports.W002"]
    assert "Noto Serif CJK SC" in problems[0].msg and "Noto Sans CJK SC" in problems[0].msg
    assert "fonts-noto-cjk" in problems[0].hint


def test_without_fontconfig_tools_it_looks_for_the_font_files(monkeypatch, tmp_path):
    monkeypatch.setattr(checks.shutil, "which", lambda name: None)
    monkeypatch.setattr(checks, "FONT_DIRS", (tmp_path,))
    assert checks.missing_font_families() == ["Noto Serif CJK SC", "Noto Sans CJK SC"]
    (tmp_path / "opentype").mkdir()
    (tmp_path / "opentype" / "NotoSerifCJK-Regular.ttc").write_bytes(b"")
    (tmp_path / "opentype" / "NotoSansCJK-Regular.ttc").write_bytes(b"")
    assert checks.missing_font_families() == []


def test_a_failing_fc_list_falls_back_to_the_files(monkeypatch, tmp_path):
    def broken(*args, **kwargs):
        raise subprocess.TimeoutExpired("fc-list", 10)

    monkeypatch.setattr(checks.subprocess, "run", broken)
    monkeypatch.setattr(checks, "FONT_DIRS", (tmp_path,))
    assert checks.missing_font_families() == ["Noto Serif CJK SC", "Noto Sans CJK SC"]


@pytest.mark.parametrize("family", ["DejaVu Serif", "Noto Sans CJK JP"])
def test_the_font_test_catches_a_fallback_or_a_wrong_face(family):
    """The guard of every PDF test can fail: a Latin-only face or the Japanese one is caught."""
    document = pdf.read(
        HTML(string=f"<p style=\"font-family: '{family}'\">Case 12 受理回执</p>").write_pdf()
    )
    assert "受理回执" in document.flat  # the text extracts fine either way
    assert pdf.font_problems(document) != []
