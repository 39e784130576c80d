"""Stored files: no URL under /media/, uploads judged by their content, every file a download."""

import importlib
import re

import pytest
from django.contrib.messages import get_messages
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import clear_url_caches, reverse

from disputes.exceptions import DisputeError
from disputes.services import attachment_add
from tests import scenarios
from tests.files import image_bytes, ole2_bytes, ooxml_bytes, pdf_bytes, pdf_upload

pytestmark = pytest.mark.django_db

HAS_CHINESE = re.compile(r"[\u4e00-\u9fff]")


@pytest.fixture(params=[False, True], ids=["debug-off", "debug-on"])
def debug_mode(request, settings):
    """The URLconf as it is built in each mode (it is read once, at import)."""
    import config.urls

    settings.DEBUG = request.param
    importlib.reload(config.urls)
    clear_url_caches()
    yield request.param
    settings.DEBUG = False
    importlib.reload(config.urls)
    clear_url_caches()


def test_nothing_under_the_media_root_has_a_url(client, world, settings, debug_mode):
    d = scenarios.registered(world)
    attachment = attachment_add(dispute=d, actor=world.clerk, upload=pdf_upload("工资表.pdf"))
    archived = settings.MEDIA_ROOT / "archive" / d.number / "01-receipt.pdf"
    archived.parent.mkdir(parents=True)
    archived.write_bytes(pdf_bytes())
    paths = [
        settings.MEDIA_URL + attachment.file.name,
        f"{settings.MEDIA_URL}archive/{d.number}/01-receipt.pdf",
    ]
    for user in (None, world.clerk, world.supervisor):
        client.logout()
        if user is not None:
            client.force_login(user)
        for path in paths:
            assert client.get(path).status_code == 404, (user, path)
    # The file is there, and reached through its view by who may see the case.
    client.force_login(world.clerk)
    url = reverse("disputes:attachment_download", args=[d.number, attachment.pk])
    assert client.get(url).status_code == 200


def _upload(client, world, d, *files):
    client.force_login(world.clerk)
    response = client.post(
        reverse("disputes:attachment_upload", args=[d.number]), {"files": list(files)}
    )
    return [str(m) for m in get_messages(response.wsgi_request)]


POLYGLOT_PDF = pdf_bytes() + b"\n<html><body><script>alert(document.cookie)</script></body></html>"

REJECTED = {
    "a pdf header followed by html": ("合同.pdf", b"%PDF-1.4\n<html><script>alert(1)</script>"),
    "a valid pdf carrying a web page": ("合同.pdf", POLYGLOT_PDF),
    "a pdf that does not open": ("合同.pdf", b"%PDF-1.4\n1 0 obj << >> endobj\n%%EOF"),
    "a pdf with javascript": (
        "合同.pdf",
        pdf_bytes().replace(b"/Type /Catalog", b"/Type /Catalog /OpenAction << /S /JavaScript >>"),
    ),
    "a text file that is a web page": ("说明.txt", b"<!DOCTYPE html><html><body>hi</body></html>"),
    "a text file with a script": ("说明.txt", "情况说明<script>alert(1)</script>".encode()),
    "a text file that is not text": ("说明.txt", b"\xff\xfe\xff\x00\x00binary"),
    "a png header and garbage": ("照片.png", b"\x89PNG\r\n\x1a\n" + b"\x00garbage" * 20),
    "a png named jpg": ("照片.jpg", image_bytes("PNG")),
    "a png carrying a web page": ("照片.png", image_bytes("PNG") + b"<html><script>x</script>"),
    "a zip header and garbage": ("合同.docx", b"PK\x03\x04" + b"junk" * 20),
    "a workbook named docx": ("合同.docx", ooxml_bytes("xlsx")),
    "an ole2 header only": ("合同.doc", b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 600),
    "a word file named xls": ("台账.xls", ole2_bytes("WordDocument")),
    "an executable": ("tool.exe", b"MZ\x90\x00"),
}


@pytest.mark.parametrize("name,content", REJECTED.values(), ids=REJECTED.keys())
def test_an_upload_that_is_not_what_its_name_says_is_refused_in_chinese(
    client, world, name, content
):
    d = scenarios.registered(world)
    errors = _upload(client, world, d, SimpleUploadedFile(name, content))
    assert d.attachments.count() == 0
    assert (
        len(errors) == 1 and name in errors[0] and HAS_CHINESE.search(errors[0].replace(name, ""))
    )
    # The service refuses it too, whoever calls it.
    with pytest.raises(DisputeError):
        attachment_add(dispute=d, actor=world.clerk, upload=SimpleUploadedFile(name, content))


ACCEPTED = {
    "pdf": ("工资表.pdf", pdf_bytes(2)),
    "png": ("照片.png", image_bytes("PNG")),
    "jpg": ("照片.jpg", image_bytes("JPEG")),
    "jpeg": ("照片.JPEG", image_bytes("JPEG")),
    "utf-8 text": ("说明.txt", "情况说明：单位未按实际工资申报。a < b".encode()),
    "gb18030 text": ("说明.txt", "情况说明：单位未按实际工资申报。".encode("gb18030")),
    "docx": ("合同.docx", ooxml_bytes("docx")),
    "xlsx": ("台账.xlsx", ooxml_bytes("xlsx")),
    "doc": ("合同.doc", ole2_bytes("WordDocument")),
    "xls": ("台账.xls", ole2_bytes("Workbook")),
}


