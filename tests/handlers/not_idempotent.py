"""Treats a repeated event id as an error instead of skipping it."""

SEEN = set()


def handle(event):
    if event["id"] in SEEN:
        raise RuntimeError(f"event {event['id']} processed twice")  # BUG: at-least-once
    SEEN.add(event["id"])
