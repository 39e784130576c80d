"""python -m benchmarks [all|sweep|documents|export|pages|reports|api] [--orders N]
[--deadlines N] [--due N]
[--cases N] [--repeat N] [--renders N] [--system-fonts] [--rows N] [--fresh]
[--only LABELS]"""

import argparse
import os
import sys
from pathlib import Path


def main() -> None:
    parser = argparse.ArgumentParser(prog="python -m benchmarks")
    parser.add_argument(
        "which",
        nargs="?",
        default="all",
        choices=["all", "sweep", "documents", "export", "pages", "reports", "api"],
    )
    parser.add_argument("--deadlines", type=int, default=1_000_000)
    parser.add_argument("--due", type=int, default=50_000)
    parser.add_argument(
        "--cases", type=int, default=None, help="documents: cases to archive (100); pages: cases"
    )
    parser.add_argument(
        "--repeat", type=int, default=None, help="renders per document kind (40); pages: 30"
    )
    parser.add_argument(
        "--renders", type=int, default=400, help="documents: renders more, for the memory"
    )
    parser.add_argument(
        "--system-fonts",
        action="store_true",
        help="documents: the full system CJK faces, not the cut copies",
    )
    parser.add_argument("--orders", type=int, default=300, help="api: work orders per system")
    parser.add_argument("--rows", type=int, default=100_000, help="export: cases to export")
    parser.add_argument("--fresh", action="store_true", help="pages: build the database again")
    parser.add_argument(
        "--only", default="", help="pages: only the pages whose label contains one of these (a,b)"
    )
    args = parser.parse_args()

    root = Path(__file__).resolve().parent.parent
    sys.path.insert(0, str(root))
    # A database of its own: never the centre's data.
    os.environ.setdefault("VAR_DIR", str(root / "var" / "bench"))
    if os.environ.get("DATABASE_URL") and args.which not in ("pages", "reports"):  # their own
        from benchmarks.setup import use_bench_database

        use_bench_database()
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
    os.environ["DEBUG"] = "false"
    os.environ.setdefault("SECRET_KEY", "benchmark")
    import django

    django.setup()
    from benchmarks import api, documents, export, pages, reports, sweep

    if args.which in ("all", "sweep"):
        sweep.run(total=args.deadlines, due=args.due)
    if args.which in ("all", "documents"):
        documents.run(
            cases=args.cases or 100,
            repeat=args.repeat or 40,
            renders=args.renders,
            system_fonts=args.system_fonts,
        )
    if args.which in ("all", "export"):
        export.run(rows=args.rows)
    if args.which in ("all", "api"):
        api.run(orders=args.orders)
    if args.which == "pages":
        pages.run(
            cases=args.cases or 10_000, repeat=args.repeat or 30, fresh=args.fresh, only=args.only
        )
    if args.which == "reports":
        reports.run(
            cases=args.cases or 10_000, repeat=args.repeat or 10, fresh=args.fresh, only=args.only
        )


if __name__ == "__main__":
    main()