@pytest.mark.parametrize("name,content", ACCEPTED.values(), ids=ACCEPTED.keys())
def test_a_real_file_of_each_type_is_accepted_and_stored_under_a_generated_name(
    client, world, name, content
):
    d = scenarios.registered(world)
    assert _upload(client, world, d, SimpleUploadedFile(name, content)) == ["附件已添加。"]
    attachment = d.attachments.get()
    assert attachment.name == name
    extension = name.rsplit(".", 1)[1].lower()
    assert re.fullmatch(
        rf"attachments/\d{{4}}/\d{{2}}/[0-9a-f]{{32}}\.{extension}", attachment.file.name
    )
    response = client.get(reverse("disputes:attachment_download", args=[d.number, attachment.pk]))
    assert b"".join(response.streaming_content) == content


def test_a_path_in_the_uploaded_name_goes_nowhere(world):
    d = scenarios.registered(world)
    attachment = attachment_add(
        dispute=d, actor=world.clerk, upload=pdf_upload("../../config/settings.pdf")
    )
    assert attachment.name == "settings.pdf"
    assert ".." not in attachment.file.name and "settings" not in attachment.file.name


def _assert_download_headers(response, filename_part: str):
    assert response.status_code == 200
    assert response["Content-Disposition"].startswith("attachment;")
    assert filename_part in response["Content-Disposition"]
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["Content-Security-Policy"] == "sandbox"


def test_a_case_attachment_is_served_as_a_sandboxed_download(client, world):
    d = scenarios.registered(world)
    attachment = attachment_add(dispute=d, actor=world.clerk, upload=pdf_upload("工资表.pdf"))
    client.force_login(world.clerk)
    response = client.get(reverse("disputes:attachment_download", args=[d.number, attachment.pk]))
    _assert_download_headers(response, "%E5%B7%A5%E8%B5%84%E8%A1%A8.pdf")  # 工资表.pdf
    assert response["Content-Type"] == "application/pdf"


def test_an_opinion_attachment_is_served_as_a_sandboxed_download(client, world):
    d = scenarios.joint_handling(world)
    client.force_login(world.officer_hr)
    client.post(
        reverse("consultations:opinion", args=[d.number]),
        {
            "finding": "经核实",
            "basis": "依据",
            "proposal": "补缴",
            "attachments": [pdf_upload("认定书.pdf")],
        },
    )
    attachment = d.attachments.get()
    assert attachment.opinions.exists()
    assert "认定书" not in attachment.file.name
    response = client.get(reverse("disputes:attachment_download", args=[d.number, attachment.pk]))
    _assert_download_headers(response, "%E8%AE%A4%E5%AE%9A%E4%B9%A6.pdf")  # 认定书.pdf


def test_an_opinion_with_a_disguised_file_is_refused_and_nothing_is_saved(client, world):
    d = scenarios.joint_handling(world)
    client.force_login(world.officer_hr)
    response = client.post(
        reverse("consultations:opinion", args=[d.number]),
        {
            "finding": "经核实",
            "basis": "依据",
            "proposal": "补缴",
            "attachments": [SimpleUploadedFile("认定书.pdf", POLYGLOT_PDF)],
        },
    )
    assert response.status_code == 200  # the form again, with the reason
    assert "认定书.pdf" in response.content.decode()
    assert d.attachments.count() == 0
    assert not d.department_tasks.filter(status="answered").exists()


def test_a_document_pdf_is_served_as_a_sandboxed_download(client, world):
    d = scenarios.registered(world)
    client.force_login(world.clerk)
    response = client.get(reverse("reports:document", args=[d.number, "receipt"]))
    _assert_download_headers(response, f"{d.number}-receipt")
    assert response["Content-Type"] == "application/pdf"


def test_a_media_root_inside_the_static_files_fails_the_system_check(settings, tmp_path):
    from disputes.checks import check_media_not_served

    settings.STATIC_ROOT = tmp_path / "static"
    settings.MEDIA_ROOT = tmp_path / "media"
    assert check_media_not_served() == []
    settings.MEDIA_ROOT = tmp_path / "static" / "media"
    errors = check_media_not_served()
    assert [e.id for e in errors] == ["disputes.E001"]
    assert "MEDIA_ROOT" in errors[0].msg and "静态文件" in errors[0].msg


def test_the_intake_form_refuses_a_disguised_attachment_and_registers_nothing(client, world):
    from disputes.models import Dispute
    from tests.disputes.test_intake import employee, intake_post

    client.force_login(world.clerk)
    data = intake_post(world, [employee(1)])
    data["attachments"] = [SimpleUploadedFile("工资表.pdf", POLYGLOT_PDF)]
    response = client.post(reverse("disputes:create"), data)
    assert response.status_code == 200
    assert "“工资表.pdf”含有网页代码" in response.content.decode()
    assert not Dispute.objects.exists()
