"""The frozen case file: rendered once at archiving, served from storage, checked by hash."""

import hashlib
import sys
from io import StringIO

import pytest
from django.core.management import CommandError, call_command
from django.urls import reverse

from disputes import services
from disputes.models import AccessLog, TimelineEntry
from reports.documents import archive, render_pdf
from reports.models import ArchivedDocument
from tests import scenarios
from tests.reports import pdf


def archived(w, capture, **kw):
    d = scenarios.closed(w, **kw)
    with capture(execute=True):
        d = services.dispute_archive(dispute=d, actor=w.clerk)
    return d


def test_archiving_freezes_every_document_of_the_case_file(
    world, django_capture_on_commit_callbacks
):
    d = archived(world, django_capture_on_commit_callbacks)
    docs = list(ArchivedDocument.objects.filter(dispute=d).order_by("position"))
    assert [(doc.kind, doc.part) for doc in docs] == [
        ("archive_cover", ""),
        ("receipt", ""),
        ("joint_handling_sheet", "tax"),
        ("joint_handling_sheet", "hrss"),
        ("reply_notice", ""),
    ]
    for doc in docs:
        data = doc.read()
        assert hashlib.sha256(data).hexdigest() == doc.sha256
        assert doc.size == len(data)
        assert pdf.read(data).pages == doc.pages
        assert doc.file.name.startswith(f"archive/{d.archive_number}/")
        assert doc.verify() == ArchivedDocument.Integrity.INTACT
    # The cover's index counts the frozen pages: 1 + 1 + 1 + 1.
    cover = pdf.read(docs[0].read())
    assert "页数4页" in cover.flat
    entry = TimelineEntry.objects.get(dispute=d, action="reports.archive.frozen")
    assert entry.data["pages"] == sum(doc.pages for doc in docs)


def test_the_freeze_waits_for_the_commit_and_runs_once(world, django_capture_on_commit_callbacks):
    d = scenarios.closed(world)
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        d = services.dispute_archive(dispute=d, actor=world.clerk)
    assert not ArchivedDocument.objects.filter(dispute=d).exists()  # nothing before the commit
    assert len(callbacks) == 1
    callbacks[0]()
    hashes = dict(ArchivedDocument.objects.filter(dispute=d).values_list("pk", "sha256"))
    assert len(hashes) == 5
    assert archive.archive_freeze(d.pk) == []  # a retried task changes nothing
    assert dict(ArchivedDocument.objects.filter(dispute=d).values_list("pk", "sha256")) == hashes


