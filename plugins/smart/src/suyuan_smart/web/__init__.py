"""The 12345 desk in the browser: the hotline centre, a handling unit, the callback team, and an
order at a glance."""
