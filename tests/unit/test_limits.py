"""The API's token buckets (api/limits.py), on a clock the test moves."""

from aftercall.api.limits import TokenBuckets


def test_a_bucket_refills_at_its_rate_and_holds_at_most_its_burst() -> None:
    now = [0.0]
    buckets = TokenBuckets(per_minute=60, burst=2, clock=lambda: now[0])
    assert [buckets.take("k") for _ in range(2)] == [0.0, 0.0]
    assert buckets.take("k") == 1.0, "one token a second: the next in a second"
    assert buckets.take("other") == 0.0, "each key its own bucket"
    now[0] += 0.5
    assert buckets.wait("k") == 0.5
    now[0] += 0.5
    assert buckets.take("k") == 0.0
    now[0] += 3600
    assert [buckets.take("k") for _ in range(3)] == [0.0, 0.0, 1.0], "an idle hour still holds only the burst"
