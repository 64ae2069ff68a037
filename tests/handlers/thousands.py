"""Formats a number with the int-only ',d' format."""


def handle(event):
    if event["type"] == "vault.upload.completed":
        return "{:,d} bytes".format(event["data"]["sizeBytes"])  # BUG: 1.5 or 1e21 is a float
    return None
