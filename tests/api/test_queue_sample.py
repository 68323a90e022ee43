"""The review queue's random share: where its pairs stand in the queue, what their
decisions say of the engine (`nrm model calibration`, `/suggestions/calibration`) and how
they judge a learned model (`nrm model train`)."""

from __future__ import annotations

from collections import Counter

import pytest

from api.summaries import print_calibration
from fixtures.demo import DEMO_DIR
from models import queue_sample
from models.review import DecisionKind
from models.store import Store
from models.users import UserRole
from service import Actor, Service
from service.calibration import calibration_bands
from service.errors import Forbidden
from service.relinking import relink_all
from service.scoring import suggestion_row
from service.training import train_model
from tests.api.test_training import _decide_by_truth, _said


@pytest.fixture
def half_sampled(store: Store, monkeypatch: pytest.MonkeyPatch) -> Store:
    """The demo set with one suggestion in two placed at random (one in ten leaves too few
    decisions of each kind on its 300 pairs to judge a model), every one decided."""
    monkeypatch.setattr(queue_sample, "SAMPLE_SHARE", 0.5)
    report = Service(store).import_file(DEMO_DIR / "records.csv", DEMO_DIR / "relations.csv")
    assert report.ok
    return store


def test_a_pair_of_the_random_share_stands_at_its_random_place_in_the_queue(
    half_sampled: Store,
) -> None:
    items = half_sampled.suggestion_queue({"status": "pending"}, 10_000, count=False).items
    sampled = [s for s in items if s["sampled"]]
    assert 0.3 * len(items) < len(sampled) < 0.7 * len(items)
    assert all(
        s["uncertainty"] == round(abs(s["probability"] - 0.5), 6) for s in items if not s["sampled"]
    )
    assert sum(
        s["uncertainty"] != round(abs(s["probability"] - 0.5), 6) for s in sampled
    ) > 0.9 * len(sampled)
    assert [(s["queue_group"], s["uncertainty"]) for s in items] == sorted(
        (s["queue_group"], s["uncertainty"]) for s in items
    )


def test_a_suggestion_of_the_share_a_reviewer_links_directly_leaves_the_share(
    half_sampled: Store,
) -> None:
    reviewer = Actor(half_sampled.add_user("awa", UserRole.REVIEWER)[0])
    items = half_sampled.suggestion_queue({"status": "pending"}, 10_000, count=False).items
    drawn = next(s for s in items if s["sampled"] and not s["involves_minor"])
    before, others = half_sampled.queue_sample()
    Service(half_sampled).link_records(
        reviewer, drawn["record_a"], drawn["record_b"], DecisionKind.NON_MATCH, None
    )
    after = half_sampled.get_suggestion(drawn["id"])
    assert after is not None and after["status"] == "rejected"
    assert not after["sampled"]
    assert after["uncertainty"] == round(abs(after["probability"] - 0.5), 6)
    assert half_sampled.queue_sample() == (before, Counter(pending=others["pending"] - 1))


def test_the_queue_says_which_suggestions_are_of_the_random_share(half_sampled: Store) -> None:
    reviewer = Actor(half_sampled.add_user("awa", UserRole.REVIEWER)[0])
    page = Service(half_sampled).list_suggestions(
        reviewer, {"status": "pending"}, 50, 0, None, (None, None)
    )
    assert {item["sampled"] for item in page.items} == {True, False}


def test_training_is_judged_on_the_decisions_of_the_random_share(
    half_sampled: Store,
) -> None:
    _decide_by_truth(half_sampled)
    report = train_model(half_sampled, dry_run=True)
    sampled = sum(d["sampled"] for d in half_sampled.decided_pairs())
    assert report["judged_on"] == "sample"
    assert report["holdout_size"] == sampled
    assert set(report["recalibration"]) == {"slope", "shift"}
    assert report["current_log_loss"] > 0 and report["learned_log_loss"] > 0


def test_the_calibration_counts_the_decisions_of_the_random_share_by_band(
    half_sampled: Store,
) -> None:
    _decide_by_truth(half_sampled)
    reviewer = Actor(half_sampled.add_user("oumar", UserRole.REVIEWER)[0])
    report = Service(half_sampled).calibration(reviewer)
    decided = [d for d in half_sampled.decided_pairs() if d["sampled"]]
    assert report["decided"] == len(decided) > 50
    assert sum(band["decisions"] for band in report["bands"]) == len(decided)
    assert sum(band["confirmed"] for band in report["bands"]) == sum(
        d["status"] == "confirmed" for d in decided
    )
    rows, _ = half_sampled.audit_rows({"action": "read_calibration"})
    assert len(rows) == 1


