"""Domain classes validate at construction: the error names the field and the rule."""

from __future__ import annotations

import datetime as dt

import pytest

from suyuan_core import (
    Area,
    Case,
    CaseEvent,
    Category,
    EventRule,
    MetricDefinition,
    Organisation,
    Permission,
    Person,
    Role,
    ValidationError,
)

NOW = dt.datetime(2026, 5, 1, tzinfo=dt.UTC)


@pytest.mark.parametrize(("build", "field", "rule"), [
    (lambda: Area("bad code!", "某村", "community", "T"), "Area.code", "area_code"),
    (lambda: Area("V1", "", "community", "T"), "Area.name_zh", "non_empty"),
    (lambda: Area("V1", "某村", "village", "T"), "level", "one_of"),
    (lambda: Area("V1", "某村", "community"), "Area.parent_code", "tree"),
    (lambda: Area("X", "法院", "court", "C"), "Area.level", "area_level"),
    (lambda: Case(id=1, kind="lawsuit", title="t", category="neighbour", source="walk_in",
                  area_code="A", level="grid"), "Case.kind", "one_of"),
    (lambda: Case(id=1, kind="dispute", title="t", category="Neighbour!", source="walk_in",
                  area_code="A", level="grid"), "Case.category", "identifier"),
    (lambda: Case(id=1, kind="dispute", title="t", category="neighbour", source="walk_in",
                  area_code="A", level="grid", deadline=dt.datetime(2026, 1, 1)),
     "Case.deadline", "aware_datetime"),
    (lambda: CaseEvent(case_id=1, seq=0, kind="note", actor="a", occurred_at=NOW),
     "CaseEvent.seq", ">= 1"),
    (lambda: Person(external_id="P1", name="王", roles=()), "Person.roles", "non_empty"),
    (lambda: Person(external_id="P1", name="王", roles=("mediator",), capacity=-1),
     "Person.capacity", ">= 0"),
    (lambda: Person(external_id="P1", name="王", roles=("mediator",), gender="x"),
     "Person.gender", "one_of"),
    (lambda: Person(external_id="P1", name="王", roles=("mediator",),
                    active_from=dt.date(2026, 2, 1), active_to=dt.date(2026, 1, 1)),
     "Person.active_to", "period"),
    (lambda: Organisation(external_id="O1", name="委员会", kind="Committee!", area_code="A"),
     "Organisation.kind", "identifier"),
    (lambda: Role("Mediator", ("调解员", "Mediator")), "Role.code", "identifier"),
    (lambda: Role("mediator", ("", "Mediator")), "Label.zh", "non_empty"),
    (lambda: Permission("cases", ("案件", "Cases")), "Permission.code", "dotted_identifier"),
    (lambda: Category("x", ("x", "x"), valid_from=dt.date(2026, 2, 1),
                      valid_to=dt.date(2026, 1, 1)), "Category.valid_to", "period"),
    (lambda: MetricDefinition(key="r", label=("率", "Rate"), unit="percent",
                              numerator=EventRule({"resolve"}, "resolve")),
     "MetricDefinition.denominator", "formula"),
    (lambda: MetricDefinition(key="r", label=("率", "Rate"), unit="count"),
     "MetricDefinition.numerator", "formula"),
    (lambda: MetricDefinition(key="r", label=("率", "Rate"), unit="ratio",
                              numerator=EventRule({"resolve"}, "resolve")),
     "MetricDefinition.unit", "one_of"),
])
def test_bad_values_name_field_and_rule(build, field, rule):
    with pytest.raises(ValidationError) as err:
        build()
    assert err.value.field == field
    assert err.value.rule == rule
    assert field.split(".")[-1] in str(err.value)


def test_good_values_construct():
    area = Area("510121", "金堂县", "county", name_en="Jintang")
    assert area.level.name == "county"
    person = Person(external_id="M1", name="张大爷", roles="mediator;lawyer", areas="A;B")
    assert person.roles == ("mediator", "lawyer") and person.areas == ("A", "B")
    assert person.active_on(dt.date(2026, 1, 1))
