"""Plausible Chinese personal names for synthetic roster members and parties.

Surnames are weighted roughly as they are common in Sichuan; given names are one or two
characters from pools typical of the generations now serving as mediators and grid workers.
Everything comes from the ``random.Random`` passed in, so the same seed gives the same people.
"""

from __future__ import annotations

import random

#: (surname, weight): the frequent ones first.
SURNAMES = [
    ("王", 60), ("李", 60), ("张", 55), ("刘", 55), ("陈", 50), ("杨", 40), ("黄", 30),
    ("周", 28), ("吴", 25), ("赵", 22), ("徐", 18), ("罗", 18), ("何", 18), ("曾", 16),
    ("邓", 16), ("谢", 14), ("唐", 14), ("胡", 14), ("蒋", 12), ("彭", 12), ("冯", 10),
    ("郭", 10), ("廖", 10), ("余", 10), ("向", 8), ("钟", 8), ("魏", 8), ("汪", 6),
    ("熊", 8), ("苏", 6), ("肖", 8), ("付", 6), ("雷", 6), ("袁", 8), ("田", 6), ("宋", 6),
    ("杜", 6), ("龚", 5), ("范", 5), ("程", 5), ("石", 5), ("邹", 5), ("严", 4), ("游", 4),
    ("文", 4), ("卢", 4), ("蔡", 4), ("任", 5), ("姚", 4), ("康", 3), ("代", 3), ("贺", 3),
]
MALE = list("建国明华军伟强平勇志德文成林海春永光杰斌涛辉刚宇鹏福贵兵云山发忠洪清祥民安"
            "良俊峰江荣彬远")
FEMALE = list("芳秀英丽敏静玲娟霞红燕梅兰琴萍桂珍凤莉慧艳婷雪蓉琼淑春华英小晓丹琳")

_SURNAME_CHOICES = [s for s, _ in SURNAMES]
_SURNAME_WEIGHTS = [w for _, w in SURNAMES]


def surname(rng: random.Random) -> str:
    return rng.choices(_SURNAME_CHOICES, _SURNAME_WEIGHTS)[0]


def person(rng: random.Random, gender: str) -> str:
    """A full name (surname + one or two characters) for ``female`` or ``male``."""
    pool = FEMALE if gender == "female" else MALE
    given = rng.choice(pool)
    if rng.random() < 0.7:
        given += rng.choice(pool)
    return surname(rng) + given
