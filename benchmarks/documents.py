"""PDF documents: the median render time per document kind, and archiving 100 cases.

Rendering is dominated by WeasyPrint's layout and the subsetting of the CJK fonts (HarfBuzz;
without libharfbuzz-subset WeasyPrint falls back to fontTools, and each form takes seconds).
"""

import statistics
import time

from django.core.management import call_command
from django.db import connection

from benchmarks.sweep import _fresh_sqlite


def _median_ms(fn, repeat: int) -> float:
    times = []
    for _ in range(repeat):
        t0 = time.perf_counter()
        fn()
        times.append(time.perf_counter() - t0)
    return statistics.median(times) * 1000


def run(*, cases: int, repeat: int) -> None:
    from disputes.models import Dispute, State
    from reports.checks import harfbuzz_subset_available
    from reports.documents import all_kinds, render
    from reports.documents.archive import archive_freeze

    _fresh_sqlite()
    started = time.perf_counter()
    call_command("migrate", verbosity=0)
    call_command("load_demo", verbosity=0, cases=max(cases * 4, 400), stdout=open("/dev/null", "w"))  # noqa: SIM115
    print(f"database: {connection.vendor}; set-up {time.perf_counter() - started:.1f} s")
    subsetting = "HarfBuzz" if harfbuzz_subset_available() else "fontTools (slow!)"
    print(f"font subsetting: {subsetting}")

    render("receipt", Dispute.objects.first())  # load WeasyPrint, pango and the fonts once
    print(f"{'document':<24}{'median':>10}{'pages':>7}   case")
    for kind in all_kinds():
        dispute = next((d for d in Dispute.objects.order_by("pk") if kind.is_available(d)), None)
        if dispute is None:
            print(f"{kind.key:<24}{'—':>10}{'':>7}   no demo case has one")
            continue
        pages = render(kind.key, dispute).pages
        ms = _median_ms(lambda k=kind.key, d=dispute: render(k, d), repeat)
        print(f"{kind.key:<24}{ms:>8.0f} ms{pages:>7}   {dispute.number}")

    archived = list(
        Dispute.objects.filter(state=State.ARCHIVED, archived_documents__isnull=True)
        .order_by("pk")
        .values_list("pk", flat=True)[:cases]
    )
    t0 = time.perf_counter()
    frozen = [doc for pk in archived for doc in archive_freeze(pk)]
    elapsed = time.perf_counter() - t0
    pages = sum(doc.pages for doc in frozen)
    print(
        f"archiving {len(archived)} cases: {len(frozen)} documents, {pages} pages in "
        f"{elapsed:.1f} s = {pages / elapsed:.1f} pages/s, {elapsed / len(archived) * 1000:.0f} ms "
        f"per case"
    )
