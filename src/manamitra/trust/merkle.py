"""RFC 9162 Merkle tree hashing, proofs and their verification, over a store of subtree hashes.

Hashing is exactly RFC 9162 §2.1: a leaf is SHA-256(0x00 ‖ entry), an interior node
SHA-256(0x01 ‖ left ‖ right), and a tree of n leaves splits at the largest power of two
below n. Proofs are generated from *complete* subtree hashes, addressed as (level, index):
the subtree of 2**level leaves starting at leaf index * 2**level. A log stores each one as
it completes, so any proof needs O(log n) reads and never a rebuild of the tree.
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable, Iterable, Sequence

HASH_SIZE = 32
EMPTY_ROOT = hashlib.sha256(b"").digest()

NodeKey = tuple[int, int]
NodeReader = Callable[[int, int], bytes]


def leaf_hash(entry: bytes) -> bytes:
    return hashlib.sha256(b"\x00" + entry).digest()


def node_hash(left: bytes, right: bytes) -> bytes:
    return hashlib.sha256(b"\x01" + left + right).digest()


def _split(n: int) -> int:
    """The largest power of two strictly below n (n ≥ 2)."""
    return 1 << ((n - 1).bit_length() - 1)


def root_of(leaves: Sequence[bytes]) -> bytes:
    """MTH of already-hashed leaves (a reference implementation, O(n))."""
    if not leaves:
        return EMPTY_ROOT
    level = list(leaves)
    while len(level) > 1:
        nxt = [node_hash(level[i], level[i + 1]) for i in range(0, len(level) - 1, 2)]
        if len(level) % 2:
            nxt.append(level[-1])
        level = nxt
    return level[0]


# ---- compact ranges: the frontier of complete subtrees that makes up a tree ----------------


def frontier_append(
    frontier: list[bytes], size: int, leaf: bytes
) -> tuple[list[bytes], list[tuple[int, int, bytes]]]:
    """Add one leaf to a tree of `size` leaves whose frontier (left to right, one complete
    subtree hash per set bit of size) is given; returns the new frontier and every complete
    subtree (level, index, hash) that the leaf completes, the leaf itself first."""
    completed = [(0, size, leaf)]
    stack = list(frontier)
    current, index, level = leaf, size, 0
    while index & 1:
        left = stack.pop()
        current = node_hash(left, current)
        index >>= 1
        level += 1
        completed.append((level, index, current))
    stack.append(current)
    return stack, completed


def frontier_root(frontier: Sequence[bytes]) -> bytes:
    if not frontier:
        return EMPTY_ROOT
    root = frontier[-1]
    for left in reversed(frontier[:-1]):
        root = node_hash(left, root)
    return root


# ---- proofs from a node store ---------------------------------------------------------------


def _range_hash(start: int, end: int, get: NodeReader) -> bytes:
    """Hash of leaves [start, end) where start is aligned to the largest power of two ≤ n,
    as every range in the RFC 9162 recursion is."""
    n = end - start
    if n & (n - 1) == 0:
        level = n.bit_length() - 1
        return get(level, start >> level)
    k = _split(n)
    return node_hash(
        get(k.bit_length() - 1, start >> (k.bit_length() - 1)), _range_hash(start + k, end, get)
    )


def _inclusion(m: int, start: int, end: int, get: NodeReader) -> list[bytes]:
    n = end - start
    if n == 1:
        return []
    k = _split(n)
    if m < k:
        return [*_inclusion(m, start, start + k, get), _range_hash(start + k, end, get)]
    return [*_inclusion(m - k, start + k, end, get), _range_hash(start, start + k, get)]


def _subproof(m: int, start: int, end: int, complete: bool, get: NodeReader) -> list[bytes]:
    n = end - start
    if m == n:
        return [] if complete else [_range_hash(start, end, get)]
    k = _split(n)
    if m <= k:
        return [*_subproof(m, start, start + k, complete, get), _range_hash(start + k, end, get)]
    return [*_subproof(m - k, start + k, end, False, get), _range_hash(start, start + k, get)]


def _prefetched(
    build: Callable[[NodeReader], list[bytes]],
    fetch: Callable[[Iterable[NodeKey]], dict[NodeKey, bytes]],
) -> list[bytes]:
    """Run a proof twice: once to learn which nodes it reads, then with them fetched at once
    (one round trip to the store instead of one per level)."""
    wanted: set[NodeKey] = set()

    def record(level: int, index: int) -> bytes:
        wanted.add((level, index))
        return bytes(HASH_SIZE)

    build(record)
    nodes = fetch(wanted)

    def read(level: int, index: int) -> bytes:
        return nodes[(level, index)]

    return build(read)


def inclusion_proof(
    index: int, size: int, fetch: Callable[[Iterable[NodeKey]], dict[NodeKey, bytes]]
) -> list[bytes]:
    if not 0 <= index < size:
        raise ValueError(f"leaf {index} is not in a tree of {size}")
    return _prefetched(lambda get: _inclusion(index, 0, size, get), fetch)


def consistency_proof(
    first: int, second: int, fetch: Callable[[Iterable[NodeKey]], dict[NodeKey, bytes]]
) -> list[bytes]:
    if not 0 <= first <= second:
        raise ValueError(f"no consistency proof from {first} to {second}")
    if first == 0 or first == second:
        return []
    return _prefetched(lambda get: _subproof(first, 0, second, True, get), fetch)


def tree_root(size: int, fetch: Callable[[Iterable[NodeKey]], dict[NodeKey, bytes]]) -> bytes:
    """The root of the first `size` leaves (any earlier tree head), from stored subtrees."""
    if size == 0:
        return EMPTY_ROOT
    return _prefetched(lambda get: [_range_hash(0, size, get)], fetch)[0]


def complete_subtrees(size: int) -> list[NodeKey]:
    """The (level, index) of each complete subtree in a tree of `size`, left to right."""
    keys = []
    start = 0
    for level in range(size.bit_length() - 1, -1, -1):
        if size & (1 << level):
            keys.append((level, start >> level))
            start += 1 << level
    return keys


# ---- verification (RFC 9162 §2.1.3.2 and §2.1.4.2) ------------------------------------------


def root_from_inclusion(index: int, size: int, leaf: bytes, proof: Sequence[bytes]) -> bytes:
    if not 0 <= index < size:
        raise ValueError("leaf index outside the tree")
    fn, sn = index, size - 1
    r = leaf
    for p in proof:
        if sn == 0:
            raise ValueError("inclusion proof too long")
        if fn & 1 or fn == sn:
            r = node_hash(p, r)
            if not fn & 1:
                while fn and not fn & 1:
                    fn >>= 1
                    sn >>= 1
        else:
            r = node_hash(r, p)
        fn >>= 1
        sn >>= 1
    if sn != 0:
        raise ValueError("inclusion proof too short")
    return r


def verify_inclusion(
    index: int, size: int, leaf: bytes, proof: Sequence[bytes], root: bytes
) -> bool:
    try:
        return root_from_inclusion(index, size, leaf, proof) == root
    except ValueError:
        return False


def verify_consistency(
    first: int, second: int, first_root: bytes, second_root: bytes, proof: Sequence[bytes]
) -> bool:
    if not 0 <= first <= second:
        return False
    if first == second:
        return not proof and first_root == second_root
    if first == 0:
        return not proof and first_root == EMPTY_ROOT
    if not proof:
        return False
    path = list(proof)
    if first & (first - 1) == 0:
        path.insert(0, first_root)
    fn, sn = first - 1, second - 1
    while fn & 1:
        fn >>= 1
        sn >>= 1
    fr = sr = path[0]
    for c in path[1:]:
        if sn == 0:
            return False
        if fn & 1 or fn == sn:
            fr = node_hash(c, fr)
            sr = node_hash(c, sr)
            if not fn & 1:
                while fn and not fn & 1:
                    fn >>= 1
                    sn >>= 1
        else:
            sr = node_hash(sr, c)
        fn >>= 1
        sn >>= 1
    return sn == 0 and fr == first_root and sr == second_root


class MemoryTree:
    """A whole tree in memory with the same node store as the log (tests, the CLI audit)."""

    def __init__(self) -> None:
        self.size = 0
        self.frontier: list[bytes] = []
        self.nodes: dict[NodeKey, bytes] = {}

    def append(self, entry_leaf_hash: bytes) -> None:
        self.frontier, completed = frontier_append(self.frontier, self.size, entry_leaf_hash)
        for level, index, digest in completed:
            self.nodes[(level, index)] = digest
        self.size += 1

    def fetch(self, keys: Iterable[NodeKey]) -> dict[NodeKey, bytes]:
        return {key: self.nodes[key] for key in keys}

    def root(self, size: int | None = None) -> bytes:
        if size is None or size == self.size:
            return frontier_root(self.frontier)
        return tree_root(size, self.fetch)

    def inclusion_proof(self, index: int, size: int | None = None) -> list[bytes]:
        return inclusion_proof(index, self.size if size is None else size, self.fetch)

    def consistency_proof(self, first: int, second: int | None = None) -> list[bytes]:
        return consistency_proof(first, self.size if second is None else second, self.fetch)
