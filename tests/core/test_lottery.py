"""The verifiable lottery: deterministic from the list and the seed, and any tampering is detected."""
from __future__ import annotations

import hashlib
import hmac

import pytest

from enroll.results import lottery

APPLICATIONS = [f"M2026{n:04d}" for n in range(1, 301)]
SEED = "b7e1c0d4a9f25e6b3c8d1f0a7e2b5c9d4f6a1e3b8c0d2f5a7e9b1c3d5f7a9e2b"


def test_the_draw_is_the_documented_algorithm_recomputed_by_hand():
    expected = sorted(APPLICATIONS, key=lambda a: (hmac.new(SEED.encode(), a.encode(), hashlib.sha256).hexdigest(), a))
    assert lottery.draw(APPLICATIONS, SEED) == expected
    text = "".join(a + "\n" for a in sorted(APPLICATIONS))
    assert lottery.list_hash(APPLICATIONS) == hashlib.sha256(text.encode()).hexdigest()
    assert lottery.commitment(SEED) == hashlib.sha256(SEED.encode()).hexdigest()


def test_the_order_depends_on_the_seed_and_not_on_the_order_the_list_is_given_in():
    assert lottery.draw(list(reversed(APPLICATIONS)), SEED) == lottery.draw(APPLICATIONS, SEED)
    assert lottery.draw(APPLICATIONS, SEED) != lottery.draw(APPLICATIONS, lottery.new_seed())


def test_an_honest_draw_verifies():
    order = lottery.draw(APPLICATIONS, SEED)
    result = lottery.verify(APPLICATIONS, SEED, lottery.list_hash(APPLICATIONS), lottery.commitment(SEED), order)
    assert result.ok and result.list_matches and result.seed_matches and result.order_matches


@pytest.mark.parametrize("tamper", ["add", "remove", "change"])
def test_changing_the_list_after_the_commitment_is_detected(tamper):
    published_hash, order = lottery.list_hash(APPLICATIONS), lottery.draw(APPLICATIONS, SEED)
    changed = {"add": APPLICATIONS + ["M20269999"], "remove": APPLICATIONS[1:],
               "change": ["M20260001X"] + APPLICATIONS[1:]}[tamper]
    result = lottery.verify(changed, SEED, published_hash, lottery.commitment(SEED), order)
    assert not result.ok and not result.list_matches


def test_a_seed_chosen_after_the_commitment_is_detected():
    other = lottery.new_seed()
    result = lottery.verify(APPLICATIONS, other, lottery.list_hash(APPLICATIONS), lottery.commitment(SEED),
                            lottery.draw(APPLICATIONS, other))
    assert not result.ok and not result.seed_matches and result.order_matches


def test_a_reordered_result_is_detected():
    order = lottery.draw(APPLICATIONS, SEED)
    order[0], order[1] = order[1], order[0]
    result = lottery.verify(APPLICATIONS, SEED, lottery.list_hash(APPLICATIONS), lottery.commitment(SEED), order)
    assert not result.ok and not result.order_matches


def test_duplicates_and_blanks_are_refused():
    with pytest.raises(ValueError, match="duplicate"):
        lottery.draw(["A1", "A1"], SEED)
    with pytest.raises(ValueError, match="blank"):
        lottery.list_hash(["A1", " "])
