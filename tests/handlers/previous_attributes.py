"""Assumes matter.updated always says what changed, and that status changed."""


def handle(event):
    if event["type"] == "matter.updated":
        return event["data"]["previous_attributes"]["status"]  # BUG: optional, free-form
    return None
