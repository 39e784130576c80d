"""Malformed input never gets a server error, and a refused form changes nothing.

For every page of the URL × role matrix (``test_matrix.MATRIX``: its scenario, its URL
arguments and the roles that may act), hypothesis posts generated values into every field of
the forms the page uses: text with NUL characters and of huge length, huge, negative and
non-numeric ids, odd dates, empty values, lists of values, odd file names. The user is one who
may act on the page. Every answer must be something else than 500; when the answer is a refusal
(the form shown again, an error message, 4xx) no case changed state and the timelines did not
grow.

NUL characters fail only on PostgreSQL (it refuses them in strings), so run this file there
too: ``DATABASE_URL=postgres://… pytest tests/security/test_fuzz.py``.
"""

import datetime
import os
import traceback

import pytest
from django.contrib.messages import constants as message_levels
from django.contrib.messages import get_messages
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import transaction
from django.test import Client
from django.urls import NoReverseMatch, resolve, reverse
from django.utils import timezone
from hypothesis import HealthCheck, Phase, given, settings
from hypothesis import strategies as st

from api import forms_apply as apply_forms
from consultations import forms as consultation_forms
from disputes import forms as dispute_forms
from disputes.models import Dispute, TimelineEntry
from reports import forms as report_forms
from reports import statistics
from reports.ledger import LedgerFilter
from routing import forms as routing_forms
from tests.security.test_matrix import MATRIX, PERSONAS


def fields_of(*form_classes, prefix=""):
    names = []
    for form_class in form_classes:
        names += [f"{prefix}{name}" for name in form_class.base_fields]
    return names


def formset_fields(form_class, prefix, forms=2, *, can_delete=False):
    names = [f"{prefix}-{key}" for key in ("TOTAL_FORMS", "INITIAL_FORMS", "MIN_NUM_FORMS")]
    names.append(f"{prefix}-MAX_NUM_FORMS")
    for i in range(forms):
        names += fields_of(form_class, prefix=f"{prefix}-{i}-")
        if can_delete:
            names.append(f"{prefix}-{i}-DELETE")
    return names


FILTERS = [*fields_of(dispute_forms.CaseFilterForm), "page"]
LEDGER_FILTERS = [*LedgerFilter.base_filters, "page", "sort"]
DASHBOARD_SCOPE = list(statistics.SCOPE)
# The accountability page's filter, as its query string names the fields (``from``, ``to``).
_accountability = report_forms.AccountabilityFilterForm
ACCOUNTABILITY_FILTERS = [
    *(_accountability.PARAMS.get(name, name) for name in _accountability.base_fields),
    "page",
]
_circulars = report_forms.CircularFilterForm
CIRCULAR_FILTERS = [
    *(_circulars.PARAMS.get(name, name) for name in _circulars.base_fields),
    "page",
]

