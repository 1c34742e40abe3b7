"""The tables' counts are read at most once per TALLY_SECONDS, however often Prometheus (or anyone) scrapes."""

from aftercall.jobstore import JobTally
from aftercall.jobstore.webhooks import LATENCY_BUCKETS, DeliveryTally
from aftercall.metrics import TALLY_SECONDS, StoreCollector


class Counted:
    def __init__(self, tally) -> None:
        self.calls, self._tally = 0, tally

    def tally(self):
        self.calls += 1
        return self._tally


def test_a_burst_of_scrapes_reads_the_tables_once_per_interval() -> None:
    jobs = Counted(JobTally({("transcript", "submitted"): 2}, 100.0, {}))
    webhooks = Counted(DeliveryTally({}, (0,) * len(LATENCY_BUCKETS), 0.0, {}, None))
    now = [130.0]
    collector = StoreCollector(jobs, webhooks, clock=lambda: now[0])
    for _ in range(50):
        families = {family.name: family for family in collector.collect()}
    assert (jobs.calls, webhooks.calls) == (1, 1)
    assert families["aftercall_queue_depth"].samples[0].value == 2
    assert families["aftercall_oldest_waiting_job_age_seconds"].samples[0].value == 30.0
    now[0] += TALLY_SECONDS
    list(collector.collect())
    assert (jobs.calls, webhooks.calls) == (2, 2)
