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
