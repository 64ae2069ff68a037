"""Strips the Z and compares naive datetimes: breaks on numeric offsets."""

from datetime import datetime

CUTOFF = datetime(2001, 1, 1)


def handle(event):
    occurred = datetime.fromisoformat(event["occurred_at"].replace("Z", ""))
    return occurred < CUTOFF  # BUG: '+05:30' makes occurred aware, CUTOFF is naive
