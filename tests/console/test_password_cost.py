"""Officers' passwords are hashed with argon2id at OWASP's baseline cost in the product (the
suite's conftest swaps in a cheap hasher for speed; this reads the product's own choice)."""

from __future__ import annotations

import importlib

from argon2 import PasswordHasher, Type

from manamitra.console import auth


def test_the_product_hashes_at_owasps_argon2id_baseline() -> None:
    product = importlib.reload(auth)._hasher  # the module as shipped, before any swap
    try:
        assert isinstance(product, PasswordHasher)
        assert product.type is Type.ID
        assert product.memory_cost >= 19456
        assert product.time_cost >= 2
        assert product.hash("correct-horse-9").startswith("$argon2id$v=19$m=19456,t=2,p=1$")
    finally:
        auth._hasher = PasswordHasher(time_cost=1, memory_cost=8, parallelism=1)