def test_a_caseworker_may_not_read_the_calibration(store: Store) -> None:
    caseworker = Actor(store.add_user("fanta", UserRole.CASEWORKER, "OIM")[0])
    with pytest.raises(Forbidden):
        Service(store).calibration(caseworker)


def test_a_band_gives_the_share_confirmed_beside_the_probability_the_engine_gave() -> None:
    decided = [(0.12, True), (0.15, False), (0.18, False), (0.4, True), (0.45, True), (0.7, True)]
    bands = {tuple(b["band"]): b for b in calibration_bands(decided)}
    low = bands[(0.1, 0.2)]
    assert (low["decisions"], low["confirmed"], low["observed"]) == (3, 1, 0.333)
    assert low["predicted"] == 0.15
    assert low["interval"][0] < 0.333 < low["interval"][1]
    assert bands[(0.3, 0.5)]["observed"] == 1.0
    assert bands[(0.7, 1.0)]["decisions"] == 1
    empty = bands[(0.0, 0.1)]
    assert (empty["decisions"], empty["observed"], empty["interval"]) == (0, None, None)


@pytest.mark.parametrize(
    ("lang", "heading", "line"),
    [
        (
            "fr",
            "part de la file tirée au hasard (une suggestion sur 10) : 4 décidées, "
            "1 incertaine, 12 ouvertes",
            "de 0,1 à 0,2 : 4 décisions, le moteur disait 0,15, les réviseurs ont confirmé 0,50 "
            "(de 0,15 à 0,85)",
        ),
        (
            "en",
            "queue's random share (one suggestion in 10): 4 decided, 1 unsure, 12 open",
            "0.1 to 0.2: 4 decisions, the engine said 0.15, reviewers confirmed 0.50 "
            "(0.15 to 0.85)",
        ),
    ],
)
def test_the_cli_prints_the_calibration_in_the_users_language(
    monkeypatch: pytest.MonkeyPatch, lang: str, heading: str, line: str
) -> None:
    report = {
        "share": 0.1,
        "decided": 4,
        "open": 12,
        "unsure": 1,
        "confidence": 0.95,
        "bands": calibration_bands([(0.12, True), (0.14, False), (0.16, True), (0.18, False)]),
    }
    lines = _said(lambda: print_calibration(report), lang, monkeypatch).splitlines()
    assert lines[0] == heading
    assert line in lines


def _in_the_share(record_id: str) -> dict[str, str]:
    """A record that, beside `record_id` of the OIM, makes a pair of the random share."""
    first = queue_sample.record_digest("OIM", record_id)
    for k in range(1_000):
        other = f"B-{k}"
        if queue_sample.in_sample(
            queue_sample.pair_draw(first, queue_sample.record_digest("ONG-A", other))
        ):
            return {"source": "ONG-A", "record_id": other}
    raise AssertionError("no pair of the share in a thousand")


def test_a_pair_a_reviewer_links_directly_is_never_of_the_random_share() -> None:
    pair = {"record_a": 1, "record_b": 2, "probability": 0.3, "model_version": "v", "reasons": []}
    mine = {"source": "OIM", "record_id": "A-1"}
    other = _in_the_share("A-1")
    drawn = suggestion_row(pair, mine, other)
    assert drawn["sampled"] and drawn["uncertainty"] != 0.2
    chosen = suggestion_row(pair, mine, other, queued=False)
    assert not chosen["sampled"]
    assert chosen["uncertainty"] == 0.2


def test_a_childs_pair_linked_directly_stays_out_of_the_share_when_linked_again(
    half_sampled: Store,
) -> None:
    """Confirmed once, it waits for a second reviewer (an open state): scoring it again
    must not put it back among the pairs drawn at random."""
    reviewer = Actor(half_sampled.add_user("awa", UserRole.REVIEWER)[0])
    items = half_sampled.suggestion_queue({"status": "pending"}, 10_000, count=False).items
    drawn = next(s for s in items if s["sampled"] and s["involves_minor"])
    Service(half_sampled).link_records(
        reviewer, drawn["record_a"], drawn["record_b"], DecisionKind.MATCH, None
    )
    relink_all(half_sampled)
    after = half_sampled.get_suggestion(drawn["id"])
    assert after is not None and after["status"] == "awaiting_second"
    assert not after["sampled"]
    assert after["uncertainty"] == round(abs(after["probability"] - 0.5), 6)
