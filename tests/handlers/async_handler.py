"""An async handler (awaited by the fuzzer) that reads an optional field."""

import asyncio

LOCK = asyncio.Lock()  # bound to the worker's event loop on first use


async def handle(event):
    async with LOCK:
        await asyncio.sleep(0)
        if event["type"] == "vault.ingest.completed":
            return event["data"]["chunkCount"] + 1  # BUG: chunkCount is optional
    return None
