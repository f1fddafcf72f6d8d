"""RFC 9162 hashing and proofs: the published test tree, then properties at many sizes."""

from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st

from manamitra.trust import merkle

# The eight-leaf test tree used by RFC 6962/9162 implementations (certificate-transparency,
# transparency-dev/merkle), with the published roots of each prefix.
LEAVES = [
    bytes.fromhex(h)
    for h in (
        "",
        "00",
        "10",
        "2021",
        "3031",
        "40414243",
        "5051525354555657",
        "606162636465666768696a6b6c6d6e6f",
    )
]
ROOTS = [
    "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855",
    "6e340b9cffb37a989ca544e6bb780a2c78901d3fb33738768511a30617afa01d",
    "fac54203e7cc696cf0dfcb42c92a1d9dbaf70ad9e621f4bd8d98662f00e3c125",
    "aeb6bcfe274b70a14fb067a5e5578264db0fa9b51af5e0ba159158f329e06e77",
    "d37ee418976dd95753c1c73862b9398fa2a2cf9b4ff0fdfe8b30cd95209614b7",
    "4e3bbb1f7b478dcfe71fb631631519a3bca12c9aefca1612bfce4c13a86264d4",
    "76e67dadbcdf1e10e1b74ddc608abd2f98dfb16fbce75277b5232a127f2087ef",
    "ddb89be403809e325750d3d263cd78929c2942b7942a34b77e122c9594a74c8c",
    "5dc9da79a70659a9ad559cb701ded9a2ab9d823aad2f4960cfe370eff4604328",
]
# (leaf index, tree size, audit path)
INCLUSION = [
    (
        0,
        8,
        [
            "96a296d224f285c67bee93c30f8a309157f0daa35dc5b87e410b78630a09cfc7",
            "5f083f0a1a33ca076a95279832580db3e0ef4584bdff1f54c8a360f50de3031e",
            "6b47aaf29ee3c2af9af889bc1fb9254dabd31177f16232dd6aab035ca39bf6e4",
        ],
    ),
    (
        5,
        8,
        [
            "bc1a0643b12e4d2d7c77918f44e0f4f79a838b6cf9ec5b5c283e1f4d88599e6b",
            "ca854ea128ed050b41b35ffc1b87b8eb2bde461e9e3b5596ece6b9d5975a0ae0",
            "d37ee418976dd95753c1c73862b9398fa2a2cf9b4ff0fdfe8b30cd95209614b7",
        ],
    ),
    (2, 3, ["fac54203e7cc696cf0dfcb42c92a1d9dbaf70ad9e621f4bd8d98662f00e3c125"]),
    (
        1,
        5,
        [
            "6e340b9cffb37a989ca544e6bb780a2c78901d3fb33738768511a30617afa01d",
            "5f083f0a1a33ca076a95279832580db3e0ef4584bdff1f54c8a360f50de3031e",
            "bc1a0643b12e4d2d7c77918f44e0f4f79a838b6cf9ec5b5c283e1f4d88599e6b",
        ],
    ),
]
CONSISTENCY = [
    (1, 1, []),
    (
        1,
        8,
        [
            "96a296d224f285c67bee93c30f8a309157f0daa35dc5b87e410b78630a09cfc7",
            "5f083f0a1a33ca076a95279832580db3e0ef4584bdff1f54c8a360f50de3031e",
            "6b47aaf29ee3c2af9af889bc1fb9254dabd31177f16232dd6aab035ca39bf6e4",
        ],
    ),
    (
        6,
        8,
        [
            "0ebc5d3437fbe2db158b9f126a1d118e308181031d0a949f8dededebc558ef6a",
            "ca854ea128ed050b41b35ffc1b87b8eb2bde461e9e3b5596ece6b9d5975a0ae0",
            "d37ee418976dd95753c1c73862b9398fa2a2cf9b4ff0fdfe8b30cd95209614b7",
        ],
    ),
    (
        2,
        5,
        [
            "5f083f0a1a33ca076a95279832580db3e0ef4584bdff1f54c8a360f50de3031e",
            "bc1a0643b12e4d2d7c77918f44e0f4f79a838b6cf9ec5b5c283e1f4d88599e6b",
        ],
    ),
]


def _test_tree() -> merkle.MemoryTree:
    tree = merkle.MemoryTree()
    for entry in LEAVES:
        tree.append(merkle.leaf_hash(entry))
    return tree


def test_roots_of_every_prefix_match_the_published_vectors() -> None:
    hashes = [merkle.leaf_hash(e) for e in LEAVES]
    tree = merkle.MemoryTree()
    assert tree.root().hex() == ROOTS[0]
    for n in range(1, 9):
        tree.append(hashes[n - 1])
        assert tree.root().hex() == ROOTS[n]
        assert merkle.root_of(hashes[:n]).hex() == ROOTS[n]
    for n in range(0, 9):
        assert tree.root(n).hex() == ROOTS[n]