# The fields each page takes, by URL name: ``None`` for a page whose view is a case action
# (its form class says), a list of names, or a function of (world, case) for fields named after
# rows (the attendance sheet).
FIELDS = {
    "accounts:login": ["username", "password", "next"],
    "accounts:logout": ["next"],
    "reports:home": FILTERS,
    "reports:ledger": LEDGER_FILTERS,
    # The filter in the query string, the format in the body: both fuzzed in the body here
    # (the ledger's own row fuzzes the query string).
    "reports:ledger-export": [*LEDGER_FILTERS, "format"],
    "reports:ledger-export-status": [],
    "reports:ledger-export-download": [],
    "reports:dashboard": DASHBOARD_SCOPE,
    "reports:dashboard-data": DASHBOARD_SCOPE,
    "reports:evaluation": fields_of(report_forms.EvaluationPeriodForm),
    "reports:evaluation-pdf": fields_of(report_forms.EvaluationPeriodForm),
    "reports:accountability": ACCOUNTABILITY_FILTERS,
    "reports:circulars": CIRCULAR_FILTERS,
    "reports:accountability-decide": fields_of(report_forms.AccountabilityDecisionForm),
    "public_status": fields_of(dispute_forms.PublicStatusForm),
    "public_rate": fields_of(dispute_forms.PublicRatingForm),
    "api:docs-schema": ["format", "lang"],
    "api:docs-swagger": [],
    "api:docs-redoc": [],
    "apply:form": [
        *fields_of(apply_forms.ApplicationForm),
        *fields_of(apply_forms.ApplicantForm, prefix="payer-"),
        *fields_of(apply_forms.OtherPartyForm, prefix="other-"),
    ],
    "apply:done": [],
    "apply:receipt": [],
    "reports:inbox": ["id", "page"],
    "routing:extension_request": fields_of(routing_forms.ExtensionForm),
    "routing:extension_decide": ["decision", "comment"],
    "reports:access_log": ["kind", "page"],
    "reports:documents": ["number", "kind", "page"],
    "reports:document": [],
    "reports:document_part": [],
    "reports:document_reissue": [],
    "disputes:list": FILTERS,
    "disputes:export": FILTERS,
    "disputes:create": [
        *fields_of(dispute_forms.DisputeForm),
        *formset_fields(dispute_forms.PayerForm, "payer"),
    ],
    "disputes:payer_lookup": ["id_number"],
    "disputes:detail": [],
    "disputes:reveal": ["payer", "reason"],
    "disputes:access": fields_of(dispute_forms.GrantForm),
    "disputes:access_revoke": [],
    "disputes:attachment_upload": fields_of(dispute_forms.AttachmentForm),
    "disputes:attachment_download": [],
    "consultations:tasks": ["page"],
    "consultations:workbench": [],
    "consultations:meetings": ["page"],
    "consultations:meeting_create": fields_of(consultation_forms.MeetingForm),
    "consultations:meeting": [],
    "consultations:meeting_edit": fields_of(consultation_forms.MeetingForm),
    "consultations:meeting_cancel": fields_of(consultation_forms.CancelMeetingForm),
    "consultations:agenda_add": fields_of(consultation_forms.AgendaAddForm),
    "consultations:agenda_remove": [],
    "consultations:attendee_add": fields_of(consultation_forms.AttendeeForm),
    "consultations:attendance": lambda w, d: [
        f"{kind}-{pk}"
        for pk in _meeting(d).attendances.values_list("pk", flat=True)
        for kind in ("present", "note")
    ],
    "consultations:decision": [
        *fields_of(consultation_forms.DecisionForm),
        *formset_fields(consultation_forms.TaskForm, "task", can_delete=True),
    ],
    "consultations:issue_raise": fields_of(consultation_forms.IssueForm),
    "consultations:minutes": fields_of(consultation_forms.MinutesForm),
    "consultations:minutes_submit": fields_of(consultation_forms.SubmitMinutesForm),
    "consultations:minutes_sign": fields_of(consultation_forms.SignOffForm),
    "consultations:minutes_issue": [],
    "consultations:decision_task_done": fields_of(consultation_forms.TaskDoneForm),
}


def _meeting(d):
    from tests.scenarios import meeting_of

    return meeting_of(d)


def fields_for(name, w, d):
    spec = FIELDS.get(name)
    if callable(spec):
        return spec(w, d)
    if spec is None:  # a case action: the fields of its form
        return fields_of(resolve_view_class(name).form_class)
    return spec


def resolve_view_class(name):
    return getattr(resolve_url_of(name).func, "view_class", None)


def resolve_url_of(name):
    kwargs_sets = [{}, {"number": "X"}, {"pk": 1}, {"pk": 1, "item_pk": 1}]
    kwargs_sets += [{"number": "X", "kind": "k"}, {"number": "X", "kind": "k", "part": "p"}]
    kwargs_sets += [{"number": "X", "pk": 1}, {"number": "X", "group_id": 1}]
    for kwargs in kwargs_sets:
        try:
            return resolve(reverse(name, kwargs=kwargs))
        except NoReverseMatch:
            continue
    raise AssertionError(f"cannot reverse {name}")


