"""Assumes a list is never empty."""


def handle(event):
    if event["type"].startswith("vault.object.append."):
        return event["data"]["appendObjectIds"][0]  # BUG: the list may be empty
    return None