def test_inclusion_proofs_match_the_published_vectors() -> None:
    tree = _test_tree()
    for index, size, expected in INCLUSION:
        proof = tree.inclusion_proof(index, size)
        assert [p.hex() for p in proof] == expected
        leaf = merkle.leaf_hash(LEAVES[index])
        assert merkle.verify_inclusion(index, size, leaf, proof, bytes.fromhex(ROOTS[size]))
        assert not merkle.verify_inclusion(index, size, leaf, proof, bytes.fromhex(ROOTS[1]))


def test_consistency_proofs_match_the_published_vectors() -> None:
    tree = _test_tree()
    for first, second, expected in CONSISTENCY:
        proof = tree.consistency_proof(first, second)
        assert [p.hex() for p in proof] == expected
        assert merkle.verify_consistency(
            first, second, bytes.fromhex(ROOTS[first]), bytes.fromhex(ROOTS[second]), proof
        )


def test_consistency_rejects_a_rewritten_history() -> None:
    tree = _test_tree()
    proof = tree.consistency_proof(6, 8)
    forged_first = bytes.fromhex(ROOTS[5])
    assert not merkle.verify_consistency(6, 8, forged_first, bytes.fromhex(ROOTS[8]), proof)
    assert not merkle.verify_consistency(4, 8, bytes.fromhex(ROOTS[4]), bytes.fromhex(ROOTS[8]), [])


def _tree_of(n: int) -> tuple[merkle.MemoryTree, list[bytes]]:
    hashes = [merkle.leaf_hash(i.to_bytes(4, "big")) for i in range(n)]
    tree = merkle.MemoryTree()
    for h in hashes:
        tree.append(h)
    return tree, hashes


def _naive_path(m: int, leaves: list[bytes]) -> list[bytes]:
    """RFC 9162 §2.1.3.1 PATH, straight from the definition."""
    n = len(leaves)
    if n == 1:
        return []
    k = 1 << ((n - 1).bit_length() - 1)
    if m < k:
        return [*_naive_path(m, leaves[:k]), merkle.root_of(leaves[k:])]
    return [*_naive_path(m - k, leaves[k:]), merkle.root_of(leaves[:k])]


def _naive_subproof(m: int, leaves: list[bytes], complete: bool) -> list[bytes]:
    n = len(leaves)
    if m == n:
        return [] if complete else [merkle.root_of(leaves)]
    k = 1 << ((n - 1).bit_length() - 1)
    if m <= k:
        return [*_naive_subproof(m, leaves[:k], complete), merkle.root_of(leaves[k:])]
    return [*_naive_subproof(m - k, leaves[k:], False), merkle.root_of(leaves[:k])]


@settings(max_examples=150, deadline=None)
@given(st.integers(1, 300), st.data())
def test_inclusion_proofs_agree_with_the_definition_and_verify(n: int, data: st.DataObject) -> None:
    tree, hashes = _tree_of(n)
    size = data.draw(st.integers(1, n))
    index = data.draw(st.integers(0, size - 1))
    proof = tree.inclusion_proof(index, size)
    assert proof == _naive_path(index, hashes[:size])
    root = merkle.root_of(hashes[:size])
    assert tree.root(size) == root
    assert merkle.verify_inclusion(index, size, hashes[index], proof, root)
    wrong_leaf = merkle.leaf_hash(b"not in the log")
    assert not merkle.verify_inclusion(index, size, wrong_leaf, proof, root)
    if proof:
        assert not merkle.verify_inclusion(index, size, hashes[index], proof[:-1], root)


@settings(max_examples=150, deadline=None)
@given(st.integers(1, 300), st.data())
def test_consistency_proofs_agree_with_the_definition_and_verify(
    n: int, data: st.DataObject
) -> None:
    tree, hashes = _tree_of(n)
    second = data.draw(st.integers(1, n))
    first = data.draw(st.integers(1, second))
    proof = tree.consistency_proof(first, second)
    expected = [] if first == second else _naive_subproof(first, hashes[:second], True)
    assert proof == expected
    first_root, second_root = merkle.root_of(hashes[:first]), merkle.root_of(hashes[:second])
    assert merkle.verify_consistency(first, second, first_root, second_root, proof)
    if first < second:
        tampered = merkle.root_of([*hashes[: first - 1], merkle.leaf_hash(b"rewritten")])
        assert not merkle.verify_consistency(first, second, tampered, second_root, proof)


def test_complete_subtrees_cover_the_tree() -> None:
    assert merkle.complete_subtrees(13) == [(3, 0), (2, 2), (0, 12)]
    assert merkle.complete_subtrees(0) == []
