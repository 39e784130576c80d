"""manage.py render_document: one document of one case to a file, or a clear refusal."""

from io import StringIO

import pytest
from django.core.management import CommandError, call_command

from disputes import services
from tests import scenarios
from tests.reports import pdf


def run(*args):
    out = StringIO()
    call_command("render_document", *args, stdout=out, stderr=StringIO())
    return out.getvalue()


@pytest.mark.parametrize(
    ("kind", "scenario", "expected"),
    [
        ("receipt", scenarios.registered, "受理回执"),
        ("referral_sheet", scenarios.referred, "报送单"),
        ("joint_handling_sheet", scenarios.joint_handling, "联办单"),
        ("reply_notice", scenarios.replied, "处理意见告知书"),
    ],
)
def test_it_renders_one_document_of_one_case(world, tmp_path, kind, scenario, expected):
    d = scenario(world)
    target = tmp_path / "out.pdf"
    output = run(kind, d.number, "--output", str(target))
    document = pdf.read(target.read_bytes())
    assert expected in document.flat
    assert d.number in document.flat
    pdf.assert_cjk_fonts(document)
    assert f"共{document.pages}页" in output


def test_it_renders_one_departments_sheet(world, tmp_path):
    d = scenarios.joint_handling(world)
    target = tmp_path / "hr.pdf"
    run("joint_handling_sheet", d.number, "--part", "hrss", "-o", str(target))
    document = pdf.read(target.read_bytes())
    assert document.pages == 1
    assert "送达单位芮城县人社局" in document.flat


def test_it_refuses_when_the_case_has_no_such_document_yet(world, tmp_path):
    d = scenarios.registered(world)
    target = tmp_path / "x.pdf"
    for kind, message in [
        ("referral_sheet", "没有报送单"),
        ("joint_handling_sheet", "没有联办单"),
        ("reply_notice", "没有处理意见告知书"),
        ("archive_cover", "没有案卷封面"),
    ]:
        with pytest.raises(CommandError) as exc:
            run(kind, d.number, "-o", str(target))
        assert message in str(exc.value)
        assert d.number in str(exc.value)
    assert not target.exists()


def test_it_refuses_an_unknown_kind_case_or_department(world, tmp_path):
    d = scenarios.joint_handling(world)
    target = str(tmp_path / "x.pdf")
    with pytest.raises(CommandError) as exc:
        run("payslip", d.number, "-o", target)
    assert "receipt" in str(exc.value) and "archive_cover" in str(exc.value)
    with pytest.raises(CommandError) as exc:
        run("receipt", "GA-1999-000001", "-o", target)
    assert "没有案件GA-1999-000001" in str(exc.value)
    with pytest.raises(CommandError):
        run("joint_handling_sheet", d.number, "--part", "nope", "-o", target)


def test_it_writes_the_archived_copy_on_request(
    world, tmp_path, django_capture_on_commit_callbacks
):
    d = scenarios.closed(world)
    with pytest.raises(CommandError):
        run("receipt", d.number, "--archived", "-o", str(tmp_path / "a.pdf"))
    with django_capture_on_commit_callbacks(execute=True):
        services.dispute_archive(dispute=d, actor=world.clerk)
    target = tmp_path / "a.pdf"
    run("receipt", d.number, "--archived", "-o", str(target))
    assert target.read_bytes() == d.archived_documents.get(kind="receipt").read()
