"""研判's reasoning, apart from its layout: the nature of a case (civil, administrative, and the
risks of turning criminal or into a group incident — rules from the category and keywords, in
``[plugins.smart] natures``), the words that distinguish one category's appeals from the rest,
and where a series is heading against the periods before it."""

from __future__ import annotations

import math
import statistics
from collections import Counter
from collections.abc import Iterable, Sequence
from typing import Any

from suyuan_smart.settings import Nature

#: a word distinguishes a category when its z-score is at least this (one-sided 5%: only words
#: a category uses *more* are asked for).
Z_MIN = 1.645
#: …and at least this many of the category's cases use it (one case is an anecdote).
MIN_CASES = 2
#: the strength of the prior (the period's own word shares) in the log-odds, in words: small, so a
#: town's week of 30 appeals still shows its words, and negligible in a county's month.
PRIOR = 10.0
DIRECTIONS = {"up": ("上升", "rising"), "down": ("下降", "falling"), "flat": ("持平", "steady")}


def nature_of(rules: Sequence[Nature], default: str, category: str,
              text: str) -> tuple[str, list[str]]:
    """The case's nature and its risks. The category decides the nature where a rule names it
    (the first such rule); otherwise the first rule with a keyword in the text; otherwise
    ``default``. Every ``risk`` rule whose category or a keyword matches adds its risk."""
    natures = [r for r in rules if r.kind == "nature"]
    nature = next((r.code for r in natures if category in r.categories), None)
    if nature is None:
        nature = next((r.code for r in natures if any(w and w in text for w in r.keywords)),
                      default)
    risks = [r.code for r in rules if r.kind == "risk"
             and (category in r.categories or any(w and w in text for w in r.keywords))]
    return nature, risks


def distinguishing(docs: Iterable[tuple[str, Iterable[str]]], top: int = 8) -> dict[str, list[
        dict[str, Any]]]:
    """For each category, the words its cases use markedly more than the other categories' —
    the weighted log-odds ratio with an informative Dirichlet prior (Monroe, Colaresi & Quinn
    2008, "Fightin' Words"): each word counted once per case, the period's own word shares as
    the prior, the log-odds difference divided by its standard error. Raw frequency would name
    the words every appeal uses ("小区", "居民"); this names the ones that set a category apart.
    A category alone in the period has nothing to be set apart from: no words."""
    by_cat: dict[str, Counter[str]] = {}
    cases: Counter[str] = Counter()
    total: Counter[str] = Counter()
    for category, words in docs:
        distinct = set(words)
        by_cat.setdefault(category, Counter()).update(distinct)
        cases[category] += 1
        total.update(distinct)
    n_all = sum(total.values())
    out: dict[str, list[dict[str, Any]]] = {}
    for category, counts in by_cat.items():
        n_in = sum(counts.values())
        n_out = n_all - n_in
        rows: list[dict[str, Any]] = []
        if n_out > 0:
            for word, y_in in counts.items():
                if y_in < MIN_CASES:
                    continue
                y_out = total[word] - y_in
                a = PRIOR * total[word] / n_all
                odds_in = (y_in + a) / max(n_in + PRIOR - y_in - a, 1e-9)
                odds_out = (y_out + a) / max(n_out + PRIOR - y_out - a, 1e-9)
                z = (math.log(odds_in) - math.log(odds_out)) / math.sqrt(
                    1 / (y_in + a) + 1 / (y_out + a))
                if z >= Z_MIN:
                    rows.append({"word": word, "z": round(z, 2), "cases": y_in,
                                 "share": round(100 * y_in / cases[category], 1),
                                 "elsewhere": y_out})
        out[category] = sorted(rows, key=lambda r: (-r["z"], r["word"]))[:top]
    return out


def heading(series: Sequence[float | int], threshold: float) -> dict[str, Any]:
    """Where ``series`` (oldest first, the current period last) is heading: the change against
    the period before and against the mean of all the periods before, the least-squares slope
    per period, and a direction — rising or falling when the current period is more than
    ``threshold`` (a share) off the mean before it, else steady."""
    current, before = float(series[-1]), [float(x) for x in series[:-1]]
    mean = statistics.fmean(before) if before else 0.0
    slope = (statistics.linear_regression(range(len(series)), [float(x) for x in series]).slope
             if len(series) >= 2 else 0.0)
    if mean == 0:
        direction = "up" if current > 0 else "flat"
    else:
        ratio = (current - mean) / mean
        direction = "up" if ratio > threshold else "down" if ratio < -threshold else "flat"
    return {"current": series[-1], "previous": series[-2] if len(series) > 1 else None,
            "change": series[-1] - series[-2] if len(series) > 1 else None,
            "mean_before": round(mean, 2),
            "vs_mean_pct": round(100 * (current - mean) / mean, 1) if mean else None,
            "slope": round(slope, 2), "direction": direction,
            "direction_zh": DIRECTIONS[direction][0], "direction_en": DIRECTIONS[direction][1]}