def test_other_transitions_freeze_nothing(world, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        d = scenarios.closed(world)
    assert d.state == "closed"
    assert not ArchivedDocument.objects.exists()


def test_a_later_template_change_does_not_alter_the_archived_file(
    world, client, monkeypatch, django_capture_on_commit_callbacks
):
    d = archived(world, django_capture_on_commit_callbacks)
    stored = ArchivedDocument.objects.get(dispute=d, kind="receipt")
    frozen_bytes = stored.read()

    # The template changes: every live rendering now says something else.
    render_module = sys.modules["reports.documents.render"]
    original = render_module.render_to_string

    def changed(template, context):
        return original(template, context).replace("受理回执", "模板已修改")

    monkeypatch.setattr(render_module, "render_to_string", changed)
    live = pdf.read(render_pdf("receipt", d))
    assert "模板已修改" in live.flat  # the change took effect

    client.force_login(world.clerk)
    response = client.get(reverse("reports:document", args=[d.number, "receipt"]))
    assert response.status_code == 200
    assert response.content == frozen_bytes
    assert "受理回执" in pdf.read(response.content).flat
    log = AccessLog.objects.get(kind=AccessLog.Kind.DOWNLOAD, dispute=d)
    assert log.detail == "受理回执（归档件）"


def tamper(doc: ArchivedDocument) -> None:
    path = doc.file.path
    with open(path, "r+b") as handle:
        data = bytearray(handle.read())
        data[-10] ^= 0xFF
        handle.seek(0)
        handle.write(bytes(data))


def test_verify_archive_passes_an_intact_archive(world, django_capture_on_commit_callbacks):
    archived(world, django_capture_on_commit_callbacks)
    out = StringIO()
    call_command("verify_archive", stdout=out, stderr=StringIO())
    assert "已核验5份归档文书，0份被改动或丢失。" in out.getvalue()


def test_verify_archive_reports_an_altered_and_a_missing_file_and_fails(
    world, django_capture_on_commit_callbacks
):
    d = archived(world, django_capture_on_commit_callbacks)
    receipt = ArchivedDocument.objects.get(dispute=d, kind="receipt")
    reply = ArchivedDocument.objects.get(dispute=d, kind="reply_notice")
    tamper(receipt)
    reply.file.storage.delete(reply.file.name)
    err = StringIO()
    with pytest.raises(CommandError) as exc:
        call_command("verify_archive", stdout=StringIO(), stderr=err)
    assert "2个文件被改动或丢失" in str(exc.value)
    report = err.getvalue()
    assert f"已改动：案件{d.number}，受理回执" in report
    assert f"已丢失：案件{d.number}，处理意见告知书" in report
    assert "联办单" not in report  # intact files are not reported


def test_verify_archive_exits_non_zero_from_the_command_line(
    world, django_capture_on_commit_callbacks
):
    from django.core.management import execute_from_command_line

    d = archived(world, django_capture_on_commit_callbacks)
    tamper(ArchivedDocument.objects.get(dispute=d, kind="archive_cover"))
    with pytest.raises(SystemExit) as exc:
        execute_from_command_line(["manage.py", "verify_archive"])
    assert exc.value.code != 0


def test_a_tampered_file_is_marked_on_the_case_page_and_not_served(
    world, client, django_capture_on_commit_callbacks
):
    d = archived(world, django_capture_on_commit_callbacks)
    client.force_login(world.coordinator)
    page = client.get(reverse("disputes:detail", args=[d.number])).content.decode()
    assert 'id="archive-tampered"' not in page
    assert "已固化归档" in page

    tamper(ArchivedDocument.objects.get(dispute=d, kind="receipt"))
    page = client.get(reverse("disputes:detail", args=[d.number])).content.decode()
    assert 'id="archive-tampered"' in page
    assert "归档文件完整性遭到破坏" in page
    assert 'data-status="altered"' in page

    response = client.get(reverse("reports:document", args=[d.number, "receipt"]), follow=True)
    assert response.redirect_chain[-1][0] == reverse("disputes:detail", args=[d.number])
    assert "与归档时记录的哈希值不符" in response.content.decode()
    assert not AccessLog.objects.filter(kind=AccessLog.Kind.DOWNLOAD, dispute=d).exists()
    # The intact ones are still served.
    ok = client.get(reverse("reports:document", args=[d.number, "reply_notice"]))
    assert ok.status_code == 200


def test_verify_archive_lists_archived_cases_never_frozen_and_can_freeze_them(world):
    d = scenarios.closed(world)
    d = services.dispute_archive(dispute=d, actor=world.clerk)  # the task never ran
    err = StringIO()
    with pytest.raises(CommandError) as exc:  # an unfrozen file is a fault: non-zero exit
        call_command("verify_archive", stdout=StringIO(), stderr=err)
    assert "1件已归档案件缺少固化文书" in str(exc.value)
    assert f"未固化：案件{d.number}" in err.getvalue()
    out = StringIO()
    call_command("verify_archive", "--freeze", stdout=out, stderr=StringIO())
    assert f"已固化案件{d.number}：5份文书。" in out.getvalue()
    assert "已核验5份归档文书，0份被改动或丢失。" in out.getvalue()
    assert ArchivedDocument.objects.filter(dispute=d).count() == 5


def test_an_archived_case_not_yet_frozen_renders_on_request(world, client):
    d = services.dispute_archive(dispute=scenarios.closed(world), actor=world.clerk)
    client.force_login(world.clerk)
    response = client.get(reverse("reports:document", args=[d.number, "archive_cover"]))
    assert response.status_code == 200
    assert "卷内目录" in pdf.read(response.content).flat
    page = client.get(reverse("disputes:detail", args=[d.number])).content.decode()
    assert "案卷正在固化归档" in page


def test_the_admin_shows_the_archive_read_only(world, client, django_capture_on_commit_callbacks):
    from django.contrib.auth import get_user_model

    d = archived(world, django_capture_on_commit_callbacks)
    admin_user = get_user_model().objects.create_superuser("root", password="pw-Secret-123")
    client.force_login(admin_user)
    listing = client.get(reverse("admin:reports_archiveddocument_changelist"))
    assert listing.status_code == 200
    assert d.number in listing.content.decode()
    doc = ArchivedDocument.objects.filter(dispute=d).first()
    change = client.post(
        reverse("admin:reports_archiveddocument_change", args=[doc.pk]), {"sha256": "0" * 64}
    )
    assert change.status_code == 403
    doc.refresh_from_db()
    assert doc.verify() == ArchivedDocument.Integrity.INTACT


def test_a_freeze_killed_midway_is_reported_and_completed_by_verify_archive(
    world, django_capture_on_commit_callbacks, monkeypatch
):
    d = scenarios.closed(world)
    real_render = archive.render
    calls = []

    def dies_after_the_first(*args, **kwargs):
        if calls:
            raise SystemExit("worker killed")  # what a killed worker leaves behind
        calls.append(args)
        return real_render(*args, **kwargs)

    monkeypatch.setattr(archive, "render", dies_after_the_first)
    with pytest.raises(SystemExit), django_capture_on_commit_callbacks(execute=True):
        d = services.dispute_archive(dispute=d, actor=world.clerk)
    monkeypatch.setattr(archive, "render", real_render)
    d.refresh_from_db()
    assert d.state == "archived"
    assert ArchivedDocument.objects.filter(dispute=d).count() == 1  # one of five

    err = StringIO()
    with pytest.raises(CommandError) as exc:
        call_command("verify_archive", stdout=StringIO(), stderr=err)
    assert "1件已归档案件缺少固化文书" in str(exc.value)
    assert f"未完整固化：案件{d.number}已归档，但案卷中有4份文书尚未固化" in err.getvalue()
    assert "卷内目录" in err.getvalue() and "处理意见告知书" in err.getvalue()

    out = StringIO()
    call_command("verify_archive", "--freeze", stdout=out, stderr=StringIO())
    assert f"已固化案件{d.number}：4份文书。" in out.getvalue()
    assert "已核验5份归档文书，0份被改动或丢失。" in out.getvalue()
    assert archive.missing_documents(d) == []
    call_command("verify_archive", stdout=StringIO(), stderr=StringIO())  # passes now


def test_the_freezing_task_is_acknowledged_late_and_given_back_when_its_worker_dies():
    from reports.tasks import freeze_archive

    assert freeze_archive.acks_late is True
    assert freeze_archive.reject_on_worker_lost is True


def test_the_freezing_task_run_twice_stores_each_document_once(
    world, django_capture_on_commit_callbacks
):
    from reports.tasks import freeze_archive

    d = archived(world, django_capture_on_commit_callbacks)
    before = dict(ArchivedDocument.objects.filter(dispute=d).values_list("pk", "sha256"))
    freeze_archive.delay(d.pk)  # redelivered after a lost worker
    assert dict(ArchivedDocument.objects.filter(dispute=d).values_list("pk", "sha256")) == before
    assert TimelineEntry.objects.filter(dispute=d, action="reports.archive.frozen").count() == 1
