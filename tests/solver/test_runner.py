"""The runner's budget: wall time kept free at the end, stages skipped when out of
time, a wide wall net for deterministic runs."""

from __future__ import annotations

from ommen_rollen.solver.runner import MIN_STAGE_S, Runner, wall_net


def test_reserve_keeps_wall_time_free_at_the_end() -> None:
    runner = Runner(10.0, 2, 0, None, None)
    before = runner.remaining()
    runner.reserve(3.0)
    assert before - runner.remaining() >= 3.0 - 0.01
    runner.reserve(7.5)
    assert runner.out_of_time()  # 10 - 3 - 7.5 < MIN_STAGE_S


def test_one_worker_budget_is_deterministic_time_and_keeps_no_reserve() -> None:
    runner = Runner(10.0, 1, 0, None, None)
    runner.reserve(9.0)
    assert runner.remaining() == 10.0
    runner.deterministic_used = 10.0 - MIN_STAGE_S / 2
    assert runner.out_of_time()


def test_the_wall_net_of_a_deterministic_budget_is_wide() -> None:
    # measured: one unit of deterministic time took up to 6 s of wall time on a
    # loaded machine; a narrower net broke "the same plan twice"
    assert wall_net(1.5) >= 6 * 1.5


def test_keeping_holds_back_a_share_of_the_budget_until_the_block_ends() -> None:
    runner = Runner(10.0, 1, 0, None, None)  # deterministic: no clock involved
    with runner.keeping(0.5):
        assert runner.remaining() == 5.0
        runner.deterministic_used = 4.0
        assert runner.remaining() == 1.0
    assert runner.remaining() == 6.0
