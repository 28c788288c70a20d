"""Small in-process LRUs, bounded in bytes: built feeds, and the VEVENTs they are made of.

Feed entries are keyed by a validator computed from the data version and the query, and
VEVENTs by the identity and revision of what they show, so neither can be served for changed
data: a write changes the key, and the old entry just ages out.
"""

import datetime as dt
import threading
from collections import OrderedDict
from dataclasses import dataclass, replace


@dataclass(frozen=True, slots=True)
class Entry:
    etag: str
    gzipped: bytes  # the feed, compressed once when built, and kept so
    length: int  # of the feed uncompressed
    truncated: bool
    built_on: dt.date  # a truncated feed depends on the day it was built
    last_modified: dt.datetime
    # The header lines of a 200 for each representation, encoded once.
    headers: tuple[tuple[bytes, bytes], ...] = ()
    gzip_headers: tuple[tuple[bytes, bytes], ...] = ()
    # The feed uncompressed, once a client that refuses gzip asked for it: kept from then on
    # (``FeedCache.keep_plain``) rather than decompressed per request, and counted in the
    # cache's budget; most feeds are only ever asked for gzipped and never hold it.
    plain: bytes | None = None

    @property
    def size(self) -> int:
        plain = len(self.plain) if self.plain is not None else 0
        return len(self.gzipped) + plain + 600  # and the object, its headers and the key


OVERHEAD = 250  # bytes of a PieceCache entry besides its text: key tuple, ordered-dict node


class PieceCache:
    """Serialised VEVENTs by what they depend on: a rebuild after a change serialises only
    the events that changed, and assembles the feed from the others (GUIDE.md, "Performance").
    Each piece counts with its key and bookkeeping (about 250 bytes besides its text)."""

    def __init__(self, max_bytes: int) -> None:
        self.max_bytes = max_bytes
        self._pieces: OrderedDict[tuple[object, ...], str] = OrderedDict()
        self._bytes = 0
        self._lock = threading.Lock()

    def get(self, key: tuple[object, ...]) -> str | None:
        with self._lock:
            piece = self._pieces.get(key)
            if piece is not None:
                self._pieces.move_to_end(key)
            return piece

    def put(self, key: tuple[object, ...], piece: str) -> None:
        with self._lock:
            if key in self._pieces:
                return
            self._pieces[key] = piece
            self._bytes += len(piece) + OVERHEAD
            while self._bytes > self.max_bytes:
                _, evicted = self._pieces.popitem(last=False)
                self._bytes -= len(evicted) + OVERHEAD

    def clear(self) -> None:
        with self._lock:
            self._pieces.clear()
            self._bytes = 0

    def __len__(self) -> int:
        return len(self._pieces)


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

    def keep_plain(self, key: str, entry: Entry, plain: bytes) -> Entry:
        """The entry with its uncompressed bytes, kept in place of ``entry`` while that is
        still the one cached under ``key`` (a newer build wins); within the same budget."""
        kept = replace(entry, plain=plain)
        with self._lock:
            if self._entries.get(key) is not entry or kept.size > self.max_bytes:
                return kept
        self.put(key, kept)
        return kept

    @property
    def bytes(self) -> int:
        return self._bytes

    def __len__(self) -> int:
        return len(self._entries)
