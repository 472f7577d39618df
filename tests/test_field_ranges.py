"""A field's range is declared once (``inputs.accepts`` / ``inputs.ranged``): the OpenAPI schema
``bodies.object_schema`` writes and the refusals of ``bodies.parse`` / ``inputs.from_dict`` (API,
forms, imports) must agree value for value — checked here by validating the same values against
the generated schema with a JSON Schema validator."""

from __future__ import annotations

import datetime as dt
import re

import attrs
import jsonschema_rs
import pytest
from hypothesis import given
from hypothesis import strategies as st

from suyuan_core import PERIOD_PATTERN, ValidationError, bodies, inputs, parse_period, period_pattern
from suyuan_core.metrics.periods import days_up_to

KINDS = ("talk", "lecture")


@attrs.frozen
class LectureIn:
    """A lecture (the test's input class)."""

    topic: str = inputs.ranged(min_length=1, max_length=10, pattern=inputs.FILLED)
    kind: str = inputs.ranged(default="talk", enum=KINDS)
    attendance: int = inputs.ranged(default=0, minimum=0, maximum=500)
    speakers: tuple[str, ...] = inputs.ranged(default=(), converter=inputs.strs, max_items=2,
                                              items={"min_length": 1, "max_length": 5})
    note: str = attrs.field(default="", metadata=inputs.accepts(max_length=3))


def _schema() -> dict:
    found = bodies.object_schema(LectureIn).to_schema()
    return found


def _accepted(data: dict) -> bool:
    try:
        bodies.parse(LectureIn, data)
    except ValidationError:
        return False
    return True


SAMPLES = [
    {"topic": "law"}, {"topic": ""}, {"topic": "   "}, {"topic": "x" * 10}, {"topic": "x" * 11},
    {"topic": "a", "kind": "lecture"}, {"topic": "a", "kind": "party"},
    {"topic": "a", "attendance": 0}, {"topic": "a", "attendance": 500},
    {"topic": "a", "attendance": 501}, {"topic": "a", "attendance": -1},
    {"topic": "a", "attendance": 20.0},
    {"topic": "a", "speakers": ["ann", "bo"]}, {"topic": "a", "speakers": ["ann", "bo", "cy"]},
    {"topic": "a", "speakers": [""]}, {"topic": "a", "speakers": ["toolong"]},
    {"topic": "a", "note": "abc"}, {"topic": "a", "note": "abcd"},
    {"topic": "a\x00"}, {"topic": "a", "note": "\x00"}, {"topic": "a", "speakers": ["a\x00"]},
]


@pytest.mark.parametrize("data", SAMPLES, ids=[str(s) for s in SAMPLES])
def test_the_schema_and_the_parser_agree(data):
    schema = _schema()
    valid = jsonschema_rs.Draft202012Validator(schema).is_valid(data)
    assert valid == _accepted(data), (data, schema)


def test_the_range_is_in_the_document():
    props = _schema()["properties"]
    assert props["kind"]["enum"] == list(KINDS)
    assert (props["attendance"]["minimum"], props["attendance"]["maximum"]) == (0, 500)
    assert props["topic"]["pattern"] == inputs.FILLED and props["topic"]["maxLength"] == 10
    assert props["speakers"]["maxItems"] == 2 and props["speakers"]["items"]["maxLength"] == 5


def test_building_the_class_directly_is_refused_the_same():
    """A plugin calling a service with an instance it built gets the same refusal."""
    with pytest.raises(ValidationError) as e:
        LectureIn(topic="a", attendance=501)
    assert e.value.field == "attendance" and e.value.rule == "range"
    with pytest.raises(ValidationError):
        LectureIn(topic="a", kind="party")


def test_imports_refuse_the_same_through_from_dict():
    with pytest.raises(ValidationError) as e:
        inputs.from_dict(LectureIn, {"topic": "a", "note": "abcd"})
    assert e.value.field == "note"


PERIODS = ["2026", "1900", "2199", "1899", "2200", "0000", "2026-05", "2026-13", "2026-00",
           "2026-Q4", "2026-Q5", "2026-W01", "2026-W53", "2025-W53", "2026-W00", "2024-02-29",
           "2026-02-29", "2026-04-31", "2026-05-31", "2100-02-29", "2000-02-29", "２０２６",
           " 2026", "2026-5", "2026\n"]


@pytest.mark.parametrize("text", PERIODS)
def test_the_period_pattern_is_what_the_parser_takes(text):
    try:
        parse_period(text)
        taken = True
    except ValidationError:
        taken = False
    assert (re.search(PERIOD_PATTERN, text) is not None) == taken


def test_a_pattern_of_some_grains():
    only = period_pattern("week", "month")
    assert re.search(only, "2026-W10") and re.search(only, "2026-03")
    assert not re.search(only, "2026-03-01") and not re.search(only, "2026")


@given(last=st.dates(dt.date(1900, 1, 1), dt.date(2199, 12, 31)),
       day=st.dates(dt.date(1890, 1, 1), dt.date(2199, 12, 31)))
