"""``python -m bench table``: the results saved in bench/out/ as the Markdown rows of README.md."""

from __future__ import annotations

import json
from pathlib import Path

from bench.common import OUT


def _fmt(value: float, unit: str) -> str:
    return f"{value:,.3f} ms" if unit == "ms" else f"{value:,.0f} {unit}"


def rows(directory: Path = OUT) -> list[str]:
    out = []
    for path in sorted(directory.glob("*/*.json")):
        data = json.loads(path.read_text())
        if "lines" not in data:
            continue  # a stamp file
        for x in data["lines"]:
            kind = x["target_kind"]
            if kind == "min_speedup":
                rel = f"{x['bare'] / x['ours']:,.0f}× faster"
                goal = f"≥ {x['target']:g}× faster" if x["target"] else ""
            elif kind == "max_value":
                rel = f"×{x['ratio']:.2f} vs the small run"
                goal = f"≤ {x['target']:g} {x['unit']}" if x["target"] else ""
            else:
                rel = f"{x['ratio']:.2f}"
                goal = (("≥ " if kind == "min_ratio" else "≤ ") + f"{x['target']:g}"
                        if x["target"] else "")
            verdict = {True: "met", False: "**missed**", None: ""}[x["ok"]]
            out.append(f"| {data['bench']} {data['cases']:,} | {x['name']} | {_fmt(x['ours'], x['unit'])} | "
                       f"{_fmt(x['bare'], x['unit'])} | {rel} | {goal} | {verdict} |")
    return out


def main() -> None:
    print("| run | line | suyuan | baseline | ratio | target | |")
    print("|---|---|---|---|---|---|---|")
    for row in rows():
        print(row)
