import random

import pytest

from aftercall.domain.deliveries import DEAD, DELIVERED, PENDING, Attempt, plan, retry_delay
from aftercall.domain.webhooks import ACTIVE, FAILED, RetryType, Webhook


def hook(retry_type: RetryType, failed_count: int = 0) -> Webhook:
    return Webhook(
        "u", "http://x", "aGk=", None, retry_type, ("batch-processor.error",), ACTIVE, failed_count, None, 0, 0
    )


def attempt(seq: int, number: int, ok: bool, at: float = 100.0) -> Attempt:
    return Attempt(
        seq, f"e{seq}", "batch-processor.error", number, ok, 200 if ok else 500, None if ok else "http-500", 1.0, at
    )


def constant(retry_type, failures):
    return 7.0


@pytest.mark.parametrize(
    ("retry_type", "failures", "ceiling"),
    [
        (RetryType.EXPONENTIAL, 1, 60),
        (RetryType.EXPONENTIAL, 2, 120),
        (RetryType.EXPONENTIAL, 4, 480),
        (RetryType.EXPONENTIAL, 5, 900),  # 960 capped at 15 min
        (RetryType.EXPONENTIAL, 30, 900),
        (RetryType.CIRCUIT_BREAKER, 1, 10),
        (RetryType.CIRCUIT_BREAKER, 2, 20),
    ],
)
def test_delays_double_with_equal_jitter_up_to_fifteen_minutes(retry_type, failures, ceiling):
    rng = random.Random(3)
    delays = [retry_delay(retry_type, failures, rng=rng) for _ in range(200)]
    assert all(ceiling / 2 <= d <= ceiling for d in delays)
    assert max(delays) - min(delays) > ceiling / 4, "jittered"
    assert retry_delay(retry_type, failures, scale=0.001, rng=rng) <= ceiling / 1000


def test_success_resets_the_failure_count_and_marks_the_push():
    result = plan(hook(RetryType.CIRCUIT_BREAKER, failed_count=2), [attempt(1, 3, True, at=55.0)], 60.0, constant)
    assert result.outcomes[0].status == DELIVERED
    assert (result.failed_count, result.state, result.last_moment_pushed) == (0, ACTIVE, 55.0)


def test_circuit_breaker_opens_at_the_third_consecutive_failure():
    second = plan(hook(RetryType.CIRCUIT_BREAKER, failed_count=1), [attempt(1, 2, False)], 60.0, constant)
    assert (second.failed_count, second.state) == (2, ACTIVE)
    assert second.outcomes[0].status == PENDING
    assert second.outcomes[0].next_attempt_at == 67.0
    third = plan(hook(RetryType.CIRCUIT_BREAKER, failed_count=2), [attempt(1, 3, False)], 60.0, constant)
    assert (third.failed_count, third.state) == (3, FAILED)
    assert third.outcomes[0].status == PENDING, "nothing is dropped while the breaker is open"


def test_exponential_dead_letters_after_five_retries_and_never_fails_the_webhook():
    fifth_retry = plan(hook(RetryType.EXPONENTIAL, failed_count=5), [attempt(1, 6, False)], 60.0, constant)
    assert fifth_retry.outcomes[0].status == DEAD
    assert fifth_retry.state == ACTIVE
    fourth_retry = plan(hook(RetryType.EXPONENTIAL), [attempt(1, 5, False)], 60.0, constant)
    assert fourth_retry.outcomes[0].status == PENDING
