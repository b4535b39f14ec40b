"""The compact set of contracts met by an import (duplicate warnings across batches)."""

from app.decp.services.seen import SeenKeys


def test_keys_kept_are_found_after_the_table_grows_and_others_are_not():
    seen = SeenKeys(capacity=8)
    keys = [(buyer, f"REF-{i}") for buyer in (1, 2) for i in range(5000)]
    for start in range(0, len(keys), 1000):  # batches
        for key in keys[start : start + 1000]:
            assert key not in seen
            seen.stage(key)
            assert key in seen  # a duplicate inside the batch is seen too
        seen.keep()

    assert len(seen) == 10_000 and len(seen.table) >= 20_000
    assert all(key in seen for key in keys)
    assert (3, "REF-1") not in seen and (1, "REF-5000") not in seen


def test_a_rolled_back_batch_is_forgotten():
    seen = SeenKeys()
    seen.stage((1, "A"))
    seen.keep()
    seen.stage((1, "B"))

    seen.forget()

    assert (1, "A") in seen and (1, "B") not in seen and len(seen) == 1
