"""The oversight pages at a given number of cases: the dashboard and its figures, the department
evaluation, the accountability records and the ledger's first page under a wide filter.

``python -m benchmarks reports --cases N`` runs on the same database as ``pages`` (built once,
kept: ``<database>_pages_<N>`` on PostgreSQL) and prints, for each page, the median and p95 time,
the number of queries and the plans of its slowest queries. The targets are the issue's: 300 ms
for the dashboard and the evaluation, 150 ms for the ledger's first page at 1,000,000 cases.
"""

from benchmarks import pages as page_bench
from benchmarks.pages import Page


def _pages() -> list[Page]:
    from django.urls import NoReverseMatch, reverse
    from django.utils import timezone

    today = timezone.localdate()
    year = {"from": f"{today.year}-01-01", "to": today.isoformat()}

    def url(name):
        try:
            return reverse(name)
        except NoReverseMatch:
            return None

    data, dashboard = url("reports:dashboard-data"), url("reports:dashboard")
    ledger = url("reports:ledger")
    evaluation, accountability = url("reports:evaluation"), url("reports:accountability")
    found = [
        Page(
            "dashboard figures, county, this year",
            "supervisor",
            data,
            data=year,
            target_ms=300,
            explain=3,
        ),
        Page(
            "dashboard figures, county, all years",
            "supervisor",
            data,
            data={"from": "2000-01-01", "to": today.isoformat()},
            target_ms=300,
            explain=3,
        ),
        Page("dashboard figures, one centre", "coordinator", data, data=year, target_ms=300),
        Page("dashboard figures, tax bureau", "officer_tax", data, data=year, target_ms=300),
        Page("dashboard page", "supervisor", dashboard, target_ms=300),
        Page("ledger, page 1, every case", "supervisor", ledger, target_ms=150, explain=2),
        Page("ledger, page 1, this year", "supervisor", ledger, data=year, target_ms=150),
        Page(
            "ledger, page 1, overdue now",
            "supervisor",
            ledger,
            data={"deadline": "overdue_now"},
            target_ms=150,
        ),
        Page(
            "ledger, page 1, tax bureau's",
            "supervisor",
            ledger,
            data={"department": "tax"},
            target_ms=150,
        ),
        Page("ledger, page 1, coordinator", "coordinator", ledger, target_ms=150),
        Page("evaluation, last month", "supervisor", evaluation, target_ms=300, explain=3),
        Page(
            "evaluation, this year",
            "supervisor",
            evaluation,
            data={"period": "year", "start": f"{today.year}-01-01"},
            target_ms=300,
            explain=3,
        ),
        Page("accountability records", "supervisor", accountability, target_ms=300),
    ]
    return [page for page in found if page.path is not None]


def run(*, cases: int, repeat: int, fresh: bool = False, only: str = "") -> None:
    page_bench.run(cases=cases, repeat=repeat, fresh=fresh, only=only, pages=_pages)
