"""Downloading documents: who may, what is logged, the case-page section, the forms page."""

import pytest
from django.urls import reverse

from disputes.models import AccessLog
from tests import scenarios
from tests.reports import pdf
from tests.security.test_query_budget import add_cases


def url(d, kind, department=None):
    if department is not None:
        return reverse("reports:document_part", args=[d.number, kind, department.code])
    return reverse("reports:document", args=[d.number, kind])


@pytest.mark.parametrize(
    "persona", ["clerk", "coordinator", "officer_tax", "officer_hr", "supervisor"]
)
def test_handlers_and_supervisors_download_and_it_is_logged(client, world, persona):
    d = scenarios.joint_handling(world)
    user = getattr(world, persona)
    client.force_login(user)
    response = client.get(url(d, "receipt"))
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert response["Content-Disposition"] == f'attachment; filename="{d.number}-receipt.pdf"'
    assert "受理回执" in pdf.read(response.content).flat
    log = AccessLog.objects.get(kind=AccessLog.Kind.DOWNLOAD, dispute=d, user=user)
    assert log.detail == "受理回执"


def test_one_departments_sheet_is_downloaded_by_its_code(client, world):
    d = scenarios.joint_handling(world)
    client.force_login(world.officer_hr)
    response = client.get(url(d, "joint_handling_sheet", world.hr))
    assert response.status_code == 200
    document = pdf.read(response.content)
    assert document.pages == 1
    assert "送达单位芮城县人社局" in document.flat
    assert AccessLog.objects.get(kind="download", dispute=d).detail == "联办单（芮城县人社局）"
    # A department that does not handle the case has no sheet: back to the case page.
    response = client.get(url(d, "joint_handling_sheet", world.medical), follow=True)
    assert response.redirect_chain[-1][0] == reverse("disputes:detail", args=[d.number])
    assert f"案件{d.number}没有联办单“medical”" in response.content.decode()


def test_those_who_only_see_the_case_take_no_paper_away(client, world):
    flagged = scenarios.registered(world, is_public_opinion_risk=True)
    client.force_login(world.cyber)
    assert client.get(reverse("disputes:detail", args=[flagged.number])).status_code == 200
    assert client.get(url(flagged, "receipt")).status_code == 403

    # The grid mediator who reported a case takes away the payer's receipt and nothing else.
    reported = scenarios.referred(world, actor=world.mediator, reported_by=world.mediator)
    client.force_login(world.mediator)
    assert client.get(reverse("disputes:detail", args=[reported.number])).status_code == 200
    assert client.get(url(reported, "referral_sheet")).status_code == 403
    assert not AccessLog.objects.filter(kind=AccessLog.Kind.DOWNLOAD).exists()
    assert client.get(url(reported, "receipt")).status_code == 200


def test_a_case_out_of_sight_is_not_found(client, world):
    d = scenarios.joint_handling(world)
    for persona in ["clerk_b", "officer_medical", "outsider"]:
        client.force_login(getattr(world, persona))
        assert client.get(url(d, "receipt")).status_code == 404, persona


def test_an_unknown_kind_or_department_is_not_found(client, world):
    d = scenarios.joint_handling(world)
    client.force_login(world.clerk)
    assert client.get(url(d, "payslip")).status_code == 404
    response = client.get(reverse("reports:document_part", args=[d.number, "receipt", "tax"]))
    assert response.status_code == 404  # a receipt has no parts


def test_a_document_the_case_does_not_have_yet_is_refused_with_a_message(client, world):
    d = scenarios.registered(world)
    client.force_login(world.clerk)
    response = client.get(url(d, "referral_sheet"), follow=True)
    assert response.redirect_chain[-1][0] == reverse("disputes:detail", args=[d.number])
    assert "没有报送单" in response.content.decode()
    assert not AccessLog.objects.filter(kind=AccessLog.Kind.DOWNLOAD).exists()


def test_the_case_page_offers_the_documents_the_case_has(client, world):
    d = scenarios.referred(world)
    client.force_login(world.clerk)
    page = client.get(reverse("disputes:detail", args=[d.number])).content.decode()
    assert url(d, "receipt") in page
    assert url(d, "referral_sheet") in page
    assert url(d, "reply_notice") not in page
    assert url(d, "archive_cover") not in page

    j = scenarios.joint_handling(world)
    page = client.get(reverse("disputes:detail", args=[j.number])).content.decode()
    assert url(j, "joint_handling_sheet", world.tax) in page
    assert url(j, "joint_handling_sheet", world.hr) in page
    assert url(j, "referral_sheet") not in page


def test_the_case_page_offers_no_documents_to_those_who_may_not_download(client, world):
    flagged = scenarios.registered(world, is_public_opinion_risk=True)
    client.force_login(world.cyber)
    page = client.get(reverse("disputes:detail", args=[flagged.number])).content.decode()
    assert 'id="documents"' not in page
    assert url(flagged, "receipt") not in page


def test_the_forms_page_lists_the_supervisors_cases_and_their_forms(client, world):
    referred = scenarios.referred(world)
    replied = scenarios.replied(world)
    elsewhere = scenarios.registered(world)
    elsewhere.jurisdiction = world.other_county
    elsewhere.save(update_fields=["jurisdiction"])
    client.force_login(world.supervisor)
    page = client.get(reverse("reports:documents")).content.decode()
    assert url(referred, "referral_sheet") in page
    assert url(replied, "reply_notice") in page
    assert url(replied, "joint_handling_sheet") in page
    assert url(referred, "reply_notice") not in page
    assert elsewhere.number not in page  # not in the supervisor's county

    only = client.get(reverse("reports:documents"), {"kind": "referral_sheet"}).content.decode()
    assert referred.number in only
    assert replied.number not in only


