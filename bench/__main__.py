"""``python -m bench <name> [--cases N]``: run one benchmark (or ``all``) and print its lines."""

from __future__ import annotations

import argparse
import sys

DEFAULTS = {"intake": 50_000, "metrics": 1_000_000, "memory": 1_000_000, "storage": 20_000}


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench", description=__doc__)
    parser.add_argument("name", choices=[*DEFAULTS, "all", "table"],
                        help="a benchmark, all of them, or `table`: print the saved results as "
                             "Markdown rows")
    parser.add_argument("--cases", type=int, default=None,
                        help="cases to write / build (defaults: " +
                             ", ".join(f"{k} {v:,}" for k, v in DEFAULTS.items()) + ")")
    parser.add_argument("--per-case", type=int, default=None,
                        help="intake: transactions for the per-case runs (default min(cases, 2500))")
    parser.add_argument("--sizes", default=None,
                        help="metrics: comma-separated database sizes (default 100000,<cases>)")
    parser.add_argument("--formats", default="csv,jsonl,xlsx",
                        help="memory: export formats to measure (default csv,jsonl,xlsx)")
    parser.add_argument("--database-url", default=None,
                        help="storage: a PostgreSQL database to drop, create and measure "
                             "(default: a SQLite file)")
    parser.add_argument("--plugins", default=None,
                        help="storage: comma-separated plugins to enable (default all installed; "
                             "'' for the core alone)")
    parser.add_argument("--strict", action="store_true", help="exit 1 when a target is missed")
    args = parser.parse_args(argv)

    if args.name == "table":
        from bench import table

        table.main()
        return 0
    names = list(DEFAULTS) if args.name == "all" else [args.name]
    missed = []
    for name in names:
        cases = args.cases or DEFAULTS[name]
        if name == "intake":
            from bench import intake

            report = intake.run(cases, per_case=args.per_case)
        elif name == "metrics":
            from bench import metrics

            sizes = ([int(x) for x in args.sizes.split(",")] if args.sizes
                     else sorted({min(100_000, cases), cases}))
            report = metrics.run(sizes)
        elif name == "storage":
            from bench import storage

            plugins = None if args.plugins is None else [p for p in args.plugins.split(",") if p]
            report = storage.run(cases, args.database_url, plugins=plugins)
        else:
            from bench import memory

            report = memory.run(cases, formats=args.formats.split(","))
        missed += report.missed
        print()
    if missed:
        print("targets missed: " + "; ".join(x.name for x in missed))
    return 1 if (missed and args.strict) else 0


if __name__ == "__main__":
    sys.exit(main())
