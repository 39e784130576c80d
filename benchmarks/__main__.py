"""python -m benchmarks [all|sweep|documents|export] [--deadlines N] [--due N] [--cases N]
[--repeat N] [--rows N]"""

import argparse
import os
import sys
from pathlib import Path


def main() -> None:
    parser = argparse.ArgumentParser(prog="python -m benchmarks")
    parser.add_argument(
        "which", nargs="?", default="all", choices=["all", "sweep", "documents", "export"]
    )
    parser.add_argument("--deadlines", type=int, default=1_000_000)
    parser.add_argument("--due", type=int, default=50_000)
    parser.add_argument("--cases", type=int, default=100, help="cases to archive")
    parser.add_argument("--repeat", type=int, default=7, help="renders per document kind")
    parser.add_argument("--rows", type=int, default=100_000, help="cases to export")
    args = parser.parse_args()

    root = Path(__file__).resolve().parent.parent
    sys.path.insert(0, str(root))
    # A database of its own: never the centre's data.
    os.environ.setdefault("VAR_DIR", str(root / "var" / "bench"))
    if os.environ.get("DATABASE_URL"):
        from benchmarks.setup import use_bench_database

        use_bench_database()
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
    os.environ["DEBUG"] = "false"
    os.environ.setdefault("SECRET_KEY", "benchmark")
    import django

    django.setup()
    from benchmarks import documents, export, sweep

    if args.which in ("all", "sweep"):
        sweep.run(total=args.deadlines, due=args.due)
    if args.which in ("all", "documents"):
        documents.run(cases=args.cases, repeat=args.repeat)
    if args.which in ("all", "export"):
        export.run(rows=args.rows)


if __name__ == "__main__":
    main()