def test_days_up_to_admits_exactly_the_real_days_until_the_last(last, day):
    pattern = days_up_to(last)
    assert (re.search(pattern, day.isoformat()) is not None) == (
        dt.date(1900, 1, 1) <= day <= last)


@pytest.mark.parametrize("text", ["2026-02-29", "2024-02-30", "2026-04-31", "2026-13-01",
                                  "2026-00-10", "2026-05-00", "2026-5-3", " 2026-05-03"])
def test_days_up_to_refuses_what_is_not_a_day(text):
    assert re.search(days_up_to(dt.date(2199, 12, 31)), text) is None


@attrs.frozen
class HeldIn:
    """A meeting held (the test's not-future input class)."""

    held_on: str = attrs.field(metadata=inputs.accepts(not_future=True))


def test_a_not_future_day_is_a_placeholder_until_the_document_is_served():
    """The class's schema carries :data:`inputs.NOT_FUTURE`; the served document (see
    tests/test_openapi_exact.py) replaces it with the days up to the deployment's today. The
    placeholder itself takes any real day, as ``parse`` does."""
    prop = bodies.object_schema(HeldIn).to_schema()["properties"]["held_on"]
    assert prop["pattern"] == inputs.NOT_FUTURE
    assert bodies.parse(HeldIn, {"held_on": "2199-12-30"}).held_on == "2199-12-30"
    with pytest.raises(ValidationError) as e:
        bodies.parse(HeldIn, {"held_on": "2026-02-30"})
    assert (e.value.field, e.value.rule) == ("held_on", "date")


@attrs.frozen
class GuestIn:
    """A guest of the test's meeting: a nested object's own ranges."""

    name: str = attrs.field(metadata=inputs.accepts(max_length=5, pattern=inputs.FILLED))
    role: str = attrs.field(default="guest", metadata=inputs.accepts(enum=("guest", "host")))


@attrs.frozen
class MeetingIn:
    """A meeting with its guests (a list of nested objects) and its parties."""

    guests: tuple[GuestIn, ...] = attrs.field(default=(),
                                              converter=inputs.nested(GuestIn, "guests"))
    parties: tuple[inputs.PartyInput, ...] = attrs.field(
        default=(), converter=inputs.nested(inputs.PartyInput, "parties"))


NESTED = [
    {"guests": [{"name": "ann"}]}, {"guests": [{"name": "ann", "role": "host"}]},
    {"guests": [{"name": "ann", "role": "boss"}]}, {"guests": [{"name": "toolong"}]},
    {"guests": [{"name": " "}]}, {"guests": [{"role": "host"}]},
    {"guests": [{"name": "ann", "age": 3}]}, {"guests": [{"name": 3}]}, {"guests": ["ann"]},
    {"guests": [{"name": "a\x1f"}]}, {"guests": [{"name": "\x1f"}]},
    {"guests": [{"name": "\u3000"}]}, {"guests": [{"name": "\ufeff"}]},
    {"parties": [{"name": "刘大妈", "role": "applicant", "phone": "138"}]},
    {"parties": [{"name": "刘大妈", "role": "judge"}]}, {"parties": [{"name": "x" * 101}]},
    {"parties": [{"name": "刘", "phone": "1" * 33}]}, {"parties": [{"name": "刘", "fee": 1}]},
]


@pytest.mark.parametrize("data", NESTED, ids=[str(s) for s in NESTED])
def test_a_nested_object_is_refused_as_its_schema_says(data):
    """``tuple[SomeInput, ...]`` is documented as the nested object schema (its ranges, its
    required fields, no other properties) and parse refuses exactly what it forbids."""
    schema = bodies.object_schema(MeetingIn).to_schema()
    valid = jsonschema_rs.Draft202012Validator(schema).is_valid(data)
    try:
        bodies.parse(MeetingIn, data)
        taken = True
    except ValidationError:
        taken = False
    assert valid == taken, (data, schema)


def test_nested_items_are_built_and_their_refusals_name_the_item():
    got = bodies.parse(MeetingIn, {"guests": [{"name": "ann"}, {"name": "bo", "role": "host"}]})
    assert got.guests == (GuestIn("ann"), GuestIn("bo", "host"))
    with pytest.raises(ValidationError) as e:
        inputs.from_dict(MeetingIn, {"guests": [{"name": "ann"}, {"name": "bo", "x": 1}]})
    assert e.value.field == "guests[1]" and e.value.rule == "known_fields"
    with pytest.raises(ValidationError) as e:
        bodies.parse(MeetingIn, {"guests": [{"name": "ann", "role": "boss"}]})
    assert e.value.field == "guests[0].role"


def test_a_nested_object_is_refused_by_the_callers_own_rule_too():
    def no_fee(data, where):
        if "fee" in data:
            raise ValidationError("no fee", field=f"{where}.fee", rule="no_fee")

    with pytest.raises(ValidationError) as e:
        bodies.parse(MeetingIn, {"parties": [{"name": "刘", "fee": 1}]}, refuse=no_fee)
    assert e.value.rule == "no_fee" and e.value.field == "parties[0].fee"


