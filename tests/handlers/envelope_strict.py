"""Checks the envelope has exactly the four documented keys."""


def handle(event):
    assert set(event) == {"id", "type", "occurred_at", "data"}, sorted(event)  # BUG
