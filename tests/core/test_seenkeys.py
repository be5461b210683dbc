"""The compact table of keys met so far in a file."""

from clientdesk.core.seenkeys import SeenKeys


def test_it_answers_the_first_row_of_each_key_through_its_growth():
    seen = SeenKeys(capacity=8)
    for row in range(2, 20_002):
        assert seen.setdefault(f"k{row}", row) == row
    assert len(seen) == 20_000
    assert seen.get("k2") == 2 and seen.get("k20001") == 20_001
    assert seen.setdefault("k500", 99_999) == 500  # a later row keeps the first one's number
    assert seen.get("missing") is None


def test_sized_for_the_expected_keys_it_holds_them_without_growing():
    seen = SeenKeys(expected=10_000)
    size = seen._size
    for row in range(10_000):
        seen.setdefault(f"k{row}", row)
    assert seen._size == size and len(seen) == 10_000 and seen.get("k9999") == 9999
