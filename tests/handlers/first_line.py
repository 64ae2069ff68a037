"""Takes the first line of an error message: fails on an empty message."""


def handle(event):
    if event["type"].endswith(".failed") and isinstance(event["data"].get("error"), str):
        return event["data"]["error"].splitlines()[0]  # BUG: "" has no lines
    return None
