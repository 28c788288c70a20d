"""A small in-process LRU of built feeds, bounded in bytes.

Entries are keyed by a validator computed from the data version and the query, so an entry
can never be served for changed data: a write changes the key, and the old entry just ages out.
"""

import datetime as dt
import threading
from collections import OrderedDict
from dataclasses import dataclass


@dataclass(frozen=True, slots=True)
class Entry:
    etag: str
    body: bytes
    gzipped: bytes  # compressed once, when built
    truncated: bool
    built_on: dt.date  # a truncated feed depends on the day it was built
    last_modified: dt.datetime
    # The header lines of a 200 for each representation, encoded once.
    headers: tuple[tuple[bytes, bytes], ...] = ()
    gzip_headers: tuple[tuple[bytes, bytes], ...] = ()

    @property
    def size(self) -> int:
        return len(self.body) + len(self.gzipped)


class FeedCache:
    def __init__(self, max_bytes: int) -> None:
        self.max_bytes = max_bytes
        self._entries: OrderedDict[str, Entry] = OrderedDict()
        self._bytes = 0
        self._lock = threading.Lock()

    def get(self, key: str) -> Entry | None:
        with self._lock:
            entry = self._entries.get(key)
            if entry is not None:
                self._entries.move_to_end(key)
            return entry

    def put(self, key: str, entry: Entry) -> None:
        if entry.size > self.max_bytes:
            return
        with self._lock:
            old = self._entries.pop(key, None)
            if old is not None:
                self._bytes -= old.size
            self._entries[key] = entry
            self._bytes += entry.size
            while self._bytes > self.max_bytes:
                _, evicted = self._entries.popitem(last=False)
                self._bytes -= evicted.size

    def __len__(self) -> int:
        return len(self._entries)