def test_every_page_of_the_matrix_has_its_fields_listed():
    """A page added to the matrix either is a case action (its form says its fields) or
    lists its fields here."""
    from disputes.views import CaseActionView

    missing = [
        name
        for name in MATRIX
        if name not in FIELDS
        and name not in FUZZED_BY_SCHEMA
        and not issubclass(resolve_view_class(name) or object, CaseActionView)
    ]
    assert missing == []


# -- generated values ------------------------------------------------------------------------

_text = st.text(st.characters(codec="utf-8", exclude_categories=["Cs"]), max_size=12)
NASTY_TEXT = st.one_of(
    st.just(""),
    st.just("\x00"),
    st.tuples(_text, _text).map(lambda t: f"{t[0]}\x00{t[1]}"),
    st.just("很长" * 60_000),
    st.just("x" * 100_001),
    _text,
)
IDS = st.one_of(
    st.integers(min_value=1, max_value=40).map(str),
    st.sampled_from(["0", "-1", "-9223372036854775809", "9223372036854775808", "1e3", "1.5"]),
    st.sampled_from(["abc", "１２", "١٢", " 1 ", "0x10", "NaN", "[]", "None"]),
    st.integers(min_value=-(10**30), max_value=10**30).map(str),
)
DATES = st.sampled_from(
    [
        "0001-01-01",
        "9999-12-31",
        "0001-01-01T00:00",
        "9999-12-31T23:59",
        "0001-01",
        "9999-12",
        "2026-02-30",
        "0000-00-00",
        "10000-01-01",
        "9999-12-31 23:59",
    ]
)
CHOICES = st.sampled_from(
    [
        *["general", "simple", "major", "grant", "refuse", "sign", "return", "employee"],
        "employer",
        # The ledger's questions about the payer's rating (``satisfaction``).
        *["dissatisfied", "content", "rated", "unrated"],
    ]
)
FORM_NUMBERS = st.sampled_from(["0", "1", "2", "-1", "1000", "1000000000", "x", ""])


def soon():
    return st.integers(min_value=-3, max_value=30).map(
        lambda days: (timezone.localdate() + datetime.timedelta(days=days)).isoformat()
    )


SCALAR = st.one_of(NASTY_TEXT, IDS, DATES, CHOICES, soon())
VALUE = st.one_of(SCALAR, st.lists(SCALAR, min_size=0, max_size=3))
FILE = st.builds(
    lambda name, body: SimpleUploadedFile(name, body, "application/pdf"),
    st.one_of(
        st.just("证明.pdf"),
        st.just("a\x00b.pdf"),
        st.just("很长" * 300 + ".pdf"),
        st.just("../../etc/passwd.pdf"),
        _text.map(lambda t: f"{t}.pdf"),
    ),
    st.sampled_from([b"%PDF-1.4 x", b"", b"<html>"]),
)


def value_for(field_name):
    if field_name in {"files", "attachments"}:
        return st.one_of(FILE, st.lists(FILE, max_size=2), SCALAR)
    if field_name.endswith("_FORMS"):
        return st.one_of(FORM_NUMBERS, VALUE)
    return VALUE


def data_for(fields):
    return st.fixed_dictionaries({}, optional={name: value_for(name) for name in fields})


# -- the page under test ---------------------------------------------------------------------


# Pages that several roles read but one acts on.
ACTORS = {"consultations:minutes": "lgo"}


def actor_of(name):
    """A persona who may act on the page: the first one whose cell shows it or acts."""
    expected = MATRIX[name][4]
    if name in {"accounts:login", "public_status", "public_rate"} or name.startswith("apply:"):
        return "anonymous"
    if name in ACTORS:
        return ACTORS[name]
    for persona, status in zip(PERSONAS, expected, strict=True):
        if persona not in {"anonymous", "outsider"} and status in {200, 302}:
            return persona
    raise AssertionError(f"nobody acts on {name}")


