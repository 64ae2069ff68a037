"""Assumes an upload's initiated event arrives before its completed/failed event."""

UPLOADS = {}


def handle(event):
    data = event["data"]
    key = (data.get("vaultId"), data.get("objectId"))
    if event["type"] == "vault.upload.initiated":
        UPLOADS[key] = {"status": "initiated", "filename": data["filename"]}
    elif event["type"] in ("vault.upload.completed", "vault.upload.failed"):
        UPLOADS[key]["status"] = event["type"].rsplit(".", 1)[1]  # BUG: no ordering guarantee
