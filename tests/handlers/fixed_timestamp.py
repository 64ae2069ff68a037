"""Parses occurred_at with one fixed format (milliseconds and Z only)."""

from datetime import datetime


def handle(event):
    return datetime.strptime(event["occurred_at"], "%Y-%m-%dT%H:%M:%S.%fZ")  # BUG