def test_the_forms_page_costs_the_same_for_10_and_for_1000_cases(
    client, world, django_assert_max_num_queries
):
    client.force_login(world.supervisor)
    add_cases(world, 1000, 0)
    # session, user, groups (roles), staff, count (capped), the page's keys, then its cases
    # with every document's flag as an EXISTS in the same query, unread notifications, and
    # two to spare (no query per case or per document kind)
    with django_assert_max_num_queries(10):
        response = client.get(reverse("reports:documents"))
    assert response.status_code == 200
    assert response.context["page"].paginator.count == 1000


def test_supervisors_find_the_forms_page_in_the_menu(client, world):
    client.force_login(world.supervisor)
    assert reverse("reports:documents") in client.get(reverse("reports:home")).content.decode()
    client.force_login(world.clerk)
    assert reverse("reports:documents") not in client.get(reverse("reports:home")).content.decode()


# -- the receipt is frozen at issue -------------------------------------------------------------


def test_the_receipt_is_rendered_once_at_its_first_issue_and_never_changes(
    client, world, monkeypatch
):
    import hashlib
    import sys

    from consultations import services as consultation_services
    from reports.models import ArchivedDocument
    from tests.files import pdf_upload

    d = scenarios.joint_handling(world)
    assert not ArchivedDocument.objects.filter(dispute=d).exists()  # nothing rendered yet
    client.force_login(world.clerk)
    first = client.get(url(d, "receipt")).content
    issued = ArchivedDocument.objects.get(dispute=d, kind="receipt")
    assert (issued.copy, issued.sha256) == (1, hashlib.sha256(first).hexdigest())
    assert d.timeline.filter(action="reports.document.issued", actor=world.clerk).count() == 1

    # Afterwards a department adds its files and the templates change: the receipt stays.
    task = d.department_tasks.get(department=world.hr)
    consultation_services.opinion_give(
        task=task,
        actor=world.officer_hr,
        finding="经核实",
        basis="",
        proposal="补缴",
        attachments=[pdf_upload("社保局核定表.pdf")],
    )
    render_module = sys.modules["reports.documents.render"]
    original = render_module.render_to_string
    monkeypatch.setattr(
        render_module,
        "render_to_string",
        lambda *a, **kw: original(*a, **kw).replace("受理回执", "受理回执（新版）"),
    )
    for user in (world.clerk, world.officer_tax, world.supervisor):
        client.force_login(user)
        assert client.get(url(d, "receipt")).content == first
    assert ArchivedDocument.objects.filter(dispute=d, kind="receipt").count() == 1
    assert "社保局核定表" not in pdf.read(first).flat


def test_the_departments_files_are_no_materials_received(world):
    from consultations import services as consultation_services
    from disputes.services import attachment_add
    from reports.documents import render_pdf
    from tests.files import pdf_upload

    d = scenarios.joint_handling(world)
    attachment_add(dispute=d, actor=world.clerk, upload=pdf_upload("工资流水.pdf"))
    consultation_services.opinion_give(
        task=d.department_tasks.get(department=world.hr),
        actor=world.officer_hr,
        finding="经核实",
        basis="",
        proposal="补缴",
        attachments=[pdf_upload("社保局核定表.pdf")],
    )
    text = pdf.read(render_pdf("receipt", d)).flat
    assert "工资流水.pdf" in text and "社保局核定表" not in text


def test_a_reissue_is_a_new_numbered_copy_and_the_first_stays_on_record(client, world):
    from reports.models import ArchivedDocument

    d = scenarios.joint_handling(world)
    client.force_login(world.clerk)
    first = client.get(url(d, "receipt")).content
    page = client.get(reverse("disputes:detail", args=[d.number])).content.decode()
    reissue = reverse("reports:document_reissue", args=[d.number, "receipt"])
    assert reissue in page and "补发一份" in page
    assert client.get(reissue).status_code == 405
    response = client.post(reissue)
    assert response.status_code == 302 and response["Location"] == url(d, "receipt")
    second = client.get(url(d, "receipt")).content
    assert second != first
    assert "第2份" in pdf.read(second).flat and "第2份" not in pdf.read(first).flat
    copies = list(ArchivedDocument.objects.filter(dispute=d, kind="receipt").order_by("copy"))
    assert [(c.copy, c.title) for c in copies] == [(1, "受理回执"), (2, "受理回执（第2份）")]
    assert copies[0].read() == first and copies[1].read() == second
    entry = d.timeline.filter(action="reports.document.issued").latest("pk")
    assert entry.data["copy"] == 2 and entry.actor == world.clerk
    # A department reads the case but gives no receipt.
    client.force_login(world.officer_tax)
    assert client.post(reissue).status_code == 403


def test_the_archive_files_the_issued_receipt_not_a_new_rendering(
    client, world, django_capture_on_commit_callbacks
):
    from disputes import services
    from reports.models import ArchivedDocument

    d = scenarios.closed(world)
    client.force_login(world.clerk)
    issued = client.get(url(d, "receipt")).content
    receipt = ArchivedDocument.objects.get(dispute=d, kind="receipt")
    with django_capture_on_commit_callbacks(execute=True):
        d = services.dispute_archive(dispute=d, actor=world.clerk)
    docs = ArchivedDocument.objects.filter(dispute=d)
    assert docs.count() == 5
    assert docs.get(kind="receipt").pk == receipt.pk
    assert client.get(url(d, "receipt")).content == issued
    assert "受理回执" in pdf.read(docs.get(kind="archive_cover").read()).flat
    # The file is frozen: no new copy any more.
    response = client.post(reverse("reports:document_reissue", args=[d.number, "receipt"]))
    assert response.status_code == 302
    assert docs.filter(kind="receipt").count() == 1
