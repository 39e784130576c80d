"""Attachments added to a case: one service call, one transaction, all or nothing."""

import pytest
from django.conf import settings
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from disputes.exceptions import DisputeError
from disputes.models import Attachment, TimelineEntry
from disputes.services import attachments_add
from tests.files import pdf_upload

pytestmark = pytest.mark.django_db


def stored_files() -> list:
    root = settings.MEDIA_ROOT / "attachments"
    return [p for p in root.rglob("*") if p.is_file()] if root.exists() else []


def added_rows(dispute):
    return TimelineEntry.objects.filter(dispute=dispute, action="disputes.attachment.added")


def test_the_files_of_one_upload_come_with_one_timeline_row(client, world):
    dispute = world.make_dispute()
    client.force_login(world.clerk)
    client.post(
        reverse("disputes:attachment_upload", args=[dispute.number]),
        {"files": [pdf_upload("工资表.pdf"), pdf_upload("劳动合同.pdf")], "description": "证据"},
    )
    assert sorted(dispute.attachments.values_list("name", "description")) == [
        ("劳动合同.pdf", "证据"),
        ("工资表.pdf", "证据"),
    ]
    assert [row.data for row in added_rows(dispute)] == [{"files": ["工资表.pdf", "劳动合同.pdf"]}]
    assert len(stored_files()) == 2


def test_a_refused_second_file_leaves_no_first_file_and_no_timeline_row(world):
    dispute = world.make_dispute()
    fake = SimpleUploadedFile("合同.pdf", b"MZ\x90\x00 not a pdf", content_type="application/pdf")
    with pytest.raises(DisputeError):
        attachments_add(
            dispute=dispute, actor=world.clerk, uploads=[pdf_upload("工资表.pdf"), fake]
        )
    assert not Attachment.objects.filter(dispute=dispute).exists()
    assert not added_rows(dispute).exists()
    assert stored_files() == []  # the first file, written before the second failed, is gone


def test_an_upload_without_files_adds_nothing(world):
    dispute = world.make_dispute()
    with pytest.raises(DisputeError):
        attachments_add(dispute=dispute, actor=world.clerk, uploads=[])
    assert not added_rows(dispute).exists()
