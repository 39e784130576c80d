"""The pages people use all day, at a given number of cases: median, p95 and queries.

``python -m benchmarks pages --cases N`` builds a database of the demo county with N generated
cases once (PostgreSQL: ``<database>_pages_<N>``, kept for the next run; ``--fresh`` builds it
again), then asks every page ``--repeat`` times through the in-process test client, logged in as
the demo user whose page it is. For each page it prints the median and p95 time, the number of
queries, and the slowest query with the summary of its ``EXPLAIN (ANALYZE, BUFFERS)`` plan.
Timing includes rendering, as a user waits for it; it excludes the network and the browser.
"""

import datetime
import os
import random
import statistics
import time
from dataclasses import dataclass
from urllib.parse import urlsplit, urlunsplit

from django.core.management import call_command
from django.db import connection
from django.test.utils import CaptureQueriesContext


@dataclass
class Page:
    label: str
    user: str
    path: object  # str, or a callable returning one (it may look up a case)
    method: str = "get"
    data: object = None  # dict, or a callable returning one
    target_ms: int = 100
    fresh: bool = False  # call ``data`` for every request (each POST registers a new case)
    explain: int = 1  # how many of its slowest queries to explain


def _case(state=None, *, centre="GW"):
    from disputes.models import Dispute

    qs = Dispute.objects.filter(centre__code=centre)
    if state:
        qs = qs.filter(state=state)
    return qs.order_by("-received_at").first()


def _pages() -> list[Page]:
    from django.urls import reverse

    from disputes.models import Category, Party, State

    def case_page():
        return reverse("disputes:detail", kwargs={"number": _case(State.JOINT_HANDLING).number})

    def receipt():
        return reverse(
            "reports:document", kwargs={"number": _case(State.REPLIED).number, "kind": "receipt"}
        )

    def reply_notice():
        number = _case(State.REPLIED).number
        return reverse("reports:document", kwargs={"number": number, "kind": "reply_notice"})

    def a_name():
        party = Party.objects.filter(dispute=_case(State.CLOSED)).select_related("payer").first()
        return {"q": party.payer.name}

    def a_number():
        party = Party.objects.filter(dispute=_case(State.CLOSED)).select_related("payer").first()
        return {"q": party.payer.id_number}

    # New payers on every run (a payer registered by an earlier run would be a possible
    # duplicate the clerk must confirm).
    rng = random.Random()

    def intake():
        from django.utils import timezone

        from disputes.models import Category, Channel, InsuranceType
        from disputes.validators import id_check_digit

        # 140830 is the county's code for those born from 2001 (142723 before).
        born = datetime.date(2001, 1, 1) + datetime.timedelta(days=rng.randrange(7_000))
        first17 = f"140830{born:%Y%m%d}{rng.randrange(1000):03d}"
        return {
            "channel": Channel.objects.get(code="window").pk,
            "received_at": timezone.localtime().strftime("%Y-%m-%dT%H:%M"),
            "jurisdiction": _case(centre="GW").jurisdiction_id,
            "category": Category.objects.order_by("pk").first().pk,
            "insurance_types": [InsuranceType.objects.order_by("pk").first().pk],
            "amount": "8000.50",
            "period_start": "2024-01",
            "period_end": "2024-06",
            "claim": "要求按实际工资核定缴费基数。",
            "summary": "单位按最低基数申报。",
            "representative": "0",
            "payer-TOTAL_FORMS": "1",
            "payer-INITIAL_FORMS": "0",
            "payer-MIN_NUM_FORMS": "1",
            "payer-MAX_NUM_FORMS": "50",
            "payer-0-kind": "employee",
            "payer-0-name": "王建国",
            "payer-0-id_number": first17 + id_check_digit(first17),
            "payer-0-phone": "13800001111",
            "payer-0-side": "applicant",
        }

    home, cases = reverse("reports:home"), reverse("disputes:list")
    return [
        Page("coordinator's queue, page 1", "coordinator", home),
        Page("officer's queue, page 1", "officer_tax", home),
        Page("clerk's queue, page 1", "clerk", home),
        Page("supervisor's case list, page 1", "supervisor", cases),
        Page("supervisor's case list, page 200", "supervisor", cases, data={"page": 200}),
        Page("medical officer's case list, page 1", "officer_medical", cases),
        Page(
            "medical officer's case list, page 200",
            "officer_medical",
            cases,
            data={"page": 200},
        ),
        Page("coordinator's case list, page 1", "coordinator", cases),
        Page("coordinator's case list, page 200", "coordinator", cases, data={"page": 200}),
        Page(
            "coordinator's list, closed, one category",
            "coordinator",
            cases,
            data=lambda: {"state": State.CLOSED, "category": Category.objects.first().pk},
        ),
        Page("case list searched by name", "coordinator", cases, data=a_name, target_ms=200),
        Page("case list searched by number", "coordinator", cases, data=a_number, target_ms=50),
        Page("supervisor's forms page", "supervisor", reverse("reports:documents"), target_ms=150),
        Page(
            "CSV export, closed cases",
            "supervisor",
            reverse("disputes:export"),
            data={"state": State.CLOSED},
            target_ms=10_000,
        ),
        Page("case page", "coordinator", case_page, target_ms=80),
        Page("intake form", "clerk", reverse("disputes:create"), target_ms=150),
        Page(
            "intake POST (registers a case)",
            "clerk",
            reverse("disputes:create"),
            method="post",
            data=intake,
            fresh=True,
            target_ms=150,
        ),
        Page("receipt PDF (as issued)", "coordinator", receipt, target_ms=300),
        Page("reply notice PDF (rendered)", "coordinator", reply_notice, target_ms=300),
    ]


