"""The verifiable lottery (摇号) of an oversubscribed school: a documented, deterministic draw.

Pure (standard library only), so anyone can re-run it from what is published. The steps:

1. When applications close the school publishes the **list hash**: SHA-256 (hex) of the UTF-8
   text made of every application number, sorted by code point, each followed by a newline.
2. With the list it publishes the **seed commitment**: SHA-256 (hex) of the seed, a random string
   (``new_seed``, drawn when the list is published) kept secret until the draw.
3. At the draw it reveals the seed. Each application number ``a`` gets the key
   HMAC-SHA256(key = seed, message = a), both UTF-8, in hex; the draw order is the application
   numbers sorted by (key, number). The first ``places`` are admitted; the others are the waiting
   list, in that order.

Anyone holding the published list, seed, commitment and order can check all three: the list is
the one committed to (a changed, added or removed application changes the hash), the seed is the
one committed to before the draw, and the order follows from them alone.
"""
from __future__ import annotations

import hashlib
import hmac
import secrets
from dataclasses import dataclass


def list_hash(applications: list[str]) -> str:
    """SHA-256 of the sorted application numbers, one per line.

    :raises ValueError: duplicates, blanks, or white space inside a number.
    """
    numbers = [str(a).strip() for a in applications]
    if any(not n for n in numbers):
        raise ValueError("blank application number")
    if any(ch.isspace() for n in numbers for ch in n):  # "A\nB" would hash like "A", "B"
        raise ValueError("white space inside an application number")
    if len(set(numbers)) != len(numbers):
        raise ValueError("duplicate application number")
    return hashlib.sha256("".join(n + "\n" for n in sorted(numbers)).encode("utf-8")).hexdigest()


def new_seed() -> str:
    """A fresh secret seed: 32 random bytes as hex."""
    return secrets.token_hex(32)


def commitment(seed: str) -> str:
    return hashlib.sha256(seed.encode("utf-8")).hexdigest()


def draw_key(seed: str, application: str) -> str:
    return hmac.digest(seed.encode("utf-8"), str(application).strip().encode("utf-8"), "sha256").hex()


def draw(applications: list[str], seed: str) -> list[str]:
    """The draw order of the applications under ``seed`` (admitted first)."""
    list_hash(applications)  # refuses duplicates and blanks
    key = seed.encode("utf-8")
    numbers = [str(a).strip() for a in applications]
    return sorted(numbers, key=lambda n: (hmac.digest(key, n.encode("utf-8"), "sha256").hex(), n))


@dataclass(frozen=True)
class Verification:
    """Which parts of a published draw hold (the pages and the CLI word them)."""

    list_matches: bool   # the applicant list is the one whose hash was published
    seed_matches: bool   # the seed is the one committed to before the draw
    order_matches: bool  # the published order follows from the list and the seed

    @property
    def ok(self) -> bool:
        return self.list_matches and self.seed_matches and self.order_matches


def verify(applications: list[str], seed: str, published_list_hash: str, published_commitment: str,
           published_order: list[str]) -> Verification:
    """Re-run the draw from what was published and say which parts hold."""
    try:
        list_ok = list_hash(applications) == published_list_hash.strip().lower()
    except ValueError:  # a duplicated or blank number cannot be the committed list
        list_ok = False
    order_ok = list_ok and draw(applications, seed) == [str(a).strip() for a in published_order]
    return Verification(list_ok, commitment(seed) == published_commitment.strip().lower(), order_ok)
