"""PDF documents: the median and p95 render time per document kind, the process's memory
after many renders, and archiving 100 cases.

Rendering is WeasyPrint's layout plus the subsetting of the CJK fonts (HarfBuzz; without
libharfbuzz-subset WeasyPrint falls back to fontTools, and each form takes seconds). The forms
use copies of the CJK faces cut to the forms' characters (reports.documents.fonts), built here
first when missing; ``--system-fonts`` measures the full system faces instead.
"""

import importlib
import statistics
import time
from pathlib import Path

from django.core.management import call_command
from django.db import connection

from benchmarks.sweep import _fresh_sqlite


def _times_ms(fn, repeat: int) -> tuple[float, float]:
    """(median, p95) of ``repeat`` calls, in milliseconds."""
    times = []
    for _ in range(repeat):
        t0 = time.perf_counter()
        fn()
        times.append((time.perf_counter() - t0) * 1000)
    p95 = statistics.quantiles(times, n=20, method="inclusive")[18] if repeat > 1 else times[0]
    return statistics.median(times), p95


def _rss_mb() -> float:
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) / 1024
    return float("nan")


def run(*, cases: int, repeat: int, renders: int, system_fonts: bool = False) -> None:
    from disputes.models import Dispute, State
    from reports.checks import harfbuzz_subset_available
    from reports.documents import all_kinds, fonts, render
    from reports.documents.archive import archive_freeze

    _fresh_sqlite()
    started = time.perf_counter()
    call_command("migrate", verbosity=0)
    call_command("load_demo", verbosity=0, cases=max(cases * 4, 400), stdout=open("/dev/null", "w"))  # noqa: SIM115
    print(f"database: {connection.vendor}; set-up {time.perf_counter() - started:.1f} s")
    subsetting = "HarfBuzz" if harfbuzz_subset_available() else "fontTools (slow!)"
    print(f"font subsetting: {subsetting}")
    if system_fonts:
        # The module (the package's ``render`` is the function).
        importlib.import_module("reports.documents.render").cut_font_files = lambda: ()
        print("faces: the full system faces (--system-fonts)")
    else:
        t0 = time.perf_counter()
        cuts = fonts.build_cut_fonts()
        print(
            f"faces: {len(cuts)} cut copies in {fonts.fonts_dir()} "
            f"(ready in {time.perf_counter() - t0:.1f} s)"
        )

    render("receipt", Dispute.objects.first())  # load WeasyPrint, pango and the fonts once
    print(f"after the first render: RSS {_rss_mb():.0f} MB")
    print(f"{'document':<24}{'median':>10}{'p95':>10}{'pages':>7}   case ({repeat} renders)")
    cycle = []
    for kind in all_kinds():
        dispute = next((d for d in Dispute.objects.order_by("pk") if kind.is_available(d)), None)
        if dispute is None:
            print(f"{kind.key:<24}{'—':>10}{'':>10}{'':>7}   no demo case has one")
            continue
        pages = render(kind.key, dispute).pages
        median, p95 = _times_ms(lambda k=kind.key, d=dispute: render(k, d), repeat)
        print(f"{kind.key:<24}{median:>7.0f} ms{p95:>7.0f} ms{pages:>7}   {dispute.number}")
        cycle.append((kind.key, dispute))

    # Memory: the same process renders on (as a gunicorn or Celery worker would), every kind in
    # turn; a process that keeps something per render grows with the count.
    done = 0
    marks = sorted({renders // 4, renders // 2, renders})
    print(f"RSS after the timed renders: {_rss_mb():.0f} MB")
    for mark in marks:
        while done < mark:
            key, dispute = cycle[done % len(cycle)]
            render(key, dispute)
            done += 1
        print(f"RSS after {done} more renders: {_rss_mb():.0f} MB")

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
