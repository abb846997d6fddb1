"""The simulator: no look-ahead, the same protocol for both policies, and bad input (exit 2)."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pytest
from replenishment.main import cli
from replenishment.simulator.engine import coverage_policy, replay
from replenishment.simulator.inputs import Items
from replenishment.simulator.runner import ratio_along_curve
from replenishment.simulator.segments import lot_cover_bands
from replenishment.simulator.system import StudySettings, SystemPolicy, match_system


def generated_demand(items: int = 12, periods: int = 30, seed: int = 7) -> np.ndarray:
    rng = np.random.default_rng(seed)
    occurs = rng.random((items, periods)) < 0.4
    return np.where(occurs, rng.integers(1, 6, (items, periods)), 0).astype(float)


def terms(items: int) -> Items:
    return Items(
        lead_time=np.full(items, 2.0),
        unit_cost=np.linspace(5, 50, items),
        order_cost=np.zeros(items),
        moq=np.zeros(items),
        pack_size=np.ones(items),
    )


@pytest.mark.parametrize("policy", ["system", "coverage"])
def test_changing_future_demand_changes_no_earlier_decision(policy: str) -> None:
    demand = generated_demand()
    future = demand.copy()
    cut = 22
    future[:, cut:] = future[:, cut:] * 5 + 3  # a very different future from period 22 on
    settings = StudySettings(warmup=12, replan_every=1)

    def run(matrix: np.ndarray) -> np.ndarray:
        decide = (
            SystemPolicy(terms(12), settings).decide_for(0.95)
            if policy == "system"
            else coverage_policy(3.0)
        )
        return replay(matrix, terms(12), 12, decide).orders_log

    before, after = run(demand), run(future)
    # decisions at the end of periods 12..21 saw only periods up to 21: identical
    assert np.array_equal(before[:, :cut], after[:, :cut])
    assert before[:, 12:cut].sum() > 0  # and there were decisions to compare
    assert not np.array_equal(before[:, cut:], after[:, cut:])


def test_a_policy_is_handed_only_the_history_up_to_the_period() -> None:
    seen: list[tuple[int, int]] = []

    def spy(t: int, history: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        seen.append((t, history.shape[1]))
        return np.zeros(len(history)), np.zeros(len(history))

    replay(generated_demand(3, 10), terms(3), 4, spy)
    assert seen == [(t, t + 1) for t in range(4, 10)]


def test_backorders_are_served_later_but_not_on_time() -> None:
    # one item, lead time 0, start at period 1 with 0 on hand (no demand before), no reorders:
    demand = np.array([[0.0, 4.0, 0.0]])
    outcome = replay(demand, terms(1), 1, coverage_policy(0.0), min_history=0)
    assert outcome.demanded.tolist() == [4.0]
    assert outcome.on_time.tolist() == [0.0]
    assert outcome.summary()["stockout_periods"] == 1


def write(path: Path, text: str) -> Path:
    path.write_text(text, encoding="utf-8")
    return path


def simulate(tmp_path: Path, demand: str, items: str | None = None) -> None:
    argv = ["simulate", "--demand", str(write(tmp_path / "demand.csv", demand))]
    if items is not None:
        argv += ["--items", str(write(tmp_path / "items.csv", items))]
    cli([*argv, "--json", str(tmp_path / "out.json"), "--target-fill-rate", "0.95"])


@pytest.mark.parametrize(
    ("demand", "items", "message"),
    [
        (
            "item_id,period,quantity,colour\nA,1,3,red\n",
            None,
            "demand.csv row 1 (header): unknown column(s) colour",
        ),
        (
            "item_id,period,quantity\nA,1,3\nA,2,-1\n",
            None,
            "demand.csv row 3: quantity -1 is negative",
        ),
        (
            "item_id,period,quantity\nA,1,three\n",
            None,
            "demand.csv row 2: quantity 'three' is not a number",
        ),
        (
            "item_id,period,quantity\nA,1,3\n",
            "item_id,lead_time_periods\nA,2\nB,1\n",
            "items.csv row 3: item 'B' has no demand history",
        ),
        (
            "item_id,period,quantity\nA,1,3\n",
            "item_id,unit_cost,size\nA,2,1\n",
            "items.csv row 1 (header): unknown column(s) size",
        ),
        (
            "item_id,period,quantity\nA,1,3\n",
            "item_id,unit_cost\nA,cheap\n",
            "items.csv row 2: unit_cost 'cheap' is not a number",
        ),
        (
            "item_id,period,quantity\nA,1,3\n",
            "item_id,lead_time_periods\nA,2.5\n",
            "items.csv row 2: lead_time_periods must be a whole number",
        ),
    ],
)
def test_bad_input_names_the_row_and_exits_2(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], demand: str, items: str | None, message: str
) -> None:
    with pytest.raises(SystemExit) as exited:
        simulate(tmp_path, demand, items)
    assert exited.value.code == 2
    assert message in capsys.readouterr().err
    assert not (tmp_path / "out.json").exists()


def test_simulate_writes_the_report_and_the_trade_off_curve(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    matrix = generated_demand(items=8, periods=30)
    rows = ["item_id,period,quantity"] + [
        f"P{i},2020-{1 + t // 12:02d}{t % 12:02d},{int(q)}"
        for i, row in enumerate(matrix)
        for t, q in enumerate(row)
    ]
    demand = write(tmp_path / "demand.csv", "\n".join(rows) + "\n")
    # packs of 1, 5 and 100 units: lots of about 0.5, 2.5 and 50 periods of mean demand
    packs = [1, 5, 100, 1, 5, 100, 1, 5]
    items = write(
        tmp_path / "items.csv",
        "item_id,pack_size\n" + "".join(f"P{i},{p}\n" for i, p in enumerate(packs)),
    )
    out = tmp_path / "out.json"
    with pytest.raises(SystemExit) as exited:
        cli(
            [
                "simulate",
                "--demand",
                str(demand),
                "--items",
                str(items),
                "--json",
                str(out),
                "--target-fill-rate",
                "0.9",
                "--warmup",
                "12",
            ]
        )
    assert exited.value.code == 0
    report = json.loads(out.read_text())
    for policy in ("system", "coverage"):
        for key in (
            "fill_rate",
            "cycle_service_level",
            "avg_inventory_value",
            "stockout_periods",
            "orders",
            "by_class",
            "by_lot_cover",
        ):
            assert key in report[policy]
        bands = report[policy]["by_lot_cover"]
        assert sum(band["items"] for band in bands.values()) == 8
        assert set(bands) <= {"< 1", "1-4", "4-13", "13-52", "> 52"}
    assert sum(report["system"]["stocking"].values()) == 8
    assert report["runtime_seconds"]["peak_rss_mb"] > 0
    printed = capsys.readouterr()
    assert "planning runs: " in printed.out and "peak memory (RSS)" in printed.out
    assert "lot cover" in printed.out and "ABC A" in printed.out
    assert " periods" in printed.err  # the progress bar: periods replayed
    assert report["inventory_value_ratio"] == pytest.approx(
        report["system"]["avg_inventory_value"] / report["coverage"]["avg_inventory_value"]
    )
    assert (tmp_path / "out_tradeoff.csv").read_text().startswith("policy,parameter,fill_rate")
    assert (tmp_path / "out_tradeoff.png").read_bytes()[:4] == b"\x89PNG"


def test_feedback_raises_the_internal_target_by_the_gap_reached_so_far() -> None:
    policy = SystemPolicy(terms(2), StudySettings(warmup=12, feedback_gain=1.0))
    decide = policy.decide_for(0.90)
    assert decide.internal_target() == pytest.approx(0.90)
    # lead time 2: the plan of period 10 first serves period 13; planned 0.90, reached 6 of 8
    decide.internal[10] = 0.90
    decide.observe(12, np.array([4.0, 4.0]), np.array([4.0, 2.0]))
    assert decide.internal_target() == pytest.approx(0.90)  # nothing counted: starting stock
    decide.observe(13, np.array([4.0, 4.0]), np.array([4.0, 2.0]))
    # gap 0.90 - 0.75 = 0.15 -> 1.05, capped at 0.999
    assert decide.internal_target() == pytest.approx(0.999)
    decide.internal[11] = 0.80
    decide.observe(14, np.array([2.0, 0.0]), np.array([2.0, 0.0]))
    # planned (0.90 x 8 + 0.80 x 2) / 10 = 0.88; reached 8 / 10 = 0.80 -> 0.90 + 0.08 = 0.98
    assert decide.internal_target() == pytest.approx(0.98)


def test_ratio_along_the_curves_at_common_fill_rates() -> None:
    curve = [
        {"policy": "system", "fill_rate": 0.70, "avg_inventory_value": 100.0},
        {"policy": "system", "fill_rate": 0.90, "avg_inventory_value": 300.0},
        {"policy": "coverage", "fill_rate": 0.80, "avg_inventory_value": 400.0},
        {"policy": "coverage", "fill_rate": 0.86, "avg_inventory_value": 1000.0},
    ]
    # at 0.80: system 200 (half-way), coverage 400 -> 0.5; at 0.85: 250 / 900; 0.90: no coverage
    ratios = ratio_along_curve(curve)
    assert ratios["0.80"] == pytest.approx(0.5)
    assert ratios["0.85"] == pytest.approx(250 / 900)
    assert ratios["0.90"] is None


def test_system_matched_to_a_fill_rate_reaches_it_at_no_more_stock_than_the_plain_target() -> None:
    demand = generated_demand(items=10, periods=30, seed=3)
    items = terms(10)
    policy = SystemPolicy(items, StudySettings(warmup=12, replan_every=6, feedback_gain=1.0))
    wanted = 0.9
    plain = replay(demand, items, 12, policy.decide_for(wanted), burn_in=True).summary()
    matched = match_system(policy, demand, items, 12, wanted).summary()
    assert matched["fill_rate"] >= wanted
    if plain["fill_rate"] >= wanted:  # the search never pays more than asking for `wanted`
        assert matched["avg_inventory_value"] <= plain["avg_inventory_value"]


def test_lead_times_of_years_are_simulated_and_planned_for() -> None:
    # monthly data with lead times of 60 and 66 periods (5 years and more): the planning
    # covers demand over the whole lead time, and orders placed reach the items after it
    items, periods = 4, 150
    demand = np.ones((items, periods))
    long = Items(
        lead_time=np.array([60.0, 66.0, 2.0, 60.0]),
        unit_cost=np.full(items, 10.0),
        order_cost=np.zeros(items),
        moq=np.zeros(items),
        pack_size=np.ones(items),
    )
    settings = StudySettings(warmup=12, replan_every=6, feedback_gain=0.0)
    decide = SystemPolicy(long, settings).decide_for(0.95)
    outcome = replay(demand, long, 12, decide, burn_in=True)
    protection, _ = decide(20, demand[:, :21])
    # one unit every period: lead time + review periods of demand, to the unit
    assert protection.tolist() == [61.0, 67.0, 3.0, 61.0]
    assert outcome.summary()["fill_rate"] == pytest.approx(1.0)
    assert outcome.active_periods.tolist() == [150 - 12 - 61, 150 - 12 - 67, 150 - 12 - 3, 77]


def test_lot_cover_bands_from_the_smallest_lot_and_the_warm_up_demand() -> None:
    # mean warm-up demand 2, 1, 0.5, 0.1, 0.01 and 0 a period; smallest lots 1, 2 (MOQ 2),
    # 5 (pack), 5 (pack of 5 above an MOQ of 3), 1 and 1:
    # covers 0.5, 2, 10, 50, 100 periods and none -> < 1, 1-4, 4-13, 13-52, > 52, > 52
    warmup = np.array([[2.0] * 10, [1.0] * 10, [0.5] * 10, [1.0] + [0.0] * 9, [0.1] + [0.0] * 9])
    warmup = np.vstack([warmup, np.zeros((1, 10))])
    items = Items(
        lead_time=np.full(6, 2.0),
        unit_cost=np.ones(6),
        order_cost=np.zeros(6),
        moq=np.array([0, 2, 0, 3, 0, 0.0]),
        pack_size=np.array([1, 1, 5, 5, 1, 1.0]),
    )
    bands = lot_cover_bands(items, warmup)
    assert bands.tolist() == ["< 1", "1-4", "4-13", "13-52", "> 52", "> 52"]


def test_re_plans_spilled_to_disk_give_the_same_study() -> None:
    # a budget of 0 MB: every re-plan's curves go to a temporary folder and are read back
    demand = generated_demand(items=10, periods=26)
    in_memory = StudySettings(warmup=12, replan_every=1)
    on_disk = StudySettings(warmup=12, replan_every=1, memory_budget_mb=0.0)
    outcomes = []
    for settings in (in_memory, on_disk):
        policy = SystemPolicy(terms(10), settings)
        first = replay(demand, terms(10), 12, policy.decide_for(0.9), burn_in=True)
        again = replay(demand, terms(10), 12, policy.decide_for(0.8), burn_in=True)
        outcomes.append((first.orders_log, again.orders_log))
        stored = policy.groundwork
        assert (len(stored.spilled) > 0) == (settings is on_disk)
        stored.close()
    assert np.array_equal(outcomes[0][0], outcomes[1][0])
    assert np.array_equal(outcomes[0][1], outcomes[1][1])
