"""Keys met so far (in an imported file) with the row that had each, in 12 bytes a slot.

A dict of strings to row numbers costs about 130 bytes a key: 130 MB for a million-row file,
most of the import's memory budget. This table keeps a 64-bit hash of each key and its row in
two flat arrays (open addressing, at most 70% full). Two different keys share a 64-bit hash
with a chance of about 1 in 30 million for a million-row file, and then the later row would
be reported as repeating the earlier one: a rejected row the person can see and correct, never
a silent loss.
"""

from array import array
from hashlib import blake2b

_EMPTY = 0


def _hash(key: str) -> int:
    # Not Python's hash(): it is salted per process, and a stable value costs nothing extra.
    value = int.from_bytes(blake2b(key.encode(), digest_size=8).digest(), "little", signed=True)
    return value or 1  # 0 marks an empty slot


class SeenKeys:
    def __init__(self, capacity: int = 1 << 12, *, expected: int | None = None):
        # Sized for the keys expected (a file's estimated rows), the table never grows, so it
        # never holds its old and new arrays at once.
        if expected:
            capacity = max(capacity, min(expected, 5_000_000) * 10 // 7 + 1)
        self._size = capacity
        self._hashes = array("q", bytes(8 * capacity))
        self._rows = array("i", bytes(4 * capacity))
        self._count = 0

    def __len__(self) -> int:
        return self._count

    def _slot(self, h: int) -> int:
        size = self._size
        i = h % size
        hashes = self._hashes
        while hashes[i] != _EMPTY and hashes[i] != h:
            i += 1
            if i == size:
                i = 0
        return i

    def __contains__(self, key: str) -> bool:
        return self.get(key) is not None

    def get(self, key: str) -> int | None:
        """The row that had `key` first, or None."""
        h = _hash(key)
        i = self._slot(h)
        return self._rows[i] if self._hashes[i] == h else None

    def setdefault(self, key: str, row: int) -> int:
        """Remember `row` for `key` unless a row has it already; answers the first row."""
        h = _hash(key)
        i = self._slot(h)
        if self._hashes[i] == h:
            return self._rows[i]
        self._hashes[i], self._rows[i] = h, row
        self._count += 1
        if self._count * 10 > self._size * 7:
            self._grow()
        return row

    def _grow(self) -> None:
        hashes, rows = self._hashes, self._rows
        self._size = self._size * 3 // 2 + 1
        self._hashes = array("q", bytes(8 * self._size))
        self._rows = array("i", bytes(4 * self._size))
        for h, r in zip(hashes, rows, strict=True):
            if h != _EMPTY:
                i = self._slot(h)
                self._hashes[i], self._rows[i] = h, r