def _database(cases: int, fresh: bool) -> None:
    """Point the connection at the benchmark's own database, building it when needed."""
    url = os.environ.get("DATABASE_URL")
    if url:
        import psycopg2

        parts = urlsplit(url)
        name = f"{(parts.path.lstrip('/') or 'centre')}_pages_{cases}"
        admin = psycopg2.connect(urlunsplit(parts._replace(path="/postgres")))
        admin.autocommit = True
        with admin.cursor() as cur:
            cur.execute("SELECT 1 FROM pg_database WHERE datname = %s", [name])
            exists = cur.fetchone() is not None
            if fresh and exists:
                cur.execute(f'DROP DATABASE "{name}"')
                exists = False
            if not exists:
                cur.execute(f'CREATE DATABASE "{name}"')
        admin.close()
        from django.conf import settings

        settings.DATABASES["default"]["NAME"] = name
        connection.settings_dict["NAME"] = name
        connection.close()
    call_command("migrate", verbosity=0)
    from disputes.models import Dispute

    have = Dispute.objects.count()
    if have < cases:
        started = time.perf_counter()
        call_command("load_reference_data", verbosity=0)
        with open(os.devnull, "w") as quiet:
            call_command("load_demo", cases=cases - have, stdout=quiet)
        print(f"generated {cases - have:,} cases in {time.perf_counter() - started:.0f} s")
    if connection.vendor == "postgresql":
        # As autovacuum leaves a database in use: statistics, and the visibility map that
        # index-only scans rely on (a table just written has none, and every first read of a
        # page sets its hint bits: the first runs after a build measured that, not the pages).
        with connection.cursor() as cur:
            cur.execute("VACUUM ANALYZE")


def _plan_summary(sql: str, params) -> str:
    """The plan's top node, its time and buffers (PostgreSQL), in one line."""
    if connection.vendor != "postgresql" or not sql.lstrip().upper().startswith("SELECT"):
        return ""
    with connection.cursor() as cur:
        cur.execute("EXPLAIN (ANALYZE, BUFFERS) " + sql, params)
        lines = [row[0] for row in cur.fetchall()]
    top = lines[0].split("  (")[0].strip()
    buffers = next((ln.strip() for ln in lines if ln.strip().startswith("Buffers:")), "")
    total = next((ln.strip() for ln in lines if ln.startswith("Execution Time")), "")
    return f"{top}; {buffers}; {total}"


