"""Stores sizes in an SQLite INTEGER column: overflows beyond 2**63."""

import sqlite3

DB = sqlite3.connect(":memory:", check_same_thread=False)
DB.execute("CREATE TABLE uploads (object_id TEXT, size INTEGER)")
INSERT = "INSERT INTO uploads VALUES (?, ?)"


def handle(event):
    if event["type"] == "vault.upload.completed":
        data = event["data"]
        DB.execute(INSERT, (data["objectId"], data["sizeBytes"]))  # BUG: beyond 64-bit ints