class Page:
    def __init__(self, name, url, method, persona, fields, case):
        self.name, self.url, self.method, self.persona = name, url, method, persona
        self.fields, self.case = fields, case


@pytest.fixture
def page(request, world):
    name = request.param
    _method, scenario, extra, _data, _expected = MATRIX[name]
    kwargs = {}
    case = None
    if scenario is not None:
        case = scenario(world)
        kwargs["number"] = case.number
        if extra is not None:
            kwargs.update(extra(world, case))
    try:
        url = reverse(name, kwargs=kwargs)
    except NoReverseMatch:
        kwargs.pop("number")
        url = reverse(name, kwargs=kwargs)
    return Page(
        name,
        url,
        "get" if name in GET_ONLY else "post",
        actor_of(name),
        fields_for(name, world, case),
        case,
    )


# GET pages whose fields are a filter, not a form that acts.
GET_ONLY = {
    "reports:home",
    "reports:ledger",
    "reports:ledger-export-status",
    "reports:ledger-export-download",
    "reports:dashboard",
    "reports:dashboard-data",
    "reports:evaluation",
    "reports:evaluation-pdf",
    "reports:accountability",
    "reports:circulars",
    "reports:access_log",
    "reports:documents",
    "reports:document",
    "reports:document_part",
    "disputes:list",
    "disputes:export",
    "disputes:payer_lookup",
    "disputes:detail",
    "disputes:attachment_download",
    "apply:done",
    "apply:receipt",
    "consultations:tasks",
    "consultations:workbench",
    "consultations:meetings",
    "consultations:meeting",
    "api:docs-schema",
    "api:docs-swagger",
    "api:docs-redoc",
}

# The API's endpoints answer a system's key, not a session: Schemathesis generates their input
# from the schema instead (tests/api/test_schemathesis.py).
FUZZED_BY_SCHEMA = {name for name in MATRIX if name.startswith("api:") and name not in GET_ONLY}


def snapshot():
    return (
        dict(Dispute.objects.values_list("pk", "state")),
        TimelineEntry.objects.count(),
    )


def refused(response) -> bool:
    """Whether the answer says no: a form shown again, a 4xx, or back with a warning."""
    if response.status_code >= 400:
        return True
    if response.status_code == 200:
        return True
    levels = {m.level for m in get_messages(response.wsgi_request)}
    return bool(levels & {message_levels.ERROR, message_levels.WARNING})


def explain(response) -> str:
    if getattr(response, "exc_info", None):
        return "".join(traceback.format_exception(*response.exc_info))
    return ""


# A few examples per page in every run; FUZZ_EXAMPLES=200 for a long hunt.
FUZZ = settings(
    max_examples=int(os.environ.get("FUZZ_EXAMPLES", "4")),
    deadline=None,
    database=None,
    phases=[Phase.explicit, Phase.generate],
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)


@pytest.mark.django_db
@pytest.mark.parametrize("page", sorted(set(MATRIX) - FUZZED_BY_SCHEMA), indirect=True)
@FUZZ
@given(data=st.data())
def test_malformed_input_gets_no_server_error_and_changes_nothing_when_refused(world, page, data):
    values = data.draw(data_for(page.fields), label="fields")
    client = Client(raise_request_exception=False)
    with transaction.atomic():
        if page.persona != "anonymous":
            client.force_login(getattr(world, page.persona))
        before = snapshot()
        if page.method == "post":
            response = client.post(page.url, values)
        else:
            response = client.get(page.url, {k: v for k, v in values.items() if _is_text(v)})
        assert response.status_code != 500, (page.name, page.persona, explain(response))
        # The persona may act here: what it posts is judged, not who it is.
        assert response.status_code not in {403, 405}, (page.name, page.persona)
        if page.method == "post" and refused(response):
            assert snapshot() == before, (page.name, response.status_code)
        transaction.set_rollback(True)


def _is_text(value):
    return isinstance(value, str) or (
        isinstance(value, list) and all(isinstance(v, str) for v in value)
    )
