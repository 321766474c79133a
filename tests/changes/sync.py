"""A client of the change feed, as docs/api.md tells other systems to write one: keep a copy
keyed by (type, id), apply each page, keep the last `sync_token`."""

from django.db import connection
from django.test.utils import CaptureQueriesContext

from tests.api_base import url

FEED = url("changes")


class Replica:
    """One system's copy of what its reader may read, kept by the feed."""

    def __init__(self, client):
        self.client = client
        self.copy: dict[tuple[str, object], dict] = {}
        self.token: str | None = None
        self.pages = 0
        self.seqs: list[int] = []

    def run(self, page_size: int | None = None) -> "Replica":
        """One run: follow `next` until the feed has nothing more now."""
        params = {"since": self.token} if self.token else {}
        if page_size:
            params["page_size"] = page_size
        response = self.client.get(FEED, params)
        while True:
            assert response.status_code == 200, response.content[:500]
            body = response.json()
            for entry in body["results"]:
                self.apply(entry)
            self.token = body["sync_token"]
            self.pages += 1
            if body["next"] is None:
                return self
            response = self.client.get(body["next"])

    def apply(self, entry: dict) -> None:
        self.seqs.append(entry["seq"])
        key = (entry["type"], entry["id"])
        if entry["op"] == "upsert":
            self.copy[key] = entry["object"]
        else:
            assert entry["op"] == "delete" and "object" not in entry, entry
            self.copy.pop(key, None)


def fresh(client) -> dict:
    """What the reader may read now: a first run's snapshot, from nothing."""
    return Replica(client).run().copy


def page_cost(client, token: str) -> tuple[int, int]:
    """The queries one page from `token` costs, and its entries (after a first read has
    numbered the new entries: the sequencer's writes are not the page's)."""
    client.get(FEED, {"since": token})
    with CaptureQueriesContext(connection) as captured:
        response = client.get(FEED, {"since": token})
    assert response.status_code == 200
    return len(captured), len(response.json()["results"])