def test_filled_means_what_strip_means_in_both_regex_dialects():
    """``\\s`` differs between Python and the ECMA regexes of JSON Schema, so FILLED spells the
    blanks out: a text is filled exactly when ``strip()`` leaves something."""
    for code in range(1, 0x3001):
        text = chr(code)
        assert (re.search(inputs.FILLED, text) is not None) == bool(text.strip()), hex(code)


@given(day=st.dates(dt.date(1890, 1, 1), dt.date(2210, 12, 31)), weekday=st.integers(0, 6))
def test_a_weekday_pattern_admits_exactly_the_days_on_that_weekday(day, weekday):
    from suyuan_core import weekday_pattern

    assert (re.search(weekday_pattern(weekday), day.isoformat()) is not None) == (
        day.weekday() == weekday and 1900 <= day.year <= 2199)



def test_a_list_body_refuses_what_it_documents():
    """``bodies.list_body`` / ``parse_list``: 1 … max_items items, each an input class; a
    refusal names the item; the route's own check runs on each."""
    schema = bodies.list_body(LectureIn, "lectures", "Lectures", max_items=2).schema_extra
    assert schema["properties"]["lectures"].max_items == 2
    assert schema["required"] == ["lectures"]
    seen = []
    got = bodies.parse_list(LectureIn, {"lectures": [{"topic": "a"}, {"topic": "b"}]},
                            "lectures", max_items=2, each=lambda item, where: seen.append(where))
    assert [g.topic for g in got] == ["a", "b"] and seen == ["lectures[0]", "lectures[1]"]
    for data, field in (({"lectures": []}, "lectures"),
                        ({"lectures": [{"topic": "a"}] * 3}, "lectures"),
                        ({"lectures": [{"topic": "a"}, {"topic": ""}]}, "lectures[1].topic"),
                        ({"lectures": [{"topic": "a"}], "extra": 1}, "body")):
        with pytest.raises(ValidationError) as e:
            bodies.parse_list(LectureIn, data, "lectures", max_items=2)
        assert e.value.field == field, (data, e.value.field)


@attrs.frozen
class SeatIn:
    """One seat of a panel (the test's nested input class)."""

    name: str = inputs.ranged(min_length=1, max_length=5)
    rank: int | None = inputs.ranged(default=None, minimum=1, maximum=9)


@attrs.frozen
class PanelIn:
    """A panel: seats given as objects, each once (the test's list-of-objects class)."""

    seats: tuple[SeatIn, ...] = attrs.field(metadata=inputs.accepts(min_items=1,
                                                                    unique_items=True))


PANELS = [
    {"seats": [{"name": "ann"}]}, {"seats": []}, {"seats": [{"name": "ann"}, {"name": "bo"}]},
    {"seats": [{"name": "ann"}, {"name": "ann"}]},
    {"seats": [{"name": "ann", "rank": 1}, {"name": "ann", "rank": 1}]},
    {"seats": [{"name": "ann", "rank": 1}, {"name": "ann", "rank": 2}]},
    {"seats": [{"name": ""}]}, {"seats": [{"name": "toolong"}]}, {"seats": [{"rank": 1}]},
    {"seats": [{"name": "ann", "rank": 10}]}, {"seats": [{"name": "ann", "rank": "1"}]},
    {"seats": ["ann"]}, {"seats": [{"name": "ann", "seat": 1}]},
]


@pytest.mark.parametrize("data", PANELS, ids=[str(s) for s in PANELS])
def test_a_list_of_objects_each_once_agrees_with_its_schema(data):
    """``unique_items``: two equal items are refused, as the schema's ``uniqueItems`` says; each
    item is checked against the nested class's fields and ranges."""
    schema = bodies.object_schema(PanelIn).to_schema()
    assert schema["properties"]["seats"]["uniqueItems"] is True
    valid = jsonschema_rs.Draft202012Validator(schema).is_valid(data)
    try:
        bodies.parse(PanelIn, data)
        accepted = True
    except ValidationError:
        accepted = False
    assert valid == accepted, (data, schema)


@attrs.frozen
class MetIn:
    """A meeting with its time (the test's not-future time class)."""

    met_at: dt.datetime | None = attrs.field(default=None,
                                             metadata=inputs.accepts(not_future=True))


def test_a_not_future_time_is_a_placeholder_of_its_own():
    """A time field declared ``not_future`` gets :data:`inputs.NOT_FUTURE_TIME` (the served
    document puts the surely past times there, see tests/test_openapi_exact.py); the
    placeholder takes a time in the years counted and refuses what is no time at all."""
    prop = bodies.object_schema(MetIn).to_schema()["properties"]["met_at"]
    assert prop["pattern"] == inputs.NOT_FUTURE_TIME and prop["format"] == "date-time"
    assert bodies.parse(MetIn, {"met_at": "2026-05-03T09:30+08:00"}).met_at
    with pytest.raises(ValidationError):
        bodies.parse(MetIn, {"met_at": "tomorrow"})
