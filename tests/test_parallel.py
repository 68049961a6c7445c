"""fork_map: results in order whether or not workers are used, and `meanwhile` runs once, here."""
import os

from digest.parallel import fork_map


def pids_and_squares(items):
    return [(os.getpid(), i * i) for i in items]


def test_results_come_back_in_order_from_the_workers_and_meanwhile_runs_here():
    ran = []
    out = fork_map(pids_and_squares, list(range(500)), meanwhile=lambda: ran.append(os.getpid()))
    assert [square for _, square in out] == [i * i for i in range(500)]
    workers = {pid for pid, _ in out}
    assert ran == [os.getpid()]
    if (os.cpu_count() or 1) >= 2:
        assert os.getpid() not in workers


def test_a_small_job_runs_here_and_meanwhile_still_runs_once():
    ran = []
    out = fork_map(pids_and_squares, [1, 2, 3], meanwhile=lambda: ran.append(os.getpid()))
    assert out == [(os.getpid(), 1), (os.getpid(), 4), (os.getpid(), 9)]
    assert ran == [os.getpid()]