def _ask(client, page: Page, path: str, data):
    response = getattr(client, page.method)(path, data or {})
    if getattr(response, "streaming", False):
        b"".join(response.streaming_content)
    else:
        response.content  # noqa: B018  (rendered already; touch it as a browser would)
    expected = 302 if page.method == "post" else 200
    if response.status_code != expected:
        raise RuntimeError(f"{page.label}: {path} answered {response.status_code}")


def run(*, cases: int, repeat: int, fresh: bool = False, only: str = "", pages=None) -> None:
    """Ask each page of ``pages`` (a function returning the list; the pages above unless
    given) ``repeat`` times, on the database of ``cases`` cases."""
    from django.conf import settings
    from django.contrib.auth import get_user_model
    from django.test import Client

    # As served, but without collectstatic's manifest, through the test client's host name.
    settings.STORAGES = {
        **settings.STORAGES,
        "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
    }
    settings.ALLOWED_HOSTS = [*settings.ALLOWED_HOSTS, "testserver"]
    _database(cases, fresh)
    from disputes.models import Dispute
    from reports.documents import fonts

    fonts.build_cut_fonts()  # the forms' faces, as every deployment has them (make fonts)

    print(f"database: {connection.vendor}, {Dispute.objects.count():,} cases; load: {_load()}")
    print(f"{'page':<44}{'median':>9}{'p95':>9}{'queries':>9}{'target':>9}")
    users = {u.username: u for u in get_user_model().objects.filter(is_active=True)}
    slow = []
    wanted = [w.strip() for w in only.split(",") if w.strip()]
    for page in (pages or _pages)():
        if wanted and not any(w in page.label for w in wanted):
            continue
        client = Client()
        client.force_login(users[page.user])
        # The case or the name a page asks for is looked up once, outside the timing.
        path = page.path() if callable(page.path) else page.path
        data = page.data() if callable(page.data) else page.data
        _ask(client, page, path, data)  # warm: templates, caches, the first connection
        times = []
        for _ in range(repeat):
            if page.fresh:
                data = page.data()
            with CaptureQueriesContext(connection) as ctx:
                t0 = time.perf_counter()
                _ask(client, page, path, data)
                times.append((time.perf_counter() - t0) * 1000)
        times.sort()
        median = statistics.median(times)
        p95 = times[min(len(times) - 1, round(0.95 * (len(times) - 1)))]
        mark = "" if p95 <= page.target_ms else "  over"
        print(
            f"{page.label:<44}{median:>7.0f}ms{p95:>7.0f}ms{len(ctx.captured_queries):>9}"
            f"{page.target_ms:>7}ms{mark}"
        )
        by_time = sorted(ctx.captured_queries, key=lambda q: float(q["time"]), reverse=True)
        slow += [(page.label, query) for query in by_time[: page.explain]]
    print("\nslowest queries of each page (EXPLAIN ANALYZE, BUFFERS):")
    for label, query in slow:
        summary = _plan_summary_of(query)
        print(f"- {label}: {float(query['time']) * 1000:.0f} ms  {summary}")


def _plan_summary_of(query) -> str:
    # CaptureQueriesContext keeps the SQL with its parameters interpolated.
    try:
        return _plan_summary(query["sql"], None)
    except Exception as exc:  # a plan is a diagnostic: never fail the benchmark for one
        connection.rollback() if connection.in_atomic_block else None
        return f"(no plan: {exc.__class__.__name__})"


def _load() -> str:
    one, five, fifteen = os.getloadavg()
    return f"{one:.2f} {five:.2f} {fifteen:.2f} (1/5/15 min), {os.cpu_count()} cores"
