"""No payer's number outside the people handling the case, on any page or in any file.

Every GET page of the URL × role matrix (the lists, the CSV export, the case pages, the
action forms, the meetings), the payer lookup and the PDF documents of two cases, read by
every role: a full identity number, credit code or phone number shows only to those who
handle its case (``disputes.rules.handles_case``: on the case page they read them in full);
everybody else reads masked forms at most; the cyberspace office reads none at all, masked or
not. The numbers are those the cases were registered with, so the probe does not depend on
where the project keeps them.
"""

import io
import re
from dataclasses import dataclass

import pypdf
import pytest
from django.test import Client
from django.urls import NoReverseMatch, reverse

from departments.models import Role, roles_of
from disputes import rules
from disputes.services import PartyData, PayerData
from disputes.validators import mask_id, mask_phone
from reports import documents
from tests import scenarios
from tests.conftest import credit_code, resident_id
from tests.security.test_matrix import MATRIX, PERSONAS


@dataclass
class Numbers:
    """The numbers a case was registered with, full and masked."""

    full: list[str]
    masked: list[str]


def register_kw(serial: int) -> tuple[dict, Numbers]:
    id_number = resident_id(500 + serial)
    code = credit_code(700 + serial)
    phone = f"1391234{serial:04d}"
    employer_phone = f"1375678{serial:04d}"
    payers = [
        PartyData(
            payer=PayerData(kind="employee", name="申请人", id_number=id_number, phone=phone),
            is_representative=True,
        ),
        PartyData(
            payer=PayerData(
                kind="employer", name="被申请单位", id_number=code, phone=employer_phone
            ),
            side="counterparty",
        ),
    ]
    numbers = Numbers(
        full=[id_number, code, phone, employer_phone],
        masked=[mask_id(id_number), mask_id(code), mask_phone(phone), mask_phone(employer_phone)],
    )
    # Flagged as a public-opinion risk, so that the cyberspace office sees the case at all.
    return {"payers": payers, "is_public_opinion_risk": True}, numbers


def text_of(response, *, pdf=False) -> str:
    """What the reader gets: the page, the JSON, the CSV, or the document's extracted text
    (an uploaded attachment is read as it is)."""
    body = (
        b"".join(response.streaming_content)
        if getattr(response, "streaming", False)
        else response.content
    )
    if pdf:
        assert response["Content-Type"] == "application/pdf"
        text = "".join(page.extract_text() for page in pypdf.PdfReader(io.BytesIO(body)).pages)
    else:
        text = body.decode("utf-8", "replace")
    return re.sub(r"\s+", "", text)  # numbers hold no spaces; PDF text may wrap anywhere


def only_cyberspace(user) -> bool:
    return roles_of(user) == {Role.CYBERSPACE}


def leaks(text, user, cases) -> list[str]:
    found = []
    for case, numbers in cases:
        if user is not None and rules.handles_case(case, user):
            continue
        found += [f"{case.number}: {n}" for n in numbers.full if n in text]
        if user is not None and only_cyberspace(user):
            found += [f"{case.number}: masked {n}" for n in numbers.masked if n in text]
    return found


GET_ROWS = {name: spec for name, spec in MATRIX.items() if spec[0] == "get"}
DOCUMENT_CASES = [scenarios.referred, scenarios.replied]


def url_of(name, world, case, extra):
    kwargs = {}
    if case is not None:
        kwargs["number"] = case.number
        if extra is not None:
            kwargs.update(extra(world, case))
    try:
        return reverse(name, kwargs=kwargs)
    except NoReverseMatch:  # pages of a case's part (a deadline, a request) take only its id
        kwargs.pop("number")
        return reverse(name, kwargs=kwargs)


@pytest.mark.django_db
def test_no_payer_number_reaches_anyone_outside_the_people_handling_the_case(world):
    built = {}  # one case per scenario of the matrix, all registered alike
    for _method, scenario, _extra, _data, _expected in GET_ROWS.values():
        if scenario is not None and scenario not in built:
            kw, numbers = register_kw(len(built))
            built[scenario] = (scenario(world, **kw), numbers)
    for scenario in DOCUMENT_CASES:
        if scenario not in built:
            kw, numbers = register_kw(len(built))
            built[scenario] = (scenario(world, **kw), numbers)
    cases = [(case.__class__.objects.get(pk=case.pk), n) for case, n in built.values()]
    some_id_number = cases[0][1].full[0]

    pages = []  # (label, url, query)
    for name, (_method, scenario, extra, _data, _expected) in GET_ROWS.items():
        case = built[scenario][0] if scenario is not None else None
        pages.append((name, url_of(name, world, case, extra), {}))
    pages.append(("payer_lookup", reverse("disputes:payer_lookup"), {"id_number": some_id_number}))
    documents_to_read = []
    for scenario in DOCUMENT_CASES:
        case = built[scenario][0]
        for kind in documents.all_kinds():
            if kind.is_available(case):
                url = reverse("reports:document", kwargs={"number": case.number, "kind": kind.key})
                documents_to_read.append((case, f"{kind.key} of {case.number}", url))

    found = {}
    read = pdfs_read = 0
    for persona in PERSONAS:
        user = None if persona == "anonymous" else getattr(world, persona)
        client = Client()
        if user is not None:
            client.force_login(user)
        for label, url, query in pages:
            response = client.get(url, query)
            if response.status_code == 200:
                read += 1
                is_document = label in {"reports:document", "reports:document_part"}
                if hits := leaks(text_of(response, pdf=is_document), user, cases):
                    found[(label, persona)] = hits
        for case, label, url in documents_to_read:
            if user is not None and rules.handles_case(case, user):
                continue  # they read the numbers in full anyway; rendering is the slow part
            response = client.get(url)
            if response.status_code == 200:
                read += 1
                pdfs_read += 1
                if hits := leaks(text_of(response, pdf=True), user, cases):
                    found[(label, persona)] = hits
    assert read > len(pages)  # the probe read pages as several roles ...
    assert pdfs_read >= len(documents_to_read)  # ... and every document as a supervisor
    assert found == {}, "\n".join(f"{k}: {v[:3]}" for k, v in sorted(found.items()))
