"""Reads an optional field (vault.upload.initiated mimeType) as if it were required."""


def handle(event):
    data = event["data"]
    if event["type"] == "vault.upload.initiated":
        kind = data["mimeType"].split("/")[0]  # BUG: mimeType is optional
        return kind
    return None
