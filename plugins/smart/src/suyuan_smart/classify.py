"""Classification (智能分类): jieba word segmentation, the county's keyword rules, and what was
learned from the categories officers confirmed on past cases. A suggestion, never a decision:
the officer confirms or changes it (``confirm``), and that confirmation is what is learned."""

from __future__ import annotations

import logging
import math
import re
from collections import Counter
from collections.abc import Iterable

import jieba
from sqlalchemy import delete, func, select
from sqlalchemy.orm import Session

from suyuan_core import Case, Deployment, Suggestion, ValidationError, tables
from suyuan_smart.common import settings
from suyuan_smart.models import terms

jieba.setLogLevel(logging.WARNING)
_WORD = re.compile(r"[\u4e00-\u9fffA-Za-z]")
STOP = frozenset({
                  "的", "了", "在", "是", "我", "你", "他", "她", "们", "有", "和", "就",
                  "不", "人", "都", "一", "一个", "也", "很", "到", "说", "要", "去", "没有",
                  "着", "这", "那", "请", "反映", "问题", "希望", "处理", "解决", "相关", "部门", "情况",
                  "市民", "来电", "诉求"})


def tokens(text: str) -> list[str]:
    """Words of ``text`` that carry meaning (jieba's precise mode, stop words dropped)."""
    return [w for w in jieba.lcut(text) if len(w) > 1 and _WORD.search(w) and w not in STOP]


def by_keywords(d: Deployment, text: str) -> list[Suggestion]:
    """Keyword rules from config: each matched keyword adds weight; 3+ hits is near-certain."""
    out = []
    for category, words in settings(d).keywords.items():
        hits = [w for w in words if w in text]
        if hits:
            confidence = round(min(0.95, 0.5 + 0.15 * (len(hits) - 1)), 3)
            out.append(Suggestion(category, confidence, "关键词 keywords: " + "、".join(hits)))
    return out


def by_learning(d: Deployment, words: Iterable[str], session: Session) -> list[Suggestion]:
    """Naive Bayes over the term counts of confirmed cases; the posterior is the confidence."""
    words = list(dict.fromkeys(words))
    if not words:
        return []
    totals = dict(session.execute(select(terms.c.category, func.sum(terms.c.count))
                                  .group_by(terms.c.category)).all())
    if not totals:
        return []
    counts: dict[tuple[str, str], int] = {
        (t, c): n for t, c, n in session.execute(
            select(terms.c.term, terms.c.category, terms.c.count).where(terms.c.term.in_(words)))}
    if not counts:
        return []
    vocab = max(1, int(session.scalar(select(func.count(func.distinct(terms.c.term)))) or 1))
    grand = sum(totals.values())
    logp = {}
    for category, total in totals.items():
        score = math.log(total / grand)
        for w in words:
            score += math.log((counts.get((w, category), 0) + 1) / (total + vocab))
        logp[category] = score
    top = max(logp.values())
    weights = {c: math.exp(v - top) for c, v in logp.items()}
    norm = sum(weights.values())
    known = {w for (w, _) in counts}
    out = []
    for category, weight in sorted(weights.items(), key=lambda kv: -kv[1])[:3]:
        evidence = [w for w in words if (w, category) in counts][:5]
        if evidence:
            # scale by how many of the words were ever seen: unseen text is not evidence
            confidence = round(weight / norm * len(known) / len(words), 3)
            out.append(Suggestion(category, confidence, "历史案例 learned from past cases: "
                                  + "、".join(evidence)))
    return out


def suggest(d: Deployment, text: str, session: Session | None = None) -> list[Suggestion]:
    """Both sources merged; a category both agree on gets the stronger confidence plus a bonus."""
    if not text.strip():
        return []
    words = tokens(text)
    if session is None:
        with d.reading() as s:
            learned = by_learning(d, words, s)
    else:
        learned = by_learning(d, words, session)
    best: dict[str, Suggestion] = {}
    for s_ in [*by_keywords(d, text), *learned]:
        if s_.category not in d.categories:
            continue
        old = best.get(s_.category)
        if old is None:
            best[s_.category] = s_
        else:
            conf = round(min(0.99, max(old.confidence, s_.confidence) + 0.1), 3)
            best[s_.category] = Suggestion(s_.category, conf, f"{old.reason}; {s_.reason}")
    return sorted(best.values(), key=lambda x: -x.confidence)


def learn(session: Session, text: str, category: str, weight: int = 1) -> None:
    """Add (or, with a negative weight, take back) one confirmed text's terms."""
    for term, n in Counter(tokens(text)).items():
        term = term[:64]
        row = session.execute(select(terms.c.count).where(
            terms.c.term == term, terms.c.category == category)).first()
        if row is None:
            if weight > 0:
                session.execute(terms.insert().values(term=term, category=category,
                                                      count=n * weight))
        else:
            session.execute(terms.update().where(terms.c.term == term,
                                                 terms.c.category == category)
                            .values(count=max(0, row[0] + n * weight)))


def confirm(d: Deployment, case_id: int, category: str, *, actor: str,
    session: Session | None = None) -> Case:
    """The officer confirms (or changes) a case's category: an ``update`` event if it changed, a
    ``smart.category_confirmed`` event, and the terms learned, in one transaction."""
    if category not in d.categories:
        raise ValidationError(f"unknown category {category!r}", field="category", rule="exists",
                              hint="see `suyuan categories` for the codes")
    with d.transaction(session) as s:
        case = d.cases.get(case_id, s, lock=True)
        text = f"{case.title} {case.description}"
        previous = case.data.get("smart_confirmed_category")
        if previous:
            learn(s, text, previous, -1)
        if case.category != category:
            d.cases.record(case_id, "update", actor=actor, session=s,
                           data={"fields": {"category": category}, "was": case.category})
        after = d.cases.record(case_id, "smart.category_confirmed", actor=actor, session=s,
                               data={"category": category,
                                     "case_data": {"smart_confirmed_category": category}})
        learn(s, text, category, +1)
        return after


def relearn(d: Deployment) -> int:
    """Rebuild the learned terms from every case whose category was confirmed."""
    c = tables.cases.c
    with d.transaction() as s:
        s.execute(delete(terms))
        rows = s.execute(select(c.title, c.description, c.category, c.data)
                         .where(c.merged_into.is_(None))).all()
        n = 0
        for title, description, category, data in rows:
            if (data or {}).get("smart_confirmed_category"):
                learn(s, f"{title} {description or ''}", category)
                n += 1
        return n
