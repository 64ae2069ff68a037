"""Writes filenames to a latin-1/ASCII-only system."""


def handle(event):
    if event["type"].startswith("vault.upload."):
        return event["data"].get("filename", "").encode("ascii")  # BUG: non-ASCII names
    return None
